using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;
using GenImage.Core.Errors;
using GenImage.Core.Logging;

namespace GenImage.Core.Connection;

/// <summary>Opens a <see cref="GenImageConnection"/> from <see cref="ConnectOptions"/>.</summary>
public static class Connector
{
    private static readonly TimeSpan AzurePolling = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan EmulatorPolling = TimeSpan.FromMilliseconds(20);

    public static async Task<GenImageConnection> ConnectAsync(ConnectOptions options, IGenImageLog log, CancellationToken cancellationToken)
    {
        if (options == null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        using var scope = CallScope.Begin(log);
        var emulator = options.Credential == CredentialKind.Emulator;

        TokenCredential credential;
        var clientOptions = new ArmClientOptions();
        clientOptions.Retry.MaxRetries = 4;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Diagnostics.IsLoggingContentEnabled = false;
        // One pacer per connection: every request of it (retention's parallel deletes included) draws on the same
        // estimate of the subscription's throttling budgets. Before ArmCallPolicy, so a call's logged time excludes its wait.
        clientOptions.AddPolicy(new ArmPacingPolicy(ArmPacer.RealTime()), HttpPipelinePosition.PerRetry);
        clientOptions.AddPolicy(new ArmCallPolicy(), HttpPipelinePosition.PerRetry);
        clientOptions.AddPolicy(new Gallery.GallerySafetyPolicy(), HttpPipelinePosition.PerCall);
        Uri endpoint;
        var tenantId = options.TenantId;
        string account;
        string? objectId = null;

        if (emulator)
        {
            Uri emulatorEndpoint;
            string thumbprint;
            if (options.EmulatorEndpoint != null)
            {
                if (string.IsNullOrWhiteSpace(options.EmulatorCertificateThumbprint))
                {
                    throw new GenImageException(ErrorIds.ConnectFailed, GenImageErrorKind.InvalidArgument,
                        "-Endpoint needs -EmulatorCertificateThumbprint: the SHA-256 thumbprint the emulator printed when it started. " +
                        "GenImage trusts the emulator's self-signed certificate only when it is pinned.");
                }
                if (EmulatorConnectionFile.LoopbackProblem(options.EmulatorEndpoint) is { } problem)
                {
                    throw new GenImageException(ErrorIds.ConnectFailed, GenImageErrorKind.InvalidArgument, "-Endpoint " + problem);
                }
                emulatorEndpoint = options.EmulatorEndpoint;
                thumbprint = EmulatorConnectionFile.NormalizeThumbprint(options.EmulatorCertificateThumbprint!, "-EmulatorCertificateThumbprint");
            }
            else
            {
                var file = EmulatorConnectionFile.Read(options.EmulatorConnectionFile);
                log.Verbose($"Emulator connection file '{file.Path}': endpoint {file.Endpoint}");
                emulatorEndpoint = file.Endpoint;
                thumbprint = file.CertificateThumbprint;
                tenantId ??= file.TenantId;
            }
            tenantId ??= "00000000-0000-0000-0000-0000000000aa";
            endpoint = emulatorEndpoint;
            credential = new EmulatorCredential(options.EmulatorPrincipal, tenantId);
            clientOptions.Environment = new ArmEnvironment(emulatorEndpoint, ArmEnvironment.AzurePublicCloud.DefaultScope.Replace("/.default", "/"));
            clientOptions.Transport = new HttpClientTransport(PinnedCertificateHandler.Create(thumbprint));
            clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(50);
            clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
            account = options.EmulatorPrincipal;
            objectId = EmulatorCredential.StableGuid(options.EmulatorPrincipal);
        }
        else
        {
            var arm = EnvironmentEndpoints.Arm(options.Environment);
            clientOptions.Environment = arm;
            endpoint = arm.Endpoint;
            (credential, account) = AzureCredential(options, log);
        }

        var client = new ArmClient(credential, default(string), clientOptions);
        var subscription = await ResolveSubscriptionAsync(client, options.Subscription, cancellationToken).ConfigureAwait(false);
        var data = subscription.Data;
        if (!emulator)
        {
            (account, objectId) = await DescribeAccountAsync(credential, clientOptions.Environment!.Value, account, cancellationToken).ConfigureAwait(false);
        }

        var context = new GenImageContext
        {
            Environment = emulator ? "Emulator" : options.Environment.ToString(),
            SubscriptionId = data.SubscriptionId,
            SubscriptionName = data.DisplayName,
            TenantId = data.TenantId?.ToString() ?? tenantId,
            Account = account,
            ObjectId = objectId,
            Endpoint = endpoint,
            IsEmulator = emulator,
            CredentialType = options.Credential.ToString(),
            AzureSdk = DescribeAzureSdk(),
            ConnectedAt = DateTimeOffset.UtcNow,
        };
        var connected = new ArmClient(credential, data.SubscriptionId, clientOptions);
        log.Verbose($"Connected to {(emulator ? "the GenImage emulator" : options.Environment.ToString())} at {endpoint}, subscription {data.DisplayName} ({data.SubscriptionId}).");
        // Azure Storage (the blob run store) takes the same sign-in; the emulator's is a token Azurite accepts.
        var storageCredential = emulator ? new EmulatorCredential(options.EmulatorPrincipal, tenantId!, EmulatorCredential.StorageAudience) : credential;
        return new GenImageConnection(connected, context, options.PollingInterval ?? (emulator ? EmulatorPolling : AzurePolling), clientOptions.Transport, storageCredential);
    }

    /// <summary>"Azure.Core VERSION (LOAD CONTEXT)" of the Azure.Core this engine is bound to.</summary>
    internal static string DescribeAzureSdk()
    {
        var assembly = typeof(TokenCredential).Assembly;
        var version = assembly.GetName().Version?.ToString() ?? "unknown";
        // AssemblyLoadContext is not in netstandard2.0; on .NET Framework there is none.
        var loadContextType = Type.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: false);
        var context = loadContextType?.GetMethod("GetLoadContext", new[] { typeof(System.Reflection.Assembly) })?.Invoke(null, new object[] { assembly });
        var where = context == null ? "AppDomain" : context.GetType().FullName ?? "unknown";
        return $"Azure.Core {version} ({where})";
    }

