using System;
using System.Collections.Generic;
using System.Linq;
using GenImage.Core.Logging;

namespace GenImage.Core.Recipes;

/// <summary>What one step did: its typed status, what it says, and what later steps and -Resume need.</summary>
public sealed class StepOutcome
{
    public StepStatus Status { get; set; } = StepStatus.Succeeded;
    public string? Message { get; set; }
    public string? ErrorId { get; set; }
    /// <summary>Values later steps and -Resume need (versionName, versionId, excludedFromLatest, …).</summary>
    public Dictionary<string, string> Outputs { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
    public List<string> Created { get; } = new List<string>();
    public List<ReadinessFinding>? Findings { get; set; }
    public List<ValidationRecord>? Validation { get; set; }
    public List<StepRecord>? GeneralizeSteps { get; set; }
    /// <summary>The image failed validation (did not boot, or the probe said no): the verdict that ends a run ValidationFailed.</summary>
    public bool FailedValidation { get; set; }

    public static StepOutcome Succeeded(string message) => new StepOutcome { Message = message };
    public static StepOutcome Skipped(string message) => new StepOutcome { Status = StepStatus.Skipped, Message = message };
}

/// <summary>
/// The facts a run's steps read from Azure, or wrote, handed on to the next steps so that a fact Azure cannot have
/// changed meanwhile is not read again (docs/arm-calls.md: each fact once per step where Azure cannot have changed it).
/// Held in memory by the process that runs the steps: a resumed run starts with none and reads what it needs. The reads
/// that guard an irreversible step against a changed world (the source VM before deallocate and before its delete, the
/// versions before retention deletes) are made regardless.
/// </summary>
public sealed class RunFacts
{
    /// <summary>The source VM as last read, or as the run's own generalize left it (deallocated, generalized).</summary>
    public SourceVm? SourceVm { get; set; }
    /// <summary>
    /// The source's guest answered the readiness inspection (a Run Command) in this run: the VM was running, its agent
    /// Ready, after the plan read it and after the run was confirmed.
    /// </summary>
    public bool GuestAnswered { get; set; }
    /// <summary>True once the image definition was read or created in this run; <see cref="Definition"/> null then means it did not exist.</summary>
    public bool DefinitionKnown { get; private set; }
    /// <summary>The image definition as read or created in this run.</summary>
    public GalleryImageDefinition? Definition { get; private set; }
    /// <summary>The definition's versions as read before the run published (without the run's version).</summary>
    public IReadOnlyList<GalleryImageVersion>? Versions { get; set; }
    /// <summary>The run's version as Azure last answered (the replication read that ended the publish, a PATCH's answer).</summary>
    public GalleryImageVersion? Version { get; set; }

    /// <summary>Records the definition as read (null: it does not exist) or as created.</summary>
    public void KnowDefinition(GalleryImageDefinition? definition)
    {
        Definition = definition;
        DefinitionKnown = true;
    }
}

/// <summary>
/// What a run knows while it runs: the plan, the engines, the journal, and everything the steps of this and earlier
/// attempts recorded (rebuilt from the journal on -Resume).
/// </summary>
public sealed class RunContext
{
    internal RunContext(RecipePlan plan, RecipeEngines engines, RunJournal journal, RecipeRun run, IGenImageLog log, Func<DateTimeOffset> clock)
    {
        Plan = plan;
        Engines = engines;
        Journal = journal;
        Run = run;
        Log = log;
        Clock = clock;
        Policy = ReadinessPolicy.From(plan.Recipe);
        // A new run starts from what its plan read moments ago; a resumed run reconciles first, so it reads anew.
        Facts = plan.ResumeRunId == null ? new RunFacts { SourceVm = plan.SourceVm, Versions = plan.Versions } : new RunFacts();
    }

    public RecipePlan Plan { get; }
    public ImageRecipe Recipe => Plan.Recipe;
    public RecipeSpec Spec => Plan.Recipe.Spec;
    public RecipeEngines Engines { get; }
    public RunJournal Journal { get; }
    public RecipeRun Run { get; }
    public IGenImageLog Log { get; }
    public Func<DateTimeOffset> Clock { get; }
    /// <summary>The recipe's readiness policy: the same for the Readiness step and the pre-flight, on every attempt.</summary>
    public ReadinessPolicy Policy { get; }

    /// <summary>What this process read from or wrote to Azure during the run, handed from step to step (not journaled).</summary>
    public RunFacts Facts { get; }

