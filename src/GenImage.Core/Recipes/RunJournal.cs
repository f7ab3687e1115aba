using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;

namespace GenImage.Core.Recipes;

/// <summary>One line of a run journal (docs/journal.md). Unused members are left out of the line.</summary>
public sealed class JournalEvent
{
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    /// <summary>runStarted, runResumed, stepStarted, stepFinished, runFinished.</summary>
    public string Type { get; set; } = string.Empty;
    public DateTimeOffset Time { get; set; }
    public string? RunId { get; set; }
    public string? RecipeName { get; set; }
    public string? RecipePath { get; set; }
    public string? RecipeSha256 { get; set; }
    public string? Principal { get; set; }
    public string? SubscriptionId { get; set; }
    public string? Step { get; set; }
    public int? Attempt { get; set; }
    public string? CorrelationId { get; set; }
    /// <summary>Step status (stepFinished) or run status (runFinished), as written: read them with <see cref="StepStatus"/> and <see cref="RunStatus"/>.</summary>
    public string? Status { get; set; }
    public string? Message { get; set; }
    public string? ErrorId { get; set; }
    public IDictionary<string, string>? Inputs { get; set; }
    /// <summary>Values later steps and -Resume need (sourceVmId, versionName, versionId, definitionId, …).</summary>
    public IDictionary<string, string>? Outputs { get; set; }
    public IList<string>? CreatedResourceIds { get; set; }
    public IList<ReadinessFinding>? Findings { get; set; }
    public IList<ValidationRecord>? Validation { get; set; }
    public IList<StepRecord>? GeneralizeSteps { get; set; }
    /// <summary>intent: what the step is about to create, named before the call (write-ahead).</summary>
    public IList<JournalResource>? Resources { get; set; }
    /// <summary>operationStarted / operationEnded: an ARM long-running operation the step started, and how it ended.</summary>
    public JournalOperation? Operation { get; set; }
    /// <summary>runResumed with -RetryValidation: this step and the ones after it run again, whatever they did before.</summary>
    public string? RedoFrom { get; set; }

    /// <summary>The step status of a stepFinished line; null when it is not one.</summary>
    [JsonIgnore]
    public GenImage.StepStatus? StepStatus => Type == JournalEventTypes.StepFinished && Enum.TryParse(Status, out GenImage.StepStatus s) ? s : (GenImage.StepStatus?)null;

    /// <summary>The run status of a runFinished line; null when it is not one.</summary>
    [JsonIgnore]
    public GenImage.RunStatus? RunStatus => Type == JournalEventTypes.RunFinished && Enum.TryParse(Status, out GenImage.RunStatus s) ? s : (GenImage.RunStatus?)null;

    /// <summary>A stepFinished that needs no repeat: Succeeded or Skipped.</summary>
    [JsonIgnore]
    public bool IsDone => StepStatus == GenImage.StepStatus.Succeeded || StepStatus == GenImage.StepStatus.Skipped;
}

/// <summary>
/// The journal of one run: JSON lines in its <see cref="IRunStore"/> (journal.jsonl in the run folder), appended
/// durably before every step, every create and every long-running operation, so that a run stopped at any point can
/// be resumed — and reconciled with what exists in Azure — from it. Never holds a secret.
/// </summary>
public sealed class RunJournal
{
    public const string FileName = LocalRunStore.JournalFileName;
    private readonly object _gate = new object();

    private RunJournal(IRunStore store, string recipeName, string runId)
    {
        Store = store;
        RecipeName = recipeName;
        StoredRunId = runId;
    }

    public IRunStore Store { get; }
    public string RecipeName { get; }
    /// <summary>The run id the store keeps the journal under.</summary>
    public string StoredRunId { get; }
    /// <summary>Where the journal is (a file path for the local store).</summary>
    public string Path => Store.JournalLocation(RecipeName, StoredRunId);
    /// <summary>The run folder (evidence goes to its evidence subfolder).</summary>
    public string Folder => Store.RunFolder(RecipeName, StoredRunId);
    public List<JournalEvent> Events { get; } = new List<JournalEvent>();

    /// <summary>Creates the journal of a new run.</summary>
    public static RunJournal Create(IRunStore store, string recipeName, string runId)
    {
        store.CreateRun(recipeName, runId);
        return new RunJournal(store, recipeName, runId);
    }

