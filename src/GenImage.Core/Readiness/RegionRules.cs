using System;
using System.Collections.Generic;
using System.Linq;

namespace GenImage.Core.Readiness;

/// <summary>GI4001-GI4005: the target regions of a version.</summary>
internal static class RegionRules
{
    /// <summary>The storage account types gallery replicas accept.</summary>
    internal static readonly string[] StorageTypes = { "Standard_LRS", "Standard_ZRS", "Premium_LRS" };

    internal const int MinReplicas = 1;
    internal const int MaxReplicas = 100;
    internal const int SensibleReplicas = 20;
    internal const int SensibleScaleSetReplicas = 50;

    public static void Register(IDictionary<string, Func<RuleContext, Outcome>> map)
    {
        map["GI4001"] = ValidNames;
        map["GI4002"] = SourceRegionIncluded;
        map["GI4003"] = ReplicaCounts;
        map["GI4004"] = StorageType;
        map["GI4005"] = ZoneRedundancy;
    }

    private const string NoRegions = "no target regions were given";

    private static string List(IEnumerable<TargetRegion> regions) => string.Join(", ", regions.Select(r => r.ToString()));

    private static Outcome ValidNames(RuleContext c)
    {
        if (c.Regions.Count == 0)
        {
            return Outcome.Skip(NoRegions);
        }

        var known = c.Input.KnownRegions.Count > 0 ? c.Input.KnownRegions : KnownRegions.All;
        var unknown = c.Regions.Select(r => r.Name).Where(n => !known.Contains(KnownRegions.Normalize(n))).ToList();
        return (unknown.Count == 0
                ? Outcome.Pass($"Every target region name is valid: {string.Join(", ", c.Regions.Select(r => r.Name))}.")
                : Outcome.Fail($"Unknown target region(s): {string.Join(", ", unknown.Select(n => "'" + n + "'"))}."))
            .With("regions", c.Regions.Select(r => r.Name).ToList()).With("unknown", unknown);
    }

    private static Outcome SourceRegionIncluded(RuleContext c)
    {
        if (c.Regions.Count == 0)
        {
            return Outcome.Skip(NoRegions);
        }

        var location = c.SourceLocation;
        if (string.IsNullOrEmpty(location))
        {
            return Outcome.Skip("the source's region is not known");
        }

        var normalized = KnownRegions.Normalize(location!);
        var included = c.Regions.Any(r => KnownRegions.Normalize(r.Name) == normalized);
        return (included
                ? Outcome.Pass($"The source region {normalized} is among the target regions.")
                : Outcome.Fail($"The source region {normalized} is not among the target regions ({string.Join(", ", c.Regions.Select(r => r.Name))}); it will be added with one replica.",
                    remediation: $"Add {normalized} to -TargetRegion explicitly, with the replica count you want there."))
            .With("sourceRegion", normalized).With("regions", c.Regions.Select(r => r.Name).ToList());
    }

    private static Outcome ReplicaCounts(RuleContext c)
    {
        if (c.Regions.Count == 0)
        {
            return Outcome.Skip(NoRegions);
        }

        var counts = c.Regions.ToDictionary(r => r.Name, r => (object?)r.ReplicaCount, StringComparer.OrdinalIgnoreCase);
        var invalid = c.Regions.Where(r => r.ReplicaCount < MinReplicas || r.ReplicaCount > MaxReplicas).ToList();
        if (invalid.Count > 0)
        {
            return Outcome.Fail($"Replica counts must be {MinReplicas} to {MaxReplicas}: {List(invalid)}.",
                    FindingSeverity.Error, $"Use {MinReplicas} to {MaxReplicas} replicas per region.")
                .With("replicaCounts", counts);
        }
        var threshold = c.Input.ForScaleSet ? SensibleScaleSetReplicas : SensibleReplicas;
        var high = c.Regions.Where(r => r.ReplicaCount > threshold).ToList();
        if (high.Count > 0)
        {
            var message = c.Input.ForScaleSet
                ? $"More than {SensibleScaleSetReplicas} replicas in: {List(high)}; even large scale sets rarely need that many."
                : $"More than {SensibleReplicas} replicas in: {List(high)}; one replica serves about 20 concurrent VM creations, so more only pays off for large scale sets.";
            return Outcome.Fail(message, FindingSeverity.Warning,
                    $"Lower the replica count to {threshold} or fewer, unless the image serves scale sets that create many VMs at once.")
                .With("replicaCounts", counts).With("threshold", threshold);
        }
        return Outcome.Pass($"Replica counts are between {MinReplicas} and {threshold}: {List(c.Regions)}.").With("replicaCounts", counts);
    }

    private static Outcome StorageType(RuleContext c)
    {
        if (c.Regions.Count == 0)
        {
            return Outcome.Skip(NoRegions);
        }

        var bad = c.Regions.Where(r => !StorageTypes.Contains(r.StorageAccountType, StringComparer.OrdinalIgnoreCase)).ToList();
        return (bad.Count == 0
                ? Outcome.Pass("Every target region uses a valid storage account type.")
                : Outcome.Fail($"Invalid storage account type(s): {List(bad)}; use {string.Join(", ", StorageTypes)}."))
            .With("storageAccountTypes", c.Regions.ToDictionary(r => r.Name, r => (object?)r.StorageAccountType, StringComparer.OrdinalIgnoreCase));
    }

    private static Outcome ZoneRedundancy(RuleContext c)
    {
        if (c.Regions.Count == 0)
        {
            return Outcome.Skip(NoRegions);
        }

        var zrs = c.Regions.Where(r => string.Equals(r.StorageAccountType, "Standard_ZRS", StringComparison.OrdinalIgnoreCase)).ToList();
        if (zrs.Count == 0)
        {
            return Outcome.Pass("No target region asks for zone-redundant storage.").With("zrsRegions", new List<string>());
        }

        var noZones = zrs.Where(r => KnownRegions.IsKnown(r.Name) && !KnownRegions.SupportsZones(r.Name)).Select(r => r.Name).ToList();
        return (noZones.Count == 0
                ? Outcome.Pass($"Zone-redundant storage is asked only in regions with availability zones ({string.Join(", ", zrs.Select(r => r.Name))}).")
                : Outcome.Fail($"Standard_ZRS is asked in region(s) without availability zones: {string.Join(", ", noZones)}."))
            .With("zrsRegions", zrs.Select(r => r.Name).ToList()).With("regionsWithoutZones", noZones);
    }
}
