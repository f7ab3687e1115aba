using System;

namespace GenImage;

/// <summary>A virtual machine as GenImage sees it: the facts that decide whether and how it can be imaged.</summary>
public sealed class SourceVm
{
    public string Id { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string SubscriptionId { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    public string? VmSize { get; set; }
    /// <summary>Windows or Linux.</summary>
    public string? OsType { get; set; }
    public string? OsName { get; set; }
    /// <summary>V1 or V2 (from the instance view).</summary>
    public string? HyperVGeneration { get; set; }
    /// <summary>Standard, TrustedLaunch or ConfidentialVM.</summary>
    public string SecurityType { get; set; } = "Standard";
    /// <summary>running, stopped, deallocated, starting, stopping, deallocating, or unknown.</summary>
    public string PowerState { get; set; } = "unknown";
    /// <summary>"generalized" once the VM has been generalized; otherwise null.</summary>
    public string? OsState { get; set; }
    public bool IsGeneralized => string.Equals(OsState, "generalized", StringComparison.OrdinalIgnoreCase);
    public string? ProvisioningState { get; set; }
    /// <summary>Ready, Not Ready, or null when the VM reports no agent.</summary>
    public string? AgentStatus { get; set; }
    public string? AgentVersion { get; set; }
    public string? OsDiskId { get; set; }
    public int? OsDiskSizeGB { get; set; }
    public string? OsDiskStorageAccountType { get; set; }
    /// <summary>The marketplace purchase plan as "publisher/product/name"; null when the VM has no plan.</summary>
    public string? PurchasePlan { get; set; }
    /// <summary>The marketplace image the VM was created from; null when it was made from a custom image (see <see cref="ImageReferenceId"/>).</summary>
    public MarketplaceImage? BaseImage { get; set; }
    /// <summary><c>imageReference.id</c> (a gallery image, version or managed image), or a shared/community gallery image id; null for a marketplace image.</summary>
    public string? ImageReferenceId { get; set; }
    public System.Collections.Generic.IDictionary<string, string> Tags { get; set; } =
        new System.Collections.Generic.Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
