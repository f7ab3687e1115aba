using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Logging;

namespace GenImage.Cmdlets.Infrastructure;

/// <summary>
/// The job <c>-AsJob</c> returns: the carrying-out of a change the caller has already planned and confirmed, on a
/// thread of its own, with the caller's connection. It is in the session's job repository, so Get-Job, Wait-Job,
/// Receive-Job, Stop-Job and Remove-Job work on it as on any job (Az's <c>-AsJob</c> jobs are kept the same way).
/// Unlike Az's, it never asks anything: every ShouldProcess and ShouldContinue question was answered before it started,
/// so a <c>-Confirm</c> can never leave it Blocked on a prompt nobody sees.
/// <para>
/// It ends Completed when the work returns (per-item errors are in its Error stream, as a thread job's non-terminating
/// errors are), Failed when the work ends with a terminating error (an error with <c>-ErrorAction Stop</c>,
/// <c>-FailOnError</c>, a failure outside the engine), and Stopped after <c>Stop-Job</c>: that cancels the engine's
/// token and returns once the engine has ended, so what the engine does on the way out (a recipe journal's Stopped
/// record, a validation VM's deletion) is done, and its warnings are in the job, before the job says Stopped.
/// </para>
/// </summary>
public sealed class GenImageJob : Job
{
    private readonly Action<IOperationOutput> _work;
    private readonly JobStreams _streams;
    private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
    private readonly string _stopNote;
    private Task? _task;
    private string _status = "NotStarted";

    internal GenImageJob(string command, string name, string stopNote, StreamPreferences preferences, Action<IOperationOutput> work)
        : base(command, name)
    {
        _work = work ?? throw new ArgumentNullException(nameof(work));
        _stopNote = stopNote;
        _streams = new JobStreams(this, preferences, _cancel.Token);
        PSJobTypeName = nameof(GenImageJob);
    }

    /// <inheritdoc />
    public override string StatusMessage => _status;

    /// <inheritdoc />
    public override bool HasMoreData =>
        Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Debug.Count > 0 || Progress.Count > 0;

    /// <inheritdoc />
    public override string Location => "localhost";

