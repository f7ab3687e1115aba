using System.Text.Json;
using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Providers;
using GenImage.Emulator.Providers.Compute;
using GenImage.Emulator.Resources.VirtualMachines.GuestScripts;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.VirtualMachines;

/// <summary>
/// Microsoft.Compute/virtualMachines: get, list, instance view, and the actions deallocate, powerOff, start, restart,
/// generalize and runCommand, with Azure's state rules.
/// </summary>
internal sealed partial class VirtualMachinesProvider(WorldStore store, OperationStore operations, BootDiagnostics.BootDiagnosticsBlobs blobs) : IResourceProvider
{
    private const string Type = VirtualMachineJson.ResourceType;
    private const string ByGroup = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines";
    private const string Item = ByGroup + "/{vmName}";

    public void Register(RouteTable routes)
    {
        var v = ApiVersions.Compute;
        routes.Add("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/virtualMachines", Type, v, ListBySubscription);
        routes.Add("GET", ByGroup, Type, v, ListByGroup);
        routes.Add("GET", Item, Type, v, Get);
        routes.Add("GET", Item + "/instanceView", Type, v, InstanceView);
        routes.Add("POST", Item + "/deallocate", Type, v, Deallocate);
        routes.Add("POST", Item + "/powerOff", Type, v, PowerOff);
        routes.Add("POST", Item + "/start", Type, v, Start);
        routes.Add("POST", Item + "/restart", Type, v, Restart);
        routes.Add("POST", Item + "/generalize", Type, v, Generalize);
        routes.Add("POST", Item + "/runCommand", Type, v, RunCommand);
        routes.Add("PUT", Item, Type, v, CreateOrUpdate);
        routes.Add("PATCH", Item, Type, v, Patch);
        routes.Add("DELETE", Item, Type, v, Delete);
        routes.Add("POST", Item + "/retrieveBootDiagnosticsData", Type, v, RetrieveBootDiagnosticsData);
    }

    private DateTimeOffset Now => store.Clock.Now;

    private VirtualMachineState FindVm(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        return rg.VirtualMachines.Get(request["vmName"]) ?? throw ArmErrors.ResourceNotFound(Type, request["vmName"], rg.Name);
    }

    private static bool ExpandsInstanceView(ArmRequest request)
        => request.QueryValue("$expand") is { } expand
           && expand.Split(',').Any(e => e.Trim().Equals("instanceView", StringComparison.OrdinalIgnoreCase));

    private ArmResult ListBySubscription(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        var vms = sub.ResourceGroups.All.SelectMany(rg => rg.VirtualMachines.All);
        return Paging.Page(request, vms, vm => VirtualMachineJson.Resource(vm, ExpandsInstanceView(request), Now), Paging.ComputePageSize);
    }

    private ArmResult ListByGroup(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        return Paging.Page(request, rg.VirtualMachines.All, vm => VirtualMachineJson.Resource(vm, ExpandsInstanceView(request), Now), Paging.ComputePageSize);
    }

    private ArmResult Get(ArmRequest request)
        => ArmResult.Ok(VirtualMachineJson.Resource(FindVm(request), ExpandsInstanceView(request), Now));

    private ArmResult InstanceView(ArmRequest request)
        => ArmResult.Ok(VirtualMachineJson.InstanceView(FindVm(request), Now));

    // ---- power actions -------------------------------------------------------------------------------------------

    private ArmResult Deallocate(ArmRequest request)
    {
        var vm = FindVm(request);
        RejectConcurrentPowerOperation(vm, "deallocate");
        if (vm.PowerState == "deallocated")
        {
            return NoChange(request, vm, "deallocate");
        }

        return BeginPower(request, vm, "deallocate", "deallocating", Durations.Deallocate, "deallocated");
    }

    private ArmResult PowerOff(ArmRequest request)
    {
        var vm = FindVm(request);
        RejectConcurrentPowerOperation(vm, "powerOff");
        if (vm.PowerState is "stopped" or "deallocated")
        {
            return NoChange(request, vm, "powerOff");
        }

        return BeginPower(request, vm, "powerOff", "stopping", Durations.PowerOff, "stopped");
    }

    private ArmResult Start(ArmRequest request)
    {
        var vm = FindVm(request);
        RejectIfGeneralized(vm, "Start VM");
        RejectConcurrentPowerOperation(vm, "start");
        if (vm.PowerState == "running")
        {
            return NoChange(request, vm, "start");
        }

        return BeginPower(request, vm, "start", "starting", Durations.Start, "running");
    }

