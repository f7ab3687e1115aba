using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Resources.VirtualMachines;

namespace GenImage.Emulator.Resources.RunCommands;

/// <summary>A managed run command (Microsoft.Compute/virtualMachines/runCommands) and its execution.</summary>
internal sealed class RunCommandState(VirtualMachineState vm, string name, string location)
{
    [JsonConstructor]
    private RunCommandState()
        : this(null!, "", "")
    {
    }

    /// <summary>The parent; set again on load.</summary>
    [JsonIgnore]
    public VirtualMachineState Vm { get; internal set; } = vm;
    public string Name { get; } = name;
    public string Location { get; } = location;

    /// <summary>The <c>source</c> object as given (script, scriptUri or commandId).</summary>
    public required JsonObject Source { get; set; }

    public JsonArray? Parameters { get; set; }
    public bool AsyncExecution { get; set; }
    public bool TreatFailureAsDeploymentFailure { get; set; }
    public int TimeoutInSeconds { get; set; }
    public string? RunAsUser { get; set; }
    public string? OutputBlobUri { get; set; }
    public string? ErrorBlobUri { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Creating/Updating until the PUT's operation ends, then Succeeded or Failed.</summary>
    public string ProvisioningState { get; set; } = "Creating";

    /// <summary>Pending | Running | Succeeded | Failed | TimedOut | Canceled.</summary>
    public string ExecutionState { get; set; } = "Pending";

    public string? ExecutionMessage { get; set; }
    public int? ExitCode { get; set; }
    public string Output { get; set; } = "";
    public string Error { get; set; } = "";
    public DateTimeOffset? StartTime { get; set; }
    public DateTimeOffset? EndTime { get; set; }

    /// <summary>The execution in progress (shared with the VM's Run Command slot, so power actions preempt it).</summary>
    [JsonIgnore]
    public AsyncOperation? Execution { get; set; }

    public string ResourceId => $"{Vm.ResourceId}/runCommands/{Name}";
}
