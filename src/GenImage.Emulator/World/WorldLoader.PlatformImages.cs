using System.Text.RegularExpressions;
using GenImage.Emulator.State;

namespace GenImage.Emulator.World;

/// <summary>The world file's <c>platformImages</c>: the marketplace image versions each region offers.</summary>
internal static partial class WorldLoader
{
    private static readonly string[] PlatformImageKeys = ["locations", "publisher", "offer", "sku", "osType", "hyperVGeneration", "versions"];

    private static void ReadPlatformImages(YamlMap map, WorldDefinition world, string? source)
    {
        var items = map.Sequence("platformImages");
        for (var i = 0; i < items.Count; i++)
        {
            var where = $"platformImages[{i}]";
            var image = YamlMap.Read(items[i], where, source, PlatformImageKeys);
            var def = new PlatformImageDefinition
            {
                Publisher = image.String("publisher", required: true)!,
                Offer = image.String("offer", required: true)!,
                Sku = image.String("sku", required: true)!,
                OsType = image.Enum("osType", OsTypes, "Linux"),
                HyperVGeneration = image.Enum("hyperVGeneration", Generations, "V2"),
            };
            var locations = image.StringList("locations");
            if (locations.Count == 0)
            {
                throw YamlMap.Error(source, items[i], $"{where} needs 'locations': the regions that offer the image (e.g. [westeurope]).");
            }

            foreach (var (node, value) in locations)
            {
                if (!Locations.IsKnown(value))
                {
                    throw YamlMap.Error(source, node, $"{where}.locations: unknown region '{value}'; use an Azure location name such as westeurope or eastus.");
                }

                var location = Locations.Normalize(value);
                if (world.PlatformImages.Any(p => p.Locations.Contains(location) && Same(p, def)))
                {
                    throw YamlMap.Error(source, node, $"{where}: {def.Publisher}/{def.Offer}/{def.Sku} is declared twice for {location}; list all its versions in one entry.");
                }

                def.Locations.Add(location);
            }

            var versions = image.StringList("versions");
            if (versions.Count == 0)
            {
                throw YamlMap.Error(source, items[i], $"{where} needs 'versions': the image versions offered (e.g. [22.04.202410020, 22.04.202411010]).");
            }

            foreach (var (node, value) in versions)
            {
                if (!PlatformVersion().IsMatch(value))
                {
                    throw YamlMap.Error(source, node, $"{where}.versions: '{value}' is not an image version (numbers separated by dots, e.g. 22.04.202411010).");
                }

                if (def.Versions.Contains(value, StringComparer.OrdinalIgnoreCase))
                {
                    throw YamlMap.Error(source, node, $"{where}.versions: '{value}' is listed twice.");
                }

                def.Versions.Add(value);
            }

            world.PlatformImages.Add(def);
        }
    }

    private static bool Same(PlatformImageDefinition a, PlatformImageDefinition b) =>
        string.Equals(a.Publisher, b.Publisher, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(a.Offer, b.Offer, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(a.Sku, b.Sku, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[0-9]{1,18}(\.[0-9]{1,18}){1,3}$")]
    private static partial Regex PlatformVersion();
}
