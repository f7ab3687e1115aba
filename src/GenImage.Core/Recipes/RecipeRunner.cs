using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Logging;

namespace GenImage.Core.Recipes;

/// <summary>
/// The journaled loop of a recipe run: takes the plan (<see cref="RecipePlanner"/>), then runs the <see cref="RecipeSteps"/> in order,
/// journaling each step before and after it runs, stopping before anything irreversible when readiness blocks,
/// skipping promotion and clean-up when validation fails, and resuming from the first unfinished step. What each
/// step does is in its own class.
/// </summary>
public sealed class RecipeRunner
{
    public const int RunActivityId = 4201;
    public const int StepActivityId = 4202;

    private readonly RecipeEngines _engines;
    private readonly IGenImageLog _log;

    public RecipeRunner(RecipeEngines engines, IGenImageLog log)
    {
        _engines = engines ?? throw new ArgumentNullException(nameof(engines));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>The step names, in order.</summary>
    public static IReadOnlyList<string> StepNames => RecipeSteps.Names;

    /// <summary>The error that made the last run fail, when it failed.</summary>
    public GenImageException? Failure { get; private set; }

    // ------------------------------------------------------------------ plan

    /// <summary>Works out the plan. Reads ARM and the journals; writes nothing.</summary>
    public Task<RecipePlan> PlanAsync(ImageRecipe recipe, RecipeRunOptions options, CancellationToken cancellationToken) =>
        new RecipePlanner(_engines, _log).PlanAsync(recipe, options, cancellationToken);

    /// <summary>
    /// The readiness findings of a recipe against the live resources, with its exclusions and suppressions
    /// (Test-ImageRecipe). Reads only.
    /// </summary>
    public Task<IReadOnlyList<ReadinessFinding>> CheckReadinessAsync(ImageRecipe recipe, CancellationToken cancellationToken) =>
        new RecipePlanner(_engines, _log).CheckReadinessAsync(recipe, cancellationToken);

    /// <summary>
    /// The permissions a new run of the recipe needs, checked against the roles of the signed-in identity or of
    /// <paramref name="objectId"/> (Test-GenImagePermission). Reads only; the journals are not looked at.
    /// </summary>
    public Task<PermissionCheck> CheckPermissionsAsync(ImageRecipe recipe, string? objectId, CancellationToken cancellationToken) =>
        new RecipePlanner(_engines, _log).CheckPermissionsAsync(recipe, objectId, cancellationToken);

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
        confirmed ??= new HashSet<string>(StepNames);
        Failure = null;

        var recipe = plan.Recipe;
        var store = _engines.RunStore(recipe);
        // One run of a recipe at a time: take the lease, then make sure nothing changed since the plan was made.
        using var lease = RunLease.Acquire(store, recipe.Name, _engines.Principal, plan.ResumeRunId, _engines.Host, _engines.LeaseStaleAfter, _log, options.Clock);
        RecipePlanner.CheckPlanStillHolds(store, plan);
        // The journal is written through the store that holds the lease: a blob store renews its lease before each line.
        var journal = OpenJournal(store, plan, options);
        lease.Record.RunId = journal.RunId;
        lease.Renew();
        lease.StartHeartbeat(_engines.LeaseHeartbeat);
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
            Resumed = plan.ResumeRunId != null,
            StartedAt = journal.Started?.Time ?? options.Clock(),
        };
        var context = new RunContext(plan, _engines, journal, run, _log, options.Clock);
        context.Load();

        if (plan.ResumeRunId != null)
        {
            // Before anything runs again: wait for what the interrupted attempt left running, delete what it owns and
            // no longer needs, record what finished meanwhile.
            try
            {
                await RunReconciler.ReconcileAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                End(context, RunStatus.Stopped, "Stopped while reconciling the run with Azure. Resume with -Resume.");
                throw;
            }
            catch (Exception ex)
            {
                var error = ex as GenImageException ?? IoErrors.Unexpected(ex, plan.Recipe.Path);
                Failure = error;
                return End(context, RunStatus.Failed, $"Reconciling the run with Azure failed ({error.ErrorId}): {error.Message} Fix the cause, then continue with -Resume.");
            }
        }

        string? validationFailed = null;
        var steps = RecipeSteps.All;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var planned = plan.Steps.First(s => s.Name == step.Name);
            var record = context.Step(step.Name);

            if (lease.Lost)
            {
                // Another process took the run over (this one looked dead to it): it must not go on as well.
                throw new GenImageException(RecipeErrorIds.RunInProgress, GenImageErrorKind.ResourceUnavailable,
                    $"The lease of recipe '{recipe.Name}' was taken over by another process while this run ran; this run stopped before {step.Name}. The other process continues it.")
                { Target = store.Location(recipe.Name) };
            }
            if (journal.FinishedSteps().TryGetValue(step.Name, out var done) && done.IsDone)
            {
                _log.Verbose($"Step {step.Name}: finished in run {run.RunId} ({done.Status}); not repeated.");
                continue;
            }
            if (validationFailed != null && !step.RunsAfterFailedValidation)
            {
                Finish(context, record, StepOutcome.Skipped(validationFailed));
                continue;
            }
            if (planned.Irreversible && !confirmed.Contains(step.Name))
            {
                record.Status = StepStatus.Stopped;
                record.Message = "Not confirmed: the run stopped before this irreversible step.";
                return End(context, RunStatus.Stopped, $"The run stopped before {step.Name}: it was not confirmed. Resume with -Resume when ready.");
            }

