using System.Globalization;
using System.Text.RegularExpressions;
using GenImage.Emulator.Resources.Galleries;
using GenImage.Emulator.Resources.VirtualMachines;
using GenImage.Emulator.State;
using YamlDotNet.RepresentationModel;

namespace GenImage.Emulator.World;

/// <summary>The world file's galleries (under a resource group) and its <c>replication</c> section.</summary>
internal static partial class WorldLoader
{
    private static readonly string[] GalleryKeys = ["name", "location", "description", "images"];
    private static readonly string[] GalleryImageKeys =
        ["name", "osType", "osState", "hyperVGeneration", "publisher", "offer", "sku", "securityType", "architecture", "description", "purchasePlan", "versions"];
    private static readonly string[] GalleryVersionKeys =
        ["name", "source", "boot", "regions", "failedRegions", "excludeFromLatest", "publishedDaysAgo", "endOfLifeInDays", "storageAccountType", "osDiskSizeGB", "tags"];
    private static readonly string[] PurchasePlanKeys = ["name", "publisher", "product"];
    private static readonly string[] ReplicationKeys = ["secondsPerGB", "slowFactor", "failRegions"];

    public static readonly string[] GalleryOsStates = ["Generalized", "Specialized"];
    public static readonly string[] GallerySecurityTypes =
        ["TrustedLaunch", "TrustedLaunchSupported", "ConfidentialVM", "ConfidentialVmSupported", "TrustedLaunchAndConfidentialVmSupported"];
    public static readonly string[] Architectures = ["x64", "Arm64"];

