using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;

namespace GenImage.Core.Recipes;

/// <summary>
/// Publish: <see cref="GalleryPublisher"/> creates the version (excluded from latest by default) and follows
/// replication, with the publishing pre-flight under the recipe's <see cref="ReadinessPolicy"/>. Irreversible. A
/// version this run already created is adopted (waited for while it provisions), never created twice.
/// </summary>
public sealed class PublishStep : RecipeStep
{
    public override string Name => RecipeSteps.Publish;
    public override int Order => 400;

    public override RecipePlanStep Describe(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        return new RecipePlanStep
        {
            Name = Name,
            Target = plan.VersionId,
            Irreversible = true,
            Description = $"Publish version {plan.VersionName} (irreversible) to {string.Join(", ", spec.Publishing.TargetRegions)}" +
                (spec.Publishing.ExcludeFromLatest ? ", excluded from latest" : ", included in latest at once"),
        };
    }

    public override IDictionary<string, string> Inputs(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["versionId"] = plan.VersionId,
            ["sourceId"] = plan.SourceVmId,
            ["targetRegions"] = string.Join(",", spec.Publishing.TargetRegions),
            ["excludeFromLatest"] = spec.Publishing.ExcludeFromLatest ? "true" : "false",
        };
    }

    public override IEnumerable<Authorization.PermissionNeed> Permissions(RecipePlan plan)
    {
        yield return Need("Microsoft.Compute/galleries/images/versions/write", plan.VersionId, "publish the version");
        yield return Need("Microsoft.Compute/galleries/images/versions/read", plan.VersionId, "follow its replication");
    }

    public override async Task<StepOutcome> ExecuteAsync(RunContext run, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        var spec = run.Spec;
        var galleries = run.Engines.Galleries;
        var outcome = new StepOutcome();
        outcome.Outputs["versionId"] = plan.VersionId;
        // Whether the version exists already: an earlier attempt of this run may have created it (it named it in the
        // journal before its PUT). With no such attempt, the versions this run listed say it did not exist.
        var known = run.Facts.Versions;
        var fresh = run.Intents(Name).Count == 0 && known != null && !known.Any(v => string.Equals(v.Name, plan.VersionName, StringComparison.OrdinalIgnoreCase));
        var existing = fresh ? null : await galleries.GetVersionAsync(plan.VersionId, true, cancellationToken).ConfigureAwait(false);
        GalleryImageVersion version;
        if (existing != null)
        {
            version = await AdoptAsync(run, existing, cancellationToken).ConfigureAwait(false);
            outcome.Message = $"Version {plan.VersionName} was already published by this run; not created again.";
        }
        else
        {
            var options = Options(plan, run.Run.RunId);
            // The pre-flight reads nothing this run already knows: the definition, the source as generalize left it, the versions.
            options.KnownDefinition = run.Facts.Definition;
            options.KnownSourceVm = run.Facts.SourceVm;
            options.KnownVersions = known;
            // The pre-flight applies the recipe's policy, the same on a -Resume that skipped Readiness.
            var publisher = new GalleryPublisher(galleries, run.Engines.Vms, run.Log, run.Policy.Preflight);
            var publish = await publisher.PlanAsync(options, cancellationToken).ConfigureAwait(false);
            foreach (var warning in publish.Warnings)
            {
                run.Log.Verbose(warning);
            }
            // Write-ahead: the version is named in the journal before the PUT; a resumed run adopts it.
            run.Intend(Name, new JournalResource { Kind = "galleryImageVersion", Id = plan.VersionId, Purpose = "publish" });
            version = await publisher.ExecuteAsync(publish, options, cancellationToken).ConfigureAwait(false);
            outcome.Created.Add(plan.VersionId);
            outcome.Message = $"Published {plan.VersionName} ({version.ReplicationState}) to {string.Join(", ", version.Regions.Select(r => $"{r.Region} {r.State}"))}" +
                (version.ExcludeFromLatest ? ", excluded from latest." : ".");
        }
        run.Facts.Version = version;
        outcome.Outputs["excludedFromLatest"] = version.ExcludeFromLatest ? "true" : "false";
        return outcome;
    }

    /// <summary>What the publisher is asked: the recipe's regions, flags, limit (spec.publishing.timeoutMinutes) and the run's tags.</summary>
    public static PublishOptions Options(RecipePlan plan, string runId)
    {
        var recipe = plan.Recipe;
        var spec = recipe.Spec;
        var address = GalleryIds.ParseVersion(plan.VersionId);
        var options = new PublishOptions
        {
            ResourceGroupName = address.ResourceGroupName,
            GalleryName = address.GalleryName,
            DefinitionName = address.DefinitionName,
            SourceId = plan.SourceVmId,
            VersionName = plan.VersionName,
            ExcludeFromLatest = spec.Publishing.ExcludeFromLatest,
            EndOfLifeDate = spec.Publishing.EndOfLife,
            RequireExcludeFromLatest = spec.Promotion.Policy == "afterValidation" && spec.Validation.Enabled,
            Timeout = TimeSpan.FromMinutes(spec.Publishing.TimeoutMinutes),
            TimeoutParameterName = RecipeTimeoutKeys.Publish,
        };
        foreach (var r in spec.Publishing.TargetRegions)
        {
            options.TargetRegions.Add(r);
        }

        options.Tags["owner"] = recipe.Owner;
        options.Tags["genimage.recipe"] = recipe.Name;
        options.Tags["genimage.run"] = runId;
        options.Tags["genimage.recipeSha256"] = recipe.ContentSha256;
        return options;
    }

    /// <summary>A version that exists already: this run's (wait until it settles), or someone else's (refused).</summary>
    internal static async Task<GalleryImageVersion> AdoptAsync(RunContext run, GalleryImageVersion existing, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        var ours = string.Equals(existing.SourceId, plan.SourceVmId, StringComparison.OrdinalIgnoreCase) ||
            (existing.Tags.TryGetValue("genimage.run", out var tagRun) && tagRun == run.Run.RunId);
        if (!ours || string.Equals(existing.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase))
        {
            throw new GenImageException(RecipeErrorIds.VersionConflict, GenImageErrorKind.ResourceExists,
                ours
                    ? $"Version {plan.VersionName} exists from an earlier attempt but its provisioning failed. Delete it, then continue with -Resume."
                    : $"Version {plan.VersionName} already exists and was not made from {plan.SourceVmId} by this run. Choose another version (spec.version) and start a new run.")
            { Target = plan.VersionId };
        }
        run.Log.Verbose($"Version {plan.VersionName} already exists from this run (provisioning {existing.ProvisioningState}); it is not created again.");
        var version = existing;
        // A create that was interrupted may still be provisioning or replicating: wait for it to settle.
        while (IsInProgress(version))
        {
            await Task.Delay(run.Engines.PollingInterval, cancellationToken).ConfigureAwait(false);
            version = await run.Engines.Galleries.GetVersionAsync(plan.VersionId, true, cancellationToken).ConfigureAwait(false)
                ?? throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                    $"Version {plan.VersionName} disappeared while GenImage waited for its provisioning.")
                { Target = plan.VersionId };
        }
        if (string.Equals(version.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase) || version.Regions.Any(r => string.Equals(r.State, "Failed", StringComparison.OrdinalIgnoreCase)))
        {
            throw new GenImageException(RecipeErrorIds.VersionConflict, GenImageErrorKind.ResourceExists,
                $"Version {plan.VersionName}, created by an earlier attempt of this run, ended {version.ProvisioningState} (replication {version.ReplicationState}). Delete it, then continue with -Resume.")
            { Target = plan.VersionId };
        }
        return version;
    }

    private static bool IsInProgress(GalleryImageVersion v) =>
        string.Equals(v.ProvisioningState, "Creating", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(v.ProvisioningState, "Updating", StringComparison.OrdinalIgnoreCase) ||
        v.Regions.Any(r => string.Equals(r.State, "Replicating", StringComparison.OrdinalIgnoreCase));
}
