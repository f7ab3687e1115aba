using System;
using System.Collections.Generic;
using System.Linq;

namespace GenImage.Core.Readiness;

/// <summary>
/// Evaluates the readiness catalogue against one input. Used by Test-ImageReadiness and by the
/// publishing pre-flight, so both report the same ids for the same problems.
/// </summary>
public static class ReadinessEngine
{
    /// <summary>The categories the publishing pre-flight evaluates.</summary>
    public static IReadOnlyList<string> PreflightCategories { get; } = new[]
    {
        ReadinessCatalog.Source, ReadinessCatalog.Definition, ReadinessCatalog.Version, ReadinessCatalog.Regions,
        ReadinessCatalog.Guest, ReadinessCatalog.Operations,
    };

    /// <summary>One finding per selected rule (Pass, Fail, or Skipped with the reason), ordered by rule id.</summary>
    public static IReadOnlyList<ReadinessFinding> Evaluate(ReadinessInput input, ReadinessSelection? selection = null)
    {
        if (input == null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        var context = new RuleContext(input);
        var findings = new List<ReadinessFinding>();
        foreach (var rule in ReadinessCatalog.Rules)
        {
            if (selection != null && !selection.Selects(rule))
            {
                continue;
            }

            findings.Add(RuleSet.Evaluate(rule.Id, context));
        }
        return findings.AsReadOnly();
    }

    /// <summary>
    /// The publishing pre-flight: the Source, Definition, Version and Regions rules, plus the Guest rules
    /// (Skipped unless <see cref="ReadinessInput.Guest"/> is set) and the Operations rules, whose
    /// failures are Warnings. A finding with <see cref="ReadinessFinding.IsBlocking"/> stops the publish.
    /// </summary>
    public static IReadOnlyList<ReadinessFinding> Preflight(ReadinessInput input) => Evaluate(input);

    /// <summary>True when any finding blocks (a failed, unsuppressed Error).</summary>
    public static bool HasBlocking(IEnumerable<ReadinessFinding> findings) => findings.Any(f => f.IsBlocking);
}
