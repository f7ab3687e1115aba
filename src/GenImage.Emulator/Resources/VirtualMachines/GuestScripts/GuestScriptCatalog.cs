using System.Text.RegularExpressions;

namespace GenImage.Emulator.Resources.VirtualMachines.GuestScripts;

/// <summary>The table of recognised guest scripts, keyed by the marker name.</summary>
internal static partial class GuestScriptCatalog
{
    /// <summary>How many leading lines may hold the marker (a BOM, blank lines or <c>#!</c>/<c>#Requires</c> may precede it).</summary>
    public const int MarkerSearchLines = 5;

    private static readonly Dictionary<string, IGuestScript> Scripts = new IGuestScript[]
    {
        new PrepareWindowsScript(),
        new PrepareLinuxScript(),
        new InspectWindowsScript(),
        new InspectLinuxScript(),
    }.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> Names => Scripts.Keys;

    /// <summary>Finds the marker in the first lines of a Run Command script.</summary>
    public static ScriptMarker? FindMarker(IEnumerable<string> scriptLines)
    {
        var lines = scriptLines
            .SelectMany(l => l.Split('\n'))
            .Select(l => l.TrimStart('\uFEFF').TrimEnd('\r'))
            .Take(MarkerSearchLines);
        foreach (var line in lines)
        {
            var m = Marker().Match(line);
            if (m.Success)
            {
                return new ScriptMarker(m.Groups["name"].Value, m.Groups["version"].Value);
            }
        }

        return null;
    }

    public static IGuestScript? Find(ScriptMarker? marker)
        => marker is not null && Scripts.TryGetValue(marker.Name, out var script) ? script : null;

    [GeneratedRegex(@"^\s*#\s*genimage-script:\s*(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)/(?<version>[0-9][A-Za-z0-9.]*)\s*$")]
    private static partial Regex Marker();
}

internal sealed record ScriptMarker(string Name, string Version)
{
    public override string ToString() => $"{Name}/{Version}";
}
