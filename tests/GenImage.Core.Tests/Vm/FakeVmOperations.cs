using GenImage.Core.Errors;
using GenImage.Core.Vm;

namespace GenImage.Core.Tests.Vm;

/// <summary>A VM that behaves like ARM's state machine closely enough for the generalizer's logic.</summary>
internal sealed class FakeVmOperations : IVmOperations
{
    public SourceVm Vm { get; }
    public List<string> Calls { get; } = new();
    public string RunCommandStdOut { get; set; } = "GENIMAGE-RESULT {\"script\":\"prepare-windows\",\"status\":\"succeeded\",\"message\":\"Sysprep done.\"}";
    public bool ShutDownAfterRunCommand { get; set; } = true;
    public bool IgnoreGeneralize { get; set; }
    public TimeSpan RunCommandDelay { get; set; } = TimeSpan.Zero;
    /// <summary>Thrown by the run command after it had its effect (the answer was lost).</summary>
    public GenImageException? RunCommandFailure { get; set; }
    public (string CommandId, IReadOnlyList<string> Script)? LastRunCommand { get; private set; }

    public FakeVmOperations(string powerState, string osType = "Windows", string? osState = null)
    {
        Vm = new SourceVm
        {
            Id = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
            Name = "vm1",
            ResourceGroupName = "rg",
            SubscriptionId = "s1",
            Location = "westeurope",
            OsType = osType,
            HyperVGeneration = "V2",
            PowerState = powerState,
            OsState = osState,
        };
    }

    public TimeSpan PollingInterval => TimeSpan.FromMilliseconds(1);

    public Task<SourceVm> GetAsync(string vmId, CancellationToken cancellationToken)
    {
        Calls.Add("GET");
        var copy = new SourceVm
        {
            Id = Vm.Id, Name = Vm.Name, ResourceGroupName = Vm.ResourceGroupName, SubscriptionId = Vm.SubscriptionId,
            Location = Vm.Location, OsType = Vm.OsType, HyperVGeneration = Vm.HyperVGeneration,
            PowerState = Vm.PowerState, OsState = Vm.OsState, BaseImage = Vm.BaseImage, ImageReferenceId = Vm.ImageReferenceId,
        };
        return Task.FromResult(copy);
    }

    public Task StartAsync(string vmId, CancellationToken cancellationToken)
    {
        Calls.Add("start");
        Vm.PowerState = "running";
        return Task.CompletedTask;
    }

    public Task DeallocateAsync(string vmId, CancellationToken cancellationToken)
    {
        Calls.Add("deallocate");
        Vm.PowerState = "deallocated";
        return Task.CompletedTask;
    }

    public Task GeneralizeAsync(string vmId, CancellationToken cancellationToken)
    {
        Calls.Add("generalize");
        if (Vm.PowerState == "running")
        {
            throw new GenImageException("ArmOperationNotAllowed", GenImageErrorKind.InvalidOperation, "running") { Target = vmId, ArmErrorCode = "OperationNotAllowed" };
        }
        if (!IgnoreGeneralize)
        {
            Vm.OsState = "generalized";
        }

        return Task.CompletedTask;
    }

    public async Task<RunCommandOutput> RunCommandAsync(string vmId, string commandId, IReadOnlyList<string> script, CancellationToken cancellationToken)
    {
        Calls.Add("runCommand");
        LastRunCommand = (commandId, script);
        if (RunCommandDelay > TimeSpan.Zero)
        {
            await Task.Delay(RunCommandDelay, cancellationToken);
        }

        if (ShutDownAfterRunCommand)
        {
            Vm.PowerState = "stopped";
        }

        if (RunCommandFailure != null)
        {
            throw RunCommandFailure;
        }

        return new RunCommandOutput(RunCommandStdOut, string.Empty);
    }
}

internal sealed class RecordingLog : GenImage.Core.Logging.IGenImageLog
{
    public List<string> Verbose { get; } = new();
    public List<string> Warnings { get; } = new();
    public List<GenImage.Core.Logging.ProgressInfo> Progress { get; } = new();
    void GenImage.Core.Logging.IGenImageLog.Verbose(string message)
    {
        lock (Verbose)
        {
            Verbose.Add(message);
        }
    }
    void GenImage.Core.Logging.IGenImageLog.Debug(string message) { }
    void GenImage.Core.Logging.IGenImageLog.Warning(string message)
    {
        lock (Warnings)
        {
            Warnings.Add(message);
        }
    }
    void GenImage.Core.Logging.IGenImageLog.Progress(GenImage.Core.Logging.ProgressInfo progress)
    {
        lock (Progress)
        {
            Progress.Add(progress);
        }
    }
}
