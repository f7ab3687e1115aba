using System;
using System.Collections.Generic;

namespace GenImage;

/// <summary>An Azure Compute Gallery image definition.</summary>
public sealed class GalleryImageDefinition
{
    public string Id { get; set; } = string.Empty;
    public string SubscriptionId { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string GalleryName { get; set; } = string.Empty;
    /// <summary>The definition name.</summary>
    public string Name { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    public string Publisher { get; set; } = string.Empty;
    public string Offer { get; set; } = string.Empty;
    public string Sku { get; set; } = string.Empty;
    /// <summary>Windows or Linux.</summary>
    public string OsType { get; set; } = string.Empty;
    /// <summary>Generalized or Specialized.</summary>
    public string OsState { get; set; } = "Generalized";
    /// <summary>V1 or V2.</summary>
    public string HyperVGeneration { get; set; } = "V1";
    /// <summary>Standard, TrustedLaunch, TrustedLaunchSupported, ConfidentialVM, ConfidentialVMSupported, TrustedLaunchAndConfidentialVMSupported (the SecurityType feature).</summary>
    public string SecurityType { get; set; } = "Standard";
    /// <summary>x64 or Arm64.</summary>
    public string Architecture { get; set; } = "x64";
    /// <summary>SCSI or NVMe support from the DiskControllerTypes feature, e.g. "SCSI, NVMe"; null when not declared.</summary>
    public string? DiskControllerTypes { get; set; }
    public int? MinRecommendedVCpus { get; set; }
    public int? MaxRecommendedVCpus { get; set; }
    public int? MinRecommendedMemoryGB { get; set; }
    public int? MaxRecommendedMemoryGB { get; set; }
    public DateTimeOffset? EndOfLifeDate { get; set; }
    public string? Description { get; set; }
    /// <summary>Purchase plan "publisher/product/name", when the definition has one.</summary>
    public string? PurchasePlan { get; set; }
    public string? ProvisioningState { get; set; }
    public IDictionary<string, string> Features { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    /// <summary>The version "latest" resolves to (highest Succeeded version not excluded from latest); null when none. Filled by Get-GalleryImageDefinition.</summary>
    public string? LatestVersion { get; set; }
    /// <summary>How many versions the definition has, when they were listed.</summary>
    public int? VersionCount { get; set; }
}

/// <summary>One target region of an image version, as asked for and as replicated.</summary>
public sealed class TargetRegion
{
    /// <summary>Region name as ARM writes it in requests (lower case, no spaces: westeurope).</summary>
    public string Name { get; set; } = string.Empty;
    public int ReplicaCount { get; set; } = 1;
    /// <summary>Standard_LRS, Standard_ZRS or Premium_LRS.</summary>
    public string StorageAccountType { get; set; } = "Standard_LRS";
    public bool ExcludeFromLatest { get; set; }
    public override string ToString() => $"{Name}={ReplicaCount}={StorageAccountType}";
}

/// <summary>Replication of an image version in one region.</summary>
public sealed class RegionReplication
{
    public string Region { get; set; } = string.Empty;
    public int ReplicaCount { get; set; }
    public string StorageAccountType { get; set; } = string.Empty;
    public bool ExcludeFromLatest { get; set; }
    /// <summary>Unknown, Replicating, Completed or Failed.</summary>
    public string State { get; set; } = "Unknown";
    public int Progress { get; set; }
    public string? Details { get; set; }
}

/// <summary>An Azure Compute Gallery image version.</summary>
public sealed class GalleryImageVersion
{
    public string Id { get; set; } = string.Empty;
    public string SubscriptionId { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string GalleryName { get; set; } = string.Empty;
    public string DefinitionName { get; set; } = string.Empty;
    /// <summary>The version, Major.Minor.Patch.</summary>
    public string Name { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    /// <summary>Creating, Updating, Succeeded, Failed, Deleting, Migrating.</summary>
    public string ProvisioningState { get; set; } = string.Empty;
    /// <summary>Aggregated replication state: Unknown, InProgress, Completed, Failed.</summary>
    public string ReplicationState { get; set; } = "Unknown";
    public IList<RegionReplication> Regions { get; set; } = new List<RegionReplication>();
    public bool ExcludeFromLatest { get; set; }
    public DateTimeOffset? EndOfLifeDate { get; set; }
    /// <summary>safetyProfile.allowDeletionOfReplicatedLocations: a replicated region may be removed from the target regions (null: not read).</summary>
    public bool? AllowDeletionOfReplicatedLocation { get; set; }
    /// <summary>safetyProfile.blockDeletionBeforeEndOfLife: the version cannot be deleted before <see cref="EndOfLifeDate"/> (null: not read).</summary>
    public bool? BlockDeletionBeforeEndOfLife { get; set; }
    /// <summary>True when Azure refuses to delete the version now: deletion is blocked and the end of life is still ahead.</summary>
    public bool IsDeletionBlocked => BlockDeletionBeforeEndOfLife == true && EndOfLifeDate.HasValue && EndOfLifeDate.Value > DateTimeOffset.UtcNow;
    public DateTimeOffset? PublishedDate { get; set; }
    /// <summary>The VM, managed image or gallery image version the version was made from.</summary>
    public string? SourceId { get; set; }
    public int? OsDiskSizeGB { get; set; }
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    /// <summary>True when "latest" of the definition resolves to this version (known when the definition's versions were listed).</summary>
    public bool IsLatest { get; set; }
    /// <summary>The definition's id (the version id without /versions/NAME).</summary>
    public string DefinitionId => Id.Length == 0 || Id.LastIndexOf("/versions/", StringComparison.OrdinalIgnoreCase) < 0
        ? string.Empty
        : Id.Substring(0, Id.LastIndexOf("/versions/", StringComparison.OrdinalIgnoreCase));
}
