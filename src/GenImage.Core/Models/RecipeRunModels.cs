using System;
using System.Collections.Generic;

namespace GenImage;

/// <summary>Where a step of a recipe run is.</summary>
public enum StepStatus : long
{
    /// <summary>Not started yet.</summary>
    Pending,
    /// <summary>Started and not finished (or the process ended while it ran).</summary>
    Running,
    Succeeded,
    /// <summary>Nothing to do (disabled in the recipe, already done, or not done because validation failed).</summary>
    Skipped,
    Failed,
    /// <summary>Readiness found a blocking error: the run stopped before anything irreversible.</summary>
    Blocked,
    /// <summary>Ctrl+C, a stopped pipeline, or a step that was not confirmed.</summary>
    Stopped,
    /// <summary>In a -WhatIf plan.</summary>
    Planned,
}

/// <summary>Where a recipe run is, or how it ended.</summary>
public enum RunStatus : long
{
    Running,
    Succeeded,
    /// <summary>Readiness stopped it before anything irreversible.</summary>
    Blocked,
    /// <summary>The image failed to boot or the probe said no: published, excluded from latest, not promoted.</summary>
    ValidationFailed,
    /// <summary>A step failed; -Resume continues it.</summary>
    Failed,
    /// <summary>Ctrl+C, a crash or a declined confirmation; -Resume continues it.</summary>
    Stopped,
    /// <summary>Replaced by a run started with -NewRun.</summary>
    Abandoned,
    /// <summary>In a -WhatIf plan.</summary>
    Planned,
}

/// <summary>One step of a recipe run, as recorded in the journal.</summary>
public sealed class RecipeStepRecord
{
    /// <summary>Step name: Readiness, Generalize, Definition, Publish, Validate, Promote, Evidence, Cleanup.</summary>
    public string Name { get; set; } = string.Empty;
    public StepStatus Status { get; set; } = StepStatus.Pending;
    /// <summary>What the step did or why it stopped, in an operator's words.</summary>
    public string? Message { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public TimeSpan? Duration => StartedAt.HasValue && EndedAt.HasValue ? EndedAt - StartedAt : null;
    /// <summary>The x-ms-correlation-request-id of every ARM call the step made (Activity Log key).</summary>
    public string? CorrelationId { get; set; }
    /// <summary>What the step was asked to do (version name, regions, …).</summary>
    public IDictionary<string, string> Inputs { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    /// <summary>Resources the step created.</summary>
    public IList<string> CreatedResourceIds { get; set; } = new List<string>();
    /// <summary>Stable error id when the step failed (an engine error id or a readiness rule id).</summary>
    public string? ErrorId { get; set; }
    /// <summary>How many times the step was started (more than 1 after -Resume).</summary>
    public int Attempts { get; set; }
    public override string ToString() => $"{Name}: {Status}";
}

/// <summary>The outcome of Invoke-ImageRecipe.</summary>
public sealed class RecipeRun
{
    public string RecipeName { get; set; } = string.Empty;
    public string RecipePath { get; set; } = string.Empty;
    /// <summary>Sortable id of the run (20261123T210000Z-1a2b3c).</summary>
    public string RunId { get; set; } = string.Empty;
    public RunStatus Status { get; set; } = RunStatus.Running;
    public string? Message { get; set; }
    public IList<RecipeStepRecord> Steps { get; set; } = new List<RecipeStepRecord>();
    public string? SourceVmId { get; set; }
    public string? DefinitionId { get; set; }
    public string? VersionName { get; set; }
    public string? VersionId { get; set; }
    /// <summary>True while the version is excluded from latest.</summary>
    public bool? ExcludedFromLatest { get; set; }
    public bool Promoted { get; set; }
    public IList<ReadinessFinding> BlockingFindings { get; set; } = new List<ReadinessFinding>();
    public IList<ValidationRecord> Validation { get; set; } = new List<ValidationRecord>();
    /// <summary>The run folder (journal.jsonl); the bundle is its evidence subfolder.</summary>
    public string RunPath { get; set; } = string.Empty;
    public string JournalPath { get; set; } = string.Empty;
    public string? EvidencePath { get; set; }
    public bool Resumed { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
}

/// <summary>
/// One run kept in a run store, as Get-ImageRun lists it: how it stands, what it publishes, when it started and last
/// showed it was alive, and who runs (or ran) it. Pipe it to Get-ImageEvidence (by its RunPath).
/// </summary>
public sealed class ImageRun
{
    public string RecipeName { get; set; } = string.Empty;
    /// <summary>Sortable id of the run (20261123T210000Z-1a2b3c).</summary>
    public string RunId { get; set; } = string.Empty;
    /// <summary>How the run ended; Running while its journal has no end (it runs now, or its process ended and -Resume continues it).</summary>
    public RunStatus Status { get; set; } = RunStatus.Running;
    public string? Message { get; set; }
    public string? VersionName { get; set; }
    public string? DefinitionId { get; set; }
    public DateTimeOffset Started { get; set; }
    public DateTimeOffset? Finished { get; set; }
    /// <summary>The lease's heartbeat when the recipe's lease names this run, else the time of the journal's last record.</summary>
    public DateTimeOffset LastHeartbeat { get; set; }
    /// <summary>True when the recipe's lease names this run (it runs now, or its process ended without releasing the lease).</summary>
    public bool HoldsLease { get; set; }
    /// <summary>Who started (or, holding the lease, runs) it: the signed-in principal.</summary>
    public string? Owner { get; set; }
    /// <summary>The machine of the lease holder; null when the lease does not name this run.</summary>
    public string? Host { get; set; }
    /// <summary>The process of the lease holder; null when the lease does not name this run.</summary>
    public int? ProcessId { get; set; }
    /// <summary>The run folder, or the URL of the run in a blob store (what Get-ImageEvidence -RunPath takes).</summary>
    public string RunPath { get; set; } = string.Empty;
    /// <summary>The journal's path or URL.</summary>
    public string JournalPath { get; set; } = string.Empty;
}
