using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Logging;
using GenImage.Core.Readiness;

namespace GenImage.Core.Recipes;

/// <summary>
/// Readiness: the readiness catalogue (<see cref="ReadinessChecker"/>) against the source, the guest and the
/// definition, under the recipe's <see cref="ReadinessPolicy"/>. A blocking error ends the run Blocked before
/// anything irreversible.
/// </summary>
public sealed class ReadinessStep : RecipeStep
{
    public override string Name => RecipeSteps.Readiness;
    public override int Order => 100;

    public override RecipePlanStep Describe(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        return new RecipePlanStep
        {
            Name = Name,
            Target = plan.SourceVmId,
            Description = $"Check readiness of the source and the publish of {plan.VersionName}" +
                (spec.Readiness.Exclude.Count > 0 ? $" (excluding {string.Join(", ", spec.Readiness.Exclude)})" : string.Empty) +
                (spec.Readiness.Suppressions.Count > 0 ? $" (suppressed: {string.Join(", ", spec.Readiness.Suppressions.Select(s => s.Rule))})" : string.Empty),
        };
    }

    public override IDictionary<string, string> Inputs(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sourceVmId"] = plan.SourceVmId,
            ["versionName"] = plan.VersionName,
        };
        if (spec.Readiness.Exclude.Count > 0)
        {
            inputs["exclude"] = string.Join(",", spec.Readiness.Exclude);
        }

        if (spec.Readiness.Suppressions.Count > 0)
        {
            inputs["suppressions"] = string.Join(",", spec.Readiness.Suppressions.Select(s => s.Rule));
        }

        return inputs;
    }

    public override IEnumerable<Authorization.PermissionNeed> Permissions(RecipePlan plan)
    {
        yield return Need("Microsoft.Compute/virtualMachines/read", plan.SourceVmId, "read the source VM");
        if (plan.SourceVm != null && plan.SourceVm.PowerState == "running")
        {
            yield return Need("Microsoft.Compute/virtualMachines/runCommand/action", plan.SourceVmId, "inspect the guest (read-only script)", required: false);
        }
    }

    public override async Task<StepOutcome> ExecuteAsync(RunContext run, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        var findings = (await EvaluateAsync(run.Engines, run.Recipe, plan.SourceVmId, plan.VersionName, run.Log, warnUnusedSuppressions: true, run.Facts, cancellationToken).ConfigureAwait(false)).ToList();
        var outcome = new StepOutcome { Findings = findings };
        outcome.Outputs["sourceVmId"] = plan.SourceVmId;
        outcome.Outputs["versionName"] = plan.VersionName;
        var blocking = findings.Where(f => f.IsBlocking).ToList();
        var failed = findings.Count(f => f.Status == FindingStatus.Fail);
        if (blocking.Count > 0)
        {
            outcome.Status = StepStatus.Blocked;
            outcome.ErrorId = RecipeErrorIds.ReadinessBlocked;
            outcome.Message = $"Readiness blocked the run before anything irreversible: {string.Join(", ", blocking.Select(f => f.RuleId).Distinct())} " +
                $"({string.Join(" | ", blocking.Select(f => $"{f.RuleId}: {f.Message}"))}). " +
                "Fix the findings, or suppress one in spec.readiness.suppressions with a justification and an approver, then run again.";
            return outcome;
        }
        outcome.Message = $"{findings.Count} rule(s) evaluated, {failed} failed, none blocking" +
            (findings.Any(f => f.Suppressed) ? $" (suppressed: {string.Join(", ", findings.Where(f => f.Suppressed).Select(f => f.RuleId).Distinct())})" : string.Empty) + ".";
        return outcome;
    }

    /// <summary>
    /// The recipe's readiness findings against the live resources, with its policy applied; reads only (the guest
    /// of a running VM is inspected through Run Command, which only reads). Test-ImageRecipe uses it too. What
    /// <paramref name="facts"/> holds (the plan's reads) is not read again; what is read is recorded in it for the later steps.
    /// </summary>
    public static async Task<IReadOnlyList<ReadinessFinding>> EvaluateAsync(RecipeEngines engines, ImageRecipe recipe, string sourceVmId, string versionName,
        IGenImageLog log, bool warnUnusedSuppressions, RunFacts? facts, CancellationToken cancellationToken)
    {
        var spec = recipe.Spec;
        var policy = ReadinessPolicy.From(recipe);
        facts ??= new RunFacts();
        SourceVm vm;
        try
        {
            vm = facts.SourceVm ?? await engines.Vms.GetAsync(sourceVmId, cancellationToken).ConfigureAwait(false);
            facts.SourceVm = vm;
        }
        catch (GenImageException ex) when (ex.ErrorId == ErrorIds.ResourceNotFound)
        {
            throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                $"The source VM {sourceVmId} does not exist. Check spec.source in the recipe.", ex)
            { Target = sourceVmId };
        }
        var options = new ReadinessCheckOptions
        {
            VmId = sourceVmId,
            GalleryResourceGroupName = spec.Gallery.ResourceGroup,
            GalleryName = spec.Gallery.Name,
            DefinitionName = spec.Definition.Name,
            VersionName = versionName,
            WillGeneralize = !spec.Definition.IsSpecialized && !vm.IsGeneralized,
            ExcludeFromLatest = spec.Publishing.ExcludeFromLatest,
            RequireExcludeFromLatest = spec.Promotion.Policy == "afterValidation" && spec.Validation.Enabled,
            EndOfLifeDate = spec.Publishing.EndOfLife,
            Selection = policy.Selection(),
        };
        foreach (var r in spec.Publishing.TargetRegions)
        {
            options.TargetRegions.Add(r);
        }

        var checker = new ReadinessChecker(engines.Vms, engines.ReadinessSources, log);
        if (!facts.DefinitionKnown)
        {
            facts.KnowDefinition(await engines.Galleries.GetDefinitionAsync(spec.Gallery.ResourceGroup, spec.Gallery.Name, spec.Definition.Name, cancellationToken).ConfigureAwait(false));
        }

        var existing = facts.Definition;
        // The checker reads nothing the run has read already: the VM, the definition, the versions the plan listed.
        options.KnownVm = vm;
        options.KnownDefinition = existing;
        IReadOnlyList<ReadinessFinding> findings;
        if (existing != null)
        {
            options.KnownVersions = facts.Versions;
            var report = await checker.CheckAsync(options, cancellationToken).ConfigureAwait(false);
            findings = report.Findings;
            facts.Versions = report.Input.ExistingVersions.ToList();
            facts.GuestAnswered = report.Inspection?.Facts != null;
        }
        else
        {
            // The definition does not exist yet (the Definition step creates it): read the source and the guest, then
            // evaluate the whole catalogue against the definition the recipe will create.
            options.GalleryName = null;
            options.DefinitionName = null;
            options.VersionName = null;
            var report = await checker.CheckAsync(options, cancellationToken).ConfigureAwait(false);
            facts.GuestAnswered = report.Inspection?.Facts != null;
            var input = report.Input;
            input.Definition = DefinitionStep.Intended(recipe, engines.SubscriptionId);
            input.VersionName = versionName;
            findings = ReadinessEngine.Evaluate(input, options.Selection);
        }
        return policy.Apply(findings, warnUnusedSuppressions ? log : null);
    }
}
