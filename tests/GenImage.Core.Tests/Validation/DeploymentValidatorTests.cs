using System.Text.Json;
using GenImage.Core.Errors;
using GenImage.Core.Validation;

namespace GenImage.Core.Tests.Validation;

public sealed class DeploymentValidatorTests
{
    private static DeploymentValidationOptions Options(Action<DeploymentValidationOptions>? change = null)
    {
        var o = new DeploymentValidationOptions
        {
            Region = "West Europe",
            ResourceGroupName = "rg-gal",
            SubscriptionId = "s1",
            ShortId = "0a1b2c3d",
            ProvisionTimeout = TimeSpan.FromSeconds(30),
            AgentReadyTimeout = TimeSpan.FromMilliseconds(200),
            CleanupTimeout = TimeSpan.FromSeconds(10),
        };
        change?.Invoke(o);
        return o;
    }

    private static GenImageException ArmFailure(string code, string message) =>
        new(ErrorIds.ArmRequestFailed, GenImageErrorKind.InvalidOperation, message) { ArmErrorCode = code, HttpStatus = 200 };

    [Fact]
    public async Task Good_image_provisions_reports_durations_and_leaves_nothing_behind()
    {
        var ops = new FakeDeploymentOperations();
        var log = new ValidationLog();

        var result = await new DeploymentValidator(ops, log).ValidateAsync(ops.Image(), Options(), CancellationToken.None);

        Assert.Equal("Succeeded", result.Outcome);
        Assert.True(result.Succeeded);
        Assert.Equal("westeurope", result.Region);
        Assert.Equal("giv-0a1b2c3d", result.VmName);
        Assert.NotNull(result.TimeToProvisioned);
        Assert.NotNull(result.TimeToAgentReady);
        Assert.True(result.TimeToAgentReady >= result.TimeToProvisioned);
        Assert.Null(result.ErrorCode);
        Assert.Empty(ops.Existing);
        Assert.Equal(result.ResourcesCreated, result.ResourcesRemoved);
        Assert.Contains("/subscriptions/s1/resourceGroups/rg-gal/providers/Microsoft.Compute/virtualMachines/giv-0a1b2c3d", result.ResourcesRemoved);
        Assert.Contains("/subscriptions/s1/resourceGroups/rg-gal/providers/Microsoft.Compute/disks/giv-0a1b2c3d-osdisk", result.ResourcesRemoved);
        Assert.Empty(result.ResourcesLeftBehind);
        Assert.Equal(new[] { "[    0.000000] Linux version 5.15", "[   12.1] cloud-init: provisioning finished" }, result.SerialLogExcerpt);
        Assert.Empty(log.Warnings);
        Assert.Equal(new[] { "create giv-0a1b2c3d", "wait", "status", "serial", "delete vm", "record" }, ops.Calls);
    }

    [Fact]
    public async Task Create_request_carries_security_type_boot_diagnostics_tag_and_a_generated_password()
    {
        var ops = new FakeDeploymentOperations();

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image(securityType: "TrustedLaunch"), Options(o => o.Tags["costCenter"] = "42"), CancellationToken.None);