            Progress(recipe, step.Name, i, steps.Count, planned.Description);
            Start(context, record, step, planned);

            StepOutcome outcome;
            try
            {
                using (var scope = CallScope.Begin(CallScope.Current?.Log ?? _log, record.CorrelationId))
                {
                    // Every long-running operation ARM accepts is journaled before anything waits for it, so a resumed
                    // run can wait for one that is still running (a Run Command in the guest).
                    var stepName = step.Name;
                    var attempt = record.Attempts;
                    scope.OperationAccepted = op => context.Record(new JournalEvent
                    {
                        Type = JournalEventTypes.OperationStarted, Step = stepName, Attempt = attempt, CorrelationId = scope.CorrelationId,
                        Operation = new JournalOperation { Method = op.Method, Path = op.Path, StatusUrl = op.StatusUrl, ResultUrl = op.ResultUrl },
                    });
                    outcome = await step.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                Finish(context, record, new StepOutcome { Status = StepStatus.Stopped, Message = "Stopped (Ctrl+C or pipeline stop) while the step ran. Resume with -Resume." });
                End(context, RunStatus.Stopped, $"Stopped during {step.Name}. Resume with -Resume.");
                throw;
            }
            catch (Exception ex)
            {
                // Anything (an ARM error, a full disk, a bad value) ends the run Failed and journaled, so -Resume continues it.
                var error = ex as GenImageException ?? IoErrors.Unexpected(ex, planned.Target);
                Failure = error;
                return FailRun(context, record, step.Name, error);
            }

            Finish(context, record, outcome);
            if (outcome.Status == StepStatus.Blocked)
            {
                return End(context, RunStatus.Blocked, outcome.Message);
            }
            if (outcome.Status == StepStatus.Failed && !outcome.FailedValidation)
            {
                // A failure that is not a verdict on the image (validation that could not judge it): resumable.
                Failure = new GenImageException(outcome.ErrorId ?? RecipeErrorIds.StepFailed, GenImageErrorKind.ResourceUnavailable, outcome.Message ?? $"{step.Name} failed.")
                { Target = planned.Target };
                return End(context, RunStatus.Failed, $"{step.Name} failed ({Failure.ErrorId}): {Failure.Message}");
            }
            if (outcome.FailedValidation)
            {
                validationFailed = $"Not done: validation failed, so {plan.VersionName} stays excluded from latest.";
            }
        }

