using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Logging;

namespace GenImage.Core.Recipes;

/// <summary>How Invoke-ImageRecipe runs a recipe.</summary>
public sealed class RecipeRunOptions
{
    /// <summary>Continue the recipe's unfinished run from its first unfinished step.</summary>
    public bool Resume { get; set; }
    /// <summary>Start a new run even though one is unfinished (the unfinished one is marked Abandoned).</summary>
    public bool NewRun { get; set; }
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;
}

/// <summary>One step of a plan.</summary>
public sealed class RecipePlanStep
{
    public string Name { get; set; } = string.Empty;
    /// <summary>What the step will do, in an operator's words (ShouldProcess / -WhatIf text).</summary>
    public string Description { get; set; } = string.Empty;
    /// <summary>The resource the step acts on.</summary>
    public string Target { get; set; } = string.Empty;
    /// <summary>Cannot be undone: generalize, publish, delete. Needs confirmation unless -Force.</summary>
    public bool Irreversible { get; set; }
    /// <summary>Finished in the run being resumed: it will not run again.</summary>
    public bool AlreadyDone { get; set; }
}

/// <summary>What a run will do, worked out without writing anything.</summary>
public sealed class RecipePlan
{
    public ImageRecipe Recipe { get; set; } = new ImageRecipe();
    public string SourceVmId { get; set; } = string.Empty;
    public string DefinitionId { get; set; } = string.Empty;
    public string VersionName { get; set; } = string.Empty;
    public string VersionId { get; set; } = string.Empty;
    public IList<RecipePlanStep> Steps { get; set; } = new List<RecipePlanStep>();
    /// <summary>The journal being resumed, or null for a new run.</summary>
    public string? ResumeJournalPath { get; set; }
    /// <summary>An unfinished run that -NewRun abandons.</summary>
    public string? AbandonJournalPath { get; set; }
}

/// <summary>
/// Runs a recipe's checklist in order — Readiness, Generalize, Definition, Publish, Validate, Promote, Evidence,
/// Cleanup — recording every step in a journal, stopping before anything irreversible when readiness blocks,
/// stopping before promotion when validation fails, and resuming from the first unfinished step.
/// </summary>
public sealed class RecipeRunner
{
    public const int RunActivityId = 4201;
    public const int StepActivityId = 4202;

    public const string StepReadiness = "Readiness";
    public const string StepGeneralize = "Generalize";
    public const string StepDefinition = "Definition";
    public const string StepPublish = "Publish";
    public const string StepValidate = "Validate";
    public const string StepPromote = "Promote";
    public const string StepEvidence = "Evidence";
    public const string StepCleanup = "Cleanup";

    public static readonly IReadOnlyList<string> StepNames = new[]
    {
        StepReadiness, StepGeneralize, StepDefinition, StepPublish, StepValidate, StepPromote, StepEvidence, StepCleanup,
    };

    private readonly IRecipeBackend _backend;
    private readonly IGenImageLog _log;

