using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Logging;

namespace GenImage.Cmdlets.Infrastructure;

/// <summary>
/// Where the carrying-out of a confirmed change writes: the cmdlet's pipeline (<see cref="PipelineOutput"/>), or,
/// with <c>-AsJob</c>, the job's streams (<see cref="GenImageJob"/>). The cmdlets write the same records through it
/// either way, so a job's output, errors, warnings, verbose, debug and progress are the cmdlet's own.
/// </summary>
internal interface IOperationOutput
{
    void WriteObject(object? value);

    void WriteError(ErrorRecord record);

    void WriteWarning(string message);

    /// <summary>Ends the command with <paramref name="record"/> (a job ends Failed).</summary>
    void ThrowTerminatingError(ErrorRecord record);

    /// <summary>Runs engine work and reports its log here; see <see cref="GenImageCmdlet.RunAsync{T}"/>.</summary>
    T Run<T>(Func<IGenImageLog, CancellationToken, Task<T>> work, string? correlationId = null, string? target = null);
}

/// <summary>The cmdlet's own pipeline: what a command without <c>-AsJob</c> writes.</summary>
internal sealed class PipelineOutput : IOperationOutput
{
    private readonly GenImageCmdlet _cmdlet;

    public PipelineOutput(GenImageCmdlet cmdlet) => _cmdlet = cmdlet;

    public void WriteObject(object? value) => _cmdlet.WriteObject(value);

    public void WriteError(ErrorRecord record) => _cmdlet.WriteError(record);

    public void WriteWarning(string message) => _cmdlet.WriteWarning(message);

    public void ThrowTerminatingError(ErrorRecord record) => _cmdlet.ThrowTerminatingError(record);

    public T Run<T>(Func<IGenImageLog, CancellationToken, Task<T>> work, string? correlationId = null, string? target = null) =>
        _cmdlet.RunAsync(work, correlationId, target);
}

/// <summary>Thrown inside a job to end it Failed with <see cref="Record"/>, as ThrowTerminatingError ends a command.</summary>
[Serializable]
internal sealed class JobTerminatedException : Exception
{
    public JobTerminatedException(ErrorRecord record)
        : base(record?.Exception?.Message ?? "The job ended with a terminating error.") => Record = record!;

    public ErrorRecord Record { get; }
}
