using System;
using System.Collections.Generic;
using System.Linq;

namespace GenImage.Core.Gallery;

/// <summary>
/// Which version "latest" of a definition resolves to, as Azure resolves it when a VM is created from the
/// definition without a version: the highest version number among the versions that are not excluded from
/// latest and whose provisioning succeeded.
/// </summary>
public static class LatestVersion
{
    public static GalleryImageVersion? Resolve(IEnumerable<GalleryImageVersion> versions)
    {
        GalleryImageVersion? best = null;
        ImageVersionNumber bestNumber = default;
        foreach (var version in versions)
        {
            if (!Qualifies(version))
            {
                continue;
            }

            if (!ImageVersionNumber.TryParse(version.Name, out var number))
            {
                continue;
            }

            if (best == null || number > bestNumber)
            {
                best = version;
                bestNumber = number;
            }
        }
        return best;
    }

    /// <summary>True when the version can be what "latest" resolves to.</summary>
    public static bool Qualifies(GalleryImageVersion version) =>
        !version.ExcludeFromLatest &&
        string.Equals(version.ProvisioningState, "Succeeded", StringComparison.OrdinalIgnoreCase);

    /// <summary>Marks <see cref="GalleryImageVersion.IsLatest"/> on each version and returns the latest one.</summary>
    public static GalleryImageVersion? Mark(IList<GalleryImageVersion> versions)
    {
        var latest = Resolve(versions);
        foreach (var v in versions)
        {
            v.IsLatest = latest != null && string.Equals(v.Id, latest.Id, StringComparison.OrdinalIgnoreCase);
        }

        return latest;
    }

    /// <summary>The versions sorted by version number (names that are not versions last, by name).</summary>
    public static IList<GalleryImageVersion> Sort(IEnumerable<GalleryImageVersion> versions) =>
        versions
            .Select(v => (v, ok: ImageVersionNumber.TryParse(v.Name, out var n), n))
            .OrderBy(t => t.ok ? 0 : 1)
            .ThenBy(t => t.n)
            .ThenBy(t => t.v.Name, StringComparer.OrdinalIgnoreCase)
            .Select(t => t.v)
            .ToList();
}
