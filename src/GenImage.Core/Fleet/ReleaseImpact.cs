using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Logging;

namespace GenImage.Core.Fleet;

/// <summary>Who a promote, roll-back or removal of a version hits: the VMs and scale sets that pin it, and those on "latest" when "latest" moves.</summary>
public sealed class ReleaseImpact
{
    internal ReleaseImpact(ReleasePlan plan, IReadOnlyList<ImageConsumer> consumers, GenImageException? unknown)
    {
        Plan = plan;
        Consumers = consumers;
        Unknown = unknown;
    }

    public ReleasePlan Plan { get; }
    public IReadOnlyList<ImageConsumer> Consumers { get; }
    /// <summary>Why the consumers could not be read (for example no read access to VMs); null when they were.</summary>
    public GenImageException? Unknown { get; }

    public IReadOnlyList<ImageConsumer> Pinned => Consumers.Where(c => c.Via == ImageConsumers.ViaVersion).ToList();
    public IReadOnlyList<ImageConsumer> OnLatest => Consumers.Where(c => c.Via == ImageConsumers.ViaLatest).ToList();
    public IReadOnlyList<ImageConsumer> PinningScaleSets => Pinned.Where(c => c.Kind == ImageConsumers.ScaleSet).ToList();

    /// <summary>The plan's line for ShouldProcess and -WhatIf, with who is hit.</summary>
    public string Describe() => Plan.Describe() + "; " + DescribeConsumers();

    /// <summary>Who is hit, in an operator's words.</summary>
    public string DescribeConsumers()
    {
        if (Unknown != null)
        {
            return $"consumers unknown ({Unknown.Message})";
        }

        var version = Plan.Version.Name;
        var parts = new List<string>();
        if (Pinned.Count > 0)
        {
            parts.Add($"pinned by {Names(Pinned)}" + (Plan.Action == ReleaseChannel.Remove ? " (scale-out and reimage fail once it is gone)" : string.Empty));
        }
        var latestMoves = !string.Equals(Plan.LatestBefore?.Id, Plan.LatestAfter?.Id, StringComparison.OrdinalIgnoreCase);
        if (OnLatest.Count > 0 && latestMoves)
        {
            var after = Plan.LatestAfter?.Name ?? "no version (their deployments fail)";
            parts.Add($"{Names(OnLatest)} on latest get {after} instead of {Plan.LatestBefore?.Name ?? "none"} from their next deployment or reimage");
        }
        if (parts.Count == 0)
        {
            parts.Add(Consumers.Count == 0 ? $"no VM or scale set in the subscription uses {version}" : $"{Names(Consumers)} on latest, which stays {Plan.LatestAfter?.Name ?? "none"}");
        }
        return string.Join("; ", parts);
    }

    /// <summary>The refusal for removing a version that scale sets pin; null when none does.</summary>
    public GenImageException? RemovalRefusal()
    {
        var sets = PinningScaleSets;
        if (Plan.Action != ReleaseChannel.Remove || sets.Count == 0)
        {
            return null;
        }

        return new GenImageException(FleetErrorIds.ScaleSetPinsVersion, GenImageErrorKind.InvalidOperation,
            $"Image version {Plan.Version.Name} is pinned by {Names(sets)}: scaling out or reimaging {(sets.Count == 1 ? "it" : "them")} fails once the version is gone. " +
            "Move the scale set model to another version first (Get-ImageConsumer lists who uses it), or use -Force to remove it anyway.")
        { Target = Plan.Version.Id };
    }

    private static string Names(IReadOnlyList<ImageConsumer> consumers)
    {
        var names = consumers.Take(5).Select(c => (c.Kind == ImageConsumers.ScaleSet ? "scale set " : "VM ") + c.Name).ToList();
        return string.Join(", ", names) + (consumers.Count > 5 ? $" and {consumers.Count - 5} more" : string.Empty);
    }
}

/// <summary>Reads who a release-channel change hits: one VM list and one scale set list of the subscription.</summary>
public sealed class ReleaseImpactReader
{
    private readonly IFleetOperations _fleet;
    private readonly IGenImageLog _log;

    public ReleaseImpactReader(IFleetOperations fleet, IGenImageLog? log = null)
    {
        _fleet = fleet ?? throw new ArgumentNullException(nameof(fleet));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>The consumers of the plan's version. A failure to read them is kept in <see cref="ReleaseImpact.Unknown"/> and warned about; it never stops the plan.</summary>
    public async Task<ReleaseImpact> AssessAsync(ReleasePlan plan, CancellationToken cancellationToken)
    {
        if (plan == null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        bool IsLatest(GalleryImageVersion? v) => v != null && string.Equals(v.Id, plan.Version.Id, StringComparison.OrdinalIgnoreCase);
        try
        {
            var vms = _fleet.ListVmsAsync(null, cancellationToken);
            var sets = _fleet.ListScaleSetsAsync(null, cancellationToken);
            await Task.WhenAll(vms, sets).ConfigureAwait(false);
            var consumers = ImageConsumers.Match(plan.Version.Id, IsLatest(plan.LatestBefore) || IsLatest(plan.LatestAfter), vms.Result, sets.Result);
            return new ReleaseImpact(plan, consumers, null);
        }
        catch (GenImageException ex) when (!cancellationToken.IsCancellationRequested)
        {
            _log.Warning($"Could not read which VMs and scale sets use image version {plan.Version.Name}: {ex.Message}");
            return new ReleaseImpact(plan, Array.Empty<ImageConsumer>(), ex);
        }
    }
}
