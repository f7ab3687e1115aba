using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>Managed run commands (virtualMachines/runCommands) and the inspection scripts in both Run Command flavours.</summary>
public sealed class RunCommandResourceTests
{
    private static async Task<VirtualMachineRunCommandResource> RunAsync(EmulatorHost host, string vm, string name, string script, int? timeout = null)
    {
        var data = new VirtualMachineRunCommandData(new AzureLocation("westeurope"))
        {
            Source = new VirtualMachineRunCommandScriptSource { Script = script },
            TimeoutInSeconds = timeout,
        };
        var op = await Vm(Sdk(host), vm).GetVirtualMachineRunCommands().CreateOrUpdateAsync(WaitUntil.Started, name, data);
        Assert.Equal(201, op.GetRawResponse().Status);
        await op.WaitForCompletionAsync(Poll, default);
        return (await Vm(Sdk(host), vm).GetVirtualMachineRunCommandAsync(name, "instanceView")).Value;
    }

    private static JsonNode ResultOf(string output)
    {
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.StartsWith("GENIMAGE-RESULT ", line);
        return JsonNode.Parse(line["GENIMAGE-RESULT ".Length..])!;
    }

    [Fact]
    public async Task Prepare_linux_through_a_managed_run_command_deprovisions_the_guest()
    {
        await using var host = await GalleryWorld.StartAsync();
        var rc = await RunAsync(host, "vm-linux-running", "prepare", "#!/bin/sh\n" + Marker("prepare-linux") + "\nwaagent -force -deprovision+user\n");

        var view = rc.Data.InstanceView;
        Assert.Equal(ExecutionState.Succeeded, view.ExecutionState);
        Assert.Equal(0, view.ExitCode);
        Assert.Equal("succeeded", ResultOf(view.Output)["status"]!.GetValue<string>());
        Assert.NotNull(view.StartOn);
        Assert.NotNull(view.EndOn);
        Assert.Equal("Succeeded", rc.Data.ProvisioningState);

        var vm = host.GetVm(Sub, Rg, "vm-linux-running")!;
        Assert.True(vm.GuestPrepared);
        Assert.Equal(["prepare-linux/1:succeeded"], vm.ScriptsRun);
        Assert.Empty(vm.Leftovers);

        var names = new List<string>();
        await foreach (var item in Vm(Sdk(host), "vm-linux-running").GetVirtualMachineRunCommands().GetAllAsync())
        {
            names.Add(item.Data.Name);
        }

        Assert.Equal(["prepare"], names);
        await (await rc.DeleteAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll, default);
        Assert.False((await Vm(Sdk(host), "vm-linux-running").GetVirtualMachineRunCommands().ExistsAsync("prepare")).Value);
    }

    [Fact]
    public async Task Instance_view_only_with_expand_and_timeouts_are_reported()
    {
        await using var host = await GalleryWorld.StartAsync();
        var rc = await RunAsync(host, "vm-win-running", "slow", Marker("prepare-windows") + "\r\nWrite-Output 'x'", timeout: 60);
        Assert.Equal(ExecutionState.TimedOut, rc.Data.InstanceView.ExecutionState);
        Assert.Empty(host.GetVm(Sub, Rg, "vm-win-running")!.ScriptsRun);

        var plain = (await Vm(Sdk(host), "vm-win-running").GetVirtualMachineRunCommandAsync("slow")).Value;
        Assert.Null(plain.Data.InstanceView);
    }

    [Fact]
    public async Task Managed_run_command_follows_the_vm_rules()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var (response, body) = await SendAsync(http, HttpMethod.Put, $"{VmPath("vm-linux-prepared")}/runCommands/x?api-version={ComputeApi}",
            """{"location":"westeurope","properties":{"source":{"script":"echo hi"}}}""");
        Assert.Equal(409, (int)response.StatusCode);
        Assert.Equal("OperationNotAllowed", body!["error"]!["code"]!.GetValue<string>());