        var spec = ops.Created!;
        Assert.Equal("TrustedLaunch", spec.SecurityType);
        Assert.Equal("Standard_D2s_v5", spec.VmSize);
        Assert.Equal("true", spec.Tags["genimage-validation"]);
        Assert.Equal("42", spec.Tags["costCenter"]);
        Assert.Equal(ops.Image().Id, spec.ImageId);
        Assert.Null(spec.SubnetId);
        Assert.Null(spec.NicId);
        Assert.Equal("genimage", spec.AdminUsername);
        var password = spec.AdminPassword!;
        Assert.True(password.Length >= 24);
        // The password appears nowhere in the result.
        var json = JsonSerializer.Serialize(result);
        Assert.DoesNotContain(password, json);
    }

    [Theory]
    [InlineData("TrustedLaunch", "TrustedLaunch")]
    [InlineData("TrustedLaunchSupported", "TrustedLaunch")]
    [InlineData("TrustedLaunchAndConfidentialVMSupported", "TrustedLaunch")]
    [InlineData("ConfidentialVM", "ConfidentialVM")]
    [InlineData("ConfidentialVMSupported", "Standard")]
    [InlineData("Standard", "Standard")]
    [InlineData(null, "Standard")]
    public void Vm_security_type_follows_the_definition(string? definition, string vm) =>
        Assert.Equal(vm, DeploymentValidator.VmSecurityType(definition));

    [Fact]
    public async Task Linux_with_an_ssh_key_sends_no_password_and_a_subnet_adds_a_nic()
    {
        var ops = new FakeDeploymentOperations();
        const string subnet = "/subscriptions/s1/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default";

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image("Linux", "Standard"),
            Options(o => { o.SshPublicKey = "ssh-ed25519 AAAA test"; o.SubnetId = subnet; o.RequireSubnet = true; }), CancellationToken.None);

        Assert.Null(ops.Created!.AdminPassword);
        Assert.Equal("ssh-ed25519 AAAA test", ops.Created.SshPublicKey);
        Assert.Equal(subnet, ops.Created.SubnetId);
        Assert.Contains(result.ResourcesRemoved, id => id.EndsWith("/networkInterfaces/giv-0a1b2c3d-nic", StringComparison.Ordinal));
        Assert.Equal(3, result.ResourcesCreated.Count);
    }

    [Fact]
    public async Task Missing_subnet_against_azure_is_refused_before_any_call()
    {
        var ops = new FakeDeploymentOperations();

        var ex = await Assert.ThrowsAsync<GenImageException>(() =>
            new DeploymentValidator(ops).ValidateAsync(ops.Image(), Options(o => o.RequireSubnet = true), CancellationToken.None));

        Assert.Equal(ValidationErrorIds.SubnetRequired, ex.ErrorId);
        Assert.Contains("-SubnetId", ex.Message);
        Assert.Empty(ops.Calls);
    }

    [Fact]
    public async Task Os_provisioning_timeout_is_explained_with_the_serial_log_and_cleaned_up()
    {
        var ops = new FakeDeploymentOperations
        {
            ProvisioningFailure = ArmFailure("OSProvisioningTimedOut", "OS Provisioning for VM 'giv-0a1b2c3d' did not finish in the allotted time."),
            SerialLog = "Windows Boot Manager\nWaiting for OOBE to complete\nunrelated line\nSetup is waiting for the unattend answer file\n",
        };

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image(), Options(), CancellationToken.None);

        Assert.Equal("Failed", result.Outcome);
        Assert.Equal("OSProvisioningTimedOut", result.ErrorCode);
        Assert.Contains("generalized without Sysprep", result.Explanation);
        Assert.Equal("GI7001", result.DiagnosisId);
        Assert.Contains(result.MatchedLogLines, l => l.LineNumber == 2 && l.Text == "Waiting for OOBE to complete");
        Assert.Contains("Waiting for OOBE to complete", result.SupportingLogLines);
        Assert.Contains("Setup is waiting for the unattend answer file", result.SupportingLogLines);
        Assert.DoesNotContain("unrelated line", result.SupportingLogLines);
        Assert.Null(result.TimeToProvisioned);
        Assert.Empty(ops.Existing);
        Assert.Empty(result.ResourcesLeftBehind);
    }

    [Fact]
    public async Task Agent_communication_error_is_explained_as_a_missing_or_blocked_agent()
    {
        var ops = new FakeDeploymentOperations { ProvisioningFailure = ArmFailure("VMAgentStatusCommunicationError", "VM has not reported status for VM agent.") };

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image(), Options(), CancellationToken.None);

        Assert.Equal("VMAgentStatusCommunicationError", result.ErrorCode);
        Assert.Equal("GI7010", result.DiagnosisId);
        Assert.Contains("agent is missing", result.Explanation);
        Assert.Empty(ops.Existing);
    }

    [Fact]
    public async Task Agent_that_never_reports_ready_fails_after_its_limit()
    {
        var ops = new FakeDeploymentOperations { AgentStatus = "Not Ready" };

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image(), Options(), CancellationToken.None);

        Assert.Equal("Failed", result.Outcome);
        Assert.Equal("VMAgentStatusCommunicationError", result.ErrorCode);
        Assert.NotNull(result.TimeToProvisioned);
        Assert.Null(result.TimeToAgentReady);
        Assert.Empty(ops.Existing);
    }

    [Fact]
    public async Task Provisioning_timeout_names_the_parameter_and_still_cleans_up_a_vm_that_is_being_created()
    {
        var ops = new FakeDeploymentOperations { ProvisioningHangs = true, DeleteConflicts = 2 };
        var options = Options(o => { o.ProvisionTimeout = TimeSpan.FromMilliseconds(50); o.TimeoutParameterName = "-TimeoutSec"; });

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image(), options, CancellationToken.None);

        Assert.Equal("TimedOut", result.Outcome);
        Assert.Equal(ValidationErrorIds.ProvisioningTimeout, result.ErrorCode);
        Assert.Contains("-TimeoutSec", result.Explanation);
        Assert.Equal(3, ops.Calls.Count(c => c == "delete vm"));
        Assert.Empty(ops.Existing);
        Assert.Empty(result.ResourcesLeftBehind);
    }

    [Fact]
    public async Task Cancellation_cleans_up_and_then_reports_cancellation()
    {
        var ops = new FakeDeploymentOperations { ProvisioningHangs = true };
        var log = new ValidationLog();
        using var cts = new CancellationTokenSource();
        var run = new DeploymentValidator(ops, log).ValidateAsync(ops.Image(), Options(), cts.Token);
        await ops.WaitStarted.Task;

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Contains("delete vm", ops.Calls);
        Assert.Empty(ops.Existing);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public async Task Failed_cleanup_names_every_resource_left_behind()
    {
        var ops = new FakeDeploymentOperations { DeleteFails = true };
        var log = new ValidationLog();

        var result = await new DeploymentValidator(ops, log).ValidateAsync(ops.Image(), Options(), CancellationToken.None);

        Assert.Equal("Succeeded", result.Outcome);
        Assert.Contains("AuthorizationFailed", result.CleanupError);
        Assert.Equal(result.ResourcesCreated, result.ResourcesLeftBehind);
        Assert.Empty(result.ResourcesRemoved);
        var warning = Assert.Single(log.Warnings);
        foreach (var id in result.ResourcesCreated)
        {
            Assert.Contains(id, warning);
        }
    }

    [Fact]
    public async Task Disk_that_survives_the_vm_is_deleted_explicitly()
    {
        var ops = new FakeDeploymentOperations { DiskSurvivesVmDelete = true };

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image(), Options(), CancellationToken.None);

        Assert.Contains("delete giv-0a1b2c3d-osdisk", ops.Calls);
        Assert.Empty(ops.Existing);
        Assert.Equal(2, result.ResourcesRemoved.Count);
    }

    [Fact]
    public async Task KeepVm_keeps_everything_and_says_so()
    {
        var ops = new FakeDeploymentOperations();
        var log = new ValidationLog();

        var result = await new DeploymentValidator(ops, log).ValidateAsync(ops.Image(), Options(o => o.KeepVm = true), CancellationToken.None);

        Assert.True(result.Kept);
        Assert.DoesNotContain("delete vm", ops.Calls);
        Assert.Equal(2, ops.Existing.Count);
        Assert.Equal(result.ResourcesCreated, result.ResourcesLeftBehind);
        Assert.Contains("-KeepVm", Assert.Single(log.Warnings));
    }

    [Fact]
    public async Task Region_without_a_completed_replica_creates_nothing()
    {
        var ops = new FakeDeploymentOperations();
        ops.RegionStates["northeurope"] = "Replicating";

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image(), Options(o => o.Region = "northeurope"), CancellationToken.None);

        Assert.Equal("Failed", result.Outcome);
        Assert.Equal(ValidationErrorIds.ImageNotInRegion, result.ErrorCode);
        Assert.Contains("Replicating", result.Explanation);
        Assert.Empty(ops.Calls);
        Assert.Empty(result.ResourcesCreated);
    }

    [Fact]
    public async Task Refused_create_leaves_nothing_to_clean()
    {
        var ops = new FakeDeploymentOperations
        {
            CreateRefusal = new GenImageException(ErrorIds.ArmRequestFailed, GenImageErrorKind.InvalidArgument, "SkuNotAvailable") { ArmErrorCode = "SkuNotAvailable", HttpStatus = 409 },
        };

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image(), Options(), CancellationToken.None);

        Assert.Equal("SkuNotAvailable", result.ErrorCode);
        Assert.Equal("GI7102", result.DiagnosisId);
        Assert.Contains("not at fault", result.Explanation);
        Assert.Empty(result.ResourcesCreated);
        Assert.DoesNotContain("delete vm", ops.Calls);
    }

    [Fact]
    public async Task Probe_failure_fails_the_validation()
    {
        var ops = new FakeDeploymentOperations { ProbeStdOut = "GENIMAGE-RESULT {\"script\":\"probe\",\"status\":\"failed\",\"message\":\"IIS is not running\"}\n" };

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image(), Options(o => o.ProbeScript = "Get-Service W3SVC"), CancellationToken.None);

        Assert.Equal("Failed", result.Outcome);
        Assert.Equal(ValidationErrorIds.ProbeFailed, result.ErrorCode);
        Assert.Contains("IIS is not running", result.Explanation);
        Assert.False(result.ProbeSucceeded);
        Assert.Contains("probe RunPowerShellScript", ops.Calls);
        Assert.Empty(ops.Existing);
    }

    [Fact]
    public async Task Probe_without_a_result_line_passes_when_it_ran()
    {
        var ops = new FakeDeploymentOperations();

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image("Linux", "Standard"), Options(o => o.ProbeScript = "systemctl is-active ssh"), CancellationToken.None);

        Assert.True(result.ProbeSucceeded);
        Assert.Equal("ok\n", result.ProbeOutput);
        Assert.Contains("probe RunShellScript", ops.Calls);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task Serial_log_failure_does_not_fail_the_validation()
    {
        var ops = new FakeDeploymentOperations { SerialLogFails = true };

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image(), Options(), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Empty(result.SerialLogExcerpt);
        Assert.Contains("boot diagnostics unavailable", result.SerialLogError);
    }

    [Fact]
    public void Passwords_are_complex_and_different()
    {
        var a = ValidationCredentials.NewPassword();
        var b = ValidationCredentials.NewPassword();
        Assert.NotEqual(a, b);
        Assert.Equal(24, a.Length);
        Assert.Contains(a, char.IsUpper);
        Assert.Contains(a, char.IsLower);
        Assert.Contains(a, char.IsDigit);
        Assert.Contains(a, c => !char.IsLetterOrDigit(c));
        Assert.Matches("^[0-9a-f]{8}$", ValidationCredentials.ShortId());
    }

    [Fact]
    public void Serial_log_tail_drops_escapes_and_keeps_the_last_lines()
    {
        var log = string.Join("\n", Enumerable.Range(1, 100).Select(i => $"\u001b[0;32mline {i}\u001b[0m\r"));
        var tail = FailureExplainer.Tail(log, 3);
        Assert.Equal(new[] { "line 98", "line 99", "line 100" }, tail);
    }
}

