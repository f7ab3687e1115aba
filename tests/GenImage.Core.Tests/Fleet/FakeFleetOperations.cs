using GenImage.Core.Errors;
using GenImage.Core.Fleet;
using GenImage.Core.Gallery;

namespace GenImage.Core.Tests.Fleet;

/// <summary>An in-memory fleet: galleries, definitions, versions, VMs, scale sets, disks, NICs, managed images; counts reads and records deletes.</summary>
internal sealed class FakeFleetOperations : IFleetOperations
{
    public const string Sub = "00000000-0000-0000-0000-000000000001";
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public string SubscriptionId => Sub;
    public List<ImageGallery> Galleries { get; } = new();
    public List<GalleryImageDefinition> Definitions { get; } = new();
    public List<GalleryImageVersion> Versions { get; } = new();
    public List<FleetVm> Vms { get; } = new();
    public List<FleetScaleSet> ScaleSets { get; } = new();
    public List<FleetDisk> Disks { get; } = new();
    public List<FleetNic> Nics { get; } = new();
    public List<ManagedImage> Images { get; } = new();

    /// <summary>"list-versions rg/gallery/definition", "get-version id (expand)", "list-vms", …, in call order.</summary>
    public List<string> Reads { get; } = new();
    public List<string> Deleted { get; } = new();