        var (missing, missingBody) = await SendAsync(http, HttpMethod.Put, $"{VmPath("vm-linux-running")}/runCommands/x?api-version={ComputeApi}",
            """{"location":"westeurope","properties":{}}""");
        Assert.Equal(400, (int)missing.StatusCode);
        Assert.Equal("source", missingBody!["error"]!["target"]!.GetValue<string>());
    }

    private const string ExpectedLinux =
        "{\"script\":\"inspect-linux\",\"status\":\"succeeded\",\"message\":\"Inspected /: found SSH host keys, machine-id, shell history, interactive accounts (1), cloud-init instance state, Azure agent provisioning state.\","
        + "\"facts\":{\"root\":\"/\",\"osRelease\":\"Ubuntu 22.04.4 LTS\",\"sshHostKeys\":[\"/etc/ssh/ssh_host_ecdsa_key\",\"/etc/ssh/ssh_host_ed25519_key\",\"/etc/ssh/ssh_host_rsa_key\"],"
        + "\"machineId\":true,\"adminUsers\":[{\"name\":\"azureadmin\",\"uid\":1000,\"home\":\"/home/azureadmin\",\"shell\":\"/bin/bash\",\"homeExists\":true}],"
        + "\"shellHistory\":[\"/root/.bash_history\",\"/home/azureadmin/.bash_history\"],\"cloudInitState\":[\"/var/lib/cloud/instance\",\"/var/lib/cloud/instances/VMID\"],"
        + "\"waagentState\":[\"/var/lib/waagent/ovf-env.xml\",\"/var/lib/waagent/provisioned\"],\"waagentInstalled\":true,\"waagentVersion\":\"2.9.1.1\",\"agentConfigured\":true,\"truncatedLists\":[]}}";

    private const string ExpectedWindows =
        "{\"script\":\"inspect-windows\",\"status\":\"succeeded\",\"message\":\"Windows Server 2022 Datacenter: found 1 per-user AppX package(s), a pending reboot (CBS), 1 answer file(s) holding a password.\","
        + "\"facts\":{\"agent\":{\"installed\":true,\"version\":\"2.7.41491.1102\",\"serviceStatus\":\"Running\"},\"appxBlockers\":[\"Microsoft.BingWeather_4.53.0.0_x64__8wekyb3d8bbwe\"],"
        + "\"bitLocker\":{\"osVolumeProtected\":false},\"pendingReboot\":[\"CBS\"],\"dvdRomDisabled\":true,\"domainJoined\":true,\"domain\":\"corp.example\","
        + "\"pantherUnattendFiles\":[\"C:\\\\Windows\\\\Panther\\\\unattend.xml\"],\"imageState\":\"IMAGE_STATE_COMPLETE\",\"sysprepGeneralizationState\":7,"
        + "\"osName\":\"Windows Server 2022 Datacenter\",\"osVersion\":\"10.0.20348.2340\",\"truncatedLists\":[]},\"warnings\":[]}";

    [Fact]
    public async Task Inspect_linux_answers_in_the_scripts_exact_format_in_both_flavours()
    {
        await using var host = await GalleryWorld.StartAsync();
        var script = File.ReadAllText(ScriptPath("inspect-linux.sh"));
        var managed = await RunAsync(host, "vm-linux-running", "inspect", script);
        var vmId = (await Vm(Sdk(host), "vm-linux-running").GetAsync()).Value.Data.VmId!;
        var line = managed.Data.InstanceView.Output.TrimEnd('\n');
        Assert.Equal("GENIMAGE-RESULT " + ExpectedLinux.Replace("VMID", vmId, StringComparison.Ordinal), line);

        var action = await Vm(Sdk(host), "vm-linux-running").RunCommandAsync(WaitUntil.Started, new RunCommandInput("RunShellScript") { Script = { script } });
        var result = (await action.WaitForCompletionAsync(Poll, default)).Value;
        Assert.Equal(line, result.Value.Single(v => v.Code.Contains("StdOut", StringComparison.Ordinal)).Message.TrimEnd('\n'));
        Assert.Equal(["inspect-linux/1:succeeded", "inspect-linux/1:succeeded"], host.GetVm(Sub, Rg, "vm-linux-running")!.ScriptsRun);
        Assert.Equal(6, host.GetVm(Sub, Rg, "vm-linux-running")!.Leftovers.Count); // read-only
    }

    [Fact]
    public async Task Inspect_windows_answers_in_the_scripts_exact_format()
    {
        await using var host = await GalleryWorld.StartAsync();
        var script = File.ReadAllText(ScriptPath("Inspect-Windows.ps1"));
        var managed = await RunAsync(host, "vm-win-running", "inspect", script);
        Assert.Equal("GENIMAGE-RESULT " + ExpectedWindows, managed.Data.InstanceView.Output.TrimEnd('\n'));
        var parsed = JsonDocument.Parse(ExpectedWindows);
        Assert.Equal(JsonValueKind.Array, parsed.RootElement.GetProperty("warnings").ValueKind);
    }

    [Fact]
    public async Task Managed_run_command_is_refused_after_the_guest_shut_itself_down()
    {
        await using var host = await GalleryWorld.StartAsync();
        var script = File.ReadAllText(ScriptPath("inspect-linux.sh"));
        var prepared = await RunAsync(host, "vm-linux-running", "prep", "#!/bin/sh\n" + Marker("prepare-linux") + "\n");
        Assert.Equal(ExecutionState.Succeeded, prepared.Data.InstanceView.ExecutionState);

        // The guest shut itself down after deprovisioning: Run Command is refused until it is started again.
        await WaitForVmAsync(host, "vm-linux-running", v => v.PowerState == "stopped");
        using var http = Http(host);
        var (response, _) = await SendAsync(http, HttpMethod.Put, $"{VmPath("vm-linux-running")}/runCommands/inspect?api-version={ComputeApi}",
            new JsonObject { ["location"] = "westeurope", ["properties"] = new JsonObject { ["source"] = new JsonObject { ["script"] = script } } }.ToJsonString());
        Assert.Equal(409, (int)response.StatusCode);
    }

    private static string ScriptPath(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "src", "GenImage.Core", "GuestScripts", name)))
        {
            dir = dir.Parent;
        }

        return dir is null ? throw new Xunit.Sdk.XunitException($"Cannot find src/GenImage.Core/GuestScripts/{name} above {AppContext.BaseDirectory}.")
            : Path.Combine(dir.FullName, "src", "GenImage.Core", "GuestScripts", name);
    }
}
