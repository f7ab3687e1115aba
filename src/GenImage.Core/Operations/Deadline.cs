using System;
using System.Threading;
using GenImage.Core.Errors;

namespace GenImage.Core.Operations;

/// <summary>
/// A time limit for one operation, separate from the caller's cancellation (Ctrl+C). When the limit fires,
/// <see cref="Check"/> turns the cancellation into a Timeout error that names the parameter controlling it.
/// </summary>
public sealed class Deadline : IDisposable
{
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _caller;

    public Deadline(TimeSpan limit, string parameterName, CancellationToken caller)
    {
        if (limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "A time limit must be positive.");
        }

        Limit = limit;
        ParameterName = parameterName;
        _caller = caller;
        _timeout = new CancellationTokenSource(limit);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _timeout.Token);
    }

    public TimeSpan Limit { get; }
    public string ParameterName { get; }

    /// <summary>Cancelled by either the caller or the time limit.</summary>
    public CancellationToken Token => _linked.Token;

    public bool Expired => _timeout.IsCancellationRequested && !_caller.IsCancellationRequested;

    /// <summary>
    /// Call from a catch of <see cref="OperationCanceledException"/>: returns the Timeout error when the
    /// limit fired, or null when the caller cancelled (rethrow the original then).
    /// </summary>
    public GenImageException? Check(string whatWasWaitedFor, string? target)
    {
        if (!Expired)
        {
            return null;
        }

        return new GenImageException(ErrorIds.Timeout, GenImageErrorKind.OperationTimeout,
            $"Timed out after {Limit.TotalSeconds:0} s while {whatWasWaitedFor}. " +
            $"The limit is set by {ParameterName} (now {Describe(Limit)}); raise it, or check the resource in the portal: " +
            "the operation may still be running in Azure.")
        { Target = target };
    }

    private static string Describe(TimeSpan limit) =>
        limit.TotalMinutes >= 1 && limit.Ticks % TimeSpan.TicksPerMinute == 0
            ? $"{limit.TotalMinutes:0} min"
            : $"{limit.TotalSeconds:0} s";

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
    }
}
