using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;

namespace GenImage.Core.Recipes;

/// <summary>
/// Clean-up: deletes the source VM (cleanup.deleteSourceVm) and, through <see cref="ReleaseChannel"/>, the versions
/// beyond cleanup.keepVersions — never the new version nor the one latest resolves to. Irreversible when it
/// deletes; not run after a failed validation.
/// </summary>
public sealed class CleanupStep : RecipeStep
{
    public override string Name => RecipeSteps.Cleanup;
    public override int Order => 800;

    /// <summary>Old versions deleted at the same time by retention (cleanup.keepVersions).</summary>
    internal const int RetentionConcurrency = 8;
    public override bool RunsAfterFailedValidation => false;

    public override RecipePlanStep Describe(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        var parts = new List<string>();
        if (spec.Cleanup.DeleteSourceVm)
        {
            parts.Add("delete the source VM");
        }

        if (spec.Cleanup.KeepVersions > 0)
        {
            parts.Add($"delete versions beyond the newest {spec.Cleanup.KeepVersions}");
        }

        return new RecipePlanStep
        {
            Name = Name,
            Target = spec.Cleanup.DeleteSourceVm ? plan.SourceVmId : plan.DefinitionId,
            Irreversible = parts.Count > 0,
            Description = parts.Count == 0 ? "Nothing to clean up" : "Clean up (irreversible): " + string.Join("; ", parts),
        };
    }

    public override IDictionary<string, string> Inputs(RecipePlan plan) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["deleteSourceVm"] = plan.Recipe.Spec.Cleanup.DeleteSourceVm ? "true" : "false",
        ["keepVersions"] = plan.Recipe.Spec.Cleanup.KeepVersions.ToString(CultureInfo.InvariantCulture),
    };

    public override IEnumerable<Authorization.PermissionNeed> Permissions(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        if (spec.Cleanup.DeleteSourceVm)
        {
            yield return Need("Microsoft.Compute/virtualMachines/delete", plan.SourceVmId, "delete the source VM");
        }

        if (spec.Cleanup.KeepVersions > 0)
        {
            yield return Need("Microsoft.Compute/galleries/images/versions/delete", plan.DefinitionId + "/versions/*", "delete versions beyond keepVersions");
        }
    }

    public override async Task<StepOutcome> ExecuteAsync(RunContext run, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        var spec = run.Spec;
        var done = new List<string>();
        var outcome = new StepOutcome();
        if (spec.Cleanup.DeleteSourceVm)
        {
            SourceVm? vm = null;
            try
            {
                vm = await run.Engines.Vms.GetAsync(plan.SourceVmId, cancellationToken).ConfigureAwait(false);
            }
            catch (GenImageException ex) when (ex.ErrorId == ErrorIds.ResourceNotFound)
            {
            }
            if (vm != null)
            {
                await run.Engines.Deployments.DeleteVmAsync(plan.SourceVmId, cancellationToken).ConfigureAwait(false);
                done.Add($"deleted source VM {vm.Name}");
                outcome.Outputs["deletedSourceVm"] = plan.SourceVmId;
            }
            else
            {
                done.Add("source VM already gone");
            }
        }
        if (spec.Cleanup.KeepVersions > 0)
        {
            var address = GalleryIds.ParseVersion(plan.VersionId);
            var versions = (await run.Engines.Galleries.ListVersionsAsync(address.ResourceGroupName, address.GalleryName, address.DefinitionName, cancellationToken).ConfigureAwait(false)).ToList();
            var latest = LatestVersion.Resolve(versions);
            var ordered = versions.OrderByDescending(v => ImageVersionNumber.TryParse(v.Name, out var n) ? n : default).ToList();
            var channel = new ReleaseChannel(run.Engines.Galleries, run.Log);
            var doomed = ordered.Skip(spec.Cleanup.KeepVersions)
                .Where(v => !string.Equals(v.Name, plan.VersionName, StringComparison.Ordinal) && !(latest != null && string.Equals(latest.Name, v.Name, StringComparison.Ordinal)))
                .ToList();

            // Each removal is planned from the list just read (no list per version), and the deletes run side by side,
            // at most RetentionConcurrency at a time: each waits for its own operation. The connection's pacer
            // (ArmPacingPolicy) lets each DELETE go only while the subscription's delete budget and Compute's
            // DeleteGalleryImageVersion windows (x-ms-ratelimit-remaining-*) have tokens to spare, so once the budget
            // runs low the deletes go at its refill rate instead of running into 429s; a 429 that still comes (another
            // client on the same budget) is waited out by the SDK's retry policy, so no error reaches the run.
            var deleted = new List<string>();
            using (var gate = new SemaphoreSlim(RetentionConcurrency))
            {
                var removals = doomed.Select(async v =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await channel.RemoveAsync(ReleaseChannel.Plan(ReleaseChannel.Remove, v.Id, versions), cancellationToken).ConfigureAwait(false);
                        return v.Name;
                    }
                    finally
                    {
                        gate.Release();
                    }
                }).ToList();
                deleted.AddRange(await Task.WhenAll(removals).ConfigureAwait(false));
            }
            done.Add(deleted.Count == 0 ? $"no version beyond the newest {spec.Cleanup.KeepVersions}" : $"deleted old versions {string.Join(", ", deleted)}");
            if (deleted.Count > 0)
            {
                outcome.Outputs["deletedVersions"] = string.Join(",", deleted);
            }
        }
        if (done.Count == 0)
        {
            return StepOutcome.Skipped("Nothing to clean up.");
        }
        outcome.Message = string.Join("; ", done) + ".";
        return outcome;
    }
}
