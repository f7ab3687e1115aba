using System;
using System.Collections.Generic;

namespace GenImage;

/// <summary>One gallery image version as Get-ImageInventory sees it: age, end of life, release channel, validation, replication.</summary>
public sealed class ImageVersionInventory
{
    public string Id { get; set; } = string.Empty;
    public string SubscriptionId { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string GalleryName { get; set; } = string.Empty;
    public string DefinitionName { get; set; } = string.Empty;
    /// <summary>The version, Major.Minor.Patch.</summary>
    public string Name { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    public DateTimeOffset? PublishedDate { get; set; }
    /// <summary>Days since <see cref="PublishedDate"/> (one decimal); null when ARM did not report it.</summary>
    public double? AgeDays { get; set; }
    /// <summary>The version's end of life, or the definition's when the version has none.</summary>
    public DateTimeOffset? EndOfLifeDate { get; set; }
    /// <summary>None, Scheduled, Near (within the warning window) or Past.</summary>
    public string EndOfLife { get; set; } = InventoryStates.EndOfLifeNone;
    /// <summary>Days until <see cref="EndOfLifeDate"/> (negative when past); null without one.</summary>
    public double? DaysToEndOfLife { get; set; }
    public bool ExcludeFromLatest { get; set; }
    /// <summary>True when "latest" of the definition resolves to this version.</summary>
    public bool IsLatest { get; set; }
    /// <summary>From the validations recorded on the version (<c>genimage.validation.REGION</c> tags): true when the newest of each region passed, false when one failed, null without a record.</summary>
    public bool? Validated { get; set; }
    /// <summary>The recorded validation result as tagged (Succeeded, Failed, …); null when none was recorded.</summary>
    public string? ValidationResult { get; set; }
    /// <summary>Creating, Updating, Succeeded, Failed, Deleting.</summary>
    public string ProvisioningState { get; set; } = string.Empty;
    /// <summary>Completed, InProgress, Failed or Unknown (see docs/cmdlets/Get-ImageInventory.md for how it is known).</summary>
    public string ReplicationState { get; set; } = "Unknown";
    /// <summary>Target regions whose replication failed.</summary>
    public IList<string> FailedRegions { get; set; } = new List<string>();
    public IList<RegionReplication> Regions { get; set; } = new List<RegionReplication>();
    public int RegionCount { get; set; }
    /// <summary>Replicas over all target regions (the sum of the regional replica counts).</summary>
    public int TotalReplicas { get; set; }
    /// <summary>The storage account types of the replicas, e.g. "Standard_LRS, Standard_ZRS".</summary>
    public string StorageAccountTypes { get; set; } = string.Empty;
    public int? OsDiskSizeGB { get; set; }
    /// <summary>Estimate: OS disk image size x replicas (assumption: each replica stores one copy at the image's provisioned size).</summary>
    public int? ReplicaStorageGB { get; set; }
    /// <summary>The VM, managed image or gallery image version the version was made from.</summary>
    public string? SourceId { get; set; }
    /// <summary>VirtualMachine, ManagedImage, GalleryImageVersion or Unknown.</summary>
    public string SourceKind { get; set; } = "Unknown";
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    /// <summary>The marketplace image the version was built on, "publisher/offer/sku" (genimage.base.* tags); null when it records none.</summary>
    public string? BaseImage { get; set; }
    /// <summary>The marketplace image's version the version was built on; null when it records none.</summary>
    public string? BaseVersion { get; set; }
    /// <summary>The definition's id.</summary>
    public string DefinitionId { get; set; } = string.Empty;
}

/// <summary>One image definition as Get-ImageInventory sees it: its versions, newest, latest and staleness.</summary>
public sealed class ImageDefinitionInventory
{
    public string Id { get; set; } = string.Empty;
    public string SubscriptionId { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string GalleryName { get; set; } = string.Empty;
    /// <summary>The definition name.</summary>
    public string Name { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    public string OsType { get; set; } = string.Empty;
    public string HyperVGeneration { get; set; } = string.Empty;
    public string SecurityType { get; set; } = "Standard";
    public int VersionCount { get; set; }
    /// <summary>The highest version number.</summary>
    public string? NewestVersion { get; set; }
    /// <summary>When the most recently published version was published.</summary>
    public DateTimeOffset? LastPublished { get; set; }
    /// <summary>Days since <see cref="LastPublished"/>.</summary>
    public double? DaysSinceLastPublished { get; set; }
    /// <summary>What "latest" resolves to; null when no version qualifies.</summary>
    public string? LatestVersion { get; set; }
    /// <summary>No version was published within the stale window (or the definition has none).</summary>
    public bool Stale { get; set; }
    public int FailedVersions { get; set; }
    public int PastEndOfLife { get; set; }
    public int NearEndOfLife { get; set; }
    public int ExcludedFromLatest { get; set; }
    public int TotalReplicas { get; set; }
    /// <summary>Estimate: the sum of the versions' <see cref="ImageVersionInventory.ReplicaStorageGB"/>.</summary>
    public int ReplicaStorageGB { get; set; }
    /// <summary>The version whose base is judged: the one latest resolves to, else the newest; null without versions.</summary>
    public string? BaseOfVersion { get; set; }
    /// <summary>The marketplace image that version was built on, "publisher/offer/sku"; null when it records none.</summary>
    public string? BaseImage { get; set; }
    /// <summary>The marketplace image's version that version was built on.</summary>
    public string? BaseVersion { get; set; }
    /// <summary>The newest version of <see cref="BaseImage"/> the platform offers in the version's region.</summary>
    public string? NewestBaseVersion { get; set; }
    /// <summary>How many offered versions are newer than <see cref="BaseVersion"/>; null when unknown.</summary>
    public int? BaseVersionsBehind { get; set; }
    /// <summary>Current, Outdated or Unknown: a base without record, no longer offered or unreadable is Unknown, never Current.</summary>
    public string BaseState { get; set; } = InventoryStates.BaseUnknown;
    /// <summary>True when the platform offers a newer version of the base.</summary>
    public bool BaseOutdated => BaseState == InventoryStates.BaseOutdated;
    /// <summary>Why <see cref="BaseState"/> is Unknown; null otherwise.</summary>
    public string? BaseNote { get; set; }
    public IList<ImageVersionInventory> Versions { get; set; } = new List<ImageVersionInventory>();
}

/// <summary>
/// Something Get-ImageInventory marks as left over (a cost nothing needs any more), with why. Remove-ImageLeftover
/// removes only objects of this type, which only the inventory creates; their properties cannot be changed.
/// </summary>
public sealed class ImageLeftover
{
    internal ImageLeftover(string kind, string id, string name, string resourceGroupName, string location, double? ageDays,
        string reason, string? relatedId, int? sizeGB, IReadOnlyList<string> alsoRemoves, DateTimeOffset markedAt)
    {
        Kind = kind;
        Id = id;
        Name = name;
        ResourceGroupName = resourceGroupName;
        Location = location;
        AgeDays = ageDays;
        Reason = reason;
        RelatedId = relatedId;
        SizeGB = sizeGB;
        AlsoRemoves = alsoRemoves;
        MarkedAt = markedAt;
    }

    /// <summary>ValidationVm, ValidationDisk, ValidationNic, SourceDisk, KeptSourceVm, FailedVersion or UnreferencedImage.</summary>
    public string Kind { get; }
    /// <summary>The resource to remove.</summary>
    public string Id { get; }
    public string Name { get; }
    public string ResourceGroupName { get; }
    public string Location { get; }
    /// <summary>Days since the resource was created (a version: published); null when ARM does not report it.</summary>
    public double? AgeDays { get; }
    /// <summary>Why it is a leftover, in an operator's words.</summary>
    public string Reason { get; }
    /// <summary>The image (or source VM) it relates to, when known.</summary>
    public string? RelatedId { get; }
    /// <summary>Disk size, or the replica storage estimate of a version; null when not a disk or not known.</summary>
    public int? SizeGB { get; }
    /// <summary>Resources removed with it: a VM's OS disk and validation NICs.</summary>
    public IReadOnlyList<string> AlsoRemoves { get; }
    /// <summary>When the inventory marked it.</summary>
    public DateTimeOffset MarkedAt { get; }
}

/// <summary>What Remove-ImageLeftover did with one leftover.</summary>
public sealed class LeftoverRemovalResult
{
    public string Kind { get; set; } = string.Empty;
    public string Id { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    /// <summary>Removed, Skipped (no longer a leftover, or already gone) or Failed.</summary>
    public string Status { get; set; } = string.Empty;
    public string Detail { get; set; } = string.Empty;
    /// <summary>Every resource deleted for this leftover (the leftover and what it took along).</summary>
    public IList<string> Deleted { get; set; } = new List<string>();
    public TimeSpan Duration { get; set; }
}

/// <summary>The roll-up of an inventory, for a cost review: counts, replica storage estimates, leftovers. No prices.</summary>
public sealed class ImageInventorySummary
{
    /// <summary>subscription …, resource group …, or gallery ….</summary>
    public string Scope { get; set; } = string.Empty;
    public DateTimeOffset GeneratedAt { get; set; }
    public int Galleries { get; set; }
    public int Definitions { get; set; }
    public int Versions { get; set; }
    public int FailedVersions { get; set; }
    public int PastEndOfLife { get; set; }
    public int NearEndOfLife { get; set; }
    public int ExcludedFromLatest { get; set; }
    public int StaleDefinitions { get; set; }
    public int DefinitionsWithoutLatest { get; set; }
    /// <summary>Definitions whose latest version sits on a marketplace base the platform has newer versions of.</summary>
    public int OutdatedBaseDefinitions { get; set; }
    /// <summary>Definitions whose base could not be judged (no record, no longer offered, unreadable).</summary>
    public int UnknownBaseDefinitions { get; set; }
    public int Regions { get; set; }
    public int TotalReplicas { get; set; }
    /// <summary>Estimate of replica storage (GB) per storage account type.</summary>
    public IDictionary<string, int> ReplicaStorageGB { get; set; } = new SortedDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
    public int Leftovers { get; set; }
    public IDictionary<string, int> LeftoversByKind { get; set; } = new SortedDictionary<string, int>(StringComparer.Ordinal);
    /// <summary>Provisioned size of the disks among the leftovers (leftover disks and VM OS disks removed with them, where known).</summary>
    public int LeftoverDiskGB { get; set; }
    /// <summary>The thresholds used: leftover age, end-of-life warning, stale window (days).</summary>
    public string Thresholds { get; set; } = string.Empty;
    /// <summary>How the estimates were made; prices are never shown.</summary>
    public IList<string> Assumptions { get; set; } = new List<string>();
}

/// <summary>String values of the inventory's states and kinds.</summary>
public static class InventoryStates
{
    public const string EndOfLifeNone = "None";
    public const string EndOfLifeScheduled = "Scheduled";
    public const string EndOfLifeNear = "Near";
    public const string EndOfLifePast = "Past";
    public const string BaseCurrent = "Current";
    public const string BaseOutdated = "Outdated";
    public const string BaseUnknown = "Unknown";
}

/// <summary>The kinds of leftovers.</summary>
public static class LeftoverKinds
{
    public const string ValidationVm = "ValidationVm";
    public const string ValidationDisk = "ValidationDisk";
    public const string ValidationNic = "ValidationNic";
    public const string SourceDisk = "SourceDisk";
    public const string KeptSourceVm = "KeptSourceVm";
    public const string FailedVersion = "FailedVersion";
    public const string UnreferencedImage = "UnreferencedImage";
}

/// <summary>A VM, scale set or template that references an image: who is hit when the image is promoted, rolled back or removed.</summary>
public sealed class ImageConsumer
{
    /// <summary>VirtualMachine, ScaleSet or Template.</summary>
    public string Kind { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    /// <summary>The VM's or scale set's resource group; empty for a template.</summary>
    public string ResourceGroupName { get; set; } = string.Empty;
    /// <summary>The VM's or scale set's id, or the template file's full path.</summary>
    public string Id { get; set; } = string.Empty;
    /// <summary>Version (pinned to a version), Latest (the definition, or version "latest") or ManagedImage.</summary>
    public string Via { get; set; } = string.Empty;
    /// <summary>The reference as the consumer has it: an image id, or the template's text.</summary>
    public string Reference { get; set; } = string.Empty;
    /// <summary>The version or definition id the reference names (for a template, when its parts are literal).</summary>
    public string? ReferencedId { get; set; }
    /// <summary>A VM on latest: the version it was created from (imageReference.exactVersion).</summary>
    public string? ExactVersion { get; set; }
    /// <summary>Template: line and column of the reference (1-based).</summary>
    public int? Line { get; set; }
    public int? Column { get; set; }
    /// <summary>The image asked about.</summary>
    public string ImageId { get; set; } = string.Empty;
}
