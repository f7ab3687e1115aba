using System;

namespace GenImage;

/// <summary>The connection a session uses: where, as whom, which subscription. Never holds a token.</summary>
public sealed class GenImageContext
{
    public string Environment { get; set; } = "AzureCloud";
    public string SubscriptionId { get; set; } = string.Empty;
    public string? SubscriptionName { get; set; }
    public string? TenantId { get; set; }
    /// <summary>The signed-in principal as far as it is known (a UPN, an app id, "managed identity").</summary>
    public string? Account { get; set; }
    /// <summary>The signed-in principal's object id (the token's oid), for permission checks; null when unknown.</summary>
    public string? ObjectId { get; set; }
    public Uri? Endpoint { get; set; }
    public bool IsEmulator { get; set; }
    public string CredentialType { get; set; } = string.Empty;
    public DateTimeOffset ConnectedAt { get; set; }

    /// <summary>
    /// The Azure.Core the engine's calls run on and the AssemblyLoadContext it came from, e.g.
    /// "Azure.Core 1.60.0.0 (GenImage.Loader.PrivateLoadContext)": another module's Azure.Core (Az.Accounts)
    /// may be loaded in the same session without being used by GenImage.
    /// </summary>
    public string? AzureSdk { get; set; }

    /// <summary>
    /// Process: every runspace of the process (ThreadJobs, ForEach-Object -Parallel) uses this connection.
    /// Runspace: only the runspace that connected.
    /// </summary>
    public string Scope { get; set; } = "Process";
}
