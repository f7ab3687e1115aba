using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;

namespace GenImage.Core.Recipes;

/// <summary>One line of a run journal (docs/journal.md). Unused members are left out of the line.</summary>
public sealed class JournalEvent
{
    public const int CurrentSchemaVersion = 1;

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
    /// <summary>Step status (stepFinished) or run status (runFinished).</summary>
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
}

/// <summary>
/// The journal of one run: a JSON-lines file (journal.jsonl) in the run folder, appended and flushed after
/// every step event, so that a run stopped at any point can be resumed from it. Never holds a secret.
/// </summary>
public sealed class RunJournal
{
    public const string FileName = "journal.jsonl";
    private readonly object _gate = new object();

    private RunJournal(string path)
    {
        Path = path;
    }

    public string Path { get; }
    public string Folder => System.IO.Path.GetDirectoryName(Path) ?? string.Empty;
    public List<JournalEvent> Events { get; } = new List<JournalEvent>();

    /// <summary>Creates the run folder and an empty journal.</summary>
    public static RunJournal Create(string runFolder)
    {
        Directory.CreateDirectory(runFolder);
        var path = System.IO.Path.Combine(runFolder, FileName);
        if (File.Exists(path))
        {
            throw new IOException($"A journal already exists at {path}.");
        }

        File.WriteAllText(path, string.Empty, new UTF8Encoding(false));
        return new RunJournal(path);
    }

    /// <summary>Reads a journal; a line that does not parse (a write cut short by a crash) ends the reading.</summary>
    public static RunJournal Open(string journalPath)
    {
        var journal = new RunJournal(System.IO.Path.GetFullPath(journalPath));
        foreach (var line in File.ReadAllLines(journal.Path))
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
                break;
            }
            if (ev == null)
            {
                break;
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

    public void Append(JournalEvent ev)
    {
        if (ev == null)
        {
            throw new ArgumentNullException(nameof(ev));
        }

        var line = EvidenceJson.SerializeRedacted(ev, indented: false);
        lock (_gate)
        {
            using (var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                var bytes = new UTF8Encoding(false).GetBytes(line + "\n");
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(true);
            }
            Events.Add(ev);
        }
    }

    public string ReadText() => File.ReadAllText(Path);

    public JournalEvent? Started => Events.FirstOrDefault(e => e.Type == "runStarted");
    public JournalEvent? Finished => Events.LastOrDefault(e => e.Type == "runFinished" || e.Type == "runResumed") is { Type: "runFinished" } f ? f : null;
    public string? RunId => Started?.RunId;

    /// <summary>True when the run can be resumed: it never finished, or finished Failed or Stopped.</summary>
    public bool IsUnfinished => Started != null && (Finished == null || Finished.Status == RunStatus.Failed || Finished.Status == RunStatus.Stopped);

    /// <summary>The last stepFinished of every step.</summary>
    public IDictionary<string, JournalEvent> FinishedSteps()
    {
        var map = new Dictionary<string, JournalEvent>(StringComparer.Ordinal);
        foreach (var ev in Events.Where(e => e.Type == "stepFinished" && e.Step != null))
        {
            map[ev.Step!] = ev;
        }

        return map;
    }

    /// <summary>Every output recorded by finished steps, later ones winning.</summary>
    public IDictionary<string, string> Outputs()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var ev in Events.Where(e => e.Type == "stepFinished" && e.Outputs != null))
        {
            foreach (var kv in ev.Outputs!)
            {
                map[kv.Key] = kv.Value;
            }
        }

        return map;
    }

    public int Attempts(string step) => Events.Count(e => e.Type == "stepStarted" && e.Step == step);

    /// <summary>New sortable run id: UTC time plus six random hex digits.</summary>
    public static string NewRunId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 6);

    /// <summary>The run folders of a recipe, newest first: OUTPUT/RECIPE/RUNID/journal.jsonl.</summary>
    public static IReadOnlyList<string> FindJournals(string outputPath, string recipeName)
    {
        var folder = System.IO.Path.Combine(outputPath, recipeName);
        if (!Directory.Exists(folder))
        {
            return Array.Empty<string>();
        }

        return Directory.GetDirectories(folder)
            .Select(d => System.IO.Path.Combine(d, FileName))
            .Where(File.Exists)
            .OrderByDescending(p => p, StringComparer.Ordinal)
            .ToList();
    }
}

/// <summary>Run and step statuses.</summary>
public static class RunStatus
{
    public const string Succeeded = "Succeeded";
    public const string Planned = "Planned";
    public const string Blocked = "Blocked";
    public const string ValidationFailed = "ValidationFailed";
    public const string Failed = "Failed";
    public const string Stopped = "Stopped";
    public const string Abandoned = "Abandoned";
    public const string Skipped = "Skipped";
    public const string Running = "Running";
    public const string Pending = "Pending";
}

/// <summary>Stable error ids of recipe runs.</summary>
public static class RecipeErrorIds
{
    public const string RecipeInvalid = "RecipeInvalid";
    public const string UnfinishedRun = "UnfinishedRun";
    public const string NothingToResume = "NothingToResume";
    public const string JournalUnreadable = "JournalUnreadable";
    public const string ReadinessBlocked = "ReadinessBlocked";
    public const string ValidationFailed = "ValidationFailed";
    public const string DefinitionMismatch = "DefinitionMismatch";
    public const string VersionConflict = "VersionConflict";
    public const string StepFailed = "RecipeStepFailed";
}
