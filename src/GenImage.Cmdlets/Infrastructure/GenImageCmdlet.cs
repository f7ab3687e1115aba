using System;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Logging;

namespace GenImage.Cmdlets.Infrastructure;

/// <summary>
/// Base of every GenImage cmdlet. Runs the engine's async work off the pipeline thread and drains its
/// messages (verbose, warning, progress, debug) on the pipeline thread, where writing is legal.
/// Ctrl+C (StopProcessing) cancels the work.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The stop source has no timer and no linked tokens, so it holds nothing to release. Making every cmdlet IDisposable " +
                    "would let PowerShell dispose it while StopProcessing (Ctrl+C, on another thread) may still cancel it.")]
public abstract class GenImageCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
    private string? _sessionKey;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    /// <summary>Key of this runspace's connection.</summary>
    protected string SessionKey => _sessionKey ??= Runspace.DefaultRunspace?.InstanceId.ToString() ?? "process";

    protected override void BeginProcessing()
    {
        _ = SessionKey; // captured on the pipeline thread, where DefaultRunspace is this runspace
        base.BeginProcessing();
    }

    protected override void StopProcessing()
    {
        _stopping.Cancel();
        base.StopProcessing();
    }

    /// <summary>The session's connection; a terminating NotConnected error when there is none.</summary>
    protected GenImageConnection RequireConnection()
    {
        var connection = ConnectionRegistry.Get(SessionKey);
        if (connection == null)
        {
            try
            {
                ConnectionRegistry.Require(SessionKey);
            }
            catch (GenImageException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, null));
            }
        }
        return connection!;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool inside a <see cref="CallScope"/> and pumps its log
    /// messages here until it ends. Returns its result or rethrows its exception; a cancellation caused by
    /// Ctrl+C becomes <see cref="PipelineStoppedException"/>.
    /// </summary>
    protected T RunAsync<T>(Func<IGenImageLog, CancellationToken, Task<T>> work, string? correlationId = null)
    {
        using var queue = new BlockingCollection<Action>();
        var log = new QueueLog(this, queue);
        var task = Task.Run(async () =>
        {
            try
            {
                using var scope = CallScope.Begin(log, correlationId);
                return await work(log, _stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                queue.CompleteAdding();
            }
        });

        foreach (var write in queue.GetConsumingEnumerable())
        {
            write();
        }

        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Writes a per-item error and lets the pipeline go on.</summary>
    protected void WriteItemError(GenImageException ex, object? target) => WriteError(ErrorRecords.From(ex, target));

    private sealed class QueueLog : IGenImageLog
    {
        private readonly GenImageCmdlet _cmdlet;
        private readonly BlockingCollection<Action> _queue;

        public QueueLog(GenImageCmdlet cmdlet, BlockingCollection<Action> queue)
        {
            _cmdlet = cmdlet;
            _queue = queue;
        }

        public void Verbose(string message) => Post(() => _cmdlet.WriteVerbose(message));
        public void Debug(string message) => Post(() => _cmdlet.WriteDebug(message));
        public void Warning(string message) => Post(() => _cmdlet.WriteWarning(message));

        public void Progress(ProgressInfo progress)
        {
            var record = new ProgressRecord(progress.ActivityId, progress.Activity, progress.Status)
            {
                ParentActivityId = progress.ParentActivityId,
                PercentComplete = progress.Completed ? 100 : progress.PercentComplete,
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            if (progress.CurrentOperation != null)
            {
                record.CurrentOperation = progress.CurrentOperation;
            }

            Post(() => _cmdlet.WriteProgress(record));
        }

        private void Post(Action write)
        {
            try
            {
                _queue.Add(write);
            }
            catch (InvalidOperationException)
            {
                // The work has ended; a message after that has nowhere to go.
            }
        }
    }
}
