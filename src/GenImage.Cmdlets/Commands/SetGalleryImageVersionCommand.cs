using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Changes a gallery image version: exclude-from-latest, end of life, target regions and replica counts, tags.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "GalleryImageVersion", DefaultParameterSetName = ByNameSet,
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GalleryImageVersion))]
public sealed class SetGalleryImageVersionCommand : GalleryVersionCmdlet
{

    /// <summary>-ExcludeFromLatest or -ExcludeFromLatest:$false. For the release channel, prefer Publish-/Undo-GalleryImageVersion.</summary>
    [Parameter]
    public SwitchParameter ExcludeFromLatest { get; set; }

    [Parameter]
    public DateTime EndOfLifeDate { get; set; }

    /// <summary>The full new list of regions (same forms as New-GalleryImageVersion).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(LocationCompleter))]
    [ValidateNotNullOrEmpty]
    public object[]? TargetRegion { get; set; }

    /// <summary>The default replica count of the version (and of regions given without a count).</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int ReplicaCount { get; set; }

    [Parameter]
    [ValidateSet("Standard_LRS", "Standard_ZRS", "Premium_LRS", IgnoreCase = true)]
    public string StorageAccountType { get; set; } = "Standard_LRS";

    /// <summary>Tags to set (merged over the version's tags).</summary>
    [Parameter]
    public Hashtable? Tag { get; set; }

    /// <summary>safetyProfile.blockDeletionBeforeEndOfLife; -BlockDeletionBeforeEndOfLife:$false lifts the block.</summary>
    [Parameter]
    public SwitchParameter BlockDeletionBeforeEndOfLife { get; set; }

    /// <summary>safetyProfile.allowDeletionOfReplicatedLocations; -AllowDeletionOfReplicatedLocation:$false refuses taking a replicated region out.</summary>
    [Parameter]
    public SwitchParameter AllowDeletionOfReplicatedLocation { get; set; }