    /// <summary>Ids whose delete fails with an ARM-like error.</summary>
    public HashSet<string> FailDeletes { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Deletes running at the same moment, and the most seen.</summary>
    private int _running;
    public int MostConcurrentDeletes { get; private set; }

    /// <summary>Each delete waits until this many deletes are running (or 2 s passed), so a test can see parallelism.</summary>
    public int DeleteRendezvous { get; set; } = 1;

    public static string Rg(string rg) => $"/subscriptions/{Sub}/resourceGroups/{rg}";
    public static string VmId(string rg, string name) => $"{Rg(rg)}/providers/Microsoft.Compute/virtualMachines/{name}";
    public static string DiskId(string rg, string name) => $"{Rg(rg)}/providers/Microsoft.Compute/disks/{name}";
    public static string NicId(string rg, string name) => $"{Rg(rg)}/providers/Microsoft.Network/networkInterfaces/{name}";
    public static string ImageId(string rg, string name) => $"{Rg(rg)}/providers/Microsoft.Compute/images/{name}";

    public GalleryImageDefinition AddDefinition(string rg, string gallery, string name, DateTimeOffset? endOfLife = null)
    {
        if (!Galleries.Any(g => g.Name == gallery && g.ResourceGroupName == rg))
        {
            Galleries.Add(new ImageGallery { Id = GalleryIds.Gallery(Sub, rg, gallery), Name = gallery, ResourceGroupName = rg, SubscriptionId = Sub, Location = "westeurope" });
        }

        var d = new GalleryImageDefinition
        {
            Id = GalleryIds.Definition(Sub, rg, gallery, name), SubscriptionId = Sub, ResourceGroupName = rg, GalleryName = gallery, Name = name,
            Location = "westeurope", OsType = "Windows", HyperVGeneration = "V2", EndOfLifeDate = endOfLife,
        };
        Definitions.Add(d);
        return d;
    }

    public GalleryImageVersion AddVersion(GalleryImageDefinition d, string name, double ageDays, string state = "Succeeded", bool excluded = false,
        string? source = null, double? endOfLifeInDays = null, int sizeGB = 127, params (string Region, int Replicas, string Storage, string State)[] regions)
    {
        var v = new GalleryImageVersion
        {
            Id = GalleryIds.Version(Sub, d.ResourceGroupName, d.GalleryName, d.Name, name), SubscriptionId = Sub, ResourceGroupName = d.ResourceGroupName,
            GalleryName = d.GalleryName, DefinitionName = d.Name, Name = name, Location = "westeurope", ProvisioningState = state, ExcludeFromLatest = excluded,
            PublishedDate = Now.AddDays(-ageDays), EndOfLifeDate = endOfLifeInDays is { } e ? Now.AddDays(e) : null, SourceId = source, OsDiskSizeGB = sizeGB,
        };
        foreach (var (region, replicas, storage, regionState) in regions.Length == 0 ? [("westeurope", 1, "Standard_LRS", "Completed")] : regions)
        {
            v.Regions.Add(new RegionReplication { Region = region, ReplicaCount = replicas, StorageAccountType = storage, State = regionState });
        }

        Versions.Add(v);
        return v;
    }

    public FleetVm AddVm(string rg, string name, double ageDays = 30, string? image = null, string? osState = null, bool validation = false, string? nic = null)
    {
        var vm = new FleetVm
        {
            Id = VmId(rg, name), Name = name, ResourceGroupName = rg, Location = "westeurope", ImageReferenceId = image, OsState = osState,
            TimeCreated = Now.AddDays(-ageDays), OsDiskId = DiskId(rg, name + "-osdisk"), OsDiskSizeGB = 127,
        };
        if (validation)
        {
            vm.Tags["genimage-validation"] = "true";
            if (image != null)
            {
                vm.Tags["genimage-image"] = image;
            }
        }

        if (nic != null)
        {
            vm.NetworkInterfaceIds.Add(NicId(rg, nic));
            Nics.Add(new FleetNic { Id = NicId(rg, nic), Name = nic, ResourceGroupName = rg, Location = "westeurope", VirtualMachineId = vm.Id });
        }

        Vms.Add(vm);
        return vm;
    }

    public FleetDisk AddDisk(string rg, string name, double ageDays, string? managedBy = null, int sizeGB = 127)
    {
        var disk = new FleetDisk
        {
            Id = DiskId(rg, name), Name = name, ResourceGroupName = rg, Location = "westeurope", ManagedBy = managedBy,
            DiskState = managedBy == null ? "Unattached" : "Attached", SizeGB = sizeGB, TimeCreated = Now.AddDays(-ageDays),
        };
        Disks.Add(disk);
        return disk;
    }

    private Task<T> Read<T>(string what, T value)
    {
        lock (Reads)
        {
            Reads.Add(what);
        }

        return Task.FromResult(value);
    }

    private static bool InGroup(string id, string? rg) => rg == null || string.Equals(FleetIds.ResourceGroupOf(id), rg, StringComparison.OrdinalIgnoreCase);

    public Task<IReadOnlyList<ImageGallery>> ListGalleriesAsync(string? resourceGroup, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<ImageGallery>>("list-galleries", Galleries.Where(g => InGroup(g.Id, resourceGroup)).ToList());

    public Task<IReadOnlyList<GalleryImageDefinition>> ListDefinitionsAsync(string resourceGroup, string gallery, CancellationToken cancellationToken)
    {
        if (!Galleries.Any(g => g.ResourceGroupName == resourceGroup && g.Name == gallery))
        {
            throw new GenImageException("ArmResourceNotFound", GenImageErrorKind.ObjectNotFound, $"The gallery '{gallery}' was not found.");
        }

        return Read<IReadOnlyList<GalleryImageDefinition>>($"list-definitions {resourceGroup}/{gallery}",
            Definitions.Where(d => d.ResourceGroupName == resourceGroup && d.GalleryName == gallery).ToList());
    }

    public Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<GalleryImageVersion>>($"list-versions {resourceGroup}/{gallery}/{definition}",
            Versions.Where(v => v.ResourceGroupName == resourceGroup && v.GalleryName == gallery && v.DefinitionName == definition)
                .Select(v => Copy(v, withStatus: false)).ToList());

    public Task<GalleryImageVersion?> GetVersionAsync(string versionId, bool withReplicationStatus, CancellationToken cancellationToken) =>
        Read($"get-version {FleetIds.NameOf(versionId)}{(withReplicationStatus ? " (expand)" : "")}",
            Versions.FirstOrDefault(v => FleetIds.Same(v.Id, versionId)) is { } v ? Copy(v, withReplicationStatus) : null);

    /// <summary>The list API carries no replication status: region states read Unknown unless the version is read with it.</summary>
    private static GalleryImageVersion Copy(GalleryImageVersion v, bool withStatus)
    {
        var copy = new GalleryImageVersion
        {
            Id = v.Id, SubscriptionId = v.SubscriptionId, ResourceGroupName = v.ResourceGroupName, GalleryName = v.GalleryName, DefinitionName = v.DefinitionName,
            Name = v.Name, Location = v.Location, ProvisioningState = v.ProvisioningState, ExcludeFromLatest = v.ExcludeFromLatest, PublishedDate = v.PublishedDate,
            EndOfLifeDate = v.EndOfLifeDate, SourceId = v.SourceId, OsDiskSizeGB = v.OsDiskSizeGB, Tags = v.Tags,
            ReplicationState = withStatus ? (v.Regions.Any(r => r.State == "Failed") ? "Failed" : "Completed") : "Unknown",
        };
        foreach (var r in v.Regions)
        {
            copy.Regions.Add(new RegionReplication
            {
                Region = r.Region, ReplicaCount = r.ReplicaCount, StorageAccountType = r.StorageAccountType, State = withStatus ? r.State : "Unknown",
            });
        }

        return copy;
    }

    public Task<IReadOnlyList<FleetVm>> ListVmsAsync(string? resourceGroup, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<FleetVm>>("list-vms", Vms.Where(v => InGroup(v.Id, resourceGroup)).ToList());

    public Task<IReadOnlyList<FleetScaleSet>> ListScaleSetsAsync(string? resourceGroup, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<FleetScaleSet>>("list-scalesets", ScaleSets.Where(v => InGroup(v.Id, resourceGroup)).ToList());

    public Task<IReadOnlyList<FleetDisk>> ListDisksAsync(string? resourceGroup, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<FleetDisk>>("list-disks", Disks.Where(v => InGroup(v.Id, resourceGroup)).ToList());

    public Task<IReadOnlyList<FleetNic>> ListNicsAsync(string? resourceGroup, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<FleetNic>>("list-nics", Nics.Where(v => InGroup(v.Id, resourceGroup)).ToList());

    public Task<IReadOnlyList<ManagedImage>> ListManagedImagesAsync(string? resourceGroup, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<ManagedImage>>("list-images", Images.Where(v => InGroup(v.Id, resourceGroup)).ToList());

    public Task<FleetVm?> GetVmAsync(string vmId, CancellationToken cancellationToken) => Read("get-vm", Vms.FirstOrDefault(v => FleetIds.Same(v.Id, vmId)));

    public Task<FleetDisk?> GetDiskAsync(string diskId, CancellationToken cancellationToken) => Read("get-disk", Disks.FirstOrDefault(v => FleetIds.Same(v.Id, diskId)));

    public Task<FleetNic?> GetNicAsync(string nicId, CancellationToken cancellationToken) => Read("get-nic", Nics.FirstOrDefault(v => FleetIds.Same(v.Id, nicId)));

    /// <summary>Platform image versions by "location|publisher/offer/sku"; a missing key is an image the region does not offer.</summary>
    public Dictionary<string, List<string>> PlatformImages { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Keys whose platform list fails with an ARM-like error.</summary>
    public HashSet<string> FailPlatformLists { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Task<IReadOnlyList<string>?> ListPlatformImageVersionsAsync(string location, string publisher, string offer, string sku, CancellationToken cancellationToken)
    {
        var key = $"{location}|{publisher}/{offer}/{sku}";
        if (FailPlatformLists.Contains(key))
        {
            lock (Reads)
            {
                Reads.Add("list-platform-versions " + key);
            }

            throw new GenImageException("AuthorizationFailed", GenImageErrorKind.PermissionDenied, $"AuthorizationFailed: no read access to {key}.");
        }

        return Read<IReadOnlyList<string>?>("list-platform-versions " + key, PlatformImages.TryGetValue(key, out var versions) ? versions : null);
    }

    public Task<ManagedImage?> GetManagedImageAsync(string imageId, CancellationToken cancellationToken) => Read("get-image", Images.FirstOrDefault(v => FleetIds.Same(v.Id, imageId)));

    public async Task DeleteAsync(string resourceId, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _running);
        lock (Deleted)
        {
            MostConcurrentDeletes = Math.Max(MostConcurrentDeletes, running);
        }

        try
        {
            // A generous deadline: on a loaded machine the thread pool may take seconds to start the next delete; only a
            // remover that never overlaps its deletes waits it out (and then fails the concurrency assertion).
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Volatile.Read(ref _running) < DeleteRendezvous && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5, cancellationToken);
            }

            if (FailDeletes.Contains(resourceId))
            {
                throw new GenImageException("ArmConflict", GenImageErrorKind.InvalidOperation, $"Deleting '{resourceId}' failed: Conflict.") { ArmErrorCode = "Conflict", Target = resourceId };
            }

            lock (Deleted)
            {
                Deleted.Add(resourceId);
                Vms.RemoveAll(v => FleetIds.Same(v.Id, resourceId));
                Disks.RemoveAll(v => FleetIds.Same(v.Id, resourceId));
                Nics.RemoveAll(v => FleetIds.Same(v.Id, resourceId));
                Images.RemoveAll(v => FleetIds.Same(v.Id, resourceId));
                Versions.RemoveAll(v => FleetIds.Same(v.Id, resourceId));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