    private static void ReadGalleries(YamlMap rgMap, string where, string? source, ResourceGroupDefinition rg)
    {
        var galleries = rgMap.Sequence("galleries");
        for (var i = 0; i < galleries.Count; i++)
        {
            var gWhere = $"{where}.galleries[{i}]";
            var map = YamlMap.Read(galleries[i], gWhere, source, GalleryKeys);
            var gallery = new GalleryDefinition
            {
                Name = map.String("name", required: true)!,
                Location = map.String("location") is { } loc ? NormalizeLocation(loc) : null,
                Description = map.String("description"),
            };
            if (!GalleryName().IsMatch(gallery.Name))
            {
                throw map.ErrorAt("name", $"'{gallery.Name}' is not a valid gallery name (1-80 letters, digits, '_' or '.', not starting or ending with '.'; no hyphens).");
            }

            if (rg.Galleries.Any(g => string.Equals(g.Name, gallery.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw YamlMap.Error(source, galleries[i], $"gallery '{gallery.Name}' is defined twice in resource group '{rg.Name}' (names are case-insensitive).");
            }

            var images = map.Sequence("images");
            for (var j = 0; j < images.Count; j++)
            {
                var image = ReadGalleryImage(images[j], $"{gWhere}.images[{j}]", source);
                if (gallery.Images.Any(x => string.Equals(x.Name, image.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw YamlMap.Error(source, images[j], $"image definition '{image.Name}' is defined twice in gallery '{gallery.Name}'.");
                }

                if (gallery.Images.Any(x => string.Equals(x.Publisher, image.Publisher, StringComparison.OrdinalIgnoreCase)
                                            && string.Equals(x.Offer, image.Offer, StringComparison.OrdinalIgnoreCase)
                                            && string.Equals(x.Sku, image.Sku, StringComparison.OrdinalIgnoreCase)))
                {
                    throw YamlMap.Error(source, images[j],
                        $"image definition '{image.Name}' repeats the publisher/offer/sku '{image.Publisher}/{image.Offer}/{image.Sku}' of another definition in gallery '{gallery.Name}'; it must be unique per gallery.");
                }

                gallery.Images.Add(image);
            }

            rg.Galleries.Add(gallery);
        }
    }

    private static GalleryImageDefinition ReadGalleryImage(YamlNode node, string where, string? source)
    {
        var map = YamlMap.Read(node, where, source, GalleryImageKeys);
        var image = new GalleryImageDefinition
        {
            Name = map.String("name", required: true)!,
            OsType = map.Enum("osType", OsTypes, ""),
            OsState = map.Enum("osState", GalleryOsStates, "Generalized"),
            HyperVGeneration = map.Enum("hyperVGeneration", Generations, "V2"),
            Publisher = map.String("publisher", required: true)!,
            Offer = map.String("offer", required: true)!,
            Sku = map.String("sku", required: true)!,
            Architecture = map.Enum("architecture", Architectures, "x64"),
            Description = map.String("description"),
        };
        if (image.OsType.Length == 0)
        {
            throw YamlMap.Error(source, node, $"{where} is missing the required key 'osType' (Windows or Linux).");
        }

        if (!GalleryImageName().IsMatch(image.Name))
        {
            throw map.ErrorAt("name", $"'{image.Name}' is not a valid image definition name (1-80 letters, digits, '.', '_' or '-', starting with a letter or digit).");
        }

        if (map.Has("securityType"))
        {
            image.SecurityType = map.Enum("securityType", GallerySecurityTypes, "");
            if (image.HyperVGeneration == "V1")
            {
                throw map.ErrorAt("securityType", $"{where}: securityType {image.SecurityType} requires hyperVGeneration V2 (as in Azure).");
            }
        }

        if (map.Node("purchasePlan") is { } planNode)
        {
            image.PurchasePlan = ReadPlan(planNode, $"{where}.purchasePlan", source, PurchasePlanKeys);
        }

        var versions = map.Sequence("versions");
        for (var i = 0; i < versions.Count; i++)
        {
            var version = ReadGalleryVersion(versions[i], $"{where}.versions[{i}]", source, image.OsType);
            if (image.Versions.Any(v => v.Name == version.Name))
            {
                throw YamlMap.Error(source, versions[i], $"version '{version.Name}' of image definition '{image.Name}' is defined twice.");
            }

            image.Versions.Add(version);
        }

        return image;
    }

    private static GalleryVersionDefinition ReadGalleryVersion(YamlNode node, string where, string? source, string osType)
    {
        var map = YamlMap.Read(node, where, source, GalleryVersionKeys);
        var version = new GalleryVersionDefinition
        {
            Name = map.String("name", required: true)!,
            Source = map.String("source"),
            ExcludeFromLatest = map.Bool("excludeFromLatest", false),
            PublishedDaysAgo = map.Double("publishedDaysAgo", 1, 0, 36500),
            StorageAccountType = map.Enum("storageAccountType", GalleryImageVersionsProvider.StorageAccountTypes, "Standard_LRS"),
            Tags = map.StringMap("tags"),
        };
        if (!VersionName().IsMatch(version.Name))
        {
            throw map.ErrorAt("name", $"'{version.Name}' is not a valid image version name (Major.Minor.Patch, each a 32-bit integer).");
        }

        if (map.Has("boot"))
        {
            var key = map.String("boot", required: true)!;
            if (!string.Equals(key, "provisions", StringComparison.OrdinalIgnoreCase))
            {
                var failure = BootFailures.Find(key)
                    ?? throw map.ErrorAt("boot", $"{where}.boot: unknown failure '{key}'; expected provisions or one of: {string.Join(", ", BootFailures.Keys)}.");
                if (failure.OsType is { } os && os != osType)
                {
                    throw map.ErrorAt("boot", $"{where}.boot: '{failure.Key}' happens to {os} guests only; the definition is {osType}.");
                }

                version.Boot = failure.Key;
            }
        }

        if (map.Has("endOfLifeInDays"))
        {
            version.EndOfLifeInDays = map.Double("endOfLifeInDays", 0, -36500, 36500);
        }

        if (map.Has("osDiskSizeGB"))
        {
            version.OsDiskSizeGB = map.Int("osDiskSizeGB", 30, 1, 32767);
        }

        foreach (var (itemNode, text) in map.StringList("regions"))
        {
            var parts = text.Split('=');
            var region = parts[0].Trim();
            if (!Locations.IsKnown(region))
            {
                throw YamlMap.Error(source, itemNode, $"{where}.regions: unknown region '{region}'; use an Azure location name such as westeurope or eastus.");
            }

            var replicas = 1;
            if (parts.Length > 1 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out replicas) || replicas is < 1 or > 100))
            {
                throw YamlMap.Error(source, itemNode, $"{where}.regions: '{text}' has a replica count that is not 1-100; write region[=replicas[=storageAccountType]].");
            }

            var storage = parts.Length > 2 ? parts[2].Trim() : version.StorageAccountType;
            if (parts.Length > 3 || !GalleryImageVersionsProvider.StorageAccountTypes.Contains(storage))
            {
                throw YamlMap.Error(source, itemNode,
                    $"{where}.regions: '{text}' is not region[=replicas[=storageAccountType]] with a storage type of {string.Join(", ", GalleryImageVersionsProvider.StorageAccountTypes)}.");
            }

            if (version.Regions.Any(r => r.Name == Locations.Normalize(region)))
            {
                throw YamlMap.Error(source, itemNode, $"{where}.regions lists '{region}' twice.");
            }

            version.Regions.Add((Locations.Normalize(region), replicas, storage));
        }

        foreach (var (itemNode, region) in map.StringList("failedRegions"))
        {
            if (!version.Regions.Any(r => r.Name == Locations.Normalize(region)))
            {
                throw YamlMap.Error(source, itemNode, $"{where}.failedRegions: '{region}' is not one of the version's regions (list it under regions).");
            }

            version.FailedRegions.Add(Locations.Normalize(region));
        }

        return version;
    }

    private static ReplicationSettings ReadReplication(YamlNode node, string? source)
    {
        var map = YamlMap.Read(node, "replication", source, ReplicationKeys);
        var settings = new ReplicationSettings
        {
            SecondsPerGB = map.Double("secondsPerGB", 10, 0, 3600),
        };
        if (map.Node("slowFactor") is { } slowNode)
        {
            if (slowNode is not YamlMappingNode slow)
            {
                throw YamlMap.Error(source, slowNode, "replication.slowFactor must be a mapping of region: factor, e.g. { eastus: 3 }.");
            }

            foreach (var (keyNode, valueNode) in slow.Children)
            {
                var region = (keyNode as YamlScalarNode)?.Value ?? "";
                if (!Locations.IsKnown(region))
                {
                    throw YamlMap.Error(source, keyNode, $"replication.slowFactor: unknown region '{region}'; use an Azure location name such as westeurope or eastus.");
                }

                if (valueNode is not YamlScalarNode { Value: { } text }
                    || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) || factor < 1 || factor > 1000)
                {
                    throw YamlMap.Error(source, valueNode, $"replication.slowFactor.{region} must be a number from 1 to 1000.");
                }

                settings.SlowFactors[Locations.Normalize(region)] = factor;
            }
        }

        foreach (var (itemNode, value) in map.StringList("failRegions"))
        {
            if (!Locations.IsKnown(value))
            {
                throw YamlMap.Error(source, itemNode, $"replication.failRegions: unknown region '{value}'; use an Azure location name such as westeurope or eastus.");
            }

            settings.FailRegions.Add(Locations.Normalize(value));
        }

        return settings;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.]{0,78}[A-Za-z0-9_]$|^[A-Za-z0-9_]$")]
    private static partial Regex GalleryName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")]
    private static partial Regex GalleryImageName();

    [GeneratedRegex(@"^\d{1,10}\.\d{1,10}\.\d{1,10}$")]
    private static partial Regex VersionName();
}