    private ArmResult Restart(ArmRequest request)
    {
        var vm = FindVm(request);
        RejectIfGeneralized(vm, "Restart VM");
        RejectConcurrentPowerOperation(vm, "restart");
        if (!vm.IsRunning)
        {
            throw ArmErrors.OperationNotAllowed(
                $"Operation 'Restart VM' is not allowed on VM '{vm.Name}' since the VM is {vm.PowerState}. Please start the VM and retry.");
        }

        return BeginPower(request, vm, "restart", "starting", Durations.Restart, "running");
    }

    private ArmResult BeginPower(ArmRequest request, VirtualMachineState vm, string action, string transitional, double azureSeconds, string final)
    {
        PreemptRunCommand(vm);
        vm.PendingPowerOperation = action;
        vm.SetPowerState(transitional, Now);
        return operations.Begin(request, vm.Group.Subscription.Id, vm.Location, vm.ResourceId, action, azureSeconds, op =>
        {
            vm.PendingPowerOperation = null;
            if (final == "running" && vm.Guest.Prepared)
            {
                vm.Guest.BootedAfterPrepare = true;
            }

            vm.SetPowerState(final, op.DueTime);
        }, PowerHeaders(action));
    }

    private ArmResult NoChange(ArmRequest request, VirtualMachineState vm, string action)
        => operations.Begin(request, vm.Group.Subscription.Id, vm.Location, vm.ResourceId, action, Durations.NoChange, _ => { }, PowerHeaders(action));

    /// <summary>
    /// As recorded: deallocate and start answer 202 with Azure-AsyncOperation, Location and Retry-After; powerOff,
    /// restart (and runCommand, capture) with Azure-AsyncOperation and Location only.
    /// </summary>
    private static LroHeaders PowerHeaders(string action)
        => action is "deallocate" or "start" ? LroHeaders.Location | LroHeaders.RetryAfter : LroHeaders.Location;

    private static void RejectIfGeneralized(VirtualMachineState vm, string operation)
    {
        if (vm.OsState == "generalized")
        {
            throw ArmErrors.OperationNotAllowed($"Operation '{operation}' is not allowed on VM '{vm.Name}' since the VM is generalized.");
        }
    }

    private static void RejectConcurrentPowerOperation(VirtualMachineState vm, string action)
    {
        if (vm.Lifecycle is "Creating" or "Deleting")
        {
            throw ArmErrors.Conflict(
                $"Operation '{action}' is not allowed on VM '{vm.Name}' since the VM is {(vm.Lifecycle == "Creating" ? "being created" : "being deleted")}. Retry after that operation completes.");
        }

        if (vm.PendingPowerOperation is { } pending)
        {
            throw ArmErrors.Conflict(
                $"Operation '{action}' is not allowed on VM '{vm.Name}' since another operation ('{pending}') is in progress on it. Retry after that operation completes.");
        }
    }

    /// <summary>A power operation preempts a Run Command in progress, as in Azure.</summary>
    internal void PreemptRunCommand(VirtualMachineState vm)
    {
        if (vm.PendingRunCommand is { } op)
        {
            op.Fail(Now, "OperationPreempted", "Operation execution has been preempted by a more recent operation.");
            vm.PendingRunCommand = null;
        }
    }

    // ---- generalize ----------------------------------------------------------------------------------------------

    private ArmResult Generalize(ArmRequest request)
    {
        var vm = FindVm(request);
        if (vm.PowerState is "running" or "starting")
        {
            throw ArmErrors.OperationNotAllowed(
                $"Operation 'generalize' is not allowed on VM '{vm.Name}' since the VM is running. Please stop or deallocate the VM and retry.");
        }

        RejectConcurrentPowerOperation(vm, "generalize");
        if (vm.OsState != "generalized")
        {
            vm.OsState = "generalized";
            vm.GeneralizedWithPreparedGuest = vm.Guest.Prepared;
        }

        return ArmResult.Ok();
    }

    // ---- run command ---------------------------------------------------------------------------------------------