    /// <summary>Reads a journal from its store; a line that does not parse (a write cut short by a crash) is skipped.</summary>
    public static RunJournal Open(IRunStore store, string recipeName, string runId)
    {
        var journal = new RunJournal(store, recipeName, runId);
        foreach (var line in store.ReadLines(recipeName, runId))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JournalEvent? ev;
            try
            {
                ev = JsonSerializer.Deserialize<JournalEvent>(line, EvidenceJson.Compact);
            }
            catch (JsonException)
            {
                continue;
            }
            if (ev == null)
            {
                continue;
            }

            if (ev.SchemaVersion > JournalEvent.CurrentSchemaVersion)
            {
                throw new GenImageException(RecipeErrorIds.JournalUnreadable, GenImageErrorKind.InvalidData,
                    $"The journal {journal.Path} has schema version {ev.SchemaVersion}; this module reads up to {JournalEvent.CurrentSchemaVersion}. Resume it with a newer GenImage.")
                { Target = journal.Path };
            }
            journal.Events.Add(ev);
        }
        return journal;
    }

    /// <summary>Reads the journal at a local path (OUTPUT/RECIPE/RUN-ID/journal.jsonl).</summary>
    public static RunJournal Open(string journalPath)
    {
        if (!string.Equals(System.IO.Path.GetFileName(journalPath), FileName, StringComparison.Ordinal))
        {
            throw new GenImageException(RecipeErrorIds.JournalUnreadable, GenImageErrorKind.InvalidArgument,
                $"'{journalPath}' is not a run journal: give a run folder (OUTPUT/RECIPE-NAME/RUN-ID) or its {FileName}.")
            { Target = journalPath };
        }
        var (store, recipe, runId) = LocalRunStore.ForJournal(journalPath);
        return Open(store, recipe, runId);
    }

    /// <summary>Appends an event durably; a journal that cannot be written is a GenImage error naming it.</summary>
    public void Append(JournalEvent ev)
    {
        if (ev == null)
        {
            throw new ArgumentNullException(nameof(ev));
        }

        var line = EvidenceJson.SerializeRedacted(ev, indented: false);
        lock (_gate)
        {
            Store.AppendLine(RecipeName, StoredRunId, line);
            Events.Add(ev);
        }
    }

    /// <summary>The journal as stored (for the evidence bundle).</summary>
    public string ReadText() => string.Join("\n", Store.ReadLines(RecipeName, StoredRunId)) + "\n";

    public JournalEvent? Started => Events.FirstOrDefault(e => e.Type == JournalEventTypes.RunStarted);
    public JournalEvent? Finished => Events.LastOrDefault(e => e.Type == JournalEventTypes.RunFinished || e.Type == JournalEventTypes.RunResumed) is { Type: JournalEventTypes.RunFinished } f ? f : null;
    public string? RunId => Started?.RunId;

    /// <summary>True when the run can be resumed: it never finished, or finished Failed or Stopped.</summary>
    public bool IsUnfinished => Started != null && (Finished == null || Finished.RunStatus == GenImage.RunStatus.Failed || Finished.RunStatus == GenImage.RunStatus.Stopped);

    /// <summary>The last stepFinished of every step.</summary>
    public IDictionary<string, JournalEvent> FinishedSteps()
    {
        var map = new Dictionary<string, JournalEvent>(StringComparer.Ordinal);
        var order = RecipeSteps.Names.ToList();
        foreach (var ev in Events)
        {
            if (ev.Type == JournalEventTypes.StepFinished && ev.Step != null)
            {
                map[ev.Step] = ev;
            }
            else if (ev.Type == JournalEventTypes.RunResumed && ev.RedoFrom != null && order.IndexOf(ev.RedoFrom) >= 0)
            {
                // -RetryValidation: what the redone steps did before no longer counts as done.
                foreach (var step in order.Skip(order.IndexOf(ev.RedoFrom)))
                {
                    map.Remove(step);
                }
            }
        }
        return map;
    }

    /// <summary>Every output recorded by finished steps, later ones winning.</summary>
    public IDictionary<string, string> Outputs()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var ev in Events.Where(e => e.Type == JournalEventTypes.StepFinished && e.Outputs != null))
        {
            foreach (var kv in ev.Outputs!)
            {
                map[kv.Key] = kv.Value;
            }
        }

        return map;
    }

    public int Attempts(string step) => Events.Count(e => e.Type == JournalEventTypes.StepStarted && e.Step == step);

    /// <summary>New sortable run id: UTC time plus six random hex digits.</summary>
    public static string NewRunId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 6);
}

