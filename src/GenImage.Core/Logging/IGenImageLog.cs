using System;

namespace GenImage.Core.Logging;

/// <summary>
/// How the engine reports what it is doing. The cmdlet layer maps each method to a PowerShell stream
/// (Verbose, Debug, Warning, Progress); tests use a recording fake. Implementations must be thread-safe:
/// the engine calls them from thread-pool threads.
/// </summary>
public interface IGenImageLog
{
    /// <summary>What the module is doing (each ARM call, each step).</summary>
    void Verbose(string message);

    /// <summary>Detail for troubleshooting.</summary>
    void Debug(string message);

    /// <summary>Something the user must act on or know about.</summary>
    void Warning(string message);

    /// <summary>Progress of a long operation.</summary>
    void Progress(ProgressInfo progress);
}

/// <summary>
/// Implemented by a log that knows whether anyone reads its Debug messages, so that the engine does not build the
/// costly ones (each HTTP exchange with its headers) for nobody. A log without it gets them all.
/// </summary>
public interface IDebugAwareLog
{
    /// <summary>True when Debug messages are shown or kept.</summary>
    bool DebugEnabled { get; }
}

/// <summary>One progress update. <see cref="ActivityId"/> is fixed per kind of operation.</summary>
public sealed class ProgressInfo
{
    public ProgressInfo(int activityId, string activity, string status)
    {
        ActivityId = activityId;
        Activity = activity ?? throw new ArgumentNullException(nameof(activity));
        Status = status ?? throw new ArgumentNullException(nameof(status));
    }

    public int ActivityId { get; }
    public int ParentActivityId { get; set; } = -1;
    public string Activity { get; }
    public string Status { get; }
    public int PercentComplete { get; set; } = -1;
    public string? CurrentOperation { get; set; }
    public bool Completed { get; set; }
}

/// <summary>Fixed progress activity ids, so that a host can tell operations apart.</summary>
public static class ProgressActivities
{
    public const int Generalize = 4101;
    public const int Connect = 4102;
}

/// <summary>A log that drops everything.</summary>
public sealed class NullLog : IGenImageLog
{
    public static readonly NullLog Instance = new NullLog();
    private NullLog() { }
    public void Verbose(string message) { }
    public void Debug(string message) { }
    public void Warning(string message) { }
    public void Progress(ProgressInfo progress) { }
}
