using System.Text.Json.Nodes;
using Azure;
using Azure.ResourceManager.Compute.Models;
using GenImage.Emulator.Resources.VirtualMachines.GuestScripts;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>Run Command with GenImage guest scripts: the marker line selects the guest's behaviour.</summary>
public sealed class GuestScriptTests
{

    private static async Task<(string StdOut, string StdErr)> RunAsync(EmulatorHost host, string vmName, string commandId, params string[] script)
    {
        var input = new RunCommandInput(commandId);
        foreach (var line in script)
        {
            input.Script.Add(line);
        }

        var operation = await Vm(Sdk(host), vmName).RunCommandAsync(WaitUntil.Started, input);
        var result = (await operation.WaitForCompletionAsync(Poll, default)).Value;
        return (result.Value[0].Message, result.Value[1].Message);
    }

    private static JsonObject ResultOf(string stdout)
    {
        var lines = stdout.Split('\n');
        Assert.StartsWith("GENIMAGE-RESULT ", lines[^1]);
        return JsonNode.Parse(lines[^1]["GENIMAGE-RESULT ".Length..])!.AsObject();
    }

    [Fact]
    public async Task Prepare_windows_generalizes_the_guest_and_it_shuts_down()
    {
        await using var host = await StartAsync();
        var (stdout, stderr) = await RunAsync(host, "vm-win", "RunPowerShellScript",
            Marker("prepare-windows"), "param()", "Write-Output 'sysprep'");

        var result = ResultOf(stdout);
        Assert.Equal("prepare-windows", result["script"]!.GetValue<string>());
        Assert.Equal("succeeded", result["status"]!.GetValue<string>());
        Assert.Equal("IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE", result["imageState"]!.GetValue<string>());
        Assert.Contains("sysprep.exe /oobe /generalize", stdout);
        Assert.Equal("", stderr);

        Assert.True(host.GetVm(Sub, Rg, "vm-win")!.GuestPrepared);
        var stopped = await WaitForVmAsync(host, "vm-win", v => v.PowerState == "stopped");
        Assert.Equal("NotReady", stopped.AgentStatus);
        Assert.Equal(["prepare-windows/1:succeeded"], stopped.ScriptsRun);

        // The rest of the lifecycle: deallocate, generalize; the lineage records the prepared guest.
        var vm = Vm(Sdk(host), "vm-win");
        await (await vm.DeallocateAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll);
        await vm.GeneralizeAsync();
        var final = host.GetVm(Sub, Rg, "vm-win")!;
        Assert.Equal("generalized", final.OsState);
        Assert.True(final.GeneralizedWithPreparedGuest);
    }

    [Fact]
    public async Task Prepare_windows_with_an_appx_blocker_fails_and_changes_nothing()
    {
        await using var host = await StartAsync();
        var (stdout, _) = await RunAsync(host, "vm-win-appx", "RunPowerShellScript", Marker("prepare-windows") + "\nWrite-Output x");

        var result = ResultOf(stdout);
        Assert.Equal("failed", result["status"]!.GetValue<string>());
        Assert.Equal("IMAGE_STATE_COMPLETE", result["imageState"]!.GetValue<string>());
        Assert.StartsWith("Sysprep was not able to validate your Windows installation: package Microsoft.BingWeather_4.53.0.0_x64__8wekyb3d8bbwe was installed for a user, but not provisioned for all users",
            result["message"]!.GetValue<string>());
        Assert.Equal(["appx:Microsoft.BingWeather_4.53.0.0_x64__8wekyb3d8bbwe"], result["blockers"]!.AsArray().Select(b => b!.GetValue<string>()));

        var vm = host.GetVm(Sub, Rg, "vm-win-appx")!;
        Assert.False(vm.GuestPrepared);
        Assert.Equal("running", vm.PowerState);
        Assert.Equal("Ready", vm.AgentStatus);
        Assert.Equal(["prepare-windows/1:failed"], vm.ScriptsRun);
    }

    [Fact]
    public async Task Prepare_linux_deprovisions_and_reports_cloud_init()
    {
        await using var host = await StartAsync();
        var (stdout, _) = await RunAsync(host, "vm-linux", "RunShellScript", "#!/bin/bash", Marker("prepare-linux"), "set -euo pipefail");

        var result = ResultOf(stdout);
        Assert.Equal("prepare-linux", result["script"]!.GetValue<string>());
        Assert.Equal("succeeded", result["status"]!.GetValue<string>());
        Assert.Equal("waagent deprovisioned the guest; shutting down.", result["message"]!.GetValue<string>());
        Assert.True(result["cloudInit"]!.GetValue<bool>());

        var vm = await WaitForVmAsync(host, "vm-linux", v => v.PowerState == "stopped");
        Assert.True(vm.GuestPrepared);
        Assert.Empty(vm.Leftovers);
    }

    [Fact]
    public async Task A_script_without_a_marker_runs_and_changes_nothing()
    {
        await using var host = await StartAsync();
        var before = host.GetVm(Sub, Rg, "vm-win")!;
        var (stdout, stderr) = await RunAsync(host, "vm-win", "RunPowerShellScript", "Write-Output 'hello'", "# genimage-script: prepare-windows/1 (too late: not a marker)");
        Assert.Equal("", stdout);
        Assert.Equal("", stderr);

        var after = host.GetVm(Sub, Rg, "vm-win")!;
        Assert.Equal(before.PowerState, after.PowerState);
        Assert.False(after.GuestPrepared);
        Assert.Empty(after.ScriptsRun);
    }

    [Fact]
    public async Task A_script_for_the_other_os_fails_in_the_guest_without_changes()
    {
        await using var host = await StartAsync();
        var (stdout, stderr) = await RunAsync(host, "vm-win", "RunPowerShellScript", Marker("prepare-linux"));
        Assert.Equal("", stdout);
        Assert.Contains("prepare-linux/1", stderr);
        Assert.False(host.GetVm(Sub, Rg, "vm-win")!.GuestPrepared);
    }

    [Fact]
    public async Task A_prepared_guest_that_is_started_again_never_reports_a_ready_agent()
    {
        await using var host = await StartAsync();
        await RunAsync(host, "vm-linux", "RunShellScript", Marker("prepare-linux"));
        await WaitForVmAsync(host, "vm-linux", v => v.PowerState == "stopped");
        await (await Vm(Sdk(host), "vm-linux").PowerOnAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll);
        var vm = host.GetVm(Sub, Rg, "vm-linux")!;
        Assert.Equal("running", vm.PowerState);
        Assert.Equal("NotReady", vm.AgentStatus);
    }

    [Theory]
    [InlineData(new[] { "# genimage-script: prepare-windows/1" }, "prepare-windows/1")]
    [InlineData(new[] { "\uFEFF#genimage-script:   inspect-windows/12  " }, "inspect-windows/12")]
    [InlineData(new[] { "#Requires -Version 5.1\r\n# genimage-script: prepare-windows/2\r\nparam()" }, "prepare-windows/2")]
    [InlineData(new[] { "#!/bin/bash", "", "# genimage-script: prepare-linux/1" }, "prepare-linux/1")]
    [InlineData(new[] { "a", "b", "c", "d", "e", "# genimage-script: prepare-linux/1" }, null)]
    [InlineData(new[] { "echo '# genimage-script: prepare-linux/1'" }, null)]
    [InlineData(new[] { "# genimage-script: prepare-linux" }, null)]
    public void Marker_is_found_in_the_first_lines_only(string[] script, string? expected)
        => Assert.Equal(expected, GuestScriptCatalog.FindMarker(script)?.ToString());
}
