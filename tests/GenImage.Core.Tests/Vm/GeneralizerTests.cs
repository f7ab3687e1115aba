using GenImage.Core.Errors;
using GenImage.Core.Vm;

namespace GenImage.Core.Tests.Vm;

public class GeneralizerTests
{
    private static readonly GeneralizeOptions Prepare = new() { Prepare = true };
    private static readonly GeneralizeOptions NoPrepare = new() { Prepare = false };

    [Fact]
    public async Task Running_vm_with_prepare_runs_the_script_then_deallocates_generalizes_and_verifies()
    {
        var fake = new FakeVmOperations("running");
        var log = new RecordingLog();
        var generalizer = new Generalizer(fake, log);

        var plan = await generalizer.PlanAsync(fake.Vm.Id, Prepare, CancellationToken.None);
        var result = await generalizer.ExecuteAsync(plan, Prepare, CancellationToken.None);

        Assert.Equal("Generalized", result.Status);
        Assert.Equal("generalized", result.OsStateAfter);
        Assert.Equal("running", result.PowerStateBefore);
        Assert.Equal("deallocated", result.PowerStateAfter);
        Assert.True(result.Prepared);
        Assert.Equal(new[] { "GET", "runCommand", "GET", "deallocate", "generalize", "GET" }, fake.Calls);
        Assert.Equal(new[] { Generalizer.StepPrepare, Generalizer.StepWaitForShutdown, Generalizer.StepDeallocate, Generalizer.StepGeneralize, Generalizer.StepVerify },
            result.Steps.Select(s => s.Name));
        Assert.All(result.Steps, s => Assert.Equal("Succeeded", s.Status));
        Assert.Equal("RunPowerShellScript", fake.LastRunCommand!.Value.CommandId);
        Assert.Contains(log.Progress, p => p.Completed);
    }

    [Fact]
    public async Task Without_read_back_the_synchronous_generalize_is_the_answer_and_the_vm_is_not_read_after_it()
    {
        var fake = new FakeVmOperations("running");
        var options = new GeneralizeOptions { Prepare = true, ReadBackOsState = false };
        var generalizer = new Generalizer(fake, new RecordingLog());

        var result = await generalizer.ExecuteAsync(Generalizer.Plan(fake.Vm, options), options, CancellationToken.None);

        // The read before the irreversible deallocate stays; none before the preparation (the caller's VM) nor after generalize.
        Assert.Equal(new[] { "runCommand", "GET", "deallocate", "generalize" }, fake.Calls);
        Assert.Equal(new[] { Generalizer.StepPrepare, Generalizer.StepWaitForShutdown, Generalizer.StepDeallocate, Generalizer.StepGeneralize }, result.Steps.Select(s => s.Name));
        Assert.Equal(("Generalized", "generalized", "deallocated"), (result.Status, result.OsStateAfter, result.PowerStateAfter));
        Assert.Equal("generalized", fake.Vm.OsState);
    }

    [Fact]
    public async Task Linux_vm_gets_the_shell_script()
    {
        var fake = new FakeVmOperations("running", osType: "Linux")
        {
            RunCommandStdOut = "deprovisioning\nGENIMAGE-RESULT {\"script\":\"prepare-linux\",\"status\":\"succeeded\",\"message\":\"ok\"}\n",
        };
        var generalizer = new Generalizer(fake, new RecordingLog());
        var plan = await generalizer.PlanAsync(fake.Vm.Id, Prepare, CancellationToken.None);
        var result = await generalizer.ExecuteAsync(plan, Prepare, CancellationToken.None);

        Assert.Equal("RunShellScript", fake.LastRunCommand!.Value.CommandId);
        Assert.Contains(fake.LastRunCommand!.Value.Script, l => l.Contains("waagent"));
        Assert.Equal("generalized", result.OsStateAfter);
    }

    [Fact]
    public async Task Running_vm_without_prepare_is_refused_before_any_write()
    {
        var fake = new FakeVmOperations("running");
        var generalizer = new Generalizer(fake, new RecordingLog());

        var ex = await Assert.ThrowsAsync<GenImageException>(() => generalizer.PlanAsync(fake.Vm.Id, NoPrepare, CancellationToken.None));

        Assert.Equal(ErrorIds.VmNotPrepared, ex.ErrorId);
        Assert.Equal(GenImageErrorKind.InvalidOperation, ex.Kind);
        Assert.Contains("-Prepare", ex.Message);
        Assert.Equal(new[] { "GET" }, fake.Calls);
    }

