using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Providers;
using GenImage.Emulator.Providers.Compute;
using GenImage.Emulator.Resources.VirtualMachines;
using GenImage.Emulator.Resources.VirtualMachines.GuestScripts;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.RunCommands;

/// <summary>
/// Microsoft.Compute/virtualMachines/runCommands (2023-07-01): managed run commands. The script is recognised by the
/// same marker table as the runCommand action, so guest scripts behave the same through both flavours.
/// </summary>
internal sealed class RunCommandsProvider(WorldStore store, OperationStore operations) : IResourceProvider
{
    public const string Type = "Microsoft.Compute/virtualMachines/runCommands";
    private const string Collection = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachines/{vmName}/runCommands";
    private const string Item = Collection + "/{runCommandName}";

    public void Register(RouteTable routes)
    {
        var v = ApiVersions.Compute;
        routes.Add("GET", Collection, Type, v, List);
        routes.Add("GET", Item, Type, v, Get);
        routes.Add("PUT", Item, Type, v, Put);
        routes.Add("DELETE", Item, Type, v, Delete);
    }

    private DateTimeOffset Now => store.Clock.Now;

    private VirtualMachineState FindVm(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        return rg.VirtualMachines.Get(request["vmName"]) ?? throw ArmErrors.ParentResourceNotFound(request["vmName"]);
    }

    private static bool ExpandsInstanceView(ArmRequest request)
        => request.QueryValue("$expand") is { } e && e.Split(',').Any(x => x.Trim().Equals("instanceView", StringComparison.OrdinalIgnoreCase));

    private ArmResult List(ArmRequest request)
        => ArmResult.Ok(Json.List(FindVm(request).RunCommands.All.Select(rc => ToJson(rc, ExpandsInstanceView(request)))));

    private ArmResult Get(ArmRequest request)
    {
        var vm = FindVm(request);
        var rc = vm.RunCommands.Get(request["runCommandName"])
            ?? throw ArmErrors.ResourceNotFound($"{Type}", $"{vm.Name}/{request["runCommandName"]}", vm.Group.Name);
        return ArmResult.Ok(ToJson(rc, ExpandsInstanceView(request)));
    }