    /// <summary>Retries the replication of one (failed) region: removes it from the target regions, then adds it back. Given alone.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(LocationCompleter))]
    [ValidateNotNullOrEmpty]
    public string? RetryRegion { get; set; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var bound = MyInvocation.BoundParameters;
        var target = Id ?? string.Empty;
        try
        {
            target = VersionId(connection);
            if (RetryRegion != null)
            {
                Retry(connection, target, bound);
                return;
            }

            var request = new VersionUpdateRequest
            {
                Safety = PublishingParameters.Safety(bound, BlockDeletionBeforeEndOfLife, AllowDeletionOfReplicatedLocation),
            };
            if (bound.ContainsKey(nameof(ExcludeFromLatest)))
            {
                request.ExcludeFromLatest = ExcludeFromLatest.IsPresent;
            }

            if (bound.ContainsKey(nameof(EndOfLifeDate)))
            {
                request.EndOfLifeDate = PublishingParameters.Date(EndOfLifeDate);
            }

            if (bound.ContainsKey(nameof(ReplicaCount)))
            {
                request.ReplicaCount = ReplicaCount;
            }

            if (TargetRegion != null)
            {
                request.TargetRegions = PublishingParameters.Regions(TargetRegion, bound.ContainsKey(nameof(ReplicaCount)) ? ReplicaCount : 1,
                    TargetRegions.NormalizeStorageType(StorageAccountType));
                foreach (var r in request.TargetRegions)
                {
                    if (r.ReplicaCount < 1 || r.ReplicaCount > 100)
                    {
                        throw new GenImageException(GalleryErrorIds.InvalidTargetRegion, GenImageErrorKind.InvalidArgument,
                            $"-TargetRegion '{r}' is not valid: the replica count {r.ReplicaCount} is outside 1..100 (GI4003).")
                        { Target = r.ToString() };
                    }

                    if (!TargetRegions.StorageAccountTypes.Contains(r.StorageAccountType))
                    {
                        throw new GenImageException(GalleryErrorIds.InvalidTargetRegion, GenImageErrorKind.InvalidArgument,
                            $"-TargetRegion '{r}' is not valid: storage type '{r.StorageAccountType}' is not one of {string.Join(", ", TargetRegions.StorageAccountTypes)} (GI4004).")
                        { Target = r.ToString() };
                    }
                }
            }
            if (Tag != null)
            {
                request.Tags = PublishingParameters.Tags(Tag);
            }

            if (request.IsEmpty)
            {
                WriteItemError(new GenImageException("NothingToChange", GenImageErrorKind.InvalidArgument,
                    "Give at least one of -ExcludeFromLatest, -EndOfLifeDate, -TargetRegion, -ReplicaCount, -Tag, -BlockDeletionBeforeEndOfLife, -AllowDeletionOfReplicatedLocation or -RetryRegion."), target);
                return;
            }

            var galleries = new ArmGalleryOperations(connection);
            var current = RunAsync((log, ct) => galleries.GetVersionAsync(target, false, ct)) ?? throw GalleryPublisher.VersionMissing(target);
            if (request.TargetRegions != null)
            {
                var dropped = current.Regions.Select(r => r.Region).Where(r => !request.TargetRegions.Any(t => string.Equals(t.Name, r, StringComparison.OrdinalIgnoreCase))).ToList();
                if (dropped.Count > 0)
                {
                    WriteWarning($"Replicas in {string.Join(", ", dropped)} will be deleted: they are not in the new -TargetRegion list.");
                }
            }
            if (!ShouldChange(target, Describe(current, request)))
            {
                return;
            }

            var updated = RunAsync((log, ct) => galleries.UpdateVersionAsync(target, request, ct));
            // The update's answer is read at the SDK's api-version: the safety profile is what was just set, or as read before.
            updated.BlockDeletionBeforeEndOfLife = request.Safety.BlockDeletionBeforeEndOfLife ?? current.BlockDeletionBeforeEndOfLife;
            updated.AllowDeletionOfReplicatedLocation = request.Safety.AllowDeletionOfReplicatedLocations ?? current.AllowDeletionOfReplicatedLocation;
            var address = GalleryIds.ParseVersion(target);
            var all = RunAsync((log, ct) => galleries.ListVersionsAsync(address.ResourceGroupName, address.GalleryName, address.DefinitionName, ct));
            var latest = LatestVersion.Resolve(all);
            updated.IsLatest = latest != null && string.Equals(latest.Id, updated.Id, StringComparison.OrdinalIgnoreCase);
            WriteObject(updated);
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, target);
        }
    }

    /// <summary>-RetryRegion: remove the region, then add it back (two updates, each waited for).</summary>
    private void Retry(GenImage.Core.Connection.GenImageConnection connection, string target, System.Collections.Generic.IDictionary<string, object> bound)
    {
        var others = bound.Keys.Where(k => k is nameof(ExcludeFromLatest) or nameof(EndOfLifeDate) or nameof(TargetRegion) or nameof(ReplicaCount) or nameof(Tag)
            or nameof(BlockDeletionBeforeEndOfLife) or nameof(AllowDeletionOfReplicatedLocation) or nameof(StorageAccountType)).ToList();
        if (others.Count > 0)
        {
            throw new GenImageException("RetryRegionWithOtherChanges", GenImageErrorKind.InvalidArgument,
                $"-RetryRegion is given alone; run Set-GalleryImageVersion again for -{string.Join(", -", others)}.");
        }

        var galleries = new ArmGalleryOperations(connection);
        var current = RunAsync((log, ct) => galleries.GetVersionAsync(target, true, ct)) ?? throw GalleryPublisher.VersionMissing(target);
        var region = RegionRetry.Check(current, RetryRegion!);
        if (!ShouldChange(target, $"retry replication in {region.Region} (now {region.State}): remove the region, which deletes its replicas, then add it back with {region.ReplicaCount} replica(s), {region.StorageAccountType}"))
        {
            return;
        }

        var updated = RunAsync((log, ct) => RegionRetry.RunAsync(galleries, current, RetryRegion!, log, ct));
        WriteObject(updated);
    }

    private static string Describe(GalleryImageVersion current, VersionUpdateRequest r)
    {
        var parts = new System.Collections.Generic.List<string>();
        if (r.Safety.BlockDeletionBeforeEndOfLife != null)
        {
            parts.Add($"block deletion before end of life {current.BlockDeletionBeforeEndOfLife?.ToString() ?? "unknown"} -> {r.Safety.BlockDeletionBeforeEndOfLife}");
        }

        if (r.Safety.AllowDeletionOfReplicatedLocations != null)
        {
            parts.Add($"allow deletion of replicated locations {current.AllowDeletionOfReplicatedLocation?.ToString() ?? "unknown"} -> {r.Safety.AllowDeletionOfReplicatedLocations}");
        }

        if (r.ExcludeFromLatest != null)
        {
            parts.Add($"exclude from latest {current.ExcludeFromLatest} -> {r.ExcludeFromLatest}");
        }

        if (r.EndOfLifeDate != null)
        {
            parts.Add($"end of life -> {r.EndOfLifeDate:yyyy-MM-dd}");
        }

        if (r.ReplicaCount != null)
        {
            parts.Add($"replica count -> {r.ReplicaCount}");
        }

        if (r.TargetRegions != null)
        {
            parts.Add("target regions -> " + string.Join(", ", r.TargetRegions));
        }

        if (r.Tags != null)
        {
            parts.Add("tags " + string.Join(", ", r.Tags.Keys));
        }

        return $"Update image version {current.Name}: " + string.Join("; ", parts);
    }
}
