using System;
using System.Security;

namespace GenImage.Core.Connection;

/// <summary>How Connect-GenImage authenticates.</summary>
public enum CredentialKind : long
{
    /// <summary>Azure.Identity's default chain (environment, workload identity, managed identity, Azure CLI, …).</summary>
    Default,
    ManagedIdentity,
    ClientSecret,
    ClientCertificate,
    DeviceCode,
    /// <summary>The local ARM emulator, with a pinned certificate and an unsigned test token.</summary>
    Emulator,
}

/// <summary>Everything needed to open a connection. Built by Connect-GenImage.</summary>
public sealed class ConnectOptions
{
    public CredentialKind Credential { get; set; } = CredentialKind.Default;
    public GenImageEnvironment Environment { get; set; } = GenImageEnvironment.AzureCloud;
    /// <summary>Subscription id or display name; null picks the credential's default subscription.</summary>
    public string? Subscription { get; set; }
    public string? TenantId { get; set; }
    /// <summary>Application (client) id: service principal, or a user-assigned managed identity.</summary>
    public string? ClientId { get; set; }
    /// <summary>Service principal secret. Used only to build the credential, never stored or logged.</summary>
    public SecureString? ClientSecret { get; set; }
    public string? CertificatePath { get; set; }
    public SecureString? CertificatePassword { get; set; }
    public string? CertificateThumbprint { get; set; }

    /// <summary>Emulator endpoint (https://127.0.0.1:PORT/); null reads the connection file.</summary>
    public Uri? EmulatorEndpoint { get; set; }
    /// <summary>SHA-256 thumbprint of the emulator's certificate (hex); required with <see cref="EmulatorEndpoint"/>.</summary>
    public string? EmulatorCertificateThumbprint { get; set; }
    /// <summary>The emulator's connection file; null uses GENIMAGE_EMULATOR_CONNECTION or $HOME/.genimage/emulator.json.</summary>
    public string? EmulatorConnectionFile { get; set; }
    /// <summary>Principal the emulator's test token names (Activity Log caller, RBAC checks).</summary>
    public string EmulatorPrincipal { get; set; } = "operator@genimage.local";

    /// <summary>How often long-running operations are polled when ARM sends no Retry-After.</summary>
    public TimeSpan? PollingInterval { get; set; }

    /// <summary>Called with the device-code sign-in instructions (a URL and a one-time user code).</summary>
    public Action<string>? DeviceCodePrompt { get; set; }
}
