using System;
using System.Collections.Generic;
using System.Linq;
using GenImage.Core.Logging;
using GenImage.Core.Readiness;

namespace GenImage.Core.Recipes;

/// <summary>
/// A recipe's readiness policy — the rules it excludes and the failing errors it suppresses, with who approved
/// them — worked out from the recipe in one place. The Readiness step and the publishing pre-flight both apply
/// it, and because it comes from the recipe (never from what an earlier step remembered), a -Resume that skips
/// Readiness applies exactly the same policy to the pre-flight.
/// </summary>
public sealed class ReadinessPolicy
{
    private ReadinessPolicy(IReadOnlyList<string> exclude, IReadOnlyList<RecipeSuppression> suppressions)
    {
        Exclude = exclude;
        Suppressions = suppressions;
    }

    /// <summary>Rule ids or wildcards not evaluated (spec.readiness.exclude).</summary>
    public IReadOnlyList<string> Exclude { get; }
    /// <summary>Failing errors that do not block, each with its justification and approver (spec.readiness.suppressions).</summary>
    public IReadOnlyList<RecipeSuppression> Suppressions { get; }

    public static ReadinessPolicy From(ImageRecipe recipe)
    {
        if (recipe == null)
        {
            throw new ArgumentNullException(nameof(recipe));
        }

        return new ReadinessPolicy(recipe.Spec.Readiness.Exclude.ToList(), recipe.Spec.Readiness.Suppressions.ToList());
    }

    /// <summary>The rule selection: everything but the exclusions.</summary>
    public ReadinessSelection Selection()
    {
        var selection = new ReadinessSelection();
        foreach (var e in Exclude)
        {
            selection.Exclude.Add(e);
        }

        return selection;
    }

    /// <summary>
    /// Marks the failing findings the recipe suppresses (with the justification and approver); a suppression that
    /// matches no failing finding is worth a warning when <paramref name="log"/> is given.
    /// </summary>
    public IReadOnlyList<ReadinessFinding> Apply(IEnumerable<ReadinessFinding> findings, IGenImageLog? log = null)
    {
        var list = findings.ToList();
        foreach (var suppression in Suppressions)
        {
            var matching = list.Where(f => string.Equals(f.RuleId, suppression.Rule, StringComparison.OrdinalIgnoreCase) && f.Status == FindingStatus.Fail).ToList();
            if (matching.Count == 0)
            {
                log?.Warning($"The suppression of {suppression.Rule} in the recipe matched no failing finding; remove it if it is no longer needed.");
            }
            foreach (var f in matching)
            {
                f.Suppressed = true;
                f.SuppressionJustification = $"{suppression.Justification} (approved by {suppression.Approver})";
            }
        }
        return list;
    }

    /// <summary>The publishing pre-flight under this policy (what <see cref="Gallery.GalleryPublisher"/> calls).</summary>
    public IReadOnlyList<ReadinessFinding> Preflight(ReadinessInput input) => Apply(ReadinessEngine.Evaluate(input, Selection()));
}