    private ArmResult Put(ArmRequest request)
    {
        var vm = FindVm(request);
        var name = request["runCommandName"];
        var body = Body.Object(request, "runCommand");
        var location = Body.Location(body);
        var p = Body.Obj(body, "properties", "properties") ?? throw ArmErrors.InvalidParameter("Required parameter 'properties' is missing (null).", "properties");
        var source = Body.Obj(p, "source", "properties.source");
        var script = Body.Str(source, "script", "properties.source.script");
        var scriptUri = Body.Str(source, "scriptUri", "properties.source.scriptUri");
        var commandId = Body.Str(source, "commandId", "properties.source.commandId");
        if (source is null || (string.IsNullOrEmpty(script) && string.IsNullOrEmpty(scriptUri) && string.IsNullOrEmpty(commandId)))
        {
            throw ArmErrors.InvalidParameter("Required parameter 'source' is missing (null): give source.script, source.scriptUri or source.commandId.", "source");
        }

        if (vm.OsState == "generalized")
        {
            throw ArmErrors.OperationNotAllowed($"Operation 'Run Command' is not allowed on VM '{vm.Name}' since the VM is generalized.");
        }

        if (vm.Lifecycle is "Creating" or "Deleting")
        {
            throw ArmErrors.Conflict($"Operation 'Run Command' is not allowed on VM '{vm.Name}' since the VM is {(vm.Lifecycle == "Creating" ? "being created" : "being deleted")}. Retry after that operation completes.");
        }

        if (!vm.IsRunning)
        {
            throw ArmErrors.OperationNotAllowed("The operation requires the VM to be running (or set to run).");
        }

        if (vm.PendingRunCommand is not null)
        {
            throw ArmErrors.Conflict("Run command extension execution is in progress. Please wait for completion before invoking a run command.");
        }

        var timeout = Body.Int(p, "timeoutInSeconds", "properties.timeoutInSeconds") ?? 0;
        if (timeout < 0)
        {
            throw ArmErrors.InvalidParameter("The value of 'timeoutInSeconds' must be 0 (no limit) or more.", "timeoutInSeconds");
        }

        var existing = vm.RunCommands.Get(name);
        var rc = existing ?? new RunCommandState(vm, name, location) { Source = new JsonObject() };
        rc.Source = new JsonObject();
        if (script is not null)
        {
            rc.Source["script"] = script;
        }

        if (scriptUri is not null)
        {
            rc.Source["scriptUri"] = scriptUri;
        }

        if (commandId is not null)
        {
            rc.Source["commandId"] = commandId;
        }

        rc.Parameters = Body.Arr(p, "parameters", "properties.parameters")?.DeepClone().AsArray();
        rc.AsyncExecution = Body.Bool(p, "asyncExecution", "properties.asyncExecution") ?? false;
        rc.TreatFailureAsDeploymentFailure = Body.Bool(p, "treatFailureAsDeploymentFailure", "properties.treatFailureAsDeploymentFailure") ?? false;
        rc.TimeoutInSeconds = timeout;
        rc.RunAsUser = Body.Str(p, "runAsUser", "properties.runAsUser"); // runAsPassword is never read into state.
        rc.OutputBlobUri = Body.Str(p, "outputBlobUri", "properties.outputBlobUri");
        rc.ErrorBlobUri = Body.Str(p, "errorBlobUri", "properties.errorBlobUri");
        rc.Tags = Body.Tags(body) ?? rc.Tags;
        rc.ProvisioningState = existing is null ? "Creating" : "Updating";
        rc.ExecutionState = "Running";
        rc.ExecutionMessage = null;
        rc.ExitCode = null;
        rc.Output = "";
        rc.Error = "";
        rc.StartTime = Now;
        rc.EndTime = null;
        if (existing is null)
        {
            vm.RunCommands.Add(name, rc);
        }

        var lines = script is null ? new List<string>() : script.Split('\n').ToList();
        var marker = GuestScriptCatalog.FindMarker(lines);
        var guestScript = GuestScriptCatalog.Find(marker);
        var scriptSeconds = guestScript?.AzureSeconds ?? Durations.RunCommand;
        var timedOut = timeout > 0 && timeout < scriptSeconds;
        var execution = operations.Start(request, vm.Group.Subscription.Id, vm.Location, rc.ResourceId, "runCommand", timedOut ? timeout : scriptSeconds,
            op => Complete(vm, rc, op, marker, guestScript, timedOut));
        rc.Execution = execution;
        vm.PendingRunCommand = execution;

        var provisioning = rc.AsyncExecution
            ? operations.Start(request, vm.Group.Subscription.Id, vm.Location, rc.ResourceId, "putRunCommand", 0, _ => rc.ProvisioningState = "Succeeded")
            : execution;
        var result = new ArmResult(existing is null ? 201 : 200, ToJson(rc, false));
        operations.AddPollingHeaders(result, request, provisioning, LroHeaders.AsyncOperationOnly);
        return result;
    }

    private void Complete(VirtualMachineState vm, RunCommandState rc, AsyncOperation op, ScriptMarker? marker, IGuestScript? guestScript, bool timedOut)
    {
        if (ReferenceEquals(vm.PendingRunCommand, op))
        {
            vm.PendingRunCommand = null;
        }

        rc.EndTime = op.DueTime;
        if (!vm.IsRunning)
        {
            Fail(rc, op, "OperationPreempted", "Operation execution has been preempted by a more recent operation.", always: true);
            return;
        }

        if (vm.EffectiveAgentStatus != "Ready")
        {
            Fail(rc, op, "VMAgentStatusCommunicationError",
                $"VM '{vm.Name}' has not reported status for VM agent or extensions. Please verify the VM has a running VM agent, and can establish outbound connections to Azure storage.", always: true);
            return;
        }

        if (timedOut)
        {
            rc.ExecutionState = "TimedOut";
            rc.ExecutionMessage = $"Execution timed out after {rc.TimeoutInSeconds} seconds.";
            Finish(rc, op, succeeded: false);
            return;
        }

        var output = VirtualMachinesProvider.RunGuestScript(store, vm, marker, guestScript, op.DueTime);
        rc.Output = output.StdOut;
        rc.Error = output.StdErr;
        var ok = output.Status == "succeeded";
        rc.ExitCode = ok ? 0 : 1;
        rc.ExecutionState = ok ? "Succeeded" : "Failed";
        rc.ExecutionMessage = ok ? "Execution completed" : "Execution completed with a non-zero exit code.";
        Finish(rc, op, ok);
    }

