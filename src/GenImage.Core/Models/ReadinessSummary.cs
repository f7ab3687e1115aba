using System.Collections.Generic;
using System.Linq;

namespace GenImage;

/// <summary>The counts of one target's findings (Test-ImageReadiness -Summary).</summary>
public sealed class ReadinessSummary
{
    public string Target { get; set; } = string.Empty;
    /// <summary>No failed Error finding (suppressed ones aside).</summary>
    public bool IsReady { get; set; }
    public int Passed { get; set; }
    public int Failed { get; set; }
    public int Skipped { get; set; }
    /// <summary>Failed findings of severity Error.</summary>
    public int Errors { get; set; }
    /// <summary>Failed findings of severity Warning.</summary>
    public int Warnings { get; set; }
    /// <summary>The ids of the failed Error findings (the ones that block).</summary>
    public IList<string> FailedErrorIds { get; set; } = new List<string>();
    /// <summary>The ids of the failed Warning and Information findings.</summary>
    public IList<string> FailedWarningIds { get; set; } = new List<string>();

    public static ReadinessSummary From(string target, IEnumerable<ReadinessFinding> findings)
    {
        var list = findings.ToList();
        var failed = list.Where(f => f.Status == FindingStatus.Fail).ToList();
        return new ReadinessSummary
        {
            Target = target,
            Passed = list.Count(f => f.Status == FindingStatus.Pass),
            Failed = failed.Count,
            Skipped = list.Count(f => f.Status == FindingStatus.Skipped),
            Errors = failed.Count(f => f.Severity == FindingSeverity.Error),
            Warnings = failed.Count(f => f.Severity == FindingSeverity.Warning),
            FailedErrorIds = list.Where(f => f.IsBlocking).Select(f => f.RuleId).ToList(),
            FailedWarningIds = failed.Where(f => !f.IsBlocking).Select(f => f.RuleId).ToList(),
            IsReady = !list.Any(f => f.IsBlocking),
        };
    }

    /// <summary>One line: "vm-src: not ready: 2 errors (GI2003, GI2004), 1 warning (GI6001), 20 passed, 12 skipped".</summary>
    public override string ToString()
    {
        var name = Target.Length > 0 && Target.LastIndexOf('/') >= 0 ? Target.Substring(Target.LastIndexOf('/') + 1) : Target;
        var errors = Errors == 0 ? "no errors" : $"{Errors} error{(Errors == 1 ? "" : "s")} ({string.Join(", ", FailedErrorIds)})";
        var warnings = FailedWarningIds.Count == 0 ? "no warnings" : $"{FailedWarningIds.Count} warning{(FailedWarningIds.Count == 1 ? "" : "s")} ({string.Join(", ", FailedWarningIds)})";
        return $"{name}: {(IsReady ? "ready" : "not ready")}: {errors}, {warnings}, {Passed} passed, {Skipped} skipped";
    }
}
