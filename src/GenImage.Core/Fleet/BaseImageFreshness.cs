using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace GenImage.Core.Fleet;

/// <summary>
/// Marketplace image versions ("22.04.202411010", "20348.2700.240905") compared as dotted numbers, part by part
/// (so 1.10 is newer than 1.9); a part that is not a number compares after the numbers, ordinally.
/// </summary>
public sealed class PlatformVersionComparer : IComparer<string>
{
    public static readonly PlatformVersionComparer Instance = new PlatformVersionComparer();

    public int Compare(string? x, string? y)
    {
        var a = (x ?? string.Empty).Split('.');
        var b = (y ?? string.Empty).Split('.');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var left = i < a.Length ? a[i] : "0";
            var right = i < b.Length ? b[i] : "0";
            var leftNumber = decimal.TryParse(left, NumberStyles.None, CultureInfo.InvariantCulture, out var l);
            var rightNumber = decimal.TryParse(right, NumberStyles.None, CultureInfo.InvariantCulture, out var r);
            var c = leftNumber && rightNumber ? l.CompareTo(r)
                : leftNumber ? -1
                : rightNumber ? 1
                : string.Compare(left, right, StringComparison.OrdinalIgnoreCase);
            if (c != 0)
            {
                return c;
            }
        }
        return 0;
    }
}

/// <summary>How a base compares with the versions the platform offers.</summary>
public sealed class BaseFreshness
{
    /// <summary>Current, Outdated or Unknown (<see cref="InventoryStates"/>).</summary>
    public string State { get; set; } = InventoryStates.BaseUnknown;
    public string? NewestVersion { get; set; }
    /// <summary>How many offered versions are newer than the base; null when unknown.</summary>
    public int? VersionsBehind { get; set; }
    /// <summary>Why the state is Unknown; null otherwise.</summary>
    public string? Note { get; set; }

    /// <summary>
    /// Judges <paramref name="baseImage"/> against <paramref name="offered"/>, the versions the region offers (null: the
    /// region does not offer the image). A base that is not among them, or has no version, is Unknown, never Current.
    /// </summary>
    public static BaseFreshness Judge(MarketplaceImage baseImage, IReadOnlyList<string>? offered, string location)
    {
        if (baseImage == null)
        {
            throw new ArgumentNullException(nameof(baseImage));
        }

        if (offered == null || offered.Count == 0)
        {
            return new BaseFreshness { Note = $"{baseImage.Image} is not offered in {location} (the platform lists no version of it)." };
        }

        var newest = offered.OrderBy(v => v, PlatformVersionComparer.Instance).Last();
        if (baseImage.Version == null)
        {
            return new BaseFreshness { NewestVersion = newest, Note = $"The version of the base {baseImage.Image} is not recorded (the source VM was on \"latest\" without exactVersion)." };
        }

        if (!offered.Any(v => PlatformVersionComparer.Instance.Compare(v, baseImage.Version) == 0))
        {
            return new BaseFreshness
            {
                NewestVersion = newest,
                Note = $"The base version {baseImage.Version} is no longer offered in {location}: how far behind it is cannot be counted (the newest is {newest}).",
            };
        }

        var behind = offered.Count(v => PlatformVersionComparer.Instance.Compare(v, baseImage.Version) > 0);
        return new BaseFreshness
        {
            State = behind > 0 ? InventoryStates.BaseOutdated : InventoryStates.BaseCurrent,
            NewestVersion = newest,
            VersionsBehind = behind,
        };
    }
}
