using System;
using System.Collections.Generic;

namespace GenImage;

/// <summary>An Azure Compute Gallery.</summary>
public sealed class ImageGallery
{
    public string Id { get; set; } = string.Empty;
    public string SubscriptionId { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    public string? Description { get; set; }
    public string? ProvisioningState { get; set; }
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A managed image (Microsoft.Compute/images), the legacy capture target.</summary>
public sealed class ManagedImage
{
    public string Id { get; set; } = string.Empty;
    public string SubscriptionId { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    /// <summary>The VM the image was captured from.</summary>
    public string? SourceId { get; set; }
    public string? OsType { get; set; }
    /// <summary>Generalized or Specialized.</summary>
    public string? OsState { get; set; }
    public string? HyperVGeneration { get; set; }
    public int? OsDiskSizeGB { get; set; }
    /// <summary>The managed disk the image was captured from (storageProfile.osDisk.managedDisk.id), when ARM reports it.</summary>
    public string? OsDiskId { get; set; }
    public string? ProvisioningState { get; set; }
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// What Publish-GalleryImageVersion (promote) or Undo-GalleryImageVersion (roll back) did, and which version
/// "latest" of the definition resolves to afterwards.
/// </summary>
public sealed class GalleryReleaseResult
{
    /// <summary>Promote or Rollback.</summary>
    public string Action { get; set; } = string.Empty;
    /// <summary>The id of the version that was promoted or rolled back.</summary>
    public string Id { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string GalleryName { get; set; } = string.Empty;
    public string DefinitionName { get; set; } = string.Empty;
    /// <summary>The version that was promoted or rolled back.</summary>
    public string Name { get; set; } = string.Empty;
    /// <summary>False when the version was already in the asked state (nothing was written).</summary>
    public bool Changed { get; set; }
    /// <summary>The version's exclude-from-latest flag after the operation.</summary>
    public bool ExcludeFromLatest { get; set; }
    /// <summary>The version "latest" resolved to before the operation; null when none.</summary>
    public string? PreviousLatestVersion { get; set; }
    /// <summary>The version "latest" resolves to now; null when no version qualifies.</summary>
    public string? LatestVersion { get; set; }
    /// <summary>The id of <see cref="LatestVersion"/>.</summary>
    public string? LatestVersionId { get; set; }
    /// <summary>The version after the operation.</summary>
    public GalleryImageVersion? Version { get; set; }
}