    public RecipeRunner(IRecipeBackend backend, IGenImageLog log)
    {
        _backend = backend ?? throw new ArgumentNullException(nameof(backend));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>The error that made the last run fail, when it failed.</summary>
    public GenImageException? Failure { get; private set; }

    // ------------------------------------------------------------------ plan

    /// <summary>Works out the plan. Reads ARM and the journals; writes nothing.</summary>
    public async Task<RecipePlan> PlanAsync(ImageRecipe recipe, RecipeRunOptions options, CancellationToken cancellationToken)
    {
        if (recipe == null)
        {
            throw new ArgumentNullException(nameof(recipe));
        }

        options ??= new RecipeRunOptions();
        if (!recipe.IsValid)
        {
            var first = recipe.Diagnostics.First(d => d.Severity == RecipeDiagnosticSeverity.Error);
            throw new GenImageException(RecipeErrorIds.RecipeInvalid, GenImageErrorKind.InvalidData,
                $"The recipe {recipe.Path} is not valid ({recipe.Diagnostics.Count(d => d.Severity == RecipeDiagnosticSeverity.Error)} problem(s)); first: {first}. Run Test-ImageRecipe to see them all.")
            { Target = recipe.Path };
        }

        var spec = recipe.Spec;
        var plan = new RecipePlan
        {
            Recipe = recipe,
            SourceVmId = spec.Source.VmId ?? $"/subscriptions/{_backend.SubscriptionId}/resourceGroups/{spec.Source.ResourceGroup}/providers/Microsoft.Compute/virtualMachines/{spec.Source.VmName}",
            DefinitionId = $"/subscriptions/{_backend.SubscriptionId}/resourceGroups/{spec.Gallery.ResourceGroup}/providers/Microsoft.Compute/galleries/{spec.Gallery.Name}/images/{spec.Definition.Name}",
        };

        RunJournal? unfinished = null;
        foreach (var path in RunJournal.FindJournals(spec.Evidence.OutputPath, recipe.Name))
        {
            var journal = RunJournal.Open(path);
            if (journal.IsUnfinished)
            {
                unfinished = journal;
                break;
            }
        }

        RunJournal? resumed = null;
        if (options.Resume)
        {
            resumed = unfinished ?? throw new GenImageException(RecipeErrorIds.NothingToResume, GenImageErrorKind.InvalidOperation,
                $"Recipe '{recipe.Name}' has no unfinished run under {Path.Combine(spec.Evidence.OutputPath, recipe.Name)}: there is nothing to resume. Run it without -Resume to start a new run.")
            { Target = recipe.Path };
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
            plan.AbandonJournalPath = unfinished.Path;
        }

        var outputs = resumed?.Outputs() ?? new Dictionary<string, string>();
        if (outputs.TryGetValue("versionName", out var recorded))
        {
            plan.VersionName = recorded;
        }
        else if (spec.Version.Name != null)
        {
            plan.VersionName = spec.Version.Name;
        }
        else
        {
            var versions = await _backend.ListVersionsAsync(plan.DefinitionId, cancellationToken).ConfigureAwait(false);
            plan.VersionName = NextVersion(versions.Select(v => v.Name), spec.Version.Increment ?? "patch");
        }
        plan.VersionId = plan.DefinitionId + "/versions/" + plan.VersionName;

        var done = resumed?.FinishedSteps() ?? new Dictionary<string, JournalEvent>();
        SourceVm? vm = null;
        if (!done.ContainsKey(StepGeneralize) && !spec.Definition.IsSpecialized)
        {
            vm = await _backend.GetVmAsync(plan.SourceVmId, cancellationToken).ConfigureAwait(false);
        }
        foreach (var name in StepNames)
        {
            var step = Describe(name, plan, vm);
            step.AlreadyDone = done.TryGetValue(name, out var ev) && (ev.Status == RunStatus.Succeeded || ev.Status == RunStatus.Skipped);
            plan.Steps.Add(step);
        }
        return plan;
    }

    private static RecipePlanStep Describe(string name, RecipePlan plan, SourceVm? vm)
    {
        var spec = plan.Recipe.Spec;
        var step = new RecipePlanStep { Name = name };
        switch (name)
        {
            case StepReadiness:
                step.Target = plan.SourceVmId;
                step.Description = $"Check readiness of the source and the publish of {plan.VersionName}" +
                    (spec.Readiness.Exclude.Count > 0 ? $" (excluding {string.Join(", ", spec.Readiness.Exclude)})" : string.Empty) +
                    (spec.Readiness.Suppressions.Count > 0 ? $" (suppressed: {string.Join(", ", spec.Readiness.Suppressions.Select(s => s.Rule))})" : string.Empty);
                break;
            case StepGeneralize:
                step.Target = plan.SourceVmId;
                if (spec.Definition.IsSpecialized)
                {
                    step.Description = "Skip generalization: the definition is Specialized";
                }
                else if (vm != null && vm.IsGeneralized)
                {
                    step.Description = "Nothing to do: the VM is already generalized";
                }
                else
                {
                    step.Description = "Generalize the VM (irreversible)" + (spec.Source.Prepare ? ": prepare the guest (Sysprep / deprovision), deallocate, generalize" : ": deallocate, generalize");
                    step.Irreversible = true;
                }
                break;
            case StepDefinition:
                step.Target = plan.DefinitionId;
                step.Description = spec.Definition.CreateIfMissing
                    ? $"Use image definition {spec.Definition.Name}, creating it ({spec.Definition.OsType}, {spec.Definition.OsState}, {spec.Definition.HyperVGeneration}, {spec.Definition.SecurityType}) if it is missing"
                    : $"Use the existing image definition {spec.Definition.Name}";
                break;
            case StepPublish:
                step.Target = plan.VersionId;
                step.Irreversible = true;
                step.Description = $"Publish version {plan.VersionName} (irreversible) to {string.Join(", ", spec.Publishing.TargetRegions)}" +
                    (spec.Publishing.ExcludeFromLatest ? ", excluded from latest" : ", included in latest at once");
                break;
            case StepValidate:
                step.Target = plan.VersionId;
                step.Description = spec.Validation.Enabled
                    ? $"Validate {plan.VersionName} by deploying a test VM ({spec.Validation.VmSize ?? "default size"}) in {string.Join(", ", ValidationRegions(spec))}"
                    : "Skip validation: disabled in the recipe";
                break;
            case StepPromote:
                step.Target = plan.VersionId;
                step.Description = !spec.Publishing.ExcludeFromLatest ? "Nothing to promote: published included in latest"
                    : spec.Promotion.Policy == "manual" ? "Leave the version excluded from latest (promotion policy: manual)"
                    : $"Include {plan.VersionName} in latest once validation passed";
                break;
            case StepEvidence:
                step.Target = plan.VersionId;
                step.Description = $"Write the evidence bundle under {Path.Combine(spec.Evidence.OutputPath, plan.Recipe.Name)}";
                break;
            case StepCleanup:
                var parts = new List<string>();
                if (spec.Cleanup.DeleteSourceVm)
                {
                    parts.Add("delete the source VM");
                }

                if (spec.Cleanup.KeepVersions > 0)
                {
                    parts.Add($"delete versions beyond the newest {spec.Cleanup.KeepVersions}");
                }

                step.Target = spec.Cleanup.DeleteSourceVm ? plan.SourceVmId : plan.DefinitionId;
                step.Irreversible = parts.Count > 0;
                step.Description = parts.Count == 0 ? "Nothing to clean up" : "Clean up (irreversible): " + string.Join("; ", parts);
                break;
        }
        return step;
    }

    private static IList<string> ValidationRegions(RecipeSpec spec) =>
        spec.Validation.Regions.Count > 0 ? spec.Validation.Regions : spec.Publishing.TargetRegions.Take(1).Select(r => r.Name).ToList();

    /// <summary>The next Major.Minor.Patch after the highest of <paramref name="existing"/> (1.0.0 when there is none).</summary>
    public static string NextVersion(IEnumerable<string> existing, string increment)
    {
        (int, int, int)? highest = null;
        foreach (var name in existing)
        {
            var parts = name.Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ||
                !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b) ||
                !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var c))
            {
                continue;
            }

