using System;
using System.Collections.Generic;

namespace GenImage.Core.Readiness;

/// <summary>What one rule concluded; the engine turns it into a <see cref="ReadinessFinding"/>.</summary>
internal sealed class Outcome
{
    private Outcome(FindingStatus status, string message)
    {
        Status = status;
        Message = message;
    }

    public FindingStatus Status { get; }
    public string Message { get; }
    /// <summary>Overrides the catalogue severity for this finding.</summary>
    public FindingSeverity? Severity { get; private set; }
    /// <summary>Overrides the catalogue fix for this finding.</summary>
    public string? Remediation { get; private set; }
    public string? SkipReason { get; private set; }
    /// <summary>Overrides the category's default target.</summary>
    public string? Target { get; private set; }
    public IDictionary<string, object?> Evidence { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    public static Outcome Pass(string message) => new Outcome(FindingStatus.Pass, message);

    public static Outcome Fail(string message, FindingSeverity? severity = null, string? remediation = null) =>
        new Outcome(FindingStatus.Fail, message) { Severity = severity, Remediation = remediation };

    public static Outcome Skip(string reason) => new Outcome(FindingStatus.Skipped, "Skipped: " + reason) { SkipReason = reason };

    public Outcome With(string key, object? value)
    {
        Evidence[key] = value;
        return this;
    }

    public Outcome WithSeverity(FindingSeverity severity)
    {
        Severity = severity;
        return this;
    }

    public Outcome On(string target)
    {
        Target = target;
        return this;
    }
}
