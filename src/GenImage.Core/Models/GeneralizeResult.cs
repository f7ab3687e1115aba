using System;
using System.Collections.Generic;

namespace GenImage;

/// <summary>Outcome of one step of an operation.</summary>
public sealed class StepRecord
{
    public string Name { get; set; } = string.Empty;
    /// <summary>Succeeded, Skipped, Failed or Planned.</summary>
    public string Status { get; set; } = string.Empty;
    public string? Detail { get; set; }
    public TimeSpan Duration { get; set; }
    public override string ToString() => $"{Name}: {Status}";
}

/// <summary>
/// Result of Invoke-GeneralizeVm. <see cref="SourceId"/> (and <see cref="Id"/>) let it pipe into the
/// publishing cmdlets.
/// </summary>
public sealed class GeneralizeResult
{
    public string Id { get; set; } = string.Empty;
    /// <summary>The VM id, named for the publishing cmdlets' -SourceId.</summary>
    public string SourceId => Id;
    public string Name { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string SubscriptionId { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    public string? OsType { get; set; }
    public string? HyperVGeneration { get; set; }
    public string SecurityType { get; set; } = "Standard";
    public string PowerStateBefore { get; set; } = "unknown";
    public string PowerStateAfter { get; set; } = "unknown";
    /// <summary>"generalized" when verified from the instance view.</summary>
    public string? OsStateAfter { get; set; }
    /// <summary>True when this run prepared the guest (Sysprep / deprovision) through Run Command.</summary>
    public bool Prepared { get; set; }
    /// <summary>Generalized, AlreadyGeneralized, or Failed.</summary>
    public string Status { get; set; } = string.Empty;
    public IList<StepRecord> Steps { get; set; } = new List<StepRecord>();
    public TimeSpan Duration { get; set; }
    /// <summary>The x-ms-correlation-request-id sent with every ARM call of this run (Activity Log key).</summary>
    public string? CorrelationId { get; set; }
    /// <summary>The guest preparation script's own summary, when it ran.</summary>
    public string? PreparationMessage { get; set; }
}
