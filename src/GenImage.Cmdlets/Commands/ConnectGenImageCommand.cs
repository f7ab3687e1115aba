using System;
using System.Management.Automation;
using System.Security;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Connection;
using GenImage.Core.Errors;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Connects GenImage to Azure Resource Manager, or to the local GenImage emulator.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "GenImage", DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(GenImageContext))]
public sealed class ConnectGenImageCommand : GenImageCmdlet
{
    private const string DefaultSet = "Default";
    private const string IdentitySet = "ManagedIdentity";
    private const string SecretSet = "ServicePrincipalSecret";
    private const string CertificateSet = "ServicePrincipalCertificate";
    private const string DeviceCodeSet = "DeviceCode";
    private const string EmulatorSet = "Emulator";

    [Parameter(ParameterSetName = DefaultSet)]
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = SecretSet)]
    [Parameter(ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    public GenImageEnvironment Environment { get; set; } = GenImageEnvironment.AzureCloud;

    [Parameter(ParameterSetName = DefaultSet)]
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Alias("TenantId")]
    [ValidateNotNullOrEmpty]
    public string? Tenant { get; set; }

    /// <summary>
    /// Process (default): every runspace of the process uses the connection, ThreadJobs and ForEach-Object -Parallel
    /// included. Runspace: only this runspace. Default from $GenImageContextScope, else Process.
    /// </summary>
    [Parameter]
    [ValidateSet(SessionConnections.Process, SessionConnections.Runspace, IgnoreCase = true)]
    public string? Scope { get; set; }

    /// <summary>Subscription id or name; without it, the first subscription the account can see.</summary>
    [Parameter]
    [Alias("SubscriptionId")]
    [ValidateNotNullOrEmpty]
    public string? Subscription { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = IdentitySet)]
    public SwitchParameter Identity { get; set; }

    /// <summary>Client id of a user-assigned managed identity.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = DefaultSet)]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    public SwitchParameter ServicePrincipal { get; set; }

    /// <summary>Application id as the user name, client secret as the password.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [ValidateNotNullOrEmpty]
    public string? ApplicationId { get; set; }

    /// <summary>A PFX file with the service principal's certificate and private key.</summary>
    [Parameter(ParameterSetName = CertificateSet)]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    [Parameter(ParameterSetName = CertificateSet)]
    public SecureString? CertificatePassword { get; set; }

    /// <summary>Thumbprint of a certificate in the CurrentUser\My store.</summary>
    [Parameter(ParameterSetName = CertificateSet)]
    [ValidateNotNullOrEmpty]
    public string? CertificateThumbprint { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    public SwitchParameter UseDeviceAuthentication { get; set; }

    /// <summary>Connect to the local GenImage emulator.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EmulatorSet)]
    public SwitchParameter Emulator { get; set; }

    /// <summary>The emulator's endpoint, https://127.0.0.1:PORT/. Without it the connection file is read.</summary>
    [Parameter(ParameterSetName = EmulatorSet)]
    public Uri? Endpoint { get; set; }

    /// <summary>SHA-256 thumbprint of the emulator's certificate; the only certificate this connection trusts.</summary>
    [Parameter(ParameterSetName = EmulatorSet)]
    [ValidateNotNullOrEmpty]
    public string? EmulatorCertificateThumbprint { get; set; }

    /// <summary>The emulator's connection file (default: $env:GENIMAGE_EMULATOR_CONNECTION or ~/.genimage/emulator.json).</summary>
    [Parameter(ParameterSetName = EmulatorSet)]
    [ValidateNotNullOrEmpty]
    public string? ConnectionFile { get; set; }

    /// <summary>The principal the emulator sees (Activity Log caller, role assignment checks).</summary>
    [Parameter(ParameterSetName = EmulatorSet)]
    [ValidateNotNullOrEmpty]
    public string? Principal { get; set; }

    protected override void ProcessRecord()
    {
        var options = new ConnectOptions
        {
            Environment = Environment,
            Subscription = Subscription,
            TenantId = Tenant,
            ClientId = ClientId,
        };
        switch (ParameterSetName)
        {
            case IdentitySet:
                options.Credential = CredentialKind.ManagedIdentity;
                break;
            case SecretSet:
                options.Credential = CredentialKind.ClientSecret;
                options.ClientId = Credential!.UserName;
                options.ClientSecret = Credential.Password;
                break;
            case CertificateSet:
                if ((CertificatePath == null) == (CertificateThumbprint == null))
                {
                    ThrowTerminatingError(ErrorRecords.Argument("CertificateSourceRequired",
                        "Give exactly one of -CertificatePath (a PFX file) or -CertificateThumbprint (a certificate in CurrentUser\\My).", null));
                }
                options.Credential = CredentialKind.ClientCertificate;
                options.ClientId = ApplicationId;
                options.CertificatePath = CertificatePath == null ? null : GetUnresolvedProviderPathFromPSPath(CertificatePath);
                options.CertificatePassword = CertificatePassword;
                options.CertificateThumbprint = CertificateThumbprint;
                break;
            case DeviceCodeSet:
                options.Credential = CredentialKind.DeviceCode;
                break;
            case EmulatorSet:
                options.Credential = CredentialKind.Emulator;
                options.EmulatorEndpoint = Endpoint;
                options.EmulatorCertificateThumbprint = EmulatorCertificateThumbprint;
                options.EmulatorConnectionFile = ConnectionFile == null ? null : GetUnresolvedProviderPathFromPSPath(ConnectionFile);
                if (Principal != null)
                {
                    options.EmulatorPrincipal = Principal;
                }

                break;
            default:
                options.Credential = CredentialKind.Default;
                break;
        }

        try
        {
            var connection = RunAsync((log, ct) => Connector.ConnectAsync(options, log, ct));
            var scope = Scope != null
                ? (string.Equals(Scope, SessionConnections.Runspace, StringComparison.OrdinalIgnoreCase) ? SessionConnections.Runspace : SessionConnections.Process)
                : (RunspaceOnly ? SessionConnections.Runspace : SessionConnections.Process);
            connection.Context.Scope = scope;
            SessionConnections.Set(SessionKey, scope, connection);
            WriteObject(connection.Context);
        }
        catch (GenImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, ex.Target));
        }
    }
}