    private static void Finish(RunCommandState rc, AsyncOperation op, bool succeeded)
    {
        if (!succeeded && rc.TreatFailureAsDeploymentFailure)
        {
            Fail(rc, op, "VMExtensionProvisioningError",
                $"VM has reported a failure when processing extension 'RunCommand' (run command '{rc.Name}'): execution state {rc.ExecutionState}, exit code {rc.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}.", always: false);
            return;
        }

        rc.ProvisioningState = "Succeeded";
        op.Succeed(op.DueTime);
    }

    private static void Fail(RunCommandState rc, AsyncOperation op, string code, string message, bool always)
    {
        if (always)
        {
            rc.ExecutionState = "Failed";
            rc.ExecutionMessage = message;
            rc.Error = message;
        }

        rc.ProvisioningState = "Failed";
        op.Fail(op.DueTime, code, message);
    }

    private ArmResult Delete(ArmRequest request)
    {
        var vm = FindVm(request);
        var rc = vm.RunCommands.Get(request["runCommandName"]);
        if (rc is null)
        {
            return ArmResult.NoContent();
        }

        if (rc.Execution is { IsTerminal: false } running && ReferenceEquals(vm.PendingRunCommand, running))
        {
            vm.PendingRunCommand = null;
            running.Fail(Now, "OperationPreempted", "Operation execution has been preempted by a more recent operation.");
            rc.ExecutionState = "Canceled";
            rc.EndTime = Now;
        }

        rc.ProvisioningState = "Deleting";
        return operations.Begin(request, vm.Group.Subscription.Id, vm.Location, rc.ResourceId, "deleteRunCommand", Durations.RunCommandDelete,
            _ => vm.RunCommands.Remove(rc.Name), LroHeaders.Location);
    }

    private static JsonObject ToJson(RunCommandState rc, bool instanceView)
    {
        // A power action that preempted the execution shows as a failed execution.
        if (rc.ExecutionState == "Running" && rc.Execution is { Status: "Failed" } failed)
        {
            rc.ExecutionState = "Failed";
            rc.ExecutionMessage = failed.ErrorMessage;
            rc.Error = failed.ErrorMessage ?? "";
            rc.EndTime = failed.EndTime;
            rc.ProvisioningState = "Failed";
        }

        var p = new JsonObject { ["source"] = rc.Source.DeepClone() };
        if (rc.Parameters is not null)
        {
            p["parameters"] = rc.Parameters.DeepClone();
        }

        p["asyncExecution"] = rc.AsyncExecution;
        p["treatFailureAsDeploymentFailure"] = rc.TreatFailureAsDeploymentFailure;
        if (rc.RunAsUser is not null)
        {
            p["runAsUser"] = rc.RunAsUser;
        }

        p["timeoutInSeconds"] = rc.TimeoutInSeconds;
        p["provisioningState"] = rc.ProvisioningState;
        if (rc.OutputBlobUri is not null)
        {
            p["outputBlobUri"] = rc.OutputBlobUri;
        }

        if (rc.ErrorBlobUri is not null)
        {
            p["errorBlobUri"] = rc.ErrorBlobUri;
        }

        if (instanceView)
        {
            var view = new JsonObject { ["executionState"] = rc.ExecutionState };
            if (rc.ExecutionMessage is not null)
            {
                view["executionMessage"] = rc.ExecutionMessage;
            }

            if (rc.ExitCode is not null)
            {
                view["exitCode"] = rc.ExitCode;
            }

            view["output"] = rc.Output;
            view["error"] = rc.Error;
            if (rc.StartTime is { } start)
            {
                view["startTime"] = Json.Time(start);
            }

            if (rc.EndTime is { } end)
            {
                view["endTime"] = Json.Time(end);
            }

            view["statuses"] = new JsonArray();
            p["instanceView"] = view;
        }

        var json = new JsonObject
        {
            ["name"] = rc.Name,
            ["id"] = rc.ResourceId,
            ["type"] = Type,
            ["location"] = rc.Location,
        };
        if (rc.Tags.Count > 0)
        {
            json["tags"] = Json.Tags(rc.Tags);
        }

        json["properties"] = p;
        return json;
    }
}
