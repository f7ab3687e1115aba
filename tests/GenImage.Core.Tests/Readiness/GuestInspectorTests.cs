using GenImage.Core.Errors;
using GenImage.Core.Inspection;
using GenImage.Core.Vm;

namespace GenImage.Core.Tests.Readiness;

public sealed class GuestInspectorTests
{
    private sealed class ScriptedVm : IVmOperations
    {
        public Func<RunCommandOutput>? Answer { get; set; }
        public (string CommandId, IReadOnlyList<string> Script)? Ran { get; private set; }
        public TimeSpan PollingInterval => TimeSpan.Zero;
        public Task<SourceVm> GetAsync(string vmId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task StartAsync(string vmId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeallocateAsync(string vmId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task GeneralizeAsync(string vmId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RunCommandOutput> RunCommandAsync(string vmId, string commandId, IReadOnlyList<string> script, CancellationToken cancellationToken)
        {
            Ran = (commandId, script);
            return Task.FromResult(Answer!());
        }
    }

    [Fact]
    public async Task Linux_guest_is_inspected_with_the_inspect_linux_script()
    {
        var vms = new ScriptedVm
        {
            Answer = () => new RunCommandOutput("noise\nGENIMAGE-RESULT {\"script\":\"inspect-linux\",\"status\":\"succeeded\",\"message\":\"ok\",\"facts\":{\"sshHostKeys\":[\"/etc/ssh/ssh_host_rsa_key\"],\"machineId\":true}}\n", ""),
        };

        var inspection = await new GuestInspector(vms).InspectAsync(ReadinessInputs.LinuxVm(), CancellationToken.None);

        Assert.True(inspection.Succeeded, inspection.Error);
        Assert.Equal("inspect-linux", inspection.Script);
        Assert.Equal("RunShellScript", vms.Ran!.Value.CommandId);
        Assert.StartsWith("# genimage-script: inspect-linux/", vms.Ran.Value.Script[0]);
        Assert.Equal(new[] { "/etc/ssh/ssh_host_rsa_key" }, inspection.Facts!.SshHostKeys);
        Assert.True(inspection.Facts.MachineIdPresent);
    }

    [Fact]
    public async Task Run_command_failure_is_returned_as_the_reason()
    {
        var vms = new ScriptedVm
        {
            Answer = () => throw new GenImageException(ErrorIds.ArmRequestFailed, GenImageErrorKind.InvalidOperation, "VM agent not ready") { ArmErrorCode = "VMAgentStatusCommunicationError" },
        };

        var inspection = await new GuestInspector(vms).InspectAsync(ReadinessInputs.WindowsVm(), CancellationToken.None);

        Assert.False(inspection.Succeeded);
        Assert.Null(inspection.Facts);
        Assert.Equal("VMAgentStatusCommunicationError", inspection.ArmErrorCode);
        Assert.Contains("VM agent not ready", inspection.Error);
        Assert.Equal("RunPowerShellScript", vms.Ran!.Value.CommandId);
    }

    [Fact]
    public async Task Output_without_a_result_line_is_an_error_not_empty_facts()
    {
        var vms = new ScriptedVm { Answer = () => new RunCommandOutput("", "bash: syntax error") };

        var inspection = await new GuestInspector(vms).InspectAsync(ReadinessInputs.LinuxVm(), CancellationToken.None);

        Assert.Null(inspection.Facts);
        Assert.Contains("GENIMAGE-RESULT", inspection.Error);
        Assert.Contains("bash: syntax error", inspection.Error);
    }

    [Fact]
    public async Task Result_of_another_script_is_rejected()
    {
        var vms = new ScriptedVm { Answer = () => new RunCommandOutput("GENIMAGE-RESULT {\"script\":\"prepare-linux\",\"status\":\"succeeded\",\"message\":\"done\"}", "") };

        var inspection = await new GuestInspector(vms).InspectAsync(ReadinessInputs.LinuxVm(), CancellationToken.None);

        Assert.Null(inspection.Facts);
        Assert.Contains("not an inspection result", inspection.Error);
    }

    [Fact]
    public async Task Unknown_os_type_runs_nothing()
    {
        var vms = new ScriptedVm { Answer = () => throw new InvalidOperationException("must not run") };
        var vm = ReadinessInputs.LinuxVm();
        vm.OsType = null;

        var inspection = await new GuestInspector(vms).InspectAsync(vm, CancellationToken.None);

        Assert.Null(vms.Ran);
        Assert.Contains("no inspection script", inspection.Error);
    }
}