            if (highest == null || (a, b, c).CompareTo(highest.Value) > 0)
            {
                highest = (a, b, c);
            }
        }
        if (highest == null)
        {
            return "1.0.0";
        }

        var (major, minor, patch) = highest.Value;
        return increment.ToLowerInvariant() switch
        {
            "major" => $"{major + 1}.0.0",
            "minor" => $"{major}.{minor + 1}.0",
            _ => $"{major}.{minor}.{patch + 1}",
        };
    }

    /// <summary>
    /// Evaluates the readiness rules for a recipe against the live resources, with the recipe's exclusions and
    /// suppressions applied (Test-ImageRecipe). Reads only.
    /// </summary>
    public async Task<IReadOnlyList<ReadinessFinding>> CheckReadinessAsync(ImageRecipe recipe, CancellationToken cancellationToken)
    {
        if (recipe == null)
        {
            throw new ArgumentNullException(nameof(recipe));
        }

        var spec = recipe.Spec;
        var vmId = spec.Source.VmId ?? $"/subscriptions/{_backend.SubscriptionId}/resourceGroups/{spec.Source.ResourceGroup}/providers/Microsoft.Compute/virtualMachines/{spec.Source.VmName}";
        var definitionId = $"/subscriptions/{_backend.SubscriptionId}/resourceGroups/{spec.Gallery.ResourceGroup}/providers/Microsoft.Compute/galleries/{spec.Gallery.Name}/images/{spec.Definition.Name}";
        var versionName = spec.Version.Name ?? NextVersion((await _backend.ListVersionsAsync(definitionId, cancellationToken).ConfigureAwait(false)).Select(v => v.Name), spec.Version.Increment ?? "patch");
        var vm = await RequireVmAsync(vmId, cancellationToken).ConfigureAwait(false);
        var findings = (await _backend.CheckReadinessAsync(new RecipeReadinessRequest
        {
            Recipe = recipe,
            SourceVmId = vmId,
            VersionName = versionName,
            WillGeneralize = !spec.Definition.IsSpecialized && !vm.IsGeneralized,
            Exclude = spec.Readiness.Exclude.ToList(),
        }, cancellationToken).ConfigureAwait(false)).ToList();
        ApplySuppressions(spec, findings, warn: false);
        return findings;
    }

    private void ApplySuppressions(RecipeSpec spec, IList<ReadinessFinding> findings, bool warn)
    {
        foreach (var suppression in spec.Readiness.Suppressions)
        {
            var matching = findings.Where(f => string.Equals(f.RuleId, suppression.Rule, StringComparison.OrdinalIgnoreCase) && f.Status == FindingStatus.Fail).ToList();
            if (matching.Count == 0 && warn)
            {
                _log.Warning($"The suppression of {suppression.Rule} in the recipe matched no failing finding; remove it if it is no longer needed.");
            }
            foreach (var f in matching)
            {
                f.Suppressed = true;
                f.SuppressionJustification = $"{suppression.Justification} (approved by {suppression.Approver})";
            }
        }
    }

    /// <summary>
    /// Reads a run back from its journal (a journal.jsonl path or its run folder): steps, status, version,
    /// findings and validation results, as Invoke-ImageRecipe would have returned them.
    /// </summary>
    public static RecipeRun ReadRun(string journalOrFolder)
    {
        var path = Directory.Exists(journalOrFolder) ? Path.Combine(journalOrFolder, RunJournal.FileName) : journalOrFolder;
        if (!File.Exists(path))
        {
            throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                $"No run journal at {path}. A run folder holds {RunJournal.FileName}.")
            { Target = path };
        }
        var journal = RunJournal.Open(path);
        var started = journal.Started ?? throw new GenImageException(RecipeErrorIds.JournalUnreadable, GenImageErrorKind.InvalidData,
            $"The journal {path} has no runStarted line.")
        { Target = path };
        var inputs = started.Inputs ?? new Dictionary<string, string>();
        var plan = new RecipePlan
        {
            Recipe = new ImageRecipe { Path = started.RecipePath ?? string.Empty, ContentSha256 = started.RecipeSha256 ?? string.Empty, Metadata = { Name = started.RecipeName ?? string.Empty } },
            SourceVmId = inputs.TryGetValue("sourceVmId", out var vm) ? vm : string.Empty,
            DefinitionId = inputs.TryGetValue("definitionId", out var def) ? def : string.Empty,
            VersionName = inputs.TryGetValue("versionName", out var ver) ? ver : string.Empty,
        };
        plan.VersionId = plan.DefinitionId + "/versions/" + plan.VersionName;
        var run = new RecipeRun
        {
            RecipeName = started.RecipeName ?? string.Empty,
            RecipePath = started.RecipePath ?? string.Empty,
            RunId = started.RunId ?? string.Empty,
            RunPath = journal.Folder,
            JournalPath = journal.Path,
            SourceVmId = plan.SourceVmId,
            DefinitionId = plan.DefinitionId,
            VersionName = plan.VersionName,
            VersionId = plan.VersionId,
            StartedAt = started.Time,
            Resumed = journal.Events.Any(e => e.Type == "runResumed"),
        };
        var state = new RunState(plan, journal, run);
        state.Load();
        var finished = journal.Finished;
        run.Status = finished?.Status ?? RunStatus.Running;
        run.Message = finished?.Message;
        run.EndedAt = finished?.Time;
        return run;
    }

    /// <summary>What to collect evidence about for a run read from its journal.</summary>
    public static EvidenceRequest EvidenceRequestFor(RecipeRun run, ImageRecipe? recipe)
    {
        if (run == null)
        {
            throw new ArgumentNullException(nameof(run));
        }

        var journal = RunJournal.Open(run.JournalPath);
        var finished = journal.FinishedSteps();
        var published = finished.TryGetValue(StepPublish, out var pub) && pub.Status == RunStatus.Succeeded;
        return new EvidenceRequest
        {
            VersionId = published ? run.VersionId : null,
            SourceVmId = run.SourceVmId,
            CorrelationIds = run.Steps.Select(s => s.CorrelationId).Where(c => c != null).Select(c => c!).ToList(),
            Readiness = finished.TryGetValue(StepReadiness, out var r) && r.Findings != null ? r.Findings.ToList() : new List<ReadinessFinding>(),
            Validation = run.Validation.ToList(),
            ValidationExpected = recipe?.Spec.Validation.Enabled ?? finished.ContainsKey(StepValidate),
            Recipe = recipe,
            RunId = run.RunId,
            Steps = run.Steps.ToList(),
            GeneralizeSteps = finished.TryGetValue(StepGeneralize, out var g) && g.GeneralizeSteps != null ? g.GeneralizeSteps.ToList() : new List<StepRecord>(),
            GeneralizeCorrelationId = g?.CorrelationId,
            ActivityLogWindow = TimeSpan.FromHours(recipe?.Spec.Evidence.ActivityLogWindowHours ?? 24),
        };
    }

    // ------------------------------------------------------------------ run

    /// <summary>
    /// Carries out a plan. <paramref name="confirmed"/> holds the irreversible steps the operator confirmed; the
    /// run stops (Stopped) before an irreversible step that is not in it.
    /// </summary>
    public async Task<RecipeRun> RunAsync(RecipePlan plan, RecipeRunOptions options, ISet<string> confirmed, CancellationToken cancellationToken)
    {
        if (plan == null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        options ??= new RecipeRunOptions();
        confirmed ??= new HashSet<string>(StringNames);
        Failure = null;
        var recipe = plan.Recipe;
        var now = options.Clock();

        RunJournal journal;
        var resumed = plan.ResumeJournalPath != null;
        if (resumed)
        {
            journal = RunJournal.Open(plan.ResumeJournalPath!);
            journal.Append(new JournalEvent { Type = "runResumed", Time = now, RunId = journal.RunId, Principal = _backend.Principal, RecipeSha256 = recipe.ContentSha256 });
        }
        else
        {
            if (plan.AbandonJournalPath != null)
            {
                var old = RunJournal.Open(plan.AbandonJournalPath);
                old.Append(new JournalEvent { Type = "runFinished", Time = now, RunId = old.RunId, Status = RunStatus.Abandoned, Message = "A new run was started with -NewRun." });
            }
            var runId = RunJournal.NewRunId(now);
            journal = RunJournal.Create(Path.Combine(recipe.Spec.Evidence.OutputPath, recipe.Name, runId));
            journal.Append(new JournalEvent
            {
                Type = "runStarted", Time = now, RunId = runId, RecipeName = recipe.Name, RecipePath = recipe.Path,
                RecipeSha256 = recipe.ContentSha256, Principal = _backend.Principal, SubscriptionId = _backend.SubscriptionId,
                Inputs = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["sourceVmId"] = plan.SourceVmId, ["definitionId"] = plan.DefinitionId, ["versionName"] = plan.VersionName,
                },
            });
        }

        var run = new RecipeRun
        {
            RecipeName = recipe.Name,
            RecipePath = recipe.Path,
            RunId = journal.RunId ?? string.Empty,
            RunPath = journal.Folder,
            JournalPath = journal.Path,
            SourceVmId = plan.SourceVmId,
            DefinitionId = plan.DefinitionId,
            VersionName = plan.VersionName,
            VersionId = plan.VersionId,
            Resumed = resumed,
            StartedAt = journal.Started?.Time ?? now,
        };
        var state = new RunState(plan, journal, run);
        state.Load();

        string? stopAfterEvidence = null;
        for (var i = 0; i < StepNames.Count; i++)
        {
            var name = StepNames[i];
            var planned = plan.Steps.First(s => s.Name == name);
            var record = run.Steps.FirstOrDefault(s => s.Name == name) ?? new RecipeStepRecord { Name = name };
            if (!run.Steps.Contains(record))
            {
                run.Steps.Add(record);
            }

            var finished = journal.FinishedSteps();
            if (finished.TryGetValue(name, out var done) && (done.Status == RunStatus.Succeeded || done.Status == RunStatus.Skipped))
            {
                _log.Verbose($"Step {name}: finished in run {run.RunId} ({done.Status}); not repeated.");
                continue;
            }
            if (stopAfterEvidence != null && (name == StepPromote || name == StepCleanup))
            {
                Finish(journal, record, state, RunStatus.Skipped, stopAfterEvidence, null, options);
                continue;
            }
            if (planned.Irreversible && !confirmed.Contains(name))
            {
                record.Status = RunStatus.Stopped;
                record.Message = "Not confirmed: the run stopped before this irreversible step.";
                return End(journal, run, RunStatus.Stopped, $"The run stopped before {name}: it was not confirmed. Resume with -Resume when ready.", options);
            }

            Progress(recipe, name, i, plan.Steps[i].Description);
            var correlationId = Guid.NewGuid().ToString();
            record.Status = RunStatus.Running;
            record.StartedAt = options.Clock();
            record.CorrelationId = correlationId;
            record.Attempts = journal.Attempts(name) + 1;
            record.Inputs = StepInputs(name, plan);
            journal.Append(new JournalEvent
            {
                Type = "stepStarted", Time = record.StartedAt.Value, Step = name, Attempt = record.Attempts,
                CorrelationId = correlationId, Inputs = record.Inputs,
            });
            _log.Verbose($"Step {name} (attempt {record.Attempts}, correlation id {correlationId}): {planned.Description}");

            StepOutcome outcome;
            try
            {
                using (CallScope.Begin(CallScope.Current?.Log ?? _log, correlationId))
                {
                    outcome = await ExecuteAsync(name, state, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                Finish(journal, record, state, RunStatus.Stopped, "Stopped (Ctrl+C or pipeline stop) while the step ran. Resume with -Resume.", null, options);
                End(journal, run, RunStatus.Stopped, $"Stopped during {name}. Resume with -Resume.", options);
                throw;
            }
            catch (GenImageException ex)
            {
                Failure = ex;
                Finish(journal, record, state, RunStatus.Failed, ex.Message, ex.ErrorId, options);
                return End(journal, run, RunStatus.Failed, $"{name} failed ({ex.ErrorId}): {ex.Message} Fix the cause, then continue with -Resume.", options);
            }

            Finish(journal, record, state, outcome.Status, outcome.Message, outcome.ErrorId, options, outcome);
            if (outcome.Status == RunStatus.Blocked)
            {
                return End(journal, run, RunStatus.Blocked, outcome.Message, options);
            }
            if (outcome.Status == RunStatus.Failed && name == StepValidate)
            {
                stopAfterEvidence = $"Not done: validation failed, so {plan.VersionName} stays excluded from latest.";
            }
        }

        CompleteProgress(recipe);
        if (stopAfterEvidence != null)
        {
            return End(journal, run, RunStatus.ValidationFailed,
                $"Validation of {plan.VersionName} failed ({string.Join("; ", run.Validation.Where(v => !v.Passed).Select(v => $"{v.Region}: {v.Message}"))}). " +
                $"The version was published but stays excluded from latest and was not promoted; the evidence is in {run.EvidencePath}.", options);
        }
        return End(journal, run, RunStatus.Succeeded,
            $"{plan.VersionName} published to {string.Join(", ", recipe.Spec.Publishing.TargetRegions.Select(r => r.Name))}" +
            (run.Promoted ? ", validated and included in latest." : run.ExcludedFromLatest == true ? ", left excluded from latest." : "."), options);
    }

    private static Dictionary<string, string> StepInputs(string name, RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (name)
        {
            case StepReadiness:
                inputs["sourceVmId"] = plan.SourceVmId;
                inputs["versionName"] = plan.VersionName;
                if (spec.Readiness.Exclude.Count > 0)
                {
                    inputs["exclude"] = string.Join(",", spec.Readiness.Exclude);
                }

                if (spec.Readiness.Suppressions.Count > 0)
                {
                    inputs["suppressions"] = string.Join(",", spec.Readiness.Suppressions.Select(s => s.Rule));
                }

                break;
            case StepGeneralize:
                inputs["sourceVmId"] = plan.SourceVmId;
                inputs["prepare"] = spec.Source.Prepare ? "true" : "false";
                break;
            case StepDefinition:
                inputs["definitionId"] = plan.DefinitionId;
                inputs["createIfMissing"] = spec.Definition.CreateIfMissing ? "true" : "false";
                break;
            case StepPublish:
                inputs["versionId"] = plan.VersionId;
                inputs["sourceId"] = plan.SourceVmId;
                inputs["targetRegions"] = string.Join(",", spec.Publishing.TargetRegions);
                inputs["excludeFromLatest"] = spec.Publishing.ExcludeFromLatest ? "true" : "false";
                break;
            case StepValidate:
                inputs["versionId"] = plan.VersionId;
                inputs["regions"] = string.Join(",", ValidationRegions(spec));
                if (spec.Validation.VmSize != null)
                {
                    inputs["vmSize"] = spec.Validation.VmSize;
                }

                break;
            case StepPromote:
                inputs["versionId"] = plan.VersionId;
                inputs["policy"] = spec.Promotion.Policy;
                break;
            case StepEvidence:
                inputs["outputPath"] = spec.Evidence.OutputPath;
                inputs["activityLogWindowHours"] = spec.Evidence.ActivityLogWindowHours.ToString(CultureInfo.InvariantCulture);
                break;
            case StepCleanup:
                inputs["deleteSourceVm"] = spec.Cleanup.DeleteSourceVm ? "true" : "false";
                inputs["keepVersions"] = spec.Cleanup.KeepVersions.ToString(CultureInfo.InvariantCulture);
                break;
        }
        return inputs;
    }

    private void Finish(RunJournal journal, RecipeStepRecord record, RunState state, string status, string? message, string? errorId, RecipeRunOptions options, StepOutcome? outcome = null)
    {
        record.Status = status;
        record.Message = message;
        record.ErrorId = errorId;
        record.EndedAt = options.Clock();
        record.StartedAt ??= record.EndedAt;
        if (outcome != null)
        {
            foreach (var id in outcome.Created)
            {
                record.CreatedResourceIds.Add(id);
            }
        }

        journal.Append(new JournalEvent
        {
            Type = "stepFinished", Time = record.EndedAt.Value, Step = record.Name, Attempt = record.Attempts == 0 ? (int?)null : record.Attempts,
            CorrelationId = record.CorrelationId, Status = status, Message = message, ErrorId = errorId,
            Outputs = outcome?.Outputs.Count > 0 ? outcome.Outputs : null,
            CreatedResourceIds = outcome?.Created.Count > 0 ? outcome.Created : null,
            Findings = outcome?.Findings, Validation = outcome?.Validation, GeneralizeSteps = outcome?.GeneralizeSteps,
        });
        if (outcome != null)
        {
            state.Apply(record.Name, outcome);
        }

        var level = status == RunStatus.Failed || status == RunStatus.Blocked ? "failed" : status.ToLowerInvariant();
        _log.Verbose($"Step {record.Name}: {level}{(message == null ? string.Empty : " - " + message)}");
    }

    private RecipeRun End(RunJournal journal, RecipeRun run, string status, string? message, RecipeRunOptions options)
    {
        run.Status = status;
        run.Message = message;
        run.EndedAt = options.Clock();
        journal.Append(new JournalEvent { Type = "runFinished", Time = run.EndedAt.Value, RunId = run.RunId, Status = status, Message = message });
        if (status != RunStatus.Succeeded)
        {
            _log.Verbose($"Run {run.RunId}: {status}: {message}");
        }

        return run;
    }

    private void Progress(ImageRecipe recipe, string step, int index, string description)
    {
        _log.Progress(new ProgressInfo(RunActivityId, $"Image recipe {recipe.Name}", $"Step {index + 1} of {StepNames.Count}: {step}")
        {
            PercentComplete = index * 100 / StepNames.Count,
        });
        _log.Progress(new ProgressInfo(StepActivityId, step, description) { ParentActivityId = RunActivityId });
    }

    private void CompleteProgress(ImageRecipe recipe)
    {
        _log.Progress(new ProgressInfo(StepActivityId, "Step", "Done") { ParentActivityId = RunActivityId, Completed = true });
        _log.Progress(new ProgressInfo(RunActivityId, $"Image recipe {recipe.Name}", "Done") { Completed = true });
    }

    // ------------------------------------------------------------------ steps

    private sealed class StepOutcome
    {
        public string Status { get; set; } = RunStatus.Succeeded;
        public string? Message { get; set; }
        public string? ErrorId { get; set; }
        public Dictionary<string, string> Outputs { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
        public List<string> Created { get; } = new List<string>();
        public List<ReadinessFinding>? Findings { get; set; }
        public List<ValidationRecord>? Validation { get; set; }
        public List<StepRecord>? GeneralizeSteps { get; set; }
    }

    /// <summary>What the run knows: the plan plus everything earlier steps (in this or an earlier attempt) recorded.</summary>
    private sealed class RunState
    {
        public RunState(RecipePlan plan, RunJournal journal, RecipeRun run)
        {
            Plan = plan;
            Journal = journal;
            Run = run;
        }

        public RecipePlan Plan { get; }
        public RunJournal Journal { get; }
        public RecipeRun Run { get; }
        public List<ReadinessFinding> Findings { get; } = new List<ReadinessFinding>();
        public List<StepRecord> GeneralizeSteps { get; } = new List<StepRecord>();
        public string? GeneralizeCorrelationId { get; set; }

        /// <summary>Rebuilds the steps and results of earlier attempts from the journal.</summary>
        public void Load()
        {
            foreach (var ev in Journal.Events)
            {
                if (ev.Step == null)
                {
                    continue;
                }

                var record = Run.Steps.FirstOrDefault(s => s.Name == ev.Step);
                if (record == null)
                {
                    record = new RecipeStepRecord { Name = ev.Step };
                    Run.Steps.Add(record);
                }
                if (ev.Type == "stepStarted")
                {
                    record.StartedAt = ev.Time;
                    record.CorrelationId = ev.CorrelationId;
                    record.Attempts = ev.Attempt ?? record.Attempts + 1;
                    if (ev.Inputs != null)
                    {
                        record.Inputs = ev.Inputs;
                    }

                    record.Status = RunStatus.Running;
                }
                else if (ev.Type == "stepFinished")
                {
                    record.EndedAt = ev.Time;
                    record.Status = ev.Status ?? string.Empty;
                    record.Message = ev.Message;
                    record.ErrorId = ev.ErrorId;
                    if (ev.CreatedResourceIds != null)
                    {
                        foreach (var id in ev.CreatedResourceIds)
                        {
                            if (!record.CreatedResourceIds.Contains(id))
                            {
                                record.CreatedResourceIds.Add(id);
                            }
                        }
                    }

                    var outcome = new StepOutcome { Status = ev.Status ?? string.Empty, Findings = ev.Findings?.ToList(), Validation = ev.Validation?.ToList(), GeneralizeSteps = ev.GeneralizeSteps?.ToList() };
                    if (ev.Outputs != null)
                    {
                        foreach (var kv in ev.Outputs)
                        {
                            outcome.Outputs[kv.Key] = kv.Value;
                        }
                    }

                    if (ev.Step == StepGeneralize)
                    {
                        GeneralizeCorrelationId = ev.CorrelationId;
                    }

                    Apply(ev.Step, outcome);
                }
            }
            // Order the records as the checklist.
            var ordered = Run.Steps.OrderBy(s => Array.IndexOf(StepNames.ToArray(), s.Name)).ToList();
            Run.Steps.Clear();
            foreach (var s in ordered)
            {
                Run.Steps.Add(s);
            }
        }

        public void Apply(string step, StepOutcome outcome)
        {
            if (outcome.Findings != null)
            {
                Findings.Clear();
                Findings.AddRange(outcome.Findings);
                Run.BlockingFindings = Findings.Where(f => f.IsBlocking).ToList();
            }
            if (outcome.Validation != null)
            {
                Run.Validation = outcome.Validation.ToList();
            }

            if (outcome.GeneralizeSteps != null)
            {
                GeneralizeSteps.Clear();
                GeneralizeSteps.AddRange(outcome.GeneralizeSteps);
            }
            if (step == StepGeneralize && Run.Steps.FirstOrDefault(s => s.Name == StepGeneralize)?.CorrelationId is { } c)
            {
                GeneralizeCorrelationId = c;
            }

            if (outcome.Outputs.TryGetValue("excludedFromLatest", out var excluded))
            {
                Run.ExcludedFromLatest = excluded == "true";
            }

            if (outcome.Outputs.TryGetValue("promoted", out var promoted))
            {
                Run.Promoted = promoted == "true";
            }

            if (outcome.Outputs.TryGetValue("evidencePath", out var evidence))
            {
                Run.EvidencePath = evidence;
            }
        }
    }

    private Task<StepOutcome> ExecuteAsync(string name, RunState state, CancellationToken ct) => name switch
    {
        StepReadiness => ReadinessAsync(state, ct),
        StepGeneralize => GeneralizeAsync(state, ct),
        StepDefinition => DefinitionAsync(state, ct),
        StepPublish => PublishAsync(state, ct),
        StepValidate => ValidateAsync(state, ct),
        StepPromote => PromoteAsync(state, ct),
        StepEvidence => EvidenceAsync(state, ct),
        StepCleanup => CleanupAsync(state, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown step."),
    };

    private async Task<SourceVm> RequireVmAsync(string vmId, CancellationToken ct) =>
        await _backend.GetVmAsync(vmId, ct).ConfigureAwait(false)
        ?? throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
            $"The source VM {vmId} does not exist. Check spec.source in the recipe.")
        { Target = vmId };

    private async Task<StepOutcome> ReadinessAsync(RunState state, CancellationToken ct)
    {
        var plan = state.Plan;
        var spec = plan.Recipe.Spec;
        var vm = await RequireVmAsync(plan.SourceVmId, ct).ConfigureAwait(false);
        var findings = (await _backend.CheckReadinessAsync(new RecipeReadinessRequest
        {
            Recipe = plan.Recipe,
            SourceVmId = plan.SourceVmId,
            VersionName = plan.VersionName,
            WillGeneralize = !spec.Definition.IsSpecialized && !vm.IsGeneralized,
            Exclude = spec.Readiness.Exclude.ToList(),
        }, ct).ConfigureAwait(false)).ToList();

        ApplySuppressions(spec, findings, warn: true);

        var outcome = new StepOutcome { Findings = findings };
        outcome.Outputs["sourceVmId"] = plan.SourceVmId;
        outcome.Outputs["versionName"] = plan.VersionName;
        var blocking = findings.Where(f => f.IsBlocking).ToList();
        var failed = findings.Count(f => f.Status == FindingStatus.Fail);
        if (blocking.Count > 0)
        {
            outcome.Status = RunStatus.Blocked;
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

    private async Task<StepOutcome> GeneralizeAsync(RunState state, CancellationToken ct)
    {
        var plan = state.Plan;
        var spec = plan.Recipe.Spec;
        if (spec.Definition.IsSpecialized)
        {
            return new StepOutcome { Status = RunStatus.Skipped, Message = "The definition is Specialized: the source keeps its identity and is not generalized." };
        }
        var vm = await RequireVmAsync(plan.SourceVmId, ct).ConfigureAwait(false);
        if (vm.IsGeneralized)
        {
            return new StepOutcome { Message = $"VM {vm.Name} is already generalized; nothing was done." };
        }
        var result = await _backend.GeneralizeAsync(plan.SourceVmId, spec.Source.Prepare, ct).ConfigureAwait(false);
        var outcome = new StepOutcome
        {
            Message = $"VM {vm.Name}: {result.Status} ({result.PowerStateBefore} -> {result.PowerStateAfter}, OS state {result.OsStateAfter})" + (result.Prepared ? ", guest prepared" : string.Empty) + ".",
            GeneralizeSteps = result.Steps.ToList(),
        };
        outcome.Outputs["generalized"] = "true";
        return outcome;
    }

    private async Task<StepOutcome> DefinitionAsync(RunState state, CancellationToken ct)
    {
        var plan = state.Plan;
        var d = plan.Recipe.Spec.Definition;
        var existing = await _backend.GetDefinitionAsync(plan.DefinitionId, ct).ConfigureAwait(false);
        var outcome = new StepOutcome();
        outcome.Outputs["definitionId"] = plan.DefinitionId;
        if (existing != null)
        {
            var mismatches = new List<string>();
            void Check(string what, string? wanted, string? actual)
            {
                if (wanted != null && actual != null && !string.Equals(wanted, actual, StringComparison.OrdinalIgnoreCase))
                {
                    mismatches.Add($"{what} is {actual}, the recipe says {wanted}");
                }
            }
            Check("osType", d.OsType, existing.OsType);
            Check("osState", d.OsState, existing.OsState);
            Check("hyperVGeneration", d.HyperVGeneration, existing.HyperVGeneration);
            if (mismatches.Count > 0)
            {
                throw new GenImageException(RecipeErrorIds.DefinitionMismatch, GenImageErrorKind.InvalidData,
                    $"Image definition {d.Name} exists but does not match the recipe: {string.Join("; ", mismatches)}. A definition's OS and generation cannot change: fix the recipe or use another definition name.")
                { Target = plan.DefinitionId };
            }
            outcome.Message = $"Definition {d.Name} exists ({existing.OsType}, {existing.OsState}, {existing.HyperVGeneration}, {existing.SecurityType}).";
            return outcome;
        }
        if (!d.CreateIfMissing)
        {
            throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                $"Image definition {d.Name} does not exist and the recipe says createIfMissing: false. Create it (New-ImageDefinition) or set createIfMissing: true.")
            { Target = plan.DefinitionId };
        }
        var spec = plan.Recipe.Spec;
        var created = await _backend.CreateDefinitionAsync(new GalleryImageDefinition
        {
            Id = plan.DefinitionId,
            SubscriptionId = _backend.SubscriptionId,
            ResourceGroupName = spec.Gallery.ResourceGroup,
            GalleryName = spec.Gallery.Name,
            Name = d.Name,
            OsType = d.OsType ?? "Windows",
            OsState = d.OsState,
            HyperVGeneration = d.HyperVGeneration,
            SecurityType = d.SecurityType,
            Architecture = d.Architecture,
            Publisher = d.Publisher ?? string.Empty,
            Offer = d.Offer ?? string.Empty,
            Sku = d.Sku ?? string.Empty,
            Description = d.Description,
            Tags = { ["owner"] = plan.Recipe.Owner, ["genimage.recipe"] = plan.Recipe.Name },
        }, ct).ConfigureAwait(false);
        outcome.Created.Add(string.IsNullOrEmpty(created.Id) ? plan.DefinitionId : created.Id);
        outcome.Message = $"Created definition {d.Name} ({created.OsType}, {created.OsState}, {created.HyperVGeneration}, {created.SecurityType}).";
        return outcome;
    }

    private async Task<StepOutcome> PublishAsync(RunState state, CancellationToken ct)
    {
        var plan = state.Plan;
        var spec = plan.Recipe.Spec;
        var outcome = new StepOutcome();
        outcome.Outputs["versionId"] = plan.VersionId;
        var existing = await _backend.GetVersionAsync(plan.VersionId, ct).ConfigureAwait(false);
        GalleryImageVersion version;
        if (existing != null)
        {
            var ours = string.Equals(existing.SourceId, plan.SourceVmId, StringComparison.OrdinalIgnoreCase) ||
                (existing.Tags.TryGetValue("genimage.run", out var tagRun) && tagRun == state.Run.RunId);
            if (!ours || string.Equals(existing.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase))
            {
                throw new GenImageException(RecipeErrorIds.VersionConflict, GenImageErrorKind.ResourceExists,
                    ours
                        ? $"Version {plan.VersionName} exists from an earlier attempt but its provisioning failed. Delete it, then continue with -Resume."
                        : $"Version {plan.VersionName} already exists and was not made from {plan.SourceVmId} by this run. Choose another version (spec.version) and start a new run.")
                { Target = plan.VersionId };
            }
            _log.Verbose($"Version {plan.VersionName} already exists from this run (provisioning {existing.ProvisioningState}); it is not created again.");
            version = existing;
            // A create that was interrupted may still be provisioning or replicating: wait for it to settle.
            while (IsInProgress(version))
            {
                await Task.Delay(_backend.PollingInterval, ct).ConfigureAwait(false);
                version = await _backend.GetVersionAsync(plan.VersionId, ct).ConfigureAwait(false)
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
            outcome.Message = $"Version {plan.VersionName} was already published by this run; not created again.";
        }
        else
        {
            var request = new RecipePublishRequest
            {
                VersionId = plan.VersionId,
                SourceId = plan.SourceVmId,
                TargetRegions = spec.Publishing.TargetRegions,
                ExcludeFromLatest = spec.Publishing.ExcludeFromLatest,
                EndOfLifeDate = spec.Publishing.EndOfLife,
                Tags =
                {
                    ["owner"] = plan.Recipe.Owner,
                    ["genimage.recipe"] = plan.Recipe.Name,
                    ["genimage.run"] = state.Run.RunId,
                    ["genimage.recipeSha256"] = plan.Recipe.ContentSha256,
                },
            };
            version = await _backend.PublishAsync(request, ct).ConfigureAwait(false);
            outcome.Created.Add(plan.VersionId);
            outcome.Message = $"Published {plan.VersionName} ({version.ReplicationState}) to {string.Join(", ", version.Regions.Select(r => $"{r.Region} {r.State}"))}" +
                (version.ExcludeFromLatest ? ", excluded from latest." : ".");
        }
        outcome.Outputs["excludedFromLatest"] = version.ExcludeFromLatest ? "true" : "false";
        return outcome;
    }

    private static bool IsInProgress(GalleryImageVersion v) =>
        string.Equals(v.ProvisioningState, "Creating", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(v.ProvisioningState, "Updating", StringComparison.OrdinalIgnoreCase) ||
        v.Regions.Any(r => string.Equals(r.State, "Replicating", StringComparison.OrdinalIgnoreCase));

    private async Task<StepOutcome> ValidateAsync(RunState state, CancellationToken ct)
    {
        var plan = state.Plan;
        var spec = plan.Recipe.Spec;
        if (!spec.Validation.Enabled)
        {
            return new StepOutcome { Status = RunStatus.Skipped, Message = "Validation is disabled in the recipe (spec.validation.enabled: false): the version was not test-deployed." };
        }
        var probe = spec.Validation.ProbeScript != null ? File.ReadAllText(spec.Validation.ProbeScript) : null;
        var records = (await _backend.ValidateAsync(new RecipeValidationRequest
        {
            VersionId = plan.VersionId,
            Regions = ValidationRegions(spec),
            VmSize = spec.Validation.VmSize,
            SubnetId = spec.Validation.SubnetId,
            ProbeScript = probe,
            OsType = spec.Definition.OsType,
            Timeout = TimeSpan.FromMinutes(spec.Validation.TimeoutMinutes),
        }, ct).ConfigureAwait(false)).ToList();
        var outcome = new StepOutcome { Validation = records };
        var failed = records.Where(r => !r.Passed).ToList();
        if (failed.Count > 0 || records.Count == 0)
        {
            outcome.Status = RunStatus.Failed;
            outcome.ErrorId = RecipeErrorIds.ValidationFailed;
            outcome.Message = records.Count == 0
                ? $"No validation result came back; {plan.VersionName} stays excluded from latest."
                : $"Validation failed in {string.Join(", ", failed.Select(f => $"{f.Region} ({f.Message})"))}; {plan.VersionName} stays excluded from latest and is not promoted.";
            return outcome;
        }
        outcome.Message = $"Test VM booted from {plan.VersionName} in {string.Join(", ", records.Select(r => r.Region))}.";
        return outcome;
    }

    private async Task<StepOutcome> PromoteAsync(RunState state, CancellationToken ct)
    {
        var plan = state.Plan;
        var spec = plan.Recipe.Spec;
        var outcome = new StepOutcome();
        if (!spec.Publishing.ExcludeFromLatest)
        {
            outcome.Status = RunStatus.Skipped;
            outcome.Message = "Published included in latest: nothing to promote.";
            outcome.Outputs["excludedFromLatest"] = "false";
            return outcome;
        }
        if (spec.Promotion.Policy == "manual")
        {
            outcome.Status = RunStatus.Skipped;
            outcome.Message = $"Promotion policy is manual: {plan.VersionName} stays excluded from latest. Include it with the gallery's promote cmdlet when ready.";
            outcome.Outputs["excludedFromLatest"] = "true";
            return outcome;
        }
        if (!spec.Validation.Enabled)
        {
            _log.Warning($"{plan.VersionName} is promoted without a validation deployment (spec.validation.enabled: false).");
        }
        var version = await _backend.SetExcludeFromLatestAsync(plan.VersionId, false, ct).ConfigureAwait(false);
        outcome.Outputs["excludedFromLatest"] = version.ExcludeFromLatest ? "true" : "false";
        outcome.Outputs["promoted"] = version.ExcludeFromLatest ? "false" : "true";
        outcome.Message = $"{plan.VersionName} is included in latest.";
        return outcome;
    }

    private async Task<StepOutcome> EvidenceAsync(RunState state, CancellationToken ct)
    {
        var plan = state.Plan;
        var spec = plan.Recipe.Spec;
        var published = state.Journal.FinishedSteps().TryGetValue(StepPublish, out var pub) && pub.Status == RunStatus.Succeeded;
        var request = new EvidenceRequest
        {
            VersionId = published ? plan.VersionId : null,
            SourceVmId = plan.SourceVmId,
            ActivityLogWindow = TimeSpan.FromHours(spec.Evidence.ActivityLogWindowHours),
            CorrelationIds = state.Run.Steps.Select(s => s.CorrelationId).Where(c => c != null).Select(c => c!).ToList(),
            Readiness = state.Findings.ToList(),
            Validation = state.Run.Validation.ToList(),
            ValidationExpected = spec.Validation.Enabled,
            Recipe = plan.Recipe,
            RunId = state.Run.RunId,
            Steps = state.Run.Steps.ToList(),
            GeneralizeSteps = state.GeneralizeSteps.ToList(),
            GeneralizeCorrelationId = state.GeneralizeCorrelationId,
            CollectedBy = _backend.Principal,
        };
        var evidence = await new EvidenceCollector(_backend.Evidence, _log).CollectAsync(request, ct).ConfigureAwait(false);
        var folder = Path.Combine(state.Journal.Folder, "evidence");
        EvidenceBundleWriter.Write(evidence, folder, new EvidenceAttachments { RecipeText = plan.Recipe.Content, JournalText = state.Journal.ReadText() });
        var outcome = new StepOutcome { Message = $"Evidence bundle written to {folder} ({evidence.Gaps.Count} gap(s))." };
        outcome.Outputs["evidencePath"] = folder;
        return outcome;
    }

    private async Task<StepOutcome> CleanupAsync(RunState state, CancellationToken ct)
    {
        var plan = state.Plan;
        var spec = plan.Recipe.Spec;
        var done = new List<string>();
        var outcome = new StepOutcome();
        if (spec.Cleanup.DeleteSourceVm)
        {
            var vm = await _backend.GetVmAsync(plan.SourceVmId, ct).ConfigureAwait(false);
            if (vm != null)
            {
                await _backend.DeleteVmAsync(plan.SourceVmId, ct).ConfigureAwait(false);
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
            var versions = (await _backend.ListVersionsAsync(plan.DefinitionId, ct).ConfigureAwait(false)).ToList();
            var latest = versions.Where(v => !v.ExcludeFromLatest).OrderByDescending(v => VersionKey(v.Name)).FirstOrDefault();
            var ordered = versions.OrderByDescending(v => VersionKey(v.Name)).ToList();
            var deleted = new List<string>();
            foreach (var v in ordered.Skip(spec.Cleanup.KeepVersions))
            {
                if (string.Equals(v.Name, plan.VersionName, StringComparison.Ordinal) || (latest != null && string.Equals(latest.Name, v.Name, StringComparison.Ordinal)))
                {
                    continue;
                }

                await _backend.DeleteVersionAsync(v.Id, ct).ConfigureAwait(false);
                deleted.Add(v.Name);
            }
            done.Add(deleted.Count == 0 ? $"no version beyond the newest {spec.Cleanup.KeepVersions}" : $"deleted old versions {string.Join(", ", deleted)}");
            if (deleted.Count > 0)
            {
                outcome.Outputs["deletedVersions"] = string.Join(",", deleted);
            }
        }
        if (done.Count == 0)
        {
            outcome.Status = RunStatus.Skipped;
            outcome.Message = "Nothing to clean up.";
            return outcome;
        }
        outcome.Message = string.Join("; ", done) + ".";
        return outcome;
    }

    private static (int, int, int) VersionKey(string name)
    {
        var p = name.Split('.');
        int Part(int i) => p.Length > i && int.TryParse(p[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        return (Part(0), Part(1), Part(2));
    }

    private static readonly string[] StringNames = StepNames.ToArray();
}
