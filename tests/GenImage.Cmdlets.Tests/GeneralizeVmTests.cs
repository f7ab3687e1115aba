namespace GenImage.Cmdlets.Tests;

/// <summary>Invoke-GeneralizeVm through the hosted engine against the emulator. Each test mutates state, so each starts its own emulator.</summary>
public sealed class GeneralizeVmTests
{
    private static bool IsWrite(GenImage.Emulator.RequestLogEntry e) =>
        !string.Equals(e.Method, "GET", StringComparison.OrdinalIgnoreCase) &&
        !string.Equals(e.Method, "HEAD", StringComparison.OrdinalIgnoreCase);

    [Theory]
    [InlineData(Worlds.WindowsVm, "Windows", "prepare-windows")]
    [InlineData(Worlds.LinuxVm, "Linux", "prepare-linux")]
    public async Task Prepare_generalizes_a_running_vm_and_verifies_the_os_state(string vm, string osType, string script)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName $rg -Name $vm -Prepare -Force", new { rg = Worlds.ResourceGroup, vm });

        Assert.True(r.Succeeded, r.Describe());
        var result = r.SingleOutput();
        Assert.Equal("GenImage.GeneralizeResult", result.TypeName());
        Assert.Equal("Generalized", result.Get<string>("Status"));
        Assert.Equal("generalized", result.Get<string>("OsStateAfter"));
        Assert.Equal("running", result.Get<string>("PowerStateBefore"));
        Assert.Equal("deallocated", result.Get<string>("PowerStateAfter"));
        Assert.Equal(osType, result.Get<string>("OsType"));
        Assert.True(result.Get<bool>("Prepared"));
        Assert.EndsWith("/virtualMachines/" + vm, result.Get<string>("SourceId"));

        var snapshot = emulator.Vm(vm);
        Assert.Equal("generalized", snapshot.OsState);
        Assert.Equal("deallocated", snapshot.PowerState);
        Assert.True(snapshot.GeneralizedWithPreparedGuest);
        Assert.Contains(snapshot.ScriptsRun, s => s.StartsWith(script, StringComparison.Ordinal));

        // Every ARM call of the run carried the result's correlation id.
        var correlationId = result.Get<string>("CorrelationId");
        var writes = emulator.RequestLog.Where(IsWrite).ToList();
        Assert.NotEmpty(writes);
        Assert.All(writes, w => Assert.Equal(correlationId, w.CorrelationId));
        Assert.Contains(writes, w => w.Path.EndsWith("/generalize", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(writes, w => w.Path.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(writes, w => w.Path.EndsWith("/deallocate", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Running_vm_without_prepare_is_refused_and_nothing_is_written()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Force");

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.VmNotPrepared", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Contains("-Prepare", error.Exception.Message);
        Assert.Contains("Sysprep", error.Exception.Message);
        Assert.Empty(r.Output);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
        Assert.Equal("running", emulator.Vm(Worlds.WindowsVm).PowerState);
    }

    [Fact]
    public async Task Rerun_on_a_generalized_vm_warns_and_changes_nothing()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force").EnsureSuccess();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal("AlreadyGeneralized", r.SingleOutput().Get<string>("Status"));
        Assert.Contains(r.WarningMessages, w => w.Contains("already generalized", StringComparison.Ordinal));
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
    }

    [Fact]
    public async Task WhatIf_shows_the_plan_and_sends_no_write()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -WhatIf", new RunOptions { RenderToHost = true });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Empty(r.Output);
        Assert.NotEmpty(emulator.RequestLog);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
        Assert.Contains("What if", session.Transcript, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Prepare guest -> Wait for guest shutdown -> Deallocate -> Generalize", session.Transcript);
        Assert.Equal("running", emulator.Vm(Worlds.WindowsVm).PowerState);
        Assert.Null(emulator.Vm(Worlds.WindowsVm).OsState);
    }

    [Fact]
    public async Task Without_force_the_confirmation_prompt_is_asked_and_a_no_writes_nothing()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare");

        Assert.Single(session.Prompts);
        Assert.Empty(r.Output);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
    }

    [Fact]
    public async Task Source_vms_pipe_in_by_object()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var r = session.Run("Get-SourceVm -ResourceGroupName rg-images | Invoke-GeneralizeVm -Prepare -Force");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(2, r.Output.Count);
        Assert.All(r.Output, o => Assert.Equal("generalized", o.Get<string>("OsStateAfter")));
        Assert.Equal("generalized", emulator.Vm(Worlds.WindowsVm).OsState);
        Assert.Equal("generalized", emulator.Vm(Worlds.LinuxVm).OsState);
    }

    [Fact]
    public async Task Objects_pipe_in_by_property_name_and_by_id()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var byName = session.Run("[pscustomobject]@{ ResourceGroupName = 'rg-images'; Name = 'vm-ubuntu2204-src' } | Invoke-GeneralizeVm -Prepare -Force");
        var byId = session.Run("[pscustomobject]@{ Id = $id } | Invoke-GeneralizeVm -Prepare -Force",
            new { id = $"/subscriptions/{Worlds.SubscriptionId}/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-win2022-src" });

        Assert.True(byName.Succeeded, byName.Describe());
        Assert.Equal("vm-ubuntu2204-src", byName.SingleOutput().Get<string>("Name"));
        Assert.True(byId.Succeeded, byId.Describe());
        Assert.Equal("vm-win2022-src", byId.SingleOutput().Get<string>("Name"));
    }

