using GenImage.Emulator.World;

namespace GenImage.Emulator.Resources.PlatformImages;

/// <summary>One marketplace image (publisher, offer, sku) in one region, with its versions oldest first.</summary>
internal sealed record PlatformImageEntry(string Location, string Publisher, string Offer, string Sku, string OsType, string HyperVGeneration, IReadOnlyList<string> Versions)
{
    /// <summary>The newest version (versions compare as dotted numbers).</summary>
    public string Newest => Versions[^1];
}

/// <summary>
/// The marketplace image versions of the world (the root <c>platformImages</c> key), per region. Read-only: it comes
/// from the world file and is not part of the saved state (a restarted emulator reads it from the world file again).
/// </summary>
internal sealed class PlatformImageCatalog
{
    private readonly Dictionary<string, PlatformImageEntry> _entries = new(StringComparer.OrdinalIgnoreCase);

    public PlatformImageCatalog(IEnumerable<PlatformImageDefinition> definitions)
    {
        foreach (var def in definitions)
        {
            var versions = def.Versions.OrderBy(v => v, VersionComparer.Instance).ToList();
            foreach (var location in def.Locations)
            {
                _entries[Key(location, def.Publisher, def.Offer, def.Sku)] =
                    new PlatformImageEntry(location, def.Publisher, def.Offer, def.Sku, def.OsType, def.HyperVGeneration, versions);
            }
        }
    }

    public static PlatformImageCatalog Empty { get; } = new([]);

    public int Count => _entries.Count;

    /// <summary>The image offered in <paramref name="location"/>; null when the region does not offer it.</summary>
    public PlatformImageEntry? Find(string location, string publisher, string offer, string sku)
        => _entries.TryGetValue(Key(State.Locations.Normalize(location), publisher, offer, sku), out var entry) ? entry : null;

    private static string Key(string location, string publisher, string offer, string sku) => $"{location}|{publisher}|{offer}|{sku}";

    /// <summary>Dotted numeric versions (22.04.202411010), compared number by number.</summary>
    internal sealed class VersionComparer : IComparer<string>
    {
        public static readonly VersionComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = (x ?? "").Split('.');
            var b = (y ?? "").Split('.');
            for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
            {
                var left = i < a.Length && long.TryParse(a[i], out var l) ? l : 0;
                var right = i < b.Length && long.TryParse(b[i], out var r) ? r : 0;
                if (left != right)
                {
                    return left.CompareTo(right);
                }
            }

            return 0;
        }
    }
}