    [Fact]
    public async Task Already_generalized_vm_is_reported_with_a_warning_and_not_touched()
    {
        var fake = new FakeVmOperations("deallocated", osState: "generalized");
        var log = new RecordingLog();
        var generalizer = new Generalizer(fake, log);

        var plan = await generalizer.PlanAsync(fake.Vm.Id, Prepare, CancellationToken.None);
        var result = await generalizer.ExecuteAsync(plan, Prepare, CancellationToken.None);

        Assert.True(plan.AlreadyGeneralized);
        Assert.Equal("AlreadyGeneralized", result.Status);
        Assert.Empty(result.Steps);
        Assert.Equal(new[] { "GET" }, fake.Calls);
        Assert.Contains(log.Warnings, w => w.Contains("already generalized"));
    }

    [Theory]
    [InlineData("stopped", true)]
    [InlineData("deallocated", false)]
    public async Task A_stopped_vm_without_proof_of_preparation_is_refused_before_any_write(string powerState, bool prepare)
    {
        var fake = new FakeVmOperations(powerState);
        var generalizer = new Generalizer(fake, new RecordingLog());

        var ex = await Assert.ThrowsAsync<GenImageException>(() => generalizer.PlanAsync(fake.Vm.Id, prepare ? Prepare : NoPrepare, CancellationToken.None));

        Assert.Equal(ErrorIds.PreparationUnproven, ex.ErrorId);
        Assert.Contains("-AssumePrepared", ex.Message);
        Assert.Contains("OSProvisioningTimedOut", ex.Message);
        Assert.Equal(new[] { "GET" }, fake.Calls);
    }

    [Fact]
    public async Task A_stopped_vm_that_this_run_prepared_is_generalized_without_an_assertion()
    {
        var fake = new FakeVmOperations("stopped");
        var options = new GeneralizeOptions { Prepare = true, PreparedProof = "run 1: Prepare guest succeeded" };
        var generalizer = new Generalizer(fake, new RecordingLog());

        var plan = await generalizer.PlanAsync(fake.Vm.Id, options, CancellationToken.None);
        var result = await generalizer.ExecuteAsync(plan, options, CancellationToken.None);

        Assert.Empty(plan.Warnings);
        Assert.Equal("Generalized", result.Status);
        Assert.DoesNotContain("runCommand", fake.Calls);
    }

    [Fact]
    public async Task Stopped_vm_asserted_prepared_is_deallocated_and_generalized_with_a_warning_and_never_started()
    {
        var fake = new FakeVmOperations("stopped");
        var generalizer = new Generalizer(fake, new RecordingLog());
        var options = new GeneralizeOptions { Prepare = true, AssumePrepared = true, AssumedBy = "cab@contoso.example: Sysprep run by the build pipeline" };
        var done = new List<string>();
        options.StepDone = s => done.Add(s.Name);

        var plan = await generalizer.PlanAsync(fake.Vm.Id, options, CancellationToken.None);
        var result = await generalizer.ExecuteAsync(plan, options, CancellationToken.None);

        Assert.Equal(result.Steps.Select(s => s.Name), done);
        Assert.Contains("cab@contoso.example", plan.Warnings[0]);
        Assert.Single(plan.Warnings);
        Assert.Contains("OSProvisioningTimedOut", plan.Warnings[0]);
        Assert.DoesNotContain("start", fake.Calls);
        Assert.DoesNotContain("runCommand", fake.Calls);
        Assert.Equal(new[] { Generalizer.StepDeallocate, Generalizer.StepGeneralize, Generalizer.StepVerify }, result.Steps.Select(s => s.Name));
        Assert.False(result.Prepared);
    }

    private static GenImageException Transient() =>
        new("ArmInternalExecutionError", GenImageErrorKind.ResourceUnavailable, "An internal execution error occurred. Please retry later.") { ArmErrorCode = "InternalExecutionError", HttpStatus = 500 };

    [Fact]
    public async Task A_preparation_whose_answer_was_lost_counts_when_the_guest_shuts_down_by_itself()
    {
        var fake = new FakeVmOperations("running") { RunCommandFailure = Transient() };
        var log = new RecordingLog();
        var generalizer = new Generalizer(fake, log);
        var plan = await generalizer.PlanAsync(fake.Vm.Id, Prepare, CancellationToken.None);

        var result = await generalizer.ExecuteAsync(plan, Prepare, CancellationToken.None);

        Assert.Equal("Generalized", result.Status);
        Assert.True(result.Prepared);
        Assert.Contains("InternalExecutionError", result.PreparationMessage);
        Assert.Contains(log.Warnings, w => w.Contains("transient error", StringComparison.Ordinal));
        Assert.Equal(1, fake.Calls.Count(c => c == "runCommand"));
    }