    private static async Task<SubscriptionResource> ResolveSubscriptionAsync(ArmClient client, string? wanted, CancellationToken ct)
    {
        try
        {
            if (string.IsNullOrWhiteSpace(wanted))
            {
                return await client.GetDefaultSubscriptionAsync(ct).ConfigureAwait(false);
            }
            if (Guid.TryParse(wanted, out var id))
            {
                return (await client.GetSubscriptions().GetAsync(id.ToString(), ct).ConfigureAwait(false)).Value;
            }
            var names = new System.Collections.Generic.List<string>();
            await foreach (var sub in client.GetSubscriptions().GetAllAsync(ct).ConfigureAwait(false))
            {
                if (string.Equals(sub.Data.DisplayName, wanted, StringComparison.OrdinalIgnoreCase))
                {
                    return sub;
                }

                names.Add(sub.Data.DisplayName);
            }
            throw new GenImageException(ErrorIds.SubscriptionNotFound, GenImageErrorKind.ObjectNotFound,
                $"No subscription named '{wanted}' is visible to this account. Visible: {(names.Count == 0 ? "none" : string.Join(", ", names))}.")
            { Target = wanted };
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the subscription", wanted ?? "(default subscription)");
        }
        catch (AuthenticationFailedException ex)
        {
            throw new GenImageException(ErrorIds.ConnectFailed, GenImageErrorKind.AuthenticationError,
                "Sign-in failed: " + FirstLine(ex.Message), ex);
        }
        catch (InvalidOperationException ex) when (ex.Message.IndexOf("subscription", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            throw new GenImageException(ErrorIds.SubscriptionNotFound, GenImageErrorKind.ObjectNotFound,
                "This account can see no subscription. Grant it a role on a subscription, or pass -Subscription.", ex);
        }
    }

    private static (TokenCredential, string) AzureCredential(ConnectOptions options, IGenImageLog log)
    {
        var authority = EnvironmentEndpoints.Authority(options.Environment);
        switch (options.Credential)
        {
            case CredentialKind.ManagedIdentity:
                return (string.IsNullOrEmpty(options.ClientId)
                    ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                    : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId)),
                    string.IsNullOrEmpty(options.ClientId) ? "managed identity (system-assigned)" : $"managed identity {options.ClientId}");
            case CredentialKind.ClientSecret:
                RequireTenantAndClient(options, "-ServicePrincipal");
                if (options.ClientSecret == null)
                {
                    throw new GenImageException(ErrorIds.ConnectFailed, GenImageErrorKind.InvalidArgument,
                        "-ServicePrincipal needs -Credential: the application id as user name and the client secret as password.");
                }
                return (new ClientSecretCredential(options.TenantId, options.ClientId, Unprotect(options.ClientSecret),
                    new ClientSecretCredentialOptions { AuthorityHost = authority }), $"service principal {options.ClientId}");
            case CredentialKind.ClientCertificate:
                RequireTenantAndClient(options, "-CertificatePath/-CertificateThumbprint");
                var certificate = LoadCertificate(options);
                return (new ClientCertificateCredential(options.TenantId, options.ClientId, certificate,
                    new ClientCertificateCredentialOptions { AuthorityHost = authority }), $"service principal {options.ClientId} (certificate)");
            case CredentialKind.DeviceCode:
                var prompt = options.DeviceCodePrompt ?? (m => log.Warning(m));
                return (new DeviceCodeCredential(new DeviceCodeCredentialOptions
                {
                    AuthorityHost = authority,
                    TenantId = options.TenantId,
                    DeviceCodeCallback = (info, _) => { prompt(info.Message); return Task.CompletedTask; },
                }), "device code sign-in");
            default:
                return (new DefaultAzureCredential(new DefaultAzureCredentialOptions
                {
                    AuthorityHost = authority,
                    TenantId = options.TenantId,
                    ManagedIdentityClientId = options.ClientId,
                }), "default credential chain");
        }
    }

    private static void RequireTenantAndClient(ConnectOptions options, string parameter)
    {
        if (string.IsNullOrWhiteSpace(options.TenantId) || string.IsNullOrWhiteSpace(options.ClientId))
        {
            throw new GenImageException(ErrorIds.ConnectFailed, GenImageErrorKind.InvalidArgument,
                $"{parameter} needs -Tenant and the application (client) id.");
        }
    }

    private static X509Certificate2 LoadCertificate(ConnectOptions options)
    {
        if (!string.IsNullOrEmpty(options.CertificatePath))
        {
            var password = options.CertificatePassword == null ? null : Unprotect(options.CertificatePassword);
            return new X509Certificate2(options.CertificatePath!, password, X509KeyStorageFlags.DefaultKeySet);
        }
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadOnly);
        var found = store.Certificates.Find(X509FindType.FindByThumbprint, options.CertificateThumbprint ?? string.Empty, validOnly: false);
        if (found.Count == 0)
        {
            throw new GenImageException(ErrorIds.ConnectFailed, GenImageErrorKind.ObjectNotFound,
                $"No certificate with thumbprint {options.CertificateThumbprint} in the CurrentUser\\My store. Use -CertificatePath for a PFX file.");
        }
        return found[0];
    }

    /// <summary>Who the token says we are (upn, app id) and its object id (oid), read from its claims; the token itself is dropped.</summary>
    private static async Task<(string Account, string? ObjectId)> DescribeAccountAsync(TokenCredential credential, ArmEnvironment environment, string fallback, CancellationToken ct)
    {
        try
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext(new[] { environment.DefaultScope }), ct).ConfigureAwait(false);
            var parts = token.Token.Split('.');
            if (parts.Length < 2)
            {
                return (fallback, null);
            }

            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            var oid = doc.RootElement.TryGetProperty("oid", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            foreach (var claim in new[] { "upn", "unique_name", "preferred_username", "appid", "oid" })
            {
                if (doc.RootElement.TryGetProperty(claim, out var v) && v.ValueKind == JsonValueKind.String)
                {
                    return (v.GetString() ?? fallback, oid);
                }
            }
            return (fallback, oid);
        }
        catch (Exception ex) when (ex is FormatException || ex is JsonException || ex is AuthenticationFailedException)
        {
            return (fallback, null);
        }
    }

    private static string Unprotect(SecureString secret)
    {
        var ptr = IntPtr.Zero;
        try
        {
            ptr = Marshal.SecureStringToGlobalAllocUnicode(secret);
            return Marshal.PtrToStringUni(ptr) ?? string.Empty;
        }
        finally
        {
            if (ptr != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }
    }

    private static string FirstLine(string text)
    {
        var i = text.IndexOf('\n');
        return (i < 0 ? text : text.Substring(0, i)).Trim();
    }
}
