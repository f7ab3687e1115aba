using System;
using System.Collections.Generic;

namespace GenImage.Core.Readiness;

/// <summary>Pairs every catalogue id with its logic and turns outcomes into findings.</summary>
internal static class RuleSet
{
    private static readonly Dictionary<string, Func<RuleContext, Outcome>> Logic = Build();

    private static Dictionary<string, Func<RuleContext, Outcome>> Build()
    {
        var map = new Dictionary<string, Func<RuleContext, Outcome>>(StringComparer.OrdinalIgnoreCase);
        SourceRules.Register(map);
        DefinitionRules.Register(map);
        VersionRules.Register(map);
        RegionRules.Register(map);
        GuestRules.Register(map);
        OperationsRules.Register(map);
        foreach (var rule in ReadinessCatalog.Rules)
        {
            if (!map.ContainsKey(rule.Id))
            {
                throw new InvalidOperationException($"The readiness rule {rule.Id} has no implementation.");
            }
        }
        if (map.Count != ReadinessCatalog.Rules.Count)
        {
            throw new InvalidOperationException("A readiness rule implementation has no catalogue entry.");
        }

        return map;
    }

    /// <summary>The ids that have an implementation (every catalogue id; a unit test keeps it so).</summary>
    public static IEnumerable<string> ImplementedIds => Logic.Keys;

    public static ReadinessFinding Evaluate(string id, RuleContext context)
    {
        var info = ReadinessCatalog.Internal(id);
        Outcome outcome;
        try
        {
            outcome = Logic[id](context);
        }
        catch (Exception ex) when (!(ex is OutOfMemoryException))
        {
            // A rule must never take the whole evaluation down; an unexpected input is reported on the finding.
            outcome = Outcome.Skip($"the rule could not evaluate its input ({ex.GetType().Name}: {ex.Message})");
        }
        var finding = new ReadinessFinding
        {
            RuleId = info.Id,
            Category = info.Category,
            Severity = outcome.Severity ?? info.Severity,
            Status = outcome.Status,
            Title = info.Title,
            Target = outcome.Target ?? DefaultTarget(info.Category, context),
            Message = outcome.Message,
            Remediation = outcome.Status == FindingStatus.Fail ? outcome.Remediation ?? info.Fix : string.Empty,
            SkipReason = outcome.SkipReason,
        };
        foreach (var pair in outcome.Evidence)
        {
            finding.Evidence[pair.Key] = pair.Value;
        }

        return finding;
    }

    private static string DefaultTarget(string category, RuleContext context)
    {
        switch (category)
        {
            case ReadinessCatalog.Definition: return context.DefinitionTarget;
            case ReadinessCatalog.Version:
            case ReadinessCatalog.Regions: return context.VersionTarget;
            default: return context.SourceTarget;
        }
    }
}