    [Fact]
    public async Task Missing_vm_and_missing_group_are_object_not_found_with_the_arm_ids()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var r = session.Run(
            "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-nope -Prepare -Force; " +
            "Invoke-GeneralizeVm -ResourceGroupName rg-nope -Name vm-win2022-src -Prepare -Force");

        Assert.Equal(2, r.Errors.Count);
        Assert.All(r.Errors, e =>
        {
            Assert.StartsWith("GenImage.ResourceNotFound", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
            Assert.Contains("correlation id", e.Exception.Message);
            Assert.Contains("request id", e.Exception.Message);
        });
        Assert.Contains("ResourceNotFound", r.Errors[0].Exception.Message);
        Assert.Contains("ResourceGroupNotFound", r.Errors[1].Exception.Message);
        Assert.EndsWith("/virtualMachines/vm-nope", (string)r.Errors[0].TargetObject);
    }

    [Fact]
    public async Task Sysprep_blocker_fails_preparation_and_leaves_the_vm_running()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.ClassicFailures);
        using var session = emulator.Connect();

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win-appx -Prepare -Force");

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.GuestPreparationFailed", error.FullyQualifiedErrorId);
        Assert.Contains("Microsoft.BingWeather", error.Exception.Message);
        var vm = emulator.Vm("vm-win-appx");
        Assert.Equal("running", vm.PowerState);
        Assert.Null(vm.OsState);
    }

    [Fact]
    public async Task Invalid_id_is_an_invalid_argument()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var r = session.Run("Invoke-GeneralizeVm -Id '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa' -Force");

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.InvalidResourceId", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public async Task Timeout_names_TimeoutSec()
    {
        // The emulator's clock stands still: Sysprep never finishes, so the 1 s limit is what ends the wait.
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.Healthy, time: new TestClock(frozen: true));
        using var session = emulator.Connect();

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -Force -TimeoutSec 1");

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.Timeout", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Contains("-TimeoutSec", error.Exception.Message);
        Assert.Null(emulator.Vm(Worlds.WindowsVm).OsState);
    }

    [Fact]
    public async Task Stopping_the_pipeline_cancels_before_generalize()
    {
        // The emulator's clock stands still: preparation cannot finish before the stop, whatever the machine's load.
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.Healthy, time: new TestClock(frozen: true));
        using var session = emulator.Connect();

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -Force",
            new RunOptions { StopWhen = partial => partial.Progress.Count > 0 });

        Assert.True(r.Stopped, r.Describe());
        Assert.Empty(r.Output);
        Assert.DoesNotContain(emulator.RequestLog, e => e.Path.EndsWith("/generalize", StringComparison.OrdinalIgnoreCase));
        Assert.Null(emulator.Vm(Worlds.WindowsVm).OsState);
    }

    [Fact]
    public async Task Verbose_names_each_arm_call_and_no_stream_carries_the_token()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force",
            new RunOptions { VerbosePreference = ActionPreference.Continue, DebugPreference = ActionPreference.Continue, RenderToHost = true });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Contains(r.VerboseMessages, v => v.StartsWith("ARM POST /subscriptions/", StringComparison.Ordinal) && v.Contains("/generalize?api-version=2023-07-01 -> 200"));
        Assert.Contains(r.VerboseMessages, v => v.StartsWith("ARM GET ", StringComparison.Ordinal) && v.Contains("$expand=instanceView"));
        var progress = r.Progress.Where(p => p.ActivityId == 4101).ToList();
        Assert.NotEmpty(progress);
        Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);

        var everything = string.Join("\n", r.VerboseMessages.Concat(r.WarningMessages).Concat(r.Debug.Select(d => d.Message))) + session.Transcript;
        Assert.DoesNotContain("eyJ", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", everything, StringComparison.OrdinalIgnoreCase);
    }
}
