using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Logging;

namespace GenImage.Core.Gallery;

/// <summary>A promote, roll-back or removal worked out before anything is written.</summary>
public sealed class ReleasePlan
{
    internal ReleasePlan(string action, GalleryImageVersion version, IReadOnlyList<GalleryImageVersion> versions,
        GalleryImageVersion? latestBefore, GalleryImageVersion? latestAfter, bool changes)
    {
        Action = action;
        Version = version;
        Versions = versions;
        LatestBefore = latestBefore;
        LatestAfter = latestAfter;
        Changes = changes;
    }

    /// <summary>Promote, Rollback or Remove.</summary>
    public string Action { get; }
    public GalleryImageVersion Version { get; }
    /// <summary>The definition's versions before the operation.</summary>
    public IReadOnlyList<GalleryImageVersion> Versions { get; }
    public GalleryImageVersion? LatestBefore { get; }
    /// <summary>What "latest" will resolve to afterwards.</summary>
    public GalleryImageVersion? LatestAfter { get; }
    /// <summary>False when the version already is in the asked state: nothing will be written.</summary>
    public bool Changes { get; }
    /// <summary>The version is what "latest" resolves to now.</summary>
    public bool IsLatest => LatestBefore != null && string.Equals(LatestBefore.Id, Version.Id, StringComparison.OrdinalIgnoreCase);

    /// <summary>One line for ShouldProcess and -WhatIf.</summary>
    public string Describe()
    {
        var move = $"latest: {LatestBefore?.Name ?? "none"} -> {LatestAfter?.Name ?? "none"}";
        return Action switch
        {
            "Promote" => $"Promote image version {Version.Name} (include it in latest; {move})",
            "Rollback" => $"Roll back image version {Version.Name} (exclude it from latest; {move})",
            _ => $"Remove image version {Version.Name} and its replicas in {Version.Regions.Count} region(s) ({move})",
        };
    }
}

/// <summary>
/// The release channel of a definition: promote a version into "latest", roll one back out of it, remove one.
/// Promote and roll back are idempotent; every answer says which version "latest" resolves to.
/// </summary>
public sealed class ReleaseChannel
{
    public const string Promote = "Promote";
    public const string Rollback = "Rollback";
    public const string Remove = "Remove";

    private readonly IGalleryOperations _galleries;
    private readonly IGenImageLog _log;

    public ReleaseChannel(IGalleryOperations galleries, IGenImageLog log)
    {
        _galleries = galleries ?? throw new ArgumentNullException(nameof(galleries));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>Reads the version and its siblings; works out the effect on "latest". Sends no write.</summary>
    public async Task<ReleasePlan> PlanAsync(string action, string versionId, CancellationToken cancellationToken)
    {
        var address = GalleryIds.ParseVersion(versionId);
        var versions = await _galleries.ListVersionsAsync(address.ResourceGroupName, address.GalleryName, address.DefinitionName, cancellationToken).ConfigureAwait(false);
        var plan = Plan(action, versionId, versions);
        if (action == Remove)
        {
            await CheckDeletionAllowedAsync(plan.Version, cancellationToken).ConfigureAwait(false);
        }

        return plan;
    }

    /// <summary>
    /// Refuses, before any delete, a version whose safety profile blocks deletion before its end of life. The list
    /// does not carry the whole safety profile, so the version itself is read.
    /// </summary>
    public async Task CheckDeletionAllowedAsync(GalleryImageVersion version, CancellationToken cancellationToken)
    {
        if (version == null)
        {
            throw new ArgumentNullException(nameof(version));
        }

        var current = await _galleries.GetVersionAsync(version.Id, false, cancellationToken).ConfigureAwait(false) ?? version;
        if (current.IsDeletionBlocked)
        {
            throw new GenImageException(GalleryErrorIds.VersionDeletionBlocked, GenImageErrorKind.InvalidOperation,
                $"Image version {version.Name} cannot be deleted before its end of life ({current.EndOfLifeDate!.Value.UtcDateTime:yyyy-MM-dd HH:mm}Z): its safety profile blocks deletion before end of life. " +
                $"Turn that off first (Set-GalleryImageVersion -Id '{version.Id}' -BlockDeletionBeforeEndOfLife:$false), or wait until the end of life date.")
            { Target = version.Id };
        }

        version.BlockDeletionBeforeEndOfLife = current.BlockDeletionBeforeEndOfLife;
        version.AllowDeletionOfReplicatedLocation = current.AllowDeletionOfReplicatedLocation;
    }

    /// <summary>Works out the plan from a list of the definition's versions the caller has just read. Sends nothing.</summary>
    public static ReleasePlan Plan(string action, string versionId, IReadOnlyList<GalleryImageVersion> versions)
    {
        if (versions == null)
        {
            throw new ArgumentNullException(nameof(versions));
        }

        var address = GalleryIds.ParseVersion(versionId);
        var version = versions.FirstOrDefault(v => string.Equals(v.Name, address.VersionName, StringComparison.OrdinalIgnoreCase))
            ?? throw new GenImageException(GalleryErrorIds.VersionNotFound, GenImageErrorKind.ObjectNotFound,
                $"Image version '{address.VersionName}' does not exist under {address.GalleryName}/{address.DefinitionName}" +
                (versions.Count == 0 ? " (the definition has no versions)." : $" (it has {string.Join(", ", versions.Select(v => v.Name))})."))
            { Target = versionId };

        var before = LatestVersion.Resolve(versions);
        bool changes;
        IEnumerable<GalleryImageVersion> after;
        switch (action)
        {
            case Promote:
                if (!string.Equals(version.ProvisioningState, "Succeeded", StringComparison.OrdinalIgnoreCase))
                {
                    throw new GenImageException(GalleryErrorIds.VersionNotReady, GenImageErrorKind.InvalidOperation,
                        $"Image version {version.Name} is {version.ProvisioningState}; only a Succeeded version can be promoted into latest. " +
                        "Wait for replication (Get-GalleryImageVersion shows it), then promote.")
                    { Target = version.Id };
                }
                changes = version.ExcludeFromLatest || version.Regions.Any(r => r.ExcludeFromLatest);
                after = versions.Select(v => v.Id == version.Id ? With(v, false) : v);
                break;
            case Rollback:
                changes = !version.ExcludeFromLatest;
                after = versions.Select(v => v.Id == version.Id ? With(v, true) : v);
                break;
            case Remove:
                changes = true;
                after = versions.Where(v => v.Id != version.Id);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "Promote, Rollback or Remove.");
        }
        return new ReleasePlan(action, version, versions, before, LatestVersion.Resolve(after), changes);
    }