    public List<ReadinessFinding> Findings { get; } = new List<ReadinessFinding>();
    public List<StepRecord> GeneralizeSteps { get; } = new List<StepRecord>();
    public string? GeneralizeCorrelationId { get; set; }

    /// <summary>The record of a step (created on first use).</summary>
    public RecipeStepRecord Step(string name)
    {
        var record = Run.Steps.FirstOrDefault(s => s.Name == name);
        if (record == null)
        {
            record = new RecipeStepRecord { Name = name };
            Run.Steps.Add(record);
        }
        return record;
    }

    /// <summary>True when the step finished Succeeded in this run (this or an earlier attempt).</summary>
    public bool Succeeded(string step) => Journal.FinishedSteps().TryGetValue(step, out var ev) && ev.StepStatus == StepStatus.Succeeded;

    /// <summary>Write-ahead: records the resources <paramref name="step"/> is about to create, before it asks ARM to.</summary>
    public void Intend(string step, params JournalResource[] resources)
    {
        var record = Step(step);
        Record(new JournalEvent
        {
            Type = JournalEventTypes.Intent, Step = step, Attempt = record.Attempts, CorrelationId = Connection.CallScope.Current?.CorrelationId ?? record.CorrelationId,
            Resources = resources.ToList(),
        });
    }

    /// <summary>Every resource the run's attempts of <paramref name="step"/> said they would create.</summary>
    public IReadOnlyList<JournalResource> Intents(string step) =>
        Journal.Events.Where(e => e.Type == JournalEventTypes.Intent && e.Step == step && e.Resources != null).SelectMany(e => e.Resources!).ToList();

    /// <summary>The long-running operations the attempts of <paramref name="step"/> started, each with how it ended when that is known.</summary>
    public IReadOnlyList<(JournalOperation Started, JournalOperation? Ended)> Operations(string step)
    {
        var ended = Journal.Events.Where(e => e.Type == JournalEventTypes.OperationEnded && e.Operation != null).Select(e => e.Operation!).ToList();
        return Journal.Events.Where(e => e.Type == JournalEventTypes.OperationStarted && e.Step == step && e.Operation != null)
            .Select(e => (Started: e.Operation!, Ended: (JournalOperation?)ended.LastOrDefault(x => x.SameAs(e.Operation!))))
            .ToList();
    }

    /// <summary>Appends an event to the journal, stamped with the clock.</summary>
    public void Record(JournalEvent ev)
    {
        if (ev.Time == default)
        {
            ev.Time = Clock();
        }

        Journal.Append(ev);
    }

    /// <summary>Rebuilds the steps and results of earlier attempts from the journal.</summary>
    internal void Load()
    {
        foreach (var ev in Journal.Events)
        {
            if (ev.Step == null)
            {
                continue;
            }

            var record = Step(ev.Step);
            if (ev.Type == JournalEventTypes.StepStarted)
            {
                record.StartedAt = ev.Time;
                record.CorrelationId = ev.CorrelationId;
                record.Attempts = ev.Attempt ?? record.Attempts + 1;
                if (ev.Inputs != null)
                {
                    record.Inputs = ev.Inputs;
                }

                record.Status = StepStatus.Running;
            }
            else if (ev.Type == JournalEventTypes.StepFinished)
            {
                record.EndedAt = ev.Time;
                record.Status = ev.StepStatus ?? StepStatus.Failed;
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

                var outcome = new StepOutcome { Status = record.Status, Findings = ev.Findings?.ToList(), Validation = ev.Validation?.ToList(), GeneralizeSteps = ev.GeneralizeSteps?.ToList() };
                if (ev.Outputs != null)
                {
                    foreach (var kv in ev.Outputs)
                    {
                        outcome.Outputs[kv.Key] = kv.Value;
                    }
                }

                Apply(ev.Step, outcome, ev.CorrelationId);
            }
        }
        var order = RecipeSteps.Names;
        var ordered = Run.Steps.OrderBy(s => IndexOf(order, s.Name)).ToList();
        Run.Steps.Clear();
        foreach (var s in ordered)
        {
            Run.Steps.Add(s);
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    /// <summary>Takes what a finished step recorded into the run.</summary>
    internal void Apply(string step, StepOutcome outcome, string? correlationId)
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
        if (step == RecipeSteps.Generalize)
        {
            GeneralizeCorrelationId = correlationId;
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