        CompleteProgress(recipe);
        if (validationFailed != null)
        {
            return End(context, RunStatus.ValidationFailed,
                $"Validation of {plan.VersionName} failed ({string.Join("; ", run.Validation.Where(v => !v.Passed).Select(v => $"{v.Region}: {v.Message}"))}). " +
                $"The version was published but stays excluded from latest and was not promoted; the evidence is in {run.EvidencePath}.");
        }
        return End(context, RunStatus.Succeeded,
            $"{plan.VersionName} published to {string.Join(", ", recipe.Spec.Publishing.TargetRegions.Select(r => r.Name))}" +
            (run.Promoted ? ", validated and included in latest." : run.ExcludedFromLatest == true ? ", left excluded from latest." : "."));
    }

    /// <summary>The journal of the run: the one resumed, or a new one (after marking an unfinished run Abandoned).</summary>
    private RunJournal OpenJournal(IRunStore store, RecipePlan plan, RecipeRunOptions options)
    {
        var recipe = plan.Recipe;
        var now = options.Clock();
        if (plan.ResumeRunId != null)
        {
            var resumed = RunJournal.Open(store, recipe.Name, plan.ResumeRunId);
            resumed.Append(new JournalEvent
            {
                Type = JournalEventTypes.RunResumed, Time = now, RunId = resumed.RunId, Principal = _engines.Principal, RecipeSha256 = recipe.ContentSha256,
                RedoFrom = plan.RedoFrom,
            });
            return resumed;
        }
        if (plan.AbandonRunId != null)
        {
            var old = RunJournal.Open(store, recipe.Name, plan.AbandonRunId);
            old.Append(new JournalEvent { Type = JournalEventTypes.RunFinished, Time = now, RunId = old.RunId, Status = RunStatus.Abandoned.ToString(), Message = "A new run was started with -NewRun." });
        }
        var runId = RunJournal.NewRunId(now);
        var journal = RunJournal.Create(store, recipe.Name, runId);
        journal.Append(new JournalEvent
        {
            Type = JournalEventTypes.RunStarted, Time = now, RunId = runId, RecipeName = recipe.Name, RecipePath = recipe.Path,
            RecipeSha256 = recipe.ContentSha256, Principal = _engines.Principal, SubscriptionId = _engines.SubscriptionId,
            Inputs = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["sourceVmId"] = plan.SourceVmId, ["definitionId"] = plan.DefinitionId, ["versionName"] = plan.VersionName,
            },
        });
        return journal;
    }

    private void Start(RunContext context, RecipeStepRecord record, RecipeStep step, RecipePlanStep planned)
    {
        record.Status = StepStatus.Running;
        record.StartedAt = context.Clock();
        record.EndedAt = null;
        record.CorrelationId = Guid.NewGuid().ToString();
        record.Attempts = context.Journal.Attempts(step.Name) + 1;
        record.Inputs = step.Inputs(context.Plan);
        context.Record(new JournalEvent
        {
            Type = JournalEventTypes.StepStarted, Time = record.StartedAt.Value, Step = step.Name, Attempt = record.Attempts,
            CorrelationId = record.CorrelationId, Inputs = record.Inputs,
        });
        _log.Verbose($"Step {step.Name} (attempt {record.Attempts}, correlation id {record.CorrelationId}): {planned.Description}");
    }

    private void Finish(RunContext context, RecipeStepRecord record, StepOutcome outcome)
    {
        record.Status = outcome.Status;
        record.Message = outcome.Message;
        record.ErrorId = outcome.ErrorId;
        record.EndedAt = context.Clock();
        record.StartedAt ??= record.EndedAt;
        foreach (var id in outcome.Created)
        {
            if (!record.CreatedResourceIds.Contains(id))
            {
                record.CreatedResourceIds.Add(id);
            }
        }

        context.Record(new JournalEvent
        {
            Type = JournalEventTypes.StepFinished, Time = record.EndedAt.Value, Step = record.Name, Attempt = record.Attempts == 0 ? (int?)null : record.Attempts,
            CorrelationId = record.CorrelationId, Status = outcome.Status.ToString(), Message = outcome.Message, ErrorId = outcome.ErrorId,
            Outputs = outcome.Outputs.Count > 0 ? outcome.Outputs : null,
            CreatedResourceIds = outcome.Created.Count > 0 ? outcome.Created : null,
            Findings = outcome.Findings, Validation = outcome.Validation, GeneralizeSteps = outcome.GeneralizeSteps,
        });
        context.Apply(record.Name, outcome, record.CorrelationId);
        _log.Verbose($"Step {record.Name}: {(outcome.Status == StepStatus.Blocked ? "failed" : outcome.Status.ToString().ToLowerInvariant())}{(outcome.Message == null ? string.Empty : " - " + outcome.Message)}");
    }

    /// <summary>
    /// Records a failed step and the failed run. When the journal itself cannot be written (a full disk), the run
    /// ends with that error: the journal keeps every whole line written before, so -Resume continues once fixed.
    /// </summary>
    private RecipeRun FailRun(RunContext context, RecipeStepRecord record, string name, GenImageException error)
    {
        try
        {
            Finish(context, record, new StepOutcome { Status = StepStatus.Failed, Message = error.Message, ErrorId = error.ErrorId });
            return End(context, RunStatus.Failed, $"{name} failed ({error.ErrorId}): {error.Message} Fix the cause, then continue with -Resume.");
        }
        catch (GenImageException journalError)
        {
            context.Run.Status = RunStatus.Failed;
            context.Run.Message = $"{name} failed ({error.ErrorId}): {error.Message}";
            throw new GenImageException(journalError.ErrorId, journalError.Kind,
                $"{name} failed ({error.ErrorId}: {error.Message}), and the journal could not record it: {journalError.Message}", error)
            { Target = journalError.Target };
        }
    }

    private RecipeRun End(RunContext context, RunStatus status, string? message)
    {
        var run = context.Run;
        run.Status = status;
        run.Message = message;
        run.EndedAt = context.Clock();
        context.Record(new JournalEvent { Type = JournalEventTypes.RunFinished, Time = run.EndedAt.Value, RunId = run.RunId, Status = status.ToString(), Message = message });
        if (status != RunStatus.Succeeded)
        {
            _log.Verbose($"Run {run.RunId}: {status}: {message}");
        }

        return run;
    }

    private void Progress(ImageRecipe recipe, string step, int index, int count, string description)
    {
        _log.Progress(new ProgressInfo(RunActivityId, $"Image recipe {recipe.Name}", $"Step {index + 1} of {count}: {step}")
        {
            PercentComplete = index * 100 / count,
        });
        _log.Progress(new ProgressInfo(StepActivityId, step, description) { ParentActivityId = RunActivityId });
    }

    private void CompleteProgress(ImageRecipe recipe)
    {
        _log.Progress(new ProgressInfo(StepActivityId, "Step", "Done") { ParentActivityId = RunActivityId, Completed = true });
        _log.Progress(new ProgressInfo(RunActivityId, $"Image recipe {recipe.Name}", "Done") { Completed = true });
    }
}
