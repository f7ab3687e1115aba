using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
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
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The stop source has no timer and no linked tokens, so it holds nothing to release. Making every cmdlet IDisposable " +
                    "would let PowerShell dispose it while StopProcessing (Ctrl+C, on another thread) may still cancel it.")]
public abstract class GenImageCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
    private string? _sessionKey;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    /// <summary>Key of this runspace's connection.</summary>
    protected string SessionKey => _sessionKey ??= SessionConnections.CurrentKey;

    /// <summary>True when this session keeps its connection to itself (<c>$GenImageContextScope = 'Runspace'</c>).</summary>
    protected bool RunspaceOnly { get; private set; }

    /// <summary>The connection this session uses, or null: its own, else the process's (see <see cref="SessionConnections"/>).</summary>
    protected GenImageConnection? CurrentConnection => SessionConnections.Find(SessionKey, RunspaceOnly);

    /// <summary>
    /// -Debug without -Verbose. PowerShell 7 (7.4 and 7.6 alike) then runs a compiled cmdlet's WriteVerbose at Inquire: one
    /// "Continue with this operation?" per message, and an error in a non-interactive session (a runbook). The Debug
    /// stream already carries each HTTP exchange, so the Verbose messages are left out; -Debug -Verbose shows both.
    /// </summary>
    private bool _debugWithoutVerbose;

    /// <summary>True when this command's Debug messages are shown (-Debug, $DebugPreference).</summary>
    internal bool DebugEnabled { get; private set; }

    /// <summary>Writes a Verbose message, except under -Debug without -Verbose (see <see cref="_debugWithoutVerbose"/>).</summary>
    public new void WriteVerbose(string text)
    {
        if (!_debugWithoutVerbose)
        {
            base.WriteVerbose(text);
        }
    }

    protected override void BeginProcessing()
    {
        var bound = MyInvocation.BoundParameters;
        _debugWithoutVerbose = bound.TryGetValue("Debug", out var debug) && debug is SwitchParameter { IsPresent: true } && !bound.ContainsKey("Verbose");
        DebugEnabled = StreamPreferences.Of(this).Debug;
        _ = SessionKey; // captured on the pipeline thread, where DefaultRunspace is this runspace
        RunspaceOnly = SessionConnections.IsRunspacePreference(SessionState.PSVariable.GetValue(SessionConnections.PreferenceVariable));
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
        var connection = CurrentConnection;
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
    /// Ctrl+C becomes <see cref="PipelineStoppedException"/>, and any exception that is not the module's own
    /// (a file-system failure, a bad value deep in a library) becomes a <see cref="GenImageException"/> naming
    /// <paramref name="target"/>, so no raw .NET exception reaches the user. The work never outlives this call:
    /// when a write fails (the pipeline is stopping), the work is cancelled and waited for before the failure is rethrown.
    /// </summary>
    protected internal T RunAsync<T>(Func<IGenImageLog, CancellationToken, Task<T>> work, string? correlationId = null, string? target = null)
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

        ExceptionDispatchInfo? writeFailed = null;
        foreach (var write in queue.GetConsumingEnumerable())
        {
            if (writeFailed != null)
            {
                continue; // drain, so the work can finish; nothing more is written
            }

            try
            {
                write();
            }
            catch (Exception ex)
            {
                // The pipeline is stopping (Ctrl+C: PowerShell sets its stopping flag before it calls StopProcessing,
                // and calls StopProcessing not at all once the command has returned) or a write was turned into a
                // terminating error (-WarningAction Stop, …). Either way the work must end before this cmdlet does,
                // so that what it records about being stopped (a run journal) is written when the prompt returns.
                writeFailed = ExceptionDispatchInfo.Capture(ex);
                _stopping.Cancel();
            }
        }

        T result;
        try
        {
            result = task.GetAwaiter().GetResult();
        }
        catch (Exception) when (writeFailed != null)
        {
            // The work ended because this cmdlet cancelled it; the failed write is what the pipeline sees.
            result = default!;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (!(ex is GenImageException) && !(ex is OperationCanceledException) && !(ex is PipelineStoppedException))
        {
            throw IoErrors.Unexpected(ex, target);
        }

        writeFailed?.Throw();
        return result;
    }

    private static readonly char[] PathSeparators = { '/', '\\' };

    private bool _yesToAll;
    private bool _noToAll;

    /// <summary>
    /// The module's one confirmation idiom, used by every cmdlet that changes something.
    /// <see cref="Cmdlet.ShouldProcess(string, string)"/> always runs first, so <c>-WhatIf</c>,
    /// <c>$WhatIfPreference</c> and a "No" at a <c>-Confirm</c> prompt always hold, with or without
    /// <c>-Force</c>. An irreversible change (generalize, delete) is then confirmed once more, exactly when a
    /// ConfirmImpact High cmdlet would prompt (<c>$ConfirmPreference</c> High, the default) and nothing asked
    /// yet; <paramref name="force"/> (or an explicit <c>-Confirm:$false</c>) skips only that prompt.
    /// The cmdlets declare ConfirmImpact Medium so that this second prompt is the one <c>-Force</c> can skip.
    /// </summary>
    /// <param name="target">The resource id the change acts on.</param>
    /// <param name="action">What will be done, in an operator's words.</param>
    /// <param name="irreversible">The change cannot be undone.</param>
    /// <param name="force">-Force: skip the extra prompt of an irreversible change.</param>
    /// <param name="whatIf">True when ShouldProcess declined because of -WhatIf or $WhatIfPreference.</param>
    protected bool ShouldChange(string target, string action, bool irreversible, bool force, out bool whatIf)
    {
        whatIf = false;
        // The texts PowerShell's own ShouldProcess(target, action) shows; this overload also says why it declined.
        var operation = $"Performing the operation \"{action}\" on target \"{target}\".";
        if (!ShouldProcess(operation, "Are you sure you want to perform this action?\n" + operation, "Confirm", out var reason))
        {
            whatIf = reason == ShouldProcessReason.WhatIf;
            return false;
        }
        if (!irreversible || force)
        {
            return true;
        }
        // -Confirm asked already; -Confirm:$false means "do not ask".
        if (MyInvocation.BoundParameters.ContainsKey("Confirm"))
        {
            return true;
        }
        // None: never ask. Low or Medium: ShouldProcess (ConfirmImpact Medium) asked already.
        if (ConfirmPreference() != ConfirmImpact.High)
        {
            return true;
        }

        return ShouldContinue($"{action} on \"{target}\". This cannot be undone. Continue? (-Force skips this question.)",
            "Irreversible change", ref _yesToAll, ref _noToAll);
    }

    /// <inheritdoc cref="ShouldChange(string, string, bool, bool, out bool)"/>
    protected bool ShouldChange(string target, string action, bool irreversible = false, bool force = false) =>
        ShouldChange(target, action, irreversible, force, out _);

    private ConfirmImpact ConfirmPreference()
    {
        var value = SessionState.PSVariable.GetValue("ConfirmPreference");
        if (value is PSObject ps)
        {
            value = ps.BaseObject;
        }

        if (value is ConfirmImpact impact)
        {
            return impact;
        }

        return value != null && Enum.TryParse(value.ToString(), true, out ConfirmImpact parsed) ? parsed : ConfirmImpact.High;
    }

    /// <summary>
    /// Carries out a planned and confirmed change: here, writing to the pipeline, or (<paramref name="asJob"/>) in a
    /// <see cref="GenImageJob"/> that is added to the session's job repository and written to the pipeline at once.
    /// Everything that asks (ShouldProcess, ShouldContinue) must have been answered before this is called: the job
    /// never asks. <paramref name="stopNote"/> says what a Stop-Job may leave and how to go on from there.
    /// </summary>
    internal void CarryOut(bool asJob, string target, string stopNote, Action<IOperationOutput> execute)
    {
        if (!asJob)
        {
            execute(new PipelineOutput(this));
            return;
        }

        var command = MyInvocation.MyCommand.Name;
        var trimmed = target.TrimEnd(PathSeparators);
        var slash = trimmed.LastIndexOfAny(PathSeparators);
        var shortName = slash >= 0 ? trimmed.Substring(slash + 1) : target;
        var job = new GenImageJob($"{command} {target}", $"{command} {shortName}", stopNote, StreamPreferences.Of(this), execute);
        JobRepository.Add(job);
        job.Start();
        WriteObject(job);
    }

    /// <summary>Writes a per-item error and lets the pipeline go on.</summary>
    protected void WriteItemError(GenImageException ex, object? target) => WriteError(ErrorRecords.From(ex, target));

    private sealed class QueueLog : IGenImageLog, IDebugAwareLog
    {
        private readonly GenImageCmdlet _cmdlet;
        private readonly BlockingCollection<Action> _queue;

        public QueueLog(GenImageCmdlet cmdlet, BlockingCollection<Action> queue)
        {
            _cmdlet = cmdlet;
            _queue = queue;
        }

        public bool DebugEnabled => _cmdlet.DebugEnabled;

        public void Verbose(string message) => Post(() => _cmdlet.WriteVerbose(message));
        public void Debug(string message) => Post(() => _cmdlet.WriteDebug(message));
        public void Warning(string message) => Post(() => _cmdlet.WriteWarning(message));

        public void Progress(ProgressInfo progress)
        {
            var record = ProgressRecords.From(progress);
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
