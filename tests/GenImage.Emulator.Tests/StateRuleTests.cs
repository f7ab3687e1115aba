using System.Net;
using Azure;
using Azure.ResourceManager.Compute.Models;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>Azure's state rules for power actions, generalize and Run Command, seen through the SDK.</summary>
public sealed class StateRuleTests
{

    [Fact]
    public async Task Generalize_a_running_vm_is_409_OperationNotAllowed()
    {
        await using var host = await StartAsync();
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => Vm(Sdk(host), "vm-win").GeneralizeAsync());
        Assert.Equal(409, ex.Status);
        Assert.Equal("OperationNotAllowed", ex.ErrorCode);
        Assert.Contains("Operation 'generalize' is not allowed on VM 'vm-win' since the VM is running. Please stop or deallocate the VM and retry.", ex.Message);
        Assert.Null(host.GetVm(Sub, Rg, "vm-win")!.OsState);
    }

    [Fact]
    public async Task Generalize_a_stopped_vm_is_allowed_and_idempotent()
    {
        await using var host = await StartAsync();
        var vm = Vm(Sdk(host), "vm-stopped");
        Assert.Equal(200, (await vm.GeneralizeAsync()).Status);
        Assert.Equal(200, (await vm.GeneralizeAsync()).Status);
        var snapshot = host.GetVm(Sub, Rg, "vm-stopped")!;
        Assert.Equal("generalized", snapshot.OsState);
        Assert.Equal("stopped", snapshot.PowerState);
        Assert.False(snapshot.GeneralizedWithPreparedGuest);
    }

    [Theory]
    [InlineData("start", "Operation 'Start VM' is not allowed on VM 'vm-generalized' since the VM is generalized.")]
    [InlineData("restart", "Operation 'Restart VM' is not allowed on VM 'vm-generalized' since the VM is generalized.")]
    [InlineData("runCommand", "Operation 'Run Command' is not allowed on VM 'vm-generalized' since the VM is generalized.")]
    public async Task Generalized_vm_refuses_start_restart_and_run_command(string action, string message)
    {
        await using var host = await StartAsync();
        var vm = Vm(Sdk(host), "vm-generalized");
        Func<Task> call = action switch
        {
            "start" => () => vm.PowerOnAsync(WaitUntil.Started),
            "restart" => () => vm.RestartAsync(WaitUntil.Started),
            _ => () => vm.RunCommandAsync(WaitUntil.Started, new RunCommandInput("RunShellScript")),
        };

        var ex = await Assert.ThrowsAsync<RequestFailedException>(call);
        Assert.Equal(409, ex.Status);
        Assert.Equal("OperationNotAllowed", ex.ErrorCode);
        Assert.Contains(message, ex.Message);
        Assert.Equal("deallocated", host.GetVm(Sub, Rg, "vm-generalized")!.PowerState);
    }

    [Fact]
    public async Task RunCommand_on_a_vm_that_is_not_running_is_409()
    {
        await using var host = await StartAsync();
        var ex = await Assert.ThrowsAsync<RequestFailedException>(
            () => Vm(Sdk(host), "vm-stopped").RunCommandAsync(WaitUntil.Started, new RunCommandInput("RunPowerShellScript")));
        Assert.Equal(409, ex.Status);
        Assert.Equal("OperationNotAllowed", ex.ErrorCode);
        Assert.Contains("The operation requires the VM to be running (or set to run).", ex.Message);
    }

    [Theory]
    [InlineData("vm-linux", "RunPowerShellScript", "Run command OS type 'Windows' does not match the target OS Linux.")]
    [InlineData("vm-win", "RunShellScript", "Run command OS type 'Linux' does not match the target OS Windows.")]
    public async Task RunCommand_for_the_other_os_is_409_Conflict(string vmName, string commandId, string message)
    {
        await using var host = await StartAsync();
        var ex = await Assert.ThrowsAsync<RequestFailedException>(
            () => Vm(Sdk(host), vmName).RunCommandAsync(WaitUntil.Started, new RunCommandInput(commandId)));
        Assert.Equal(409, ex.Status);
        Assert.Equal("Conflict", ex.ErrorCode);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public async Task RunCommand_with_an_unknown_command_id_is_400()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        var (response, body) = await PostAsync(http, VmPath("vm-linux") + "/runCommand?api-version=2023-07-01", new { commandId = "ifconfig" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidParameter", EnvelopeTests.Code(body));
        Assert.Equal("commandId", body!["error"]!["target"]!.GetValue<string>());

        var (missing, body2) = await PostAsync(http, VmPath("vm-linux") + "/runCommand?api-version=2023-07-01", new { script = new[] { "ls" } });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("InvalidParameter", EnvelopeTests.Code(body2));
    }

    [Fact]
    public async Task A_second_run_command_while_one_runs_is_409()
    {
        await using var host = await StartAsync(scale: 1);
        var vm = Vm(Sdk(host), "vm-linux");
        await vm.RunCommandAsync(WaitUntil.Started, new RunCommandInput("RunShellScript"));
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => vm.RunCommandAsync(WaitUntil.Started, new RunCommandInput("RunShellScript")));
        Assert.Equal(409, ex.Status);
        Assert.Equal("Conflict", ex.ErrorCode);
    }

    [Fact]
    public async Task Deallocate_and_powerOff_of_a_deallocated_vm_succeed_without_change()
    {
        await using var host = await StartAsync();
        var vm = Vm(Sdk(host), "vm-deallocated");
        await (await vm.DeallocateAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll);
        await (await vm.PowerOffAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll);
        Assert.Equal("deallocated", host.GetVm(Sub, Rg, "vm-deallocated")!.PowerState);
    }

    [Fact]
    public async Task PowerOff_then_start_cycles_the_power_state_and_the_agent()
    {
        await using var host = await StartAsync();
        var vm = Vm(Sdk(host), "vm-win");

        await (await vm.PowerOffAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll);
        var stopped = host.GetVm(Sub, Rg, "vm-win")!;
        Assert.Equal("stopped", stopped.PowerState);
        Assert.Equal("NotReady", stopped.AgentStatus);
        var view = (await vm.InstanceViewAsync()).Value;
        Assert.Equal("Not Ready", view.VmAgent.Statuses.Single().DisplayStatus);
        Assert.Contains(view.Statuses, s => s.Code == "PowerState/stopped");

        await (await vm.PowerOnAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll);
        var running = host.GetVm(Sub, Rg, "vm-win")!;
        Assert.Equal("running", running.PowerState);
        Assert.Equal("Ready", running.AgentStatus);

        await (await vm.RestartAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll);
        Assert.Equal("running", host.GetVm(Sub, Rg, "vm-win")!.PowerState);
    }

    [Fact]
    public async Task Restart_of_a_stopped_vm_is_409()
    {
        await using var host = await StartAsync();
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => Vm(Sdk(host), "vm-stopped").RestartAsync(WaitUntil.Started));
        Assert.Equal(409, ex.Status);
        Assert.Equal("OperationNotAllowed", ex.ErrorCode);
    }

    [Fact]
    public async Task Missing_agent_is_reported_as_unresponsive_and_fails_run_command()
    {
        await using var host = await StartAsync();
        var vm = Vm(Sdk(host), "vm-agent-missing");
        var view = (await vm.InstanceViewAsync()).Value;
        Assert.Equal("Unknown", view.VmAgent.VmAgentVersion);
        Assert.Equal("Not Ready", view.VmAgent.Statuses.Single().DisplayStatus);
        Assert.Equal("VM agent is unresponsive.", view.VmAgent.Statuses.Single().Message);
        Assert.Equal("Missing", host.GetVm(Sub, Rg, "vm-agent-missing")!.AgentStatus);

        var operation = await vm.RunCommandAsync(WaitUntil.Started, new RunCommandInput("RunPowerShellScript"));
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => operation.WaitForCompletionAsync(Poll, default).AsTask());
        Assert.Equal("VMAgentStatusCommunicationError", ex.ErrorCode);
    }
}