/// <summary>The event types of a journal (docs/journal.md).</summary>
public static class JournalEventTypes
{
    public const string RunStarted = "runStarted";
    public const string RunResumed = "runResumed";
    public const string StepStarted = "stepStarted";
    public const string StepProgress = "stepProgress";
    public const string StepFinished = "stepFinished";
    public const string RunFinished = "runFinished";
    /// <summary>Before a create: the names (and ids) the step is about to create.</summary>
    public const string Intent = "intent";
    /// <summary>ARM accepted a long-running operation: where its state can be read.</summary>
    public const string OperationStarted = "operationStarted";
    /// <summary>A resumed run saw that operation end (it waited for it when it still ran).</summary>
    public const string OperationEnded = "operationEnded";
    /// <summary>A resumed run reconciled the world with the journal before continuing: what it adopted, deleted, waited for.</summary>
    public const string Reconciled = "reconciled";
}

/// <summary>A resource a step is about to create (intent): what it is for, its kind and its id.</summary>
public sealed class JournalResource
{
    /// <summary>virtualMachine, disk, networkInterface, gallery, galleryImageDefinition, galleryImageVersion.</summary>
    public string Kind { get; set; } = string.Empty;
    public string Id { get; set; } = string.Empty;
    /// <summary>validation (a test VM the run owns and deletes), or publish (what the run delivers).</summary>
    public string? Purpose { get; set; }
}

/// <summary>An ARM long-running operation a step started.</summary>
public sealed class JournalOperation
{
    public string Method { get; set; } = string.Empty;
    /// <summary>The request path (a resource id, or an action such as …/runCommand).</summary>
    public string Path { get; set; } = string.Empty;
    public string? StatusUrl { get; set; }
    public string? ResultUrl { get; set; }
    /// <summary>operationEnded: Succeeded, Failed, Canceled or Unknown.</summary>
    public string? Status { get; set; }
    public string? Error { get; set; }
    /// <summary>operationEnded of a Run Command: the GENIMAGE-RESULT line of its output, when it printed one.</summary>
    public string? Result { get; set; }

    /// <summary>The same operation (by its URLs).</summary>
    public bool SameAs(JournalOperation other) =>
        string.Equals(StatusUrl, other.StatusUrl, StringComparison.Ordinal) && string.Equals(ResultUrl, other.ResultUrl, StringComparison.Ordinal);

    public Connection.AcceptedOperation ToAccepted() => new Connection.AcceptedOperation { Method = Method, Path = Path, StatusUrl = StatusUrl, ResultUrl = ResultUrl };
}

/// <summary>Stable error ids of recipe runs.</summary>
public static class RecipeErrorIds
{
    public const string RecipeInvalid = "RecipeInvalid";
    public const string UnfinishedRun = "UnfinishedRun";
    /// <summary>Another live process runs the recipe (its lease): a second run, or a -Resume of the live run, must wait.</summary>
    public const string RunInProgress = "RunInProgress";
    /// <summary>Another run of the recipe started between this run's plan and its start: the plan (its version name) is outdated.</summary>
    public const string PlanOutdated = "PlanOutdated";
    /// <summary>The identity lacks a permission a step of the run needs (checked from its roles before anything is done).</summary>
    public const string PermissionMissing = "PermissionMissing";
    public const string NothingToResume = "NothingToResume";
    public const string JournalUnreadable = "JournalUnreadable";
    public const string ReadinessBlocked = "ReadinessBlocked";
    public const string ValidationFailed = "ValidationFailed";
    /// <summary>Validation could not judge the image (transient Azure failures beyond the retries, or a refused deployment): resumable.</summary>
    public const string ValidationInconclusive = "ValidationInconclusive";
    public const string DefinitionMismatch = "DefinitionMismatch";
    public const string VersionConflict = "VersionConflict";
    public const string StepFailed = "RecipeStepFailed";
    /// <summary>Someone else wrote a run's evidence during this upload: a bundle in a blob store is never overwritten.</summary>
    public const string EvidenceExists = "EvidenceExists";
}
