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
