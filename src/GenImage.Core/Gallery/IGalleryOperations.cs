using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace GenImage.Core.Gallery;

/// <summary>What to create: a gallery image version.</summary>
public sealed class VersionCreateRequest
{
    public string Location { get; set; } = string.Empty;
    public string SourceId { get; set; } = string.Empty;
    public IList<TargetRegion> TargetRegions { get; set; } = new List<TargetRegion>();
    public int ReplicaCount { get; set; } = 1;
    public string StorageAccountType { get; set; } = "Standard_LRS";
    public bool ExcludeFromLatest { get; set; }
    public DateTimeOffset? EndOfLifeDate { get; set; }
    /// <summary>safetyProfile: null members are not sent (Azure's defaults).</summary>
    public GallerySafetyProfile Safety { get; set; } = new GallerySafetyProfile();
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>What to change on a version (PATCH); null members are left as they are.</summary>
public sealed class VersionUpdateRequest
{
    public bool? ExcludeFromLatest { get; set; }
    public DateTimeOffset? EndOfLifeDate { get; set; }
    public IList<TargetRegion>? TargetRegions { get; set; }
    public int? ReplicaCount { get; set; }
    public IDictionary<string, string>? Tags { get; set; }
    /// <summary>safetyProfile members to change.</summary>
    public GallerySafetyProfile Safety { get; set; } = new GallerySafetyProfile();

    public bool IsEmpty => ExcludeFromLatest == null && EndOfLifeDate == null && TargetRegions == null && ReplicaCount == null && Tags == null && Safety.IsEmpty;
}

/// <summary>A version as read while polling, with the Retry-After the service asked for.</summary>
public sealed class VersionPoll
{
    public VersionPoll(GalleryImageVersion version, TimeSpan? retryAfter)
    {
        Version = version;
        RetryAfter = retryAfter;
    }

    public GalleryImageVersion Version { get; }
    public TimeSpan? RetryAfter { get; }
}

/// <summary>
/// The gallery and image operations the engine needs. The ARM implementation wraps the Azure SDK; tests use
/// fakes. Every method throws <see cref="Errors.GenImageException"/> for ARM failures; Get methods return null
/// for a resource that does not exist.
/// </summary>
public interface IGalleryOperations
{
    /// <summary>Waits this long between two polls at least.</summary>
    TimeSpan PollingInterval { get; }

    Task<string?> GetResourceGroupLocationAsync(string resourceGroup, CancellationToken cancellationToken);
    Task<ImageGallery?> GetGalleryAsync(string resourceGroup, string gallery, CancellationToken cancellationToken);
    Task<ImageGallery> CreateGalleryAsync(string resourceGroup, string gallery, string location, CancellationToken cancellationToken);

    Task<GalleryImageDefinition?> GetDefinitionAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken);
    Task<IReadOnlyList<GalleryImageDefinition>> ListDefinitionsAsync(string resourceGroup, string gallery, CancellationToken cancellationToken);
    Task<GalleryImageDefinition> CreateDefinitionAsync(GalleryImageDefinition definition, CancellationToken cancellationToken);

    /// <summary>One version, with replication status when <paramref name="withReplicationStatus"/>.</summary>
    Task<GalleryImageVersion?> GetVersionAsync(string versionId, bool withReplicationStatus, CancellationToken cancellationToken);
    /// <summary>One version with replication status, and the Retry-After of the answer.</summary>
    Task<VersionPoll> PollVersionAsync(string versionId, CancellationToken cancellationToken);
    /// <summary>The versions of a definition (no replication status: the list API does not return it).</summary>
    Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken);
    /// <summary>Sends the PUT and returns once ARM accepted it, with the Retry-After of the answer.</summary>
    Task<TimeSpan?> BeginCreateVersionAsync(string versionId, VersionCreateRequest request, CancellationToken cancellationToken);
    /// <summary>PATCHes a version and waits for the update to finish.</summary>
    Task<GalleryImageVersion> UpdateVersionAsync(string versionId, VersionUpdateRequest request, CancellationToken cancellationToken);
    Task DeleteVersionAsync(string versionId, CancellationToken cancellationToken);

    Task<ManagedImage?> GetManagedImageAsync(string imageId, CancellationToken cancellationToken);
    /// <summary>Captures a managed image from a generalized VM and waits for it.</summary>
    Task<ManagedImage> CreateManagedImageAsync(string imageId, string location, string sourceVmId, string? hyperVGeneration, IDictionary<string, string> tags, CancellationToken cancellationToken);
}
