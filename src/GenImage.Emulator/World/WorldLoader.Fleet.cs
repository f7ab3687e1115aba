using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace GenImage.Emulator.World;

/// <summary>
/// The parts of a world that make a fleet: unattached disks, network interfaces, managed images and scale sets, each with an age, so that inventories and clean-ups have something to find.
/// </summary>
internal static partial class WorldLoader
{
    private static readonly string[] DiskKeys = ["name", "location", "osType", "hyperVGeneration", "sizeGB", "storageAccountType", "ageDays", "imageId", "tags"];
    private static readonly string[] NicKeys = ["name", "location", "virtualMachine", "tags"];
    private static readonly string[] ManagedImageKeys = ["name", "location", "sourceVm", "osDisk", "osType", "hyperVGeneration", "osDiskSizeGB", "tags"];
    private static readonly string[] ScaleSetKeys = ["name", "location", "size", "capacity", "osType", "imageId", "ageDays", "tags"];

    private static void ReadFleet(YamlMap rgMap, string where, string? source, ResourceGroupDefinition rg)
    {
        var disks = rgMap.Sequence("disks");
        for (var i = 0; i < disks.Count; i++)
        {
            var dWhere = $"{where}.disks[{i}]";
            var map = YamlMap.Read(disks[i], dWhere, source, DiskKeys);
            var disk = new DiskDefinition
            {
                Name = map.String("name", required: true)!,
                Location = map.String("location") is { } loc ? NormalizeLocation(loc) : null,
                OsType = map.Enum("osType", OsTypes, "Windows"),
                HyperVGeneration = map.Enum("hyperVGeneration", Generations, "V2"),
                StorageAccountType = map.Enum("storageAccountType", StorageAccountTypes, "Premium_LRS"),
                AgeDays = map.Double("ageDays", 0, 0, 36500),
                ImageId = map.String("imageId")?.Trim(),
                ImageIdNode = map.Node("imageId"),
                Tags = map.StringMap("tags"),
            };
            disk.SizeGB = map.Int("sizeGB", disk.OsType == "Windows" ? 127 : 30, 1, 32767);
            Unique(rg.Disks.Select(d => d.Name), disk.Name, disks[i], source, "disk", rg.Name);
            rg.Disks.Add(disk);
        }

        var nics = rgMap.Sequence("networkInterfaces");
        for (var i = 0; i < nics.Count; i++)
        {
            var map = YamlMap.Read(nics[i], $"{where}.networkInterfaces[{i}]", source, NicKeys);
            var nic = new NetworkInterfaceDefinition
            {
                Name = map.String("name", required: true)!,
                Location = map.String("location") is { } loc ? NormalizeLocation(loc) : null,
                VirtualMachine = map.String("virtualMachine"),
                VirtualMachineNode = map.Node("virtualMachine"),
                Tags = map.StringMap("tags"),
            };
            Unique(rg.NetworkInterfaces.Select(n => n.Name), nic.Name, nics[i], source, "network interface", rg.Name);
            if (nic.VirtualMachine is { } vmName && !rg.VirtualMachines.Any(v => string.Equals(v.Name, vmName, StringComparison.OrdinalIgnoreCase)))
            {
                throw map.ErrorAt("virtualMachine", $"{where}.networkInterfaces[{i}].virtualMachine: there is no VM '{vmName}' in resource group '{rg.Name}'.");
            }

            rg.NetworkInterfaces.Add(nic);
        }

        var images = rgMap.Sequence("images");
        for (var i = 0; i < images.Count; i++)
        {
            var map = YamlMap.Read(images[i], $"{where}.images[{i}]", source, ManagedImageKeys);
            var image = new ManagedImageDefinition
            {
                Name = map.String("name", required: true)!,
                Location = map.String("location") is { } loc ? NormalizeLocation(loc) : null,
                SourceVm = map.String("sourceVm", required: true)!.Trim(),
                OsDisk = map.String("osDisk"),
                OsType = map.Enum("osType", OsTypes, "Windows"),
                HyperVGeneration = map.Enum("hyperVGeneration", Generations, "V1"),
                Tags = map.StringMap("tags"),
            };
            image.OsDiskSizeGB = map.Int("osDiskSizeGB", image.OsType == "Windows" ? 127 : 30, 1, 32767);
            Unique(rg.Images.Select(m => m.Name), image.Name, images[i], source, "managed image", rg.Name);
            rg.Images.Add(image);
        }

        var sets = rgMap.Sequence("virtualMachineScaleSets");
        for (var i = 0; i < sets.Count; i++)
        {
            var map = YamlMap.Read(sets[i], $"{where}.virtualMachineScaleSets[{i}]", source, ScaleSetKeys);
            var set = new ScaleSetDefinition
            {
                Name = map.String("name", required: true)!,
                Location = map.String("location") is { } loc ? NormalizeLocation(loc) : null,
                Size = map.String("size") ?? "Standard_D2s_v5",
                Capacity = map.Int("capacity", 2, 0, 1000),
                OsType = map.Enum("osType", OsTypes, "Windows"),
                ImageId = map.String("imageId", required: true)!.Trim(),
                ImageIdNode = map.Node("imageId"),
                AgeDays = map.Double("ageDays", 30, 0, 36500),
                Tags = map.StringMap("tags"),
            };
            if (!VmName().IsMatch(set.Name))
            {
                throw map.ErrorAt("name", $"'{set.Name}' is not a valid scale set name (1-64 letters, digits, '-', '_' or '.', starting with a letter or digit).");
            }

            Unique(rg.ScaleSets.Select(s => s.Name), set.Name, sets[i], source, "scale set", rg.Name);
            rg.ScaleSets.Add(set);
        }
    }

