using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Logging;
using GenImage.Core.Operations;

namespace GenImage.Core.Recipes;

/// <summary>
/// Works out a recipe run's plan before anything is written: the run to resume or the unfinished run to abandon, the
/// version name, every name the run will create against Azure's naming rules, the source VM's proof of preparation,
/// which steps are already done, and the identity's permissions for the steps still to run. Reads ARM and the
/// journals only. <see cref="RecipeRunner"/> carries the plan out.
/// </summary>
internal sealed class RecipePlanner
{
    private readonly RecipeEngines _engines;
    private readonly IGenImageLog _log;

    public RecipePlanner(RecipeEngines engines, IGenImageLog log)
    {
        _engines = engines;
        _log = log;
    }

    /// <summary>Works out the plan. Reads ARM and the journals; writes nothing.</summary>
    public async Task<RecipePlan> PlanAsync(ImageRecipe recipe, RecipeRunOptions options, CancellationToken cancellationToken)
    {
        if (recipe == null)
        {
            throw new ArgumentNullException(nameof(recipe));
        }

        options ??= new RecipeRunOptions();
        RequireValid(recipe);

        var spec = recipe.Spec;
        var plan = new RecipePlan
        {
            Recipe = recipe,
            SourceVmId = SourceVmId(recipe),
            DefinitionId = GalleryIds.Definition(_engines.SubscriptionId, spec.Gallery.ResourceGroup, spec.Gallery.Name, spec.Definition.Name),
        };

        var store = _engines.RunStore(recipe);
        // A live run of this recipe (another process, or another session) makes this one fail fast, naming it.
        RunLease.ThrowIfLive(store, recipe.Name, _engines.Host, _engines.LeaseStaleAfter, options.Clock);
        plan.NewestRunId = NewestRun(store, recipe.Name);
        var unfinished = Unfinished(store, recipe.Name);
        RunJournal? resumed = null;
        if (options.RetryValidation)
        {
            var newest = store.ListRuns(recipe.Name).Select(id => RunJournal.Open(store, recipe.Name, id)).FirstOrDefault();
            resumed = newest != null && (newest.IsUnfinished || newest.Finished?.RunStatus == RunStatus.ValidationFailed) && newest.FinishedSteps().TryGetValue(RecipeSteps.Publish, out var published) && published.IsDone
                ? newest
                : throw new GenImageException(RecipeErrorIds.NothingToResume, GenImageErrorKind.InvalidOperation,
                    $"Recipe '{recipe.Name}' has no run whose version was published and is waiting for a validation (its newest run ended {newest?.Finished?.Status ?? "nowhere"}). " +
                    "-RetryValidation validates the published version of a run that ended ValidationFailed (or did not finish) again.")
                { Target = recipe.Path };
            plan.ResumeRunId = resumed.StoredRunId;
            plan.ResumeJournalPath = resumed.Path;
            plan.RedoFrom = RecipeSteps.Validate;
        }
        else if (options.Resume)
        {
            resumed = unfinished ?? throw new GenImageException(RecipeErrorIds.NothingToResume, GenImageErrorKind.InvalidOperation,
                $"Recipe '{recipe.Name}' has no unfinished run under {store.Location(recipe.Name)}: there is nothing to resume. Run it without -Resume to start a new run " +
                "(or, to validate the version of a run that ended ValidationFailed again without publishing again, use -Resume -RetryValidation).")
            { Target = recipe.Path };
            plan.ResumeRunId = resumed.StoredRunId;
            plan.ResumeJournalPath = resumed.Path;
            if (!string.Equals(resumed.Started?.RecipeSha256, recipe.ContentSha256, StringComparison.OrdinalIgnoreCase))
            {
                _log.Warning($"The recipe changed since run {resumed.RunId} started; the finished steps keep what they did, the remaining steps follow the recipe as it is now.");
            }
        }
        else if (unfinished != null)
        {
            if (!options.NewRun)
            {
                var last = unfinished.FinishedSteps().Values.LastOrDefault();
                throw new GenImageException(RecipeErrorIds.UnfinishedRun, GenImageErrorKind.InvalidOperation,
                    $"Run {unfinished.RunId} of recipe '{recipe.Name}' did not finish" +
                    (last != null ? $" (last step: {last.Step} {last.Status})" : string.Empty) +
                    $". Continue it with -Resume (finished steps are not repeated), or start over with -NewRun (the unfinished run is marked Abandoned). Journal: {unfinished.Path}")
                { Target = unfinished.Path };
            }
            plan.AbandonRunId = unfinished.StoredRunId;
        }

        // A resumed run keeps the version name it started with, so no second version is created.
        if (resumed?.Started?.Inputs is { } started && started.TryGetValue("versionName", out var recorded))
        {
            plan.VersionName = recorded;
        }
        else
        {
            (plan.VersionName, plan.Versions) = await VersionNameAsync(recipe, plan.DefinitionId, cancellationToken).ConfigureAwait(false);
        }
        plan.VersionId = plan.DefinitionId + "/versions/" + plan.VersionName;
        CheckNames(plan);

        var done = resumed?.FinishedSteps() ?? new Dictionary<string, JournalEvent>();
        var generalized = done.TryGetValue(RecipeSteps.Generalize, out var g) && g.IsDone;
        if (!generalized && !spec.Definition.IsSpecialized)
        {
            plan.SourceVm = await ReadSourceAsync(plan.SourceVmId, cancellationToken).ConfigureAwait(false);
            // A stopped VM with no proof of preparation is refused here, before anything irreversible.
            if (plan.SourceVm != null)
            {
                var generalize = GeneralizeStep.Options(spec, resumed);
                if (resumed != null)
                {
                    generalize.PreparedProof ??= await GeneralizeStep.PlanProofAsync(resumed, _engines.Operations, plan.SourceVm.PowerState, cancellationToken).ConfigureAwait(false);
                }

                Vm.Generalizer.Plan(plan.SourceVm, generalize);
            }
        }
        var redo = plan.RedoFrom == null ? int.MaxValue : RecipeSteps.Get(plan.RedoFrom).Order;
        foreach (var step in RecipeSteps.All)
        {
            var planned = step.Describe(plan);
            planned.AlreadyDone = done.TryGetValue(step.Name, out var ev) && ev.IsDone && step.Order < redo;
            plan.Steps.Add(planned);
        }

        // Nothing irreversible before a check that could fail: the identity's permissions for every step still to run.
        plan.Permissions = await RecipePermissions.CheckAsync(_engines, plan, null, cancellationToken).ConfigureAwait(false);
        RecipePermissions.Enforce(plan.Permissions, _log);
        return plan;
    }

