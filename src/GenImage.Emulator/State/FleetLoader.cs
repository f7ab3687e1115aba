using GenImage.Emulator.Resources.Disks;
using GenImage.Emulator.Resources.Images;
using GenImage.Emulator.Resources.NetworkInterfaces;
using GenImage.Emulator.Resources.ScaleSets;
using GenImage.Emulator.World;

namespace GenImage.Emulator.State;

/// <summary>
/// Creates what a world file declares beyond VMs and galleries: managed images, unattached disks, network interfaces
/// and scale sets; then links VMs to the NICs that name them.
/// </summary>
internal static class FleetLoader
{
    public static void AddImages(ResourceGroupState rg, IEnumerable<ManagedImageDefinition> images, DateTimeOffset now)
    {
        foreach (var def in images)
        {
            var sourceVmId = ResourceIdOrVm(rg, def.SourceVm);
            var vm = rg.VirtualMachines.All.FirstOrDefault(v => string.Equals(v.ResourceId, sourceVmId, StringComparison.OrdinalIgnoreCase));
            var lineage = vm is not null
                ? ImageLineage.FromVm(vm) with { OsState = "Generalized", GeneralizedWithPreparedGuest = vm.GeneralizedWithPreparedGuest ?? true }
                : Synthetic(sourceVmId, def.OsType, "Generalized", def.HyperVGeneration, "Standard", def.OsDiskSizeGB);
            var image = new ManagedImageState(rg, def.Name, def.Location ?? rg.Location)
            {
                SourceVmId = sourceVmId,
                Lineage = lineage with { OsDiskSizeGB = vm?.OsDiskSizeGB ?? def.OsDiskSizeGB },
                HyperVGeneration = def.HyperVGeneration,
                OsDiskId = def.OsDisk is { } disk ? $"{rg.ResourceId}/providers/Microsoft.Compute/disks/{disk}"
                    : vm?.OsDiskId ?? $"{rg.ResourceId}/providers/Microsoft.Compute/disks/{NameOf(sourceVmId)}_OsDisk_1",
                StorageAccountType = vm?.OsDiskStorageAccountType ?? "Premium_LRS",
                Tags = new Dictionary<string, string>(def.Tags, StringComparer.Ordinal),
            };
            image.MarkBusy("Creating", now);
            rg.Images.Add(image.Name, image);
        }
    }

    public static void AddResources(ResourceGroupState rg, ResourceGroupDefinition def, DateTimeOffset now)
    {
        foreach (var d in def.Disks)
        {
            rg.Disks.Add(d.Name, new DiskState(rg, d.Name, d.Location ?? rg.Location)
            {
                OsType = d.OsType,
                HyperVGeneration = d.HyperVGeneration,
                SizeGB = d.SizeGB,
                StorageAccountType = d.StorageAccountType,
                TimeCreated = now.AddDays(-d.AgeDays),
                ImageReferenceId = d.ImageId,
                Tags = new Dictionary<string, string>(d.Tags, StringComparer.Ordinal),
            });
        }

        var octet = 4;
        foreach (var n in def.NetworkInterfaces)
        {
            var vmId = n.VirtualMachine is { } vmName ? rg.VirtualMachines.Get(vmName)?.ResourceId : null;
            rg.NetworkInterfaces.Add(n.Name, new NetworkInterfaceState(rg, n.Name, n.Location ?? rg.Location)
            {
                VirtualMachineId = vmId,
                Tags = new Dictionary<string, string>(n.Tags, StringComparer.Ordinal),
                PrivateIpAddress = $"10.0.0.{octet++ % 250 + 4}",
            });
        }

        foreach (var s in def.ScaleSets)
        {
            rg.ScaleSets.Add(s.Name, new ScaleSetState(rg, s.Name, s.Location ?? rg.Location)
            {
                Size = s.Size,
                Capacity = s.Capacity,
                OsType = s.OsType,
                ImageId = s.ImageId,
                TimeCreated = now.AddDays(-s.AgeDays),
                Tags = new Dictionary<string, string>(s.Tags, StringComparer.Ordinal),
            });
        }
    }

    /// <summary>After the whole world exists: VMs on a NIC of the world use it.</summary>
    public static void Link(WorldStore store)
    {
        foreach (var rg in store.Subscriptions.All.SelectMany(s => s.ResourceGroups.All))
        {
            foreach (var vm in rg.VirtualMachines.All)
            {
                var nics = rg.NetworkInterfaces.All.Where(n => string.Equals(n.VirtualMachineId, vm.ResourceId, StringComparison.OrdinalIgnoreCase)).ToList();
                if (nics.Count > 0)
                {
                    var list = new System.Text.Json.Nodes.JsonArray();
                    for (var i = 0; i < nics.Count; i++)
                    {
                        list.Add(new System.Text.Json.Nodes.JsonObject
                        {
                            ["id"] = nics[i].ResourceId,
                            ["properties"] = new System.Text.Json.Nodes.JsonObject { ["primary"] = i == 0 },
                        });
                    }

                    vm.NetworkProfile = new System.Text.Json.Nodes.JsonObject { ["networkInterfaces"] = list };
                }
            }
        }
    }

    /// <summary>A prepared, generalized guest with a ready agent, for images whose source is gone.</summary>
    private static ImageLineage Synthetic(string sourceVmId, string osType, string osState, string generation, string security, int sizeGB)
    {
        var windows = osType == "Windows";
        return new ImageLineage
        {
            SourceVmId = sourceVmId,
            OsType = osType,
            OsState = osState,
            HyperVGeneration = generation,
            SecurityType = security,
            GeneralizedWithPreparedGuest = osState == "Generalized" ? true : null,
            AgentStatus = "Ready",
            AgentVersion = windows ? "2.7.41491.1102" : "2.9.1.1",
            OsName = windows ? "Windows Server 2022 Datacenter" : "Ubuntu 22.04.4 LTS",
            OsVersion = windows ? "Microsoft Windows NT 10.0.20348.0" : "22.04",
            CloudInit = !windows,
            SysprepBlockers = [],
            Leftovers = [],
            OsDiskSizeGB = sizeGB,
        };
    }

    /// <summary>A full resource id as given, or the id of the VM of that name in <paramref name="rg"/>.</summary>
    private static string ResourceIdOrVm(ResourceGroupState rg, string nameOrId)
        => nameOrId.StartsWith('/') ? nameOrId : $"{rg.ResourceId}/providers/Microsoft.Compute/virtualMachines/{nameOrId}";

    private static string NameOf(string id) => id.TrimEnd('/').Split('/')[^1];
}
