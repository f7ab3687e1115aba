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

    /// <summary>
    /// Called when ARM accepts a long-running operation in this scope (201/202 with a monitor URL), before anything
    /// waits for it: a recipe run journals it, so a resumed run can wait for an operation still running in Azure.
    /// </summary>
    public Action<AcceptedOperation>? OperationAccepted { get; set; }

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

/// <summary>An ARM long-running operation that was accepted: what it acts on and where its state can be read.</summary>
public sealed class AcceptedOperation
{
    /// <summary>PUT, PATCH, POST or DELETE.</summary>
    public string Method { get; set; } = string.Empty;
    /// <summary>The request path without its query (the resource id, or the action path such as …/runCommand).</summary>
    public string Path { get; set; } = string.Empty;
    /// <summary>Azure-AsyncOperation: the operation's status (InProgress, Succeeded, Failed, Canceled).</summary>
    public string? StatusUrl { get; set; }
    /// <summary>Location: answers 202 while the operation runs, then its result.</summary>
    public string? ResultUrl { get; set; }
}