    private static readonly Dictionary<string, string> CommandOs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["RunPowerShellScript"] = "Windows",
        ["RunShellScript"] = "Linux",
    };

    private ArmResult RunCommand(ArmRequest request)
    {
        if (request.Body is not JsonObject body)
        {
            throw ArmErrors.InvalidParameter("Required parameter 'parameters' is missing (null).", "parameters");
        }

        var commandId = body["commandId"] is JsonValue idValue && idValue.GetValueKind() == JsonValueKind.String ? idValue.GetValue<string>() : null;
        if (string.IsNullOrWhiteSpace(commandId))
        {
            throw ArmErrors.InvalidParameter("Required parameter 'commandId' is missing (null).", "commandId");
        }

        if (!CommandOs.TryGetValue(commandId, out var commandOs))
        {
            throw ArmErrors.InvalidParameter(
                $"The value '{commandId}' of parameter 'commandId' is not valid. Supported values: {string.Join(", ", CommandOs.Keys)}.", "commandId");
        }

        var script = new List<string>();
        if (body["script"] is JsonArray lines)
        {
            foreach (var line in lines)
            {
                script.Add(line?.GetValueKind() == JsonValueKind.String ? line.GetValue<string>() : line?.ToJsonString() ?? "");
            }
        }
        else if (body["script"] is not null)
        {
            throw ArmErrors.InvalidParameter("The parameter 'script' must be an array of strings.", "script");
        }

        var vm = FindVm(request);
        if (!string.Equals(commandOs, vm.OsType, StringComparison.Ordinal))
        {
            throw ArmErrors.Conflict($"Run command OS type '{commandOs}' does not match the target OS {vm.OsType}.");
        }

        RejectIfGeneralized(vm, "Run Command");
        RejectWhileCreatingOrDeleting(vm, "Run Command");
        if (!vm.IsRunning)
        {
            throw ArmErrors.OperationNotAllowed("The operation requires the VM to be running (or set to run).");
        }

        if (vm.PendingRunCommand is not null)
        {
            throw ArmErrors.Conflict("Run command extension execution is in progress. Please wait for completion before invoking a run command.");
        }

        var marker = GuestScriptCatalog.FindMarker(script);
        var guestScript = GuestScriptCatalog.Find(marker);
        var seconds = guestScript?.AzureSeconds ?? Durations.RunCommand;
        var operation = operations.Start(request, vm.Group.Subscription.Id, vm.Location, vm.ResourceId, "runCommand", seconds, op =>
        {
            vm.PendingRunCommand = null;
            if (!vm.IsRunning)
            {
                op.Fail(op.DueTime, "OperationPreempted", "Operation execution has been preempted by a more recent operation.");
                return;
            }

            if (vm.EffectiveAgentStatus != "Ready")
            {
                op.Fail(op.DueTime, "VMAgentStatusCommunicationError",
                    $"VM '{vm.Name}' has not reported status for VM agent or extensions. Please verify the VM has a running VM agent, and can establish outbound connections to Azure storage.");
                return;
            }

            var output = RunGuestScript(store, vm, marker, guestScript, op.DueTime);
            op.Succeed(op.DueTime, RunCommandResult(output.StdOut, output.StdErr));
        });

        vm.PendingRunCommand = operation;
        return operations.Accepted(request, operation, LroHeaders.Location);
    }

    /// <summary>Runs a recognised guest script (both Run Command flavours); an unknown script runs and changes nothing.</summary>
    internal static GuestScriptOutput RunGuestScript(WorldStore store, VirtualMachineState vm, ScriptMarker? marker, IGuestScript? script, DateTimeOffset now)
    {
        if (marker is null || script is null)
        {
            // A script the emulator does not know runs and changes nothing.
            return new GuestScriptOutput("", "", "succeeded");
        }

        GuestScriptOutput output;
        if (!string.Equals(script.OsType, vm.OsType, StringComparison.Ordinal))
        {
            output = new GuestScriptOutput("",
                $"genimage-script '{marker}' is written for {script.OsType} and cannot run on this {vm.OsType} guest.", "failed");
        }
        else
        {
            output = script.Run(new GuestScriptContext(vm, marker.Version, now, store));
        }

        vm.Guest.ScriptsRun.Add($"{marker}:{output.Status}");
        return output;
    }

    private static JsonObject RunCommandResult(string stdout, string stderr) => new()
    {
        ["value"] = new JsonArray(
            new JsonObject
            {
                ["code"] = "ComponentStatus/StdOut/succeeded",
                ["level"] = "Info",
                ["displayStatus"] = "Provisioning succeeded",
                ["message"] = stdout,
            },
            new JsonObject
            {
                ["code"] = "ComponentStatus/StdErr/succeeded",
                ["level"] = "Info",
                ["displayStatus"] = "Provisioning succeeded",
                ["message"] = stderr,
            }),
    };
}
