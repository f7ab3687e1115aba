using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Gallery;

namespace GenImage.Core.Recipes;

/// <summary>
/// Promote: <see cref="ReleaseChannel"/> includes the version in latest once it validated (promotion policy
/// afterValidation), or leaves it excluded (manual). Not run after a failed validation.
/// </summary>
public sealed class PromoteStep : RecipeStep
{
    public override string Name => RecipeSteps.Promote;
    public override int Order => 600;
    public override bool RunsAfterFailedValidation => false;

    public override RecipePlanStep Describe(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        return new RecipePlanStep
        {
            Name = Name,
            Target = plan.VersionId,
            Description = !spec.Publishing.ExcludeFromLatest ? "Nothing to promote: published included in latest"
                : spec.Promotion.Policy == "manual" ? "Leave the version excluded from latest (promotion policy: manual)"
                : $"Include {plan.VersionName} in latest once validation passed",
        };
    }

    public override IDictionary<string, string> Inputs(RecipePlan plan) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["versionId"] = plan.VersionId,
        ["policy"] = plan.Recipe.Spec.Promotion.Policy,
    };

    public override IEnumerable<Authorization.PermissionNeed> Permissions(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        if (spec.Publishing.ExcludeFromLatest && spec.Promotion.Policy != "manual")
        {
            yield return Need("Microsoft.Compute/galleries/images/versions/write", plan.VersionId, "include the version in latest");
        }
    }

    public override async Task<StepOutcome> ExecuteAsync(RunContext run, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        var spec = run.Spec;
        StepOutcome outcome;
        if (!spec.Publishing.ExcludeFromLatest)
        {
            outcome = StepOutcome.Skipped("Published included in latest: nothing to promote.");
            outcome.Outputs["excludedFromLatest"] = "false";
            return outcome;
        }
        if (spec.Promotion.Policy == "manual")
        {
            outcome = StepOutcome.Skipped($"Promotion policy is manual: {plan.VersionName} stays excluded from latest. Include it with Publish-GalleryImageVersion when ready.");
            outcome.Outputs["excludedFromLatest"] = "true";
            return outcome;
        }
        if (!spec.Validation.Enabled)
        {
            run.Log.Warning($"{plan.VersionName} is promoted without a validation deployment (spec.validation.enabled: false).");
        }
        var channel = new ReleaseChannel(run.Engines.Galleries, run.Log);
        GalleryReleaseResult result;
        if (run.Facts.Versions is { } before && run.Facts.Version is { } published)
        {
            // The versions this run listed before it published, with its version as the publish left it: what latest
            // resolves to before and after, without listing the definition again.
            var versions = before.Where(v => !string.Equals(v.Name, published.Name, StringComparison.OrdinalIgnoreCase)).Append(published).ToList();
            result = await channel.ExecuteAsync(ReleaseChannel.Plan(ReleaseChannel.Promote, plan.VersionId, versions), listAfter: false, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var release = await channel.PlanAsync(ReleaseChannel.Promote, plan.VersionId, cancellationToken).ConfigureAwait(false);
            result = await channel.ExecuteAsync(release, cancellationToken).ConfigureAwait(false);
        }

        if (result.Version != null)
        {
            run.Facts.Version = result.Version;
        }

        outcome = StepOutcome.Succeeded($"{plan.VersionName} is included in latest" + (result.LatestVersion != null ? $" (latest resolves to {result.LatestVersion})." : "."));
        outcome.Outputs["excludedFromLatest"] = result.ExcludeFromLatest ? "true" : "false";
        outcome.Outputs["promoted"] = result.ExcludeFromLatest ? "false" : "true";
        return outcome;
    }
}