    private static void Unique(IEnumerable<string> existing, string name, YamlNode node, string? source, string what, string rgName)
    {
        if (!ResourceName().IsMatch(name))
        {
            throw YamlMap.Error(source, node, $"'{name}' is not a valid {what} name (1-80 letters, digits, '-', '_' or '.', starting with a letter or digit).");
        }

        if (existing.Any(e => string.Equals(e, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw YamlMap.Error(source, node, $"{what} '{name}' is defined twice in resource group '{rgName}' (names are case-insensitive).");
        }
    }

    /// <summary>
    /// Image ids that scale sets and disks name must exist in the world (a gallery definition or version, or a
    /// managed image): Azure does not let a resource be created from an image that does not exist.
    /// </summary>
    private static void CheckReferences(WorldDefinition world, string? source)
    {
        foreach (var sub in world.Subscriptions)
        {
            foreach (var rg in sub.ResourceGroups)
            {
                foreach (var set in rg.ScaleSets)
                {
                    Require(world, set.ImageId, set.ImageIdNode, source, $"scale set '{set.Name}'");
                }

                foreach (var disk in rg.Disks.Where(d => d.ImageId is not null))
                {
                    Require(world, disk.ImageId!, disk.ImageIdNode, source, $"disk '{disk.Name}'");
                }
            }
        }
    }

    private static void Require(WorldDefinition world, string id, YamlNode? node, string? source, string who)
    {
        if (FindImage(world, id))
        {
            return;
        }

        var problem = $"{who} names the image '{id}', which the world does not declare; use the id of a gallery image definition, a version or a managed image of this world.";
        throw node is null ? new WorldFileException(source, 0, 0, problem) : YamlMap.Error(source, node, problem);
    }

    /// <summary>True when <paramref name="id"/> names a gallery definition, a version or a managed image declared by the world.</summary>
    internal static bool FindImage(WorldDefinition world, string id)
    {
        var s = id.Trim('/').Split('/');
        bool Is(int i, string literal) => s.Length > i && string.Equals(s[i], literal, StringComparison.OrdinalIgnoreCase);
        if (s.Length < 8 || !Is(0, "subscriptions") || !Is(2, "resourceGroups") || !Is(4, "providers") || !Is(5, "Microsoft.Compute"))
        {
            return false;
        }

        var rg = world.Subscriptions.FirstOrDefault(x => string.Equals(x.Id, s[1], StringComparison.OrdinalIgnoreCase))
            ?.ResourceGroups.FirstOrDefault(g => string.Equals(g.Name, s[3], StringComparison.OrdinalIgnoreCase));
        if (rg is null)
        {
            return false;
        }

        if (s.Length == 8 && Is(6, "images"))
        {
            return rg.Images.Any(m => string.Equals(m.Name, s[7], StringComparison.OrdinalIgnoreCase));
        }

        if (!Is(6, "galleries") || !Is(8, "images") || (s.Length != 10 && !(s.Length == 12 && Is(10, "versions"))))
        {
            return false;
        }

        var definition = rg.Galleries.FirstOrDefault(g => string.Equals(g.Name, s[7], StringComparison.OrdinalIgnoreCase))
            ?.Images.FirstOrDefault(d => string.Equals(d.Name, s[9], StringComparison.OrdinalIgnoreCase));
        return definition is not null && (s.Length == 10 || definition.Versions.Any(v => v.Name == s[11]));
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_\.-]{0,79}$")]
    private static partial Regex ResourceName();
}
