using System;
using System.Threading;
using GenImage.Core.Logging;

namespace GenImage.Core.Connection;

/// <summary>
/// The ambient context of one module operation: where its ARM calls are logged, and the correlation id
/// they all carry (x-ms-correlation-request-id), so the Activity Log can be searched by it later.
/// Flows with async calls (AsyncLocal).
/// </summary>
public sealed class CallScope : IDisposable
{
    private static readonly AsyncLocal<CallScope?> CurrentScope = new AsyncLocal<CallScope?>();
    private readonly CallScope? _previous;

    private CallScope(IGenImageLog log, string correlationId)
    {
        Log = log;
        CorrelationId = correlationId;
        _previous = CurrentScope.Value;
        CurrentScope.Value = this;
    }

    public static CallScope? Current => CurrentScope.Value;

    public IGenImageLog Log { get; }
    public string CorrelationId { get; }

    /// <summary>Starts a scope; dispose it to restore the previous one.</summary>
    public static CallScope Begin(IGenImageLog log, string? correlationId = null) =>
        new CallScope(log ?? NullLog.Instance, correlationId ?? Guid.NewGuid().ToString());

    public void Dispose()
    {
        if (CurrentScope.Value == this)
        {
            CurrentScope.Value = _previous;
        }
    }
}
