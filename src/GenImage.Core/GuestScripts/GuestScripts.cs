using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;

namespace GenImage.Core.Guest;

/// <summary>
/// The guest scripts embedded in GenImage.Core (from <c>src/GenImage.Core/GuestScripts</c>). See the
/// "Guest scripts" section of docs/architecture.md for the marker-line and result-line contract.
/// </summary>
public static class GuestScripts
{
    internal const string ResourcePrefix = "GenImage.GuestScripts.";

    private static readonly Regex Marker = new Regex(@"^# genimage-script: (?<name>[a-z0-9-]+)/(?<version>[0-9]+)\s*$", RegexOptions.CultureInvariant);

    private static readonly Lazy<IReadOnlyList<GuestScript>> Loaded = new Lazy<IReadOnlyList<GuestScript>>(LoadAll);

    /// <summary>Every guest script, in <see cref="GuestScriptKind"/> order.</summary>
    public static IReadOnlyList<GuestScript> All => Loaded.Value;

    /// <summary>The script of the given kind.</summary>
    public static GuestScript Get(GuestScriptKind kind)
    {
        foreach (var script in All)
        {
            if (script.Kind == kind)
            {
                return script;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(kind), kind, "There is no guest script of this kind.");
    }

    /// <summary>The script that prepares (generalizes) a guest of the given OS type.</summary>
    /// <param name="osType"><c>Windows</c> or <c>Linux</c>, in any case.</param>
    /// <exception cref="ArgumentException">The OS type is neither Windows nor Linux.</exception>
    public static GuestScript ForPreparation(string osType) =>
        Get(IsWindows(osType) ? GuestScriptKind.PrepareWindows : GuestScriptKind.PrepareLinux);

    /// <summary>The read-only script that inspects a guest of the given OS type.</summary>
    /// <param name="osType"><c>Windows</c> or <c>Linux</c>, in any case.</param>
    /// <exception cref="ArgumentException">The OS type is neither Windows nor Linux.</exception>
    public static GuestScript ForInspection(string osType) =>
        Get(IsWindows(osType) ? GuestScriptKind.InspectWindows : GuestScriptKind.InspectLinux);

    private static bool IsWindows(string osType)
    {
        if (string.Equals(osType, "Windows", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(osType, "Linux", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw new ArgumentException(
            $"The OS type '{osType}' is not supported; guest scripts exist for 'Windows' and 'Linux'.", nameof(osType));
    }

    private static GuestScript[] LoadAll() => new[]
    {
        Load(GuestScriptKind.PrepareWindows, "Prepare-Windows.ps1", "prepare-windows", "Windows", GuestScript.RunPowerShellScript),
        Load(GuestScriptKind.PrepareLinux, "prepare-linux.sh", "prepare-linux", "Linux", GuestScript.RunShellScript),
        Load(GuestScriptKind.InspectWindows, "Inspect-Windows.ps1", "inspect-windows", "Windows", GuestScript.RunPowerShellScript),
        Load(GuestScriptKind.InspectLinux, "inspect-linux.sh", "inspect-linux", "Linux", GuestScript.RunShellScript),
    };

    private static GuestScript Load(GuestScriptKind kind, string fileName, string name, string osType, string commandId)
    {
        var resource = ResourcePrefix + fileName;
        var assembly = typeof(GuestScripts).Assembly;
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The guest script {fileName} is not embedded in {assembly.GetName().Name} (resource '{resource}').");
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        var text = reader.ReadToEnd();

        var lines = GuestScript.SplitLines(text);
        var match = lines.Count > 0 ? Marker.Match(lines[0]) : Match.Empty;
        if (!match.Success || match.Groups["name"].Value != name)
        {
            throw new InvalidOperationException(
                $"The guest script {fileName} must start with the line '# genimage-script: {name}/VERSION'.");
        }
        var version = int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return new GuestScript(kind, name, version, fileName, osType, commandId, text);
    }
}
