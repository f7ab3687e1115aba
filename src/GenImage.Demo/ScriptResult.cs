using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace GenImage.Demo;

/// <summary>Everything one script run produced, stream by stream.</summary>
/// <remarks>
/// The lists fill while the script runs (so a <see cref="RunOptions.StopWhen"/> condition can look at them)
/// and are complete when <see cref="ScriptSession.Run(string, RunOptions?)"/> returns.
/// </remarks>
public sealed class ScriptResult
{
    internal ScriptResult(string script) => Script = script;

    /// <summary>The script text (or the path of the script file) that ran.</summary>
    public string Script { get; }

    /// <summary>Objects written to the output stream (empty when <see cref="RunOptions.RenderToHost"/> sent them to the host).</summary>
    public List<PSObject> Output { get; } = new();

    /// <summary>Non-terminating errors, in order.</summary>
    public List<ErrorRecord> Errors { get; } = new();

    /// <summary>Warning records.</summary>
    public List<WarningRecord> Warnings { get; } = new();

    /// <summary>Verbose records (only those the verbose preference let through).</summary>
    public List<VerboseRecord> Verbose { get; } = new();

    /// <summary>Debug records (only those the debug preference let through).</summary>
    public List<DebugRecord> Debug { get; } = new();

    /// <summary>Progress records, including Completed ones.</summary>
    public List<ProgressRecord> Progress { get; } = new();

    /// <summary>Information records.</summary>
    public List<InformationRecord> Information { get; } = new();

    /// <summary>The exception that ended the run, if any: usually a <see cref="RuntimeException"/>
    /// (for example an <see cref="ActionPreferenceStopException"/> under <c>-ErrorAction Stop</c>, or
    /// <see cref="PipelineStoppedException"/> when the run was stopped).</summary>
    public Exception? TerminatingException { get; internal set; }

    /// <summary>The error record of <see cref="TerminatingException"/>, when it carries one.</summary>
    public ErrorRecord? TerminatingError => (TerminatingException as IContainsErrorRecord)?.ErrorRecord;

    /// <summary>True when the run was stopped (cancellation token, <see cref="RunOptions.StopAfter"/> or <see cref="RunOptions.StopWhen"/>).</summary>
    public bool Stopped { get; internal set; }

    /// <summary>What the host rendered during this run (output, ERROR/WARNING/VERBOSE lines, progress lines).</summary>
    public string HostOutput { get; internal set; } = string.Empty;

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>True when the run wrote an error or ended with a terminating error (a requested stop counts too).</summary>
    public bool HadErrors => Errors.Count > 0 || TerminatingException is not null;

    /// <summary>True when the run wrote no error and was not terminated.</summary>
    public bool Succeeded => !HadErrors;

    /// <summary>All error records, non-terminating first, then the terminating one.</summary>
    public IReadOnlyList<ErrorRecord> AllErrors
    {
        get
        {
            var all = new List<ErrorRecord>(Errors);
            if (TerminatingError is { } t && !all.Contains(t))
            {
                all.Add(t);
            }

            return all;
        }
    }

    /// <summary>The FullyQualifiedErrorId of every error, terminating included (for example
    /// <c>GenImage.ResourceNotFound,GenImage.Cmdlets.GetSourceVmCommand</c>).</summary>
    public IReadOnlyList<string> ErrorIds => AllErrors.Select(e => e.FullyQualifiedErrorId).ToList();

    /// <summary>The warning messages.</summary>
    public IReadOnlyList<string> WarningMessages => Warnings.Select(w => w.Message).ToList();

    /// <summary>The verbose messages.</summary>
    public IReadOnlyList<string> VerboseMessages => Verbose.Select(v => v.Message).ToList();

    /// <summary>The output objects without their PSObject wrappers.</summary>
    public IReadOnlyList<object?> BaseObjects => Output.Select(o => o?.BaseObject).ToList();

    /// <summary>The one output object; fails with <see cref="Describe"/> when there are none or several.</summary>
    public PSObject SingleOutput()
    {
        if (Output.Count != 1)
        {
            throw new ScriptFailedException($"Expected exactly one output object but got {Output.Count}.\n{Describe()}", this);
        }
        return Output[0];
    }

    /// <summary>Throws <see cref="ScriptFailedException"/> (whose message is <see cref="Describe"/>) when the run had errors.</summary>
    /// <returns>This result, so calls can be chained.</returns>
    public ScriptResult EnsureSuccess()
    {
        if (HadErrors)
        {
            throw new ScriptFailedException("The script failed.\n" + Describe(), this);
        }

        return this;
    }

    /// <summary>A readable summary for assertion messages: the script, the errors with ids and positions, warnings and counts.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append("Script: ").Append(Script.Length > 400 ? Script[..400] + "…" : Script).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"Output: {Output.Count}, errors: {Errors.Count}, warnings: {Warnings.Count}, verbose: {Verbose.Count}, progress: {Progress.Count}, stopped: {Stopped}, duration: {Duration.TotalMilliseconds:0} ms\n");
        foreach (var error in Errors)
        {
            text.Append("ERROR: ").Append(ErrorFormatter.Format(error).Replace("\n", "\n       ", StringComparison.Ordinal)).Append('\n');
        }

        if (TerminatingException is { } ex)
        {
            text.Append("TERMINATING: ");
            text.Append(TerminatingError is { } record
                ? ErrorFormatter.Format(record).Replace("\n", "\n             ", StringComparison.Ordinal)
                : ex.GetType().FullName + ": " + ex.Message);
            text.Append('\n');
        }
        foreach (var warning in Warnings)
        {
            text.Append("WARNING: ").Append(warning.Message).Append('\n');
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Describe();
}

/// <summary>A script run that was expected to succeed did not; <see cref="Exception.Message"/> describes it.</summary>
public sealed class ScriptFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScriptFailedException(string message, ScriptResult result)
        : base(message, result.TerminatingException) => Result = result;

    /// <summary>The failed run.</summary>
    public ScriptResult Result { get; }
}