    /// <summary>Carries out a promote or roll back (no write when nothing changes) and reports "latest", listing the versions after the write.</summary>
    public Task<GalleryReleaseResult> ExecuteAsync(ReleasePlan plan, CancellationToken cancellationToken) =>
        ExecuteAsync(plan, listAfter: true, cancellationToken);

    /// <summary>
    /// Carries out a promote or roll back (no write when nothing changes) and reports "latest": from a list read after
    /// the write, or (<paramref name="listAfter"/> false) from the plan's list with the version as the write answered
    /// (a caller that read the list itself moments ago and owns the version: a recipe run).
    /// </summary>
    public async Task<GalleryReleaseResult> ExecuteAsync(ReleasePlan plan, bool listAfter, CancellationToken cancellationToken)
    {
        if (plan == null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        var version = plan.Version;
        var updated = version;
        if (plan.Changes)
        {
            var request = new VersionUpdateRequest { ExcludeFromLatest = plan.Action == Rollback };
            if (plan.Action == Promote && version.Regions.Any(r => r.ExcludeFromLatest))
            {
                // A region-level flag would keep the version out of latest in that region.
                request.TargetRegions = version.Regions.Select(r => new TargetRegion
                {
                    Name = r.Region, ReplicaCount = r.ReplicaCount, StorageAccountType = r.StorageAccountType, ExcludeFromLatest = false,
                }).ToList();
            }
            updated = await _galleries.UpdateVersionAsync(version.Id, request, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _log.Verbose($"Image version {version.Name} is already {(plan.Action == Promote ? "included in" : "excluded from")} latest; nothing was written.");
        }

        var address = GalleryIds.ParseVersion(version.Id);
        var versions = !plan.Changes ? plan.Versions
            : listAfter ? await _galleries.ListVersionsAsync(address.ResourceGroupName, address.GalleryName, address.DefinitionName, cancellationToken).ConfigureAwait(false)
            : plan.Versions.Select(v => string.Equals(v.Id, version.Id, StringComparison.OrdinalIgnoreCase) ? updated : v).ToList();
        var latest = LatestVersion.Resolve(versions);
        updated.IsLatest = latest != null && string.Equals(latest.Id, updated.Id, StringComparison.OrdinalIgnoreCase);
        if (latest == null)
        {
            _log.Warning($"No version of {address.GalleryName}/{address.DefinitionName} qualifies for latest now: VMs and scale sets created with version 'latest' will fail until a version is promoted (Publish-GalleryImageVersion).");
        }
        return new GalleryReleaseResult
        {
            Action = plan.Action,
            Id = version.Id,
            ResourceGroupName = address.ResourceGroupName,
            GalleryName = address.GalleryName,
            DefinitionName = address.DefinitionName,
            Name = version.Name,
            Changed = plan.Changes,
            ExcludeFromLatest = updated.ExcludeFromLatest,
            PreviousLatestVersion = plan.LatestBefore?.Name,
            LatestVersion = latest?.Name,
            LatestVersionId = latest?.Id,
            Version = updated,
        };
    }

    /// <summary>Deletes the version of a Remove plan and waits for it.</summary>
    public async Task RemoveAsync(ReleasePlan plan, CancellationToken cancellationToken)
    {
        if (plan == null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        await _galleries.DeleteVersionAsync(plan.Version.Id, cancellationToken).ConfigureAwait(false);
        if (plan.IsLatest)
        {
            _log.Warning(plan.LatestAfter == null
                ? $"Image version {plan.Version.Name} was what latest resolved to; no version qualifies for latest now."
                : $"Image version {plan.Version.Name} was what latest resolved to; latest resolves to {plan.LatestAfter.Name} now.");
        }
    }

    /// <summary>The refusal for removing the version that "latest" resolves to when no other version would take its place.</summary>
    public static GenImageException? RemovalRefusal(ReleasePlan plan)
    {
        if (!plan.IsLatest || plan.LatestAfter != null)
        {
            return null;
        }

        return new GenImageException(GalleryErrorIds.LatestVersionRemoval, GenImageErrorKind.InvalidOperation,
            $"Image version {plan.Version.Name} is the only version that latest resolves to: removing it leaves latest with no version, " +
            "and VMs or scale sets created with version 'latest' fail. Publish another version first, or use -Force to remove it anyway.")
        { Target = plan.Version.Id };
    }

    private static GalleryImageVersion With(GalleryImageVersion v, bool exclude) => new GalleryImageVersion
    {
        Id = v.Id, Name = v.Name, ProvisioningState = v.ProvisioningState, ExcludeFromLatest = exclude,
    };
}
