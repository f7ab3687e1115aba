using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace GenImage.Core.Fleet;

/// <summary>A VM as the fleet view needs it: the image it was created from, its disk and NICs, age and tags.</summary>
public sealed class FleetVm
{
    public string Id { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    /// <summary><c>imageReference.id</c>: a gallery definition ("latest"), a version or a managed image; null for a marketplace image.</summary>
    public string? ImageReferenceId { get; set; }
    /// <summary><c>imageReference.exactVersion</c>: the version "latest" resolved to when the VM was created.</summary>
    public string? ExactVersion { get; set; }
    /// <summary>Marketplace image "publisher/offer/sku/version", when the VM came from one.</summary>
    public string? PlatformImage { get; set; }
    /// <summary>"generalized" when the instance view says so; else null.</summary>
    public string? OsState { get; set; }
    public string? PowerState { get; set; }
    public DateTimeOffset? TimeCreated { get; set; }
    public string? OsDiskId { get; set; }
    public int? OsDiskSizeGB { get; set; }
    public IList<string> NetworkInterfaceIds { get; set; } = new List<string>();
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A scale set and the image its model uses.</summary>
public sealed class FleetScaleSet
{
    public string Id { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    public string? ImageReferenceId { get; set; }
    public long? Capacity { get; set; }
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A managed disk: attached or not, its size, age and the image it was created from.</summary>
public sealed class FleetDisk
{
    public string Id { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    /// <summary>The VM the disk is attached to; null when unattached.</summary>
    public string? ManagedBy { get; set; }
    /// <summary>Attached, Unattached, Reserved, ActiveSAS, …</summary>
    public string? DiskState { get; set; }
    public int? SizeGB { get; set; }
    public string? StorageAccountType { get; set; }
    public DateTimeOffset? TimeCreated { get; set; }
    /// <summary>creationData's gallery image or image reference.</summary>
    public string? ImageReferenceId { get; set; }
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    public bool IsUnattached => ManagedBy == null && !string.Equals(DiskState, "Attached", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A network interface and the VM that uses it.</summary>
public sealed class FleetNic
{
    public string Id { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    /// <summary>The VM the NIC is attached to; null when it is not.</summary>
    public string? VirtualMachineId { get; set; }
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// The ARM reads and deletes of the fleet view (inventory, leftovers, consumers). The ARM implementation wraps the
/// Azure SDK (lists follow nextLink); tests use fakes. Lists take a resource group, or null for the subscription.
/// Get methods return null for a resource that does not exist; every method throws
/// <see cref="Errors.GenImageException"/> for ARM failures.
/// </summary>
public interface IFleetOperations
{
    string SubscriptionId { get; }

    Task<IReadOnlyList<ImageGallery>> ListGalleriesAsync(string? resourceGroup, CancellationToken cancellationToken);
    Task<IReadOnlyList<GalleryImageDefinition>> ListDefinitionsAsync(string resourceGroup, string gallery, CancellationToken cancellationToken);
    /// <summary>One list call (and its pages): no replication status.</summary>
    Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken);
    Task<GalleryImageVersion?> GetVersionAsync(string versionId, bool withReplicationStatus, CancellationToken cancellationToken);

    /// <summary>VMs with their instance view (one list call and its pages).</summary>
    Task<IReadOnlyList<FleetVm>> ListVmsAsync(string? resourceGroup, CancellationToken cancellationToken);
    Task<IReadOnlyList<FleetScaleSet>> ListScaleSetsAsync(string? resourceGroup, CancellationToken cancellationToken);
    Task<IReadOnlyList<FleetDisk>> ListDisksAsync(string? resourceGroup, CancellationToken cancellationToken);
    Task<IReadOnlyList<FleetNic>> ListNicsAsync(string? resourceGroup, CancellationToken cancellationToken);
    Task<IReadOnlyList<ManagedImage>> ListManagedImagesAsync(string? resourceGroup, CancellationToken cancellationToken);

    Task<FleetVm?> GetVmAsync(string vmId, CancellationToken cancellationToken);
    Task<FleetDisk?> GetDiskAsync(string diskId, CancellationToken cancellationToken);
    Task<FleetNic?> GetNicAsync(string nicId, CancellationToken cancellationToken);
    Task<ManagedImage?> GetManagedImageAsync(string imageId, CancellationToken cancellationToken);

    /// <summary>
    /// The versions of a marketplace image in a region (VirtualMachineImages_List: one call, no paging); null when the
    /// region does not offer the image (404).
    /// </summary>
    Task<IReadOnlyList<string>?> ListPlatformImageVersionsAsync(string location, string publisher, string offer, string sku, CancellationToken cancellationToken);

    /// <summary>Deletes and waits; succeeds when the resource does not exist.</summary>
    Task DeleteAsync(string resourceId, CancellationToken cancellationToken);
}
