using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Logging;

namespace GenImage.Core.Gallery;

/// <summary>
/// Retries the replication of one region of a version: takes the region out of the target regions (its replicas are
/// deleted), waits, then puts it back with its replica count and storage type (a new replication starts), and waits
/// again. Refused when the version's safety profile does not allow removing a replicated region.
/// </summary>
public static class RegionRetry
{
    public const string RegionNotTargeted = "RetryRegionNotTargeted";
    public const string RegionRemovalNotAllowed = "RetryRegionRemovalNotAllowed";
    public const string OnlyRegion = "RetryRegionIsTheOnlyRegion";

    /// <summary>The region of <paramref name="version"/> to retry, or a GenImage error saying why it cannot be retried.</summary>
    public static RegionReplication Check(GalleryImageVersion version, string region)
    {
        if (version == null)
        {
            throw new ArgumentNullException(nameof(version));
        }

        var normalized = TargetRegions.NormalizeName(region);
        var target = version.Regions.FirstOrDefault(r => string.Equals(TargetRegions.NormalizeName(r.Region), normalized, StringComparison.OrdinalIgnoreCase))
            ?? throw new GenImageException(RegionNotTargeted, GenImageErrorKind.InvalidArgument,
                $"-RetryRegion '{region}' is not a target region of {version.Name} (it has {string.Join(", ", version.Regions.Select(r => r.Region))}).")
            { Target = version.Id };
        if (version.Regions.Count < 2)
        {
            throw new GenImageException(OnlyRegion, GenImageErrorKind.InvalidOperation,
                $"{target.Region} is the only region of {version.Name}: a version cannot lose its last region. Publish a new version instead.")
            { Target = version.Id };
        }

        if (version.AllowDeletionOfReplicatedLocation == false)
        {
            throw new GenImageException(RegionRemovalNotAllowed, GenImageErrorKind.InvalidOperation,
                $"{version.Name} does not allow removing a replicated region (safetyProfile.allowDeletionOfReplicatedLocations is false), and a retry removes {target.Region} first. " +
                $"Allow it with Set-GalleryImageVersion -Id '{version.Id}' -AllowDeletionOfReplicatedLocation, retry, then set -AllowDeletionOfReplicatedLocation:$false again.")
            { Target = version.Id };
        }
        return target;
    }

    /// <summary>Removes <paramref name="region"/> from the target regions, then adds it back; returns the version as it ends.</summary>
    public static async Task<GalleryImageVersion> RunAsync(IGalleryOperations galleries, GalleryImageVersion version, string region, IGenImageLog log, CancellationToken cancellationToken)
    {
        var target = Check(version, region);
        // Both lists are taken before the first update: the version object may be refreshed by it.
        var all = version.Regions.Select(ToTarget).ToList();
        var others = version.Regions.Where(r => r != target).Select(ToTarget).ToList();
        log.Verbose($"Retry of {target.Region} for {version.Name}: removing the region (its replicas are deleted).");
        await galleries.UpdateVersionAsync(version.Id, new VersionUpdateRequest { TargetRegions = others }, cancellationToken).ConfigureAwait(false);
        log.Verbose($"Retry of {target.Region} for {version.Name}: adding the region back ({target.ReplicaCount} replica(s), {target.StorageAccountType}).");
        return await galleries.UpdateVersionAsync(version.Id, new VersionUpdateRequest { TargetRegions = all }, cancellationToken).ConfigureAwait(false);
    }

    private static TargetRegion ToTarget(RegionReplication r) => new TargetRegion
    {
        Name = r.Region, ReplicaCount = r.ReplicaCount, StorageAccountType = r.StorageAccountType, ExcludeFromLatest = r.ExcludeFromLatest,
    };
}
