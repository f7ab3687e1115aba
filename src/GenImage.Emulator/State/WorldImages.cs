using GenImage.Emulator.Providers.Compute;
using GenImage.Emulator.Resources.Galleries;
using GenImage.Emulator.Resources.VirtualMachines;
using GenImage.Emulator.World;

namespace GenImage.Emulator.State;

/// <summary>
/// The world file's image versions (published before the emulator started, replication completed or failed where the
/// world says) and the images of
/// its VMs: a VM made from a gallery version, from "latest" of a definition (with the version it got) or from a
/// managed image, which fails as its <c>boot</c> key says or as the version it came from does.
/// </summary>
internal static class WorldImages
{
    /// <summary>Adds the versions declared under each definition of the resource group's galleries.</summary>
    public static void AddVersions(ResourceGroupState rg, IEnumerable<GalleryDefinition> galleries, DateTimeOffset now)
    {
        foreach (var galleryDef in galleries)
        {
            var gallery = rg.Galleries.Get(galleryDef.Name)!;
            foreach (var imageDef in galleryDef.Images)
            {
                var image = gallery.Images.Get(imageDef.Name)!;
                foreach (var v in imageDef.Versions)
                {
                    var published = now.AddDays(-v.PublishedDaysAgo);
                    var sourceVm = v.Source is null ? null
                        : v.Source.StartsWith('/')
                            ? rg.Subscription.ResourceGroups.All.SelectMany(g => g.VirtualMachines.All).FirstOrDefault(vm => string.Equals(vm.ResourceId, v.Source, StringComparison.OrdinalIgnoreCase))
                            : rg.VirtualMachines.Get(v.Source);
                    var sourceId = sourceVm?.ResourceId
                                   ?? (v.Source is { } s && s.StartsWith('/') ? s : $"{rg.ResourceId}/providers/Microsoft.Compute/virtualMachines/{v.Source ?? image.Name + "-build"}");
                    var version = new GalleryImageVersionState(image, v.Name, gallery.Location, ImageSources.ParseVersion(v.Name)!.Value)
                    {
                        SourceId = sourceId,
                        Lineage = Lineage(image, sourceVm, sourceId, v.Boot),
                        ExcludeFromLatest = v.ExcludeFromLatest,
                        PublishedDate = published,
                        StorageAccountType = v.StorageAccountType,
                        EndOfLifeDate = v.EndOfLifeInDays is { } days ? Json.Time(now.AddDays(days)) : null,
                        Tags = new Dictionary<string, string>(v.Tags, StringComparer.Ordinal),
                    };
                    if (v.OsDiskSizeGB is { } size)
                    {
                        version.Lineage = version.Lineage with { OsDiskSizeGB = size };
                    }

                    foreach (var (region, replicas, storage) in v.Regions.Count > 0 ? v.Regions : [(gallery.Location, 1, v.StorageAccountType)])
                    {
                        version.Regions.Add(new TargetRegionState
                        {
                            Name = region,
                            RegionalReplicaCount = replicas,
                            StorageAccountType = storage,
                            Start = published,
                            Due = published,
                            Fails = v.FailedRegions.Contains(region),
                        });
                    }

                    image.Versions.Add(version.Name, version);
                }
            }
        }
    }

    /// <summary>What a VM made from a world version inherits: the definition's OS, the source VM's guest when it exists.</summary>
    private static ImageLineage Lineage(GalleryImageState image, VirtualMachineState? source, string sourceId, string? boot)
    {
        var windows = image.OsType == "Windows";
        var generalized = image.OsState == "Generalized";
        return new ImageLineage
        {
            SourceVmId = sourceId,
            OsType = image.OsType,
            OsState = image.OsState,
            HyperVGeneration = image.HyperVGeneration,
            SecurityType = source?.SecurityType ?? (image.SecurityType is "TrustedLaunch" or "TrustedLaunchSupported" ? "TrustedLaunch" : "Standard"),
            GeneralizedWithPreparedGuest = generalized ? true : null,
            AgentStatus = "Ready",
            AgentVersion = source?.Guest.AgentVersion ?? (windows ? "2.7.41491.1102" : "2.9.1.1"),
            OsName = source?.OsName ?? (windows ? "Windows Server 2022 Datacenter" : "Ubuntu 22.04.4 LTS"),
            OsVersion = source?.OsVersion ?? (windows ? "Microsoft Windows NT 10.0.20348.0" : "22.04"),
            CloudInit = source?.Guest.CloudInit ?? !windows,
            SysprepBlockers = [],
            Leftovers = [],
            OsDiskSizeGB = source?.OsDiskSizeGB ?? (windows ? 127 : 30),
            Architecture = image.Architecture,
            BootFailure = boot,
        };
    }

    /// <summary>
    /// Points each VM of the world file at its custom image (a version, "latest" of a definition resolved now, a managed
    /// image) and puts it in the state its <c>boot</c> key, or its version's failure, describes.
    /// </summary>
    public static void ApplyVmImagesAndBoot(WorldStore store, WorldDefinition world, DateTimeOffset now)
    {
        foreach (var subDef in world.Subscriptions)
        {
            var sub = store.Subscriptions.Get(subDef.Id)!;
            foreach (var rgDef in subDef.ResourceGroups)
            {
                var rg = sub.ResourceGroups.Get(rgDef.Name)!;
                foreach (var vmDef in rgDef.VirtualMachines)
                {
                    var vm = rg.VirtualMachines.Get(vmDef.Name)!;
                    string? inherited = null;
                    if (vmDef.Image?.Id is { } imageId)
                    {
                        vm.ImageReferenceId = imageId;
                        switch (ImageSources.Resolve(store, imageId))
                        {
                            case ImageSource.Version { State: var version }:
                                vm.ResolvedImageVersionId = version.ResourceId;
                                vm.HasOsProfile = version.Lineage.OsState == "Generalized";
                                inherited = version.Lineage.Failure;
                                break;
                            case ImageSource.Definition { State: var definition }:
                                var latest = ImageSources.Latest(definition, vm.Location, now)
                                             ?? definition.Versions.All.OrderByDescending(v => v.Number).FirstOrDefault();
                                vm.ResolvedImageVersionId = latest?.ResourceId;
                                vm.HasOsProfile = definition.OsState == "Generalized";
                                inherited = latest?.Lineage.Failure;
                                break;
                            case ImageSource.ManagedImage { State: var managed }:
                                inherited = managed.Lineage.Failure;
                                break;
                        }
                    }

                    vm.ApplyWorldBoot(vmDef.Boot, inherited, now);
                }
            }
        }
    }
}