    /// <summary>
    /// The readiness findings of a recipe against the live resources, with its exclusions and suppressions
    /// (Test-ImageRecipe). Reads only.
    /// </summary>
    public async Task<IReadOnlyList<ReadinessFinding>> CheckReadinessAsync(ImageRecipe recipe, CancellationToken cancellationToken)
    {
        if (recipe == null)
        {
            throw new ArgumentNullException(nameof(recipe));
        }

        var spec = recipe.Spec;
        var definitionId = GalleryIds.Definition(_engines.SubscriptionId, spec.Gallery.ResourceGroup, spec.Gallery.Name, spec.Definition.Name);
        var (versionName, versions) = await VersionNameAsync(recipe, definitionId, cancellationToken).ConfigureAwait(false);
        return await ReadinessStep.EvaluateAsync(_engines, recipe, SourceVmId(recipe), versionName, _log, warnUnusedSuppressions: false,
            new RunFacts { Versions = versions }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest run of the recipe that did not finish (Failed, Stopped, or cut off), or null.</summary>
    private static RunJournal? Unfinished(IRunStore store, string recipeName) =>
        store.ListRuns(recipeName).Select(id => RunJournal.Open(store, recipeName, id)).FirstOrDefault(j => j.IsUnfinished);

    /// <summary>
    /// The permissions a new run of the recipe needs, checked against the roles of the signed-in identity or of
    /// <paramref name="objectId"/> (Test-GenImagePermission). Reads only; the journals are not looked at.
    /// </summary>
    public async Task<PermissionCheck> CheckPermissionsAsync(ImageRecipe recipe, string? objectId, CancellationToken cancellationToken)
    {
        if (recipe == null)
        {
            throw new ArgumentNullException(nameof(recipe));
        }

        RequireValid(recipe);
        var spec = recipe.Spec;
        var plan = new RecipePlan
        {
            Recipe = recipe,
            SourceVmId = SourceVmId(recipe),
            DefinitionId = GalleryIds.Definition(_engines.SubscriptionId, spec.Gallery.ResourceGroup, spec.Gallery.Name, spec.Definition.Name),
        };
        (plan.VersionName, plan.Versions) = await VersionNameAsync(recipe, plan.DefinitionId, cancellationToken).ConfigureAwait(false);
        plan.VersionId = plan.DefinitionId + "/versions/" + plan.VersionName;
        if (!spec.Definition.IsSpecialized)
        {
            plan.SourceVm = await ReadSourceAsync(plan.SourceVmId, cancellationToken).ConfigureAwait(false);
        }

        foreach (var step in RecipeSteps.All)
        {
            plan.Steps.Add(step.Describe(plan));
        }

        return await RecipePermissions.CheckAsync(_engines, plan, objectId, cancellationToken).ConfigureAwait(false);
    }

    private static void RequireValid(ImageRecipe recipe)
    {
        if (recipe.IsValid)
        {
            return;
        }

        var first = recipe.Diagnostics.First(d => d.Severity == RecipeDiagnosticSeverity.Error);
        throw new GenImageException(RecipeErrorIds.RecipeInvalid, GenImageErrorKind.InvalidData,
            $"The recipe {recipe.Path} is not valid ({recipe.Diagnostics.Count(d => d.Severity == RecipeDiagnosticSeverity.Error)} problem(s)); first: {first}. Run Test-ImageRecipe to see them all.")
        { Target = recipe.Path };
    }

    private string SourceVmId(ImageRecipe recipe) =>
        recipe.Spec.Source.VmId ?? Vm.ResourceIds.VirtualMachine(_engines.SubscriptionId, recipe.Spec.Source.ResourceGroup!, recipe.Spec.Source.VmName!);

    /// <summary>The version name: the recipe's, or the next after the definition's versions (then also the list read, for readiness to use).</summary>
    private async Task<(string Name, IReadOnlyList<GalleryImageVersion>? Versions)> VersionNameAsync(ImageRecipe recipe, string definitionId, CancellationToken cancellationToken)
    {
        var spec = recipe.Spec;
        if (spec.Version.Name != null)
        {
            return (spec.Version.Name, null);
        }

        IReadOnlyList<GalleryImageVersion> versions;
        try
        {
            versions = await _engines.Galleries.ListVersionsAsync(spec.Gallery.ResourceGroup, spec.Gallery.Name, spec.Definition.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (GenImageException ex) when (ex.ErrorId == ErrorIds.ResourceNotFound || ex.ErrorId == GalleryErrorIds.DefinitionNotFound)
        {
            // No definition (yet): nothing to hand on, readiness reads what exists when it runs.
            return (ImageVersionNumber.Next(Array.Empty<string>(), Increment(spec)).ToString(), null);
        }
        return (ImageVersionNumber.Next(versions.Select(v => v.Name), Increment(spec)).ToString(), versions);
    }

    private static VersionIncrement Increment(RecipeSpec spec) => (spec.Version.Increment ?? "patch").ToLowerInvariant() switch
    {
        "major" => VersionIncrement.Major,
        "minor" => VersionIncrement.Minor,
        _ => VersionIncrement.Patch,
    };

    private async Task<SourceVm?> ReadSourceAsync(string vmId, CancellationToken cancellationToken)
    {
        try
        {
            return await _engines.Vms.GetAsync(vmId, cancellationToken).ConfigureAwait(false);
        }
        catch (GenImageException ex) when (ex.ErrorId == ErrorIds.ResourceNotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Every name the run will create, against Azure's naming rules, before anything is written: a name Azure
    /// would refuse must stop the run here, not after the VM was generalized.
    /// </summary>
    private static void CheckNames(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        var problems = AzureNames.Problems(new (AzureNameKind, string?, string)[]
        {
            (AzureNameKind.ResourceGroup, spec.Gallery.ResourceGroup, "spec.gallery.resourceGroup"),
            (AzureNameKind.Gallery, spec.Gallery.Name, "spec.gallery.name"),
            (AzureNameKind.GalleryImageDefinition, spec.Definition.Name, "spec.definition.name"),
            (AzureNameKind.GalleryImageVersion, plan.VersionName, spec.Version.Name != null ? "spec.version.name" : $"the next version ({spec.Version.Increment})"),
        });
        if (problems.Count > 0)
        {
            throw new GenImageException(RecipeDiagnosticIds.InvalidName, GenImageErrorKind.InvalidArgument,
                $"Recipe '{plan.Recipe.Name}' names what Azure would refuse: {string.Join("; ", problems)}. Nothing was done; rename it in the recipe.")
            { Target = plan.Recipe.Path };
        }
    }

    /// <summary>The id of the recipe's newest run, or null.</summary>
    private static string? NewestRun(IRunStore store, string recipeName)
    {
        var runs = store.ListRuns(recipeName);
        return runs.Count > 0 ? runs[0] : null;
    }

    /// <summary>
    /// With the lease held: what the plan assumed still holds — no other run started since (two runs planned at once
    /// both saw none), and the run to resume is still unfinished.
    /// </summary>
    internal static void CheckPlanStillHolds(IRunStore store, RecipePlan plan)
    {
        var recipe = plan.Recipe;
        var newest = NewestRun(store, recipe.Name);
        if (!string.Equals(newest, plan.NewestRunId, StringComparison.Ordinal))
        {
            throw new GenImageException(RecipeErrorIds.PlanOutdated, GenImageErrorKind.InvalidOperation,
                $"Run {newest} of recipe '{recipe.Name}' started after this run was planned (version {plan.VersionName}): the plan is outdated. Run the command again.")
            { Target = store.Location(recipe.Name) };
        }
        if (plan.ResumeRunId == null)
        {
            var unfinished = Unfinished(store, recipe.Name);
            if (unfinished != null && unfinished.StoredRunId != plan.AbandonRunId)
            {
                throw new GenImageException(RecipeErrorIds.UnfinishedRun, GenImageErrorKind.InvalidOperation,
                    $"Run {unfinished.RunId} of recipe '{recipe.Name}' started while this one was being planned and did not finish. Continue it with -Resume, or start over with -NewRun. Journal: {unfinished.Path}")
                { Target = unfinished.Path };
            }
            return;
        }
        var resumed = RunJournal.Open(store, recipe.Name, plan.ResumeRunId);
        var again = plan.RedoFrom != null && resumed.Finished?.RunStatus == RunStatus.ValidationFailed;
        if (!resumed.IsUnfinished && !again)
        {
            throw new GenImageException(RecipeErrorIds.NothingToResume, GenImageErrorKind.InvalidOperation,
                $"Run {resumed.RunId} of recipe '{recipe.Name}' ended {resumed.Finished?.Status} while this -Resume was being planned: there is nothing to resume. Journal: {resumed.Path}")
            { Target = resumed.Path };
        }
    }
}