    /// <summary>Starts the work on a thread of its own.</summary>
    internal void Start()
    {
        _status = "Running";
        SetJobState(JobState.Running);
        _task = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Stop-Job: cancels the engine's work and waits until it has ended (clean-up included), then the job is Stopped.
    /// </summary>
    public override void StopJob()
    {
        var task = _task;
        if (task == null || IsFinished(JobStateInfo.State))
        {
            return;
        }
        _status = "Stopping";
        SetJobState(JobState.Stopping);
        _cancel.Cancel();
        try
        {
            task.Wait();
        }
        catch (AggregateException)
        {
            // Run reports everything itself; nothing escapes it.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_task != null && !IsFinished(JobStateInfo.State))
            {
                StopJob();
            }
            _cancel.Dispose();
        }
        base.Dispose(disposing);
    }

    private static bool IsFinished(JobState state) =>
        state == JobState.Completed || state == JobState.Failed || state == JobState.Stopped;

    private void Run()
    {
        JobState end;
        try
        {
            _work(_streams);
            end = JobState.Completed;
            if (_cancel.IsCancellationRequested)
            {
                // The engine noticed the stop and returned what it had (a journaled Stopped run) instead of throwing.
                Add(Warning, new WarningRecord($"Stopped by Stop-Job before it finished. {_stopNote}".TrimEnd()));
                end = JobState.Stopped;
            }
        }
        catch (JobTerminatedException ex)
        {
            Add(Error, ex.Record);
            end = JobState.Failed;
        }
        catch (Exception ex) when ((ex is OperationCanceledException || ex is PipelineStoppedException) && _cancel.IsCancellationRequested)
        {
            var said = ex is OperationCanceledException oce && !string.IsNullOrEmpty(oce.Message) && oce.Message != new OperationCanceledException().Message
                ? " " + oce.Message
                : string.Empty;
            Add(Warning, new WarningRecord($"Stopped by Stop-Job before it finished.{said} {_stopNote}".TrimEnd()));
            end = JobState.Stopped;
        }
        catch (GenImageException ex)
        {
            Add(Error, ErrorRecords.From(ex, ex.Target));
            end = JobState.Failed;
        }
        catch (Exception ex)
        {
            // Not the engine's own failure (the cmdlets turn those into errors): still a GenImage error, never a raw one.
            var error = IoErrors.Unexpected(ex, Name);
            Add(Error, ErrorRecords.From(error, error.Target));
            end = JobState.Failed;
        }

        _status = end.ToString();
        SetJobState(end);
    }

    private static void Add<T>(PSDataCollection<T> collection, T item)
    {
        try
        {
            collection.Add(item);
        }
        catch (InvalidOperationException)
        {
            // The job was removed (its streams closed): nobody can read this any more.
        }
    }

    /// <summary>The job's side of <see cref="IOperationOutput"/>: records land in the job's streams, as the cmdlet's preferences let them.</summary>
    private sealed class JobStreams : IOperationOutput, IGenImageLog, IDebugAwareLog
    {
        private readonly GenImageJob _job;
        private readonly StreamPreferences _preferences;
        private readonly CancellationToken _token;

        public JobStreams(GenImageJob job, StreamPreferences preferences, CancellationToken token)
        {
            _job = job;
            _preferences = preferences;
            _token = token;
        }

        public bool DebugEnabled => _preferences.Debug;

        public void WriteObject(object? value) => Add(_job.Output, PSObject.AsPSObject(value ?? string.Empty));

        public void WriteError(ErrorRecord record)
        {
            if (_preferences.ErrorStops)
            {
                throw new JobTerminatedException(record);
            }
            if (!_preferences.ErrorIgnored)
            {
                Add(_job.Error, record);
            }
        }

        public void WriteWarning(string message)
        {
            if (_preferences.Warning)
            {
                Add(_job.Warning, new WarningRecord(message));
            }
        }

        public void ThrowTerminatingError(ErrorRecord record) => throw new JobTerminatedException(record);

        public T Run<T>(Func<IGenImageLog, CancellationToken, Task<T>> work, string? correlationId = null, string? target = null)
        {
            try
            {
                using var scope = CallScope.Begin(this, correlationId);
                return work(this, _token).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (!(ex is GenImageException) && !(ex is OperationCanceledException) && !(ex is JobTerminatedException))
            {
                throw IoErrors.Unexpected(ex, target);
            }
        }

        void IGenImageLog.Verbose(string message)
        {
            if (_preferences.Verbose)
            {
                Add(_job.Verbose, new VerboseRecord(message));
            }
        }

        void IGenImageLog.Debug(string message)
        {
            if (_preferences.Debug)
            {
                Add(_job.Debug, new DebugRecord(message));
            }
        }

        void IGenImageLog.Warning(string message) => WriteWarning(message);

        void IGenImageLog.Progress(ProgressInfo progress)
        {
            if (_preferences.Progress)
            {
                Add(_job.Progress, ProgressRecords.From(progress));
            }
        }
    }
}

/// <summary>
/// Which of a cmdlet's records a job keeps, read from the cmdlet's common parameters and preference variables when the
/// job is made: what the command would have shown without <c>-AsJob</c> is what Receive-Job shows.
/// </summary>
internal sealed class StreamPreferences
{
    public bool Verbose { get; set; }
    public bool Debug { get; set; }
    public bool Warning { get; set; } = true;
    public bool Progress { get; set; } = true;

    /// <summary>-ErrorAction Stop (or $ErrorActionPreference = 'Stop'): the first error ends the job Failed.</summary>
    public bool ErrorStops { get; set; }

    /// <summary>-ErrorAction Ignore: errors are not kept.</summary>
    public bool ErrorIgnored { get; set; }

    public static StreamPreferences Of(PSCmdlet cmdlet)
    {
        var bound = cmdlet.MyInvocation.BoundParameters;
        ActionPreference Preference(string parameter, string variable, ActionPreference fallback)
        {
            if (bound.TryGetValue(parameter, out var value))
            {
                if (value is SwitchParameter s)
                {
                    return s.IsPresent ? ActionPreference.Continue : ActionPreference.SilentlyContinue;
                }
                if (value is ActionPreference p)
                {
                    return p;
                }
            }
            var variableValue = cmdlet.SessionState.PSVariable.GetValue(variable);
            if (variableValue is PSObject ps)
            {
                variableValue = ps.BaseObject;
            }
            if (variableValue is ActionPreference preference)
            {
                return preference;
            }
            return variableValue != null && Enum.TryParse(variableValue.ToString(), true, out ActionPreference parsed) ? parsed : fallback;
        }

        static bool Shows(ActionPreference p) => p != ActionPreference.SilentlyContinue && p != ActionPreference.Ignore;

        var error = Preference("ErrorAction", "ErrorActionPreference", ActionPreference.Continue);
        return new StreamPreferences
        {
            Verbose = Shows(Preference("Verbose", "VerbosePreference", ActionPreference.SilentlyContinue)),
            Debug = Shows(Preference("Debug", "DebugPreference", ActionPreference.SilentlyContinue)),
            Warning = Shows(Preference("WarningAction", "WarningPreference", ActionPreference.Continue)),
            Progress = Shows(Preference("ProgressAction", "ProgressPreference", ActionPreference.Continue)),
            ErrorStops = error == ActionPreference.Stop,
            ErrorIgnored = error == ActionPreference.Ignore,
        };
    }
}

/// <summary>The engine's progress as PowerShell progress records.</summary>
internal static class ProgressRecords
{
    public static ProgressRecord From(ProgressInfo progress)
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
        return record;
    }
}
