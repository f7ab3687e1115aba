namespace GenImage.Emulator.Resources.VirtualMachines.GuestScripts;

/// <summary>
/// Things inside a Windows guest that make Sysprep refuse to generalize, written <c>kind:detail</c> in the world file.
/// </summary>
internal static class SysprepBlockers
{
    private static readonly Dictionary<string, (bool NeedsDetail, Func<string, string> Describe)> Kinds = new(StringComparer.Ordinal)
    {
        ["appx"] = (true, pkg =>
            $"package {pkg} was installed for a user, but not provisioned for all users. This package will not function properly in the sysprep image."),
        ["pendingReboot"] = (false, _ =>
            "a servicing operation is pending and needs a reboot before Sysprep can run."),
        ["bitlocker"] = (false, _ =>
            "BitLocker protection is on for the operating system volume; decrypt it before running Sysprep."),
        ["upgradedOs"] = (false, _ =>
            "Sysprep cannot run on an installation that was upgraded in place from an earlier version of Windows."),
    };

    public static IReadOnlyCollection<string> KindNames => Kinds.Keys;

    /// <summary>Returns a problem description, or null when the blocker is well-formed.</summary>
    public static string? Validate(string blocker)
    {
        var (kind, detail) = Split(blocker);
        if (!Kinds.TryGetValue(kind, out var def))
        {
            return $"unknown blocker '{blocker}'; write kind:detail with kind one of {string.Join(", ", Kinds.Keys)} (for example appx:Microsoft.BingWeather_4.53.0.0_x64__8wekyb3d8bbwe).";
        }

        if (def.NeedsDetail && string.IsNullOrWhiteSpace(detail))
        {
            return $"blocker '{blocker}' needs a detail after '{kind}:' (the package full name).";
        }

        return null;
    }

    /// <summary>The Sysprep message for a blocker, after "Sysprep was not able to validate your Windows installation: ".</summary>
    public static string Describe(string blocker)
    {
        var (kind, detail) = Split(blocker);
        return Kinds.TryGetValue(kind, out var def) ? def.Describe(detail) : blocker;
    }

    private static (string Kind, string Detail) Split(string blocker)
    {
        var i = blocker.IndexOf(':', StringComparison.Ordinal);
        return i < 0 ? (blocker.Trim(), "") : (blocker[..i].Trim(), blocker[(i + 1)..].Trim());
    }
}