public sealed class DeploymentValidatorDiagnosisTests
{
    private static DeploymentValidationOptions Options() => new()
    {
        Region = "westeurope", ResourceGroupName = "rg-gal", SubscriptionId = "s1", ShortId = "0a1b2c3d",
        ProvisionTimeout = TimeSpan.FromSeconds(30), AgentReadyTimeout = TimeSpan.FromMilliseconds(200), CleanupTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task Serial_log_evidence_overrides_the_meaning_of_the_code()
    {
        var ops = new FakeDeploymentOperations
        {
            ProvisioningFailure = new GenImage.Core.Errors.GenImageException(GenImage.Core.Errors.ErrorIds.ArmRequestFailed, GenImage.Core.Errors.GenImageErrorKind.InvalidOperation, "OS Provisioning did not finish in the allotted time.") { ArmErrorCode = "OSProvisioningTimedOut" },
            SerialLog = GenImage.Core.Tests.Diagnosis.BootLogs.KernelPanic,
        };

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image("Linux", "Standard"), Options(), CancellationToken.None);

        Assert.Equal("GI7007", result.DiagnosisId);
        Assert.Contains("root file system", result.Explanation);
        Assert.Contains(result.MatchedLogLines, l => l.IsEvidence && l.LineNumber == 9);
        Assert.Contains("status", ops.Calls);   // the agent was read for the diagnosis before clean-up
        Assert.Empty(ops.Existing);
    }

    [Fact]
    public async Task Own_timeout_keeps_its_words_and_adds_the_evidence()
    {
        var ops = new FakeDeploymentOperations { ProvisioningHangs = true, SerialLog = GenImage.Core.Tests.Diagnosis.BootLogs.Fstab };
        var options = Options();
        options.ProvisionTimeout = TimeSpan.FromMilliseconds(50);

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image("Linux", "Standard"), options, CancellationToken.None);

        Assert.Equal("TimedOut", result.Outcome);
        Assert.Equal("GI7008", result.DiagnosisId);
        Assert.StartsWith("The validation VM did not finish provisioning", result.Explanation);
        Assert.Contains("GI7008", result.Explanation);
    }

    [Fact]
    public async Task Passed_validation_has_no_diagnosis()
    {
        var ops = new FakeDeploymentOperations();

        var result = await new DeploymentValidator(ops).ValidateAsync(ops.Image(), Options(), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Null(result.DiagnosisId);
        Assert.Empty(result.MatchedLogLines);
    }
}