    [Fact]
    public async Task A_preparation_whose_answer_was_lost_and_whose_guest_keeps_running_fails_without_generalizing()
    {
        var fake = new FakeVmOperations("running") { RunCommandFailure = Transient(), ShutDownAfterRunCommand = false };
        var options = new GeneralizeOptions { Prepare = true, PreparationGrace = TimeSpan.FromMilliseconds(50) };
        var generalizer = new Generalizer(fake, new RecordingLog());
        var plan = await generalizer.PlanAsync(fake.Vm.Id, options, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<GenImageException>(() => generalizer.ExecuteAsync(plan, options, CancellationToken.None));

        Assert.Equal("ArmInternalExecutionError", ex.ErrorId);
        Assert.Contains("did not shut down", ex.Message);
        Assert.DoesNotContain("generalize", fake.Calls);
        Assert.DoesNotContain("deallocate", fake.Calls);
    }

    [Fact]
    public async Task Failed_preparation_stops_before_generalize_and_says_what_the_guest_reported()
    {
        var fake = new FakeVmOperations("running")
        {
            ShutDownAfterRunCommand = false,
            RunCommandStdOut = "GENIMAGE-RESULT {\"script\":\"prepare-windows\",\"status\":\"failed\",\"message\":\"Sysprep blocked by AppX package Foo.\"}",
        };
        var generalizer = new Generalizer(fake, new RecordingLog());
        var plan = await generalizer.PlanAsync(fake.Vm.Id, Prepare, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<GenImageException>(() => generalizer.ExecuteAsync(plan, Prepare, CancellationToken.None));

        Assert.Equal(ErrorIds.GuestPreparationFailed, ex.ErrorId);
        Assert.Contains("AppX package Foo", ex.Message);
        Assert.DoesNotContain("generalize", fake.Calls);
        Assert.DoesNotContain("deallocate", fake.Calls);
    }

    [Fact]
    public async Task Script_output_without_a_result_line_is_a_failure()
    {
        var fake = new FakeVmOperations("running") { RunCommandStdOut = "something else", ShutDownAfterRunCommand = false };
        var generalizer = new Generalizer(fake, new RecordingLog());
        var plan = await generalizer.PlanAsync(fake.Vm.Id, Prepare, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<GenImageException>(() => generalizer.ExecuteAsync(plan, Prepare, CancellationToken.None));
        Assert.Equal(ErrorIds.GuestPreparationFailed, ex.ErrorId);
        Assert.DoesNotContain("generalize", fake.Calls);
    }

    [Fact]
    public async Task Generalize_that_does_not_show_in_the_instance_view_is_an_error()
    {
        var fake = new FakeVmOperations("deallocated") { IgnoreGeneralize = true };
        var generalizer = new Generalizer(fake, new RecordingLog());
        var assumed = new GeneralizeOptions { AssumePrepared = true };
        var plan = await generalizer.PlanAsync(fake.Vm.Id, assumed, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<GenImageException>(() => generalizer.ExecuteAsync(plan, assumed, CancellationToken.None));
        Assert.Equal(ErrorIds.GeneralizeNotVerified, ex.ErrorId);
    }

    [Fact]
    public async Task Guest_that_never_shuts_down_times_out_and_the_error_names_the_parameter()
    {
        var fake = new FakeVmOperations("running") { ShutDownAfterRunCommand = false };
        var options = new GeneralizeOptions { Prepare = true, Timeout = TimeSpan.FromMilliseconds(200), TimeoutParameterName = "-TimeoutSec" };
        var generalizer = new Generalizer(fake, new RecordingLog());
        var plan = await generalizer.PlanAsync(fake.Vm.Id, options, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<GenImageException>(() => generalizer.ExecuteAsync(plan, options, CancellationToken.None));

        Assert.Equal(ErrorIds.Timeout, ex.ErrorId);
        Assert.Equal(GenImageErrorKind.OperationTimeout, ex.Kind);
        Assert.Contains("-TimeoutSec", ex.Message);
        Assert.Contains(Generalizer.StepWaitForShutdown, ex.Message);
        Assert.DoesNotContain("generalize", fake.Calls);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_a_timeout()
    {
        var fake = new FakeVmOperations("running") { RunCommandDelay = TimeSpan.FromSeconds(30) };
        var generalizer = new Generalizer(fake, new RecordingLog());
        var plan = await generalizer.PlanAsync(fake.Vm.Id, Prepare, CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generalizer.ExecuteAsync(plan, Prepare, cts.Token));
        Assert.DoesNotContain("generalize", fake.Calls);
    }

    [Theory]
    [InlineData("starting")]
    [InlineData("deallocating")]
    public void Vm_in_transition_is_refused(string state)
    {
        var fake = new FakeVmOperations(state);
        var ex = Assert.Throws<GenImageException>(() => Generalizer.Plan(fake.Vm, Prepare));
        Assert.Equal("VmBusy", ex.ErrorId);
        Assert.Contains(state, ex.Message);
    }
}
