using System.Threading;
using System.Threading.Tasks;

namespace GenImage.Core.Vm;

/// <summary>What a run command returned: standard output and standard error.</summary>
public sealed class RunCommandOutput
{
    public RunCommandOutput(string stdOut, string stdErr)
    {
        StdOut = stdOut;
        StdErr = stdErr;
    }

    public string StdOut { get; }
    public string StdErr { get; }
}

/// <summary>
/// The VM operations the engine needs. The ARM implementation wraps the Azure SDK; tests use fakes.
/// Every method throws <see cref="Errors.GenImageException"/> for ARM failures.
/// </summary>
public interface IVmOperations
{
    /// <summary>The VM with its instance view.</summary>
    Task<SourceVm> GetAsync(string vmId, CancellationToken cancellationToken);
    Task StartAsync(string vmId, CancellationToken cancellationToken);
    Task DeallocateAsync(string vmId, CancellationToken cancellationToken);
    Task GeneralizeAsync(string vmId, CancellationToken cancellationToken);
    Task<RunCommandOutput> RunCommandAsync(string vmId, string commandId, System.Collections.Generic.IReadOnlyList<string> script, CancellationToken cancellationToken);
    /// <summary>Waits this long between two polls of a state that ARM does not report as an operation.</summary>
    System.TimeSpan PollingInterval { get; }
}
