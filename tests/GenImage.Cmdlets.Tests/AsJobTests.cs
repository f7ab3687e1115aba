using GenImage.Emulator.Faults;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// <c>-AsJob</c> on Invoke-GeneralizeVm, New-GalleryImageVersion, Test-ImageDeployment and Invoke-ImageRecipe: a job
/// of the session's job repository (Get-Job, Wait-Job, Receive-Job, Stop-Job, Remove-Job), with the cmdlet's own
/// output and streams, on the session's connection (the harness keeps each session's connection to its runspace, so the
/// job can only have it from the command that made it). Confirmation happens before the job starts; Stop-Job cancels the
/// operation and the job says what was left.
/// </summary>
public sealed class AsJobTests
{
    /// <summary>Waits for a job to end (the limit only keeps a broken build from hanging the run) and describes it.</summary>
    private const string WaitAndDescribe = """
        $null = Wait-Job -Job $job -Timeout 600
        [pscustomobject]@{
            State = "$($job.State)"; Type = $job.GetType().Name; JobTypeName = $job.PSJobTypeName
            InRepository = [bool](Get-Job -Id $job.Id -ErrorAction SilentlyContinue | Where-Object InstanceId -eq $job.InstanceId)
            Verbose = $job.Verbose.Count; Debug = $job.Debug.Count; Progress = $job.Progress.Count; Errors = $job.Error.Count
            Warnings = @($job.Warning | ForEach-Object Message)
            ErrorIds = @($job.Error | ForEach-Object FullyQualifiedErrorId)
        }
        """;

    private const string LinuxDefinition =
        "New-GalleryImageDefinition -ResourceGroupName rg-images -GalleryName gal_jobs -Name ubuntu -Publisher contoso -Offer ubuntu -Sku 22_04 " +
        "-OsType Linux -HyperVGeneration V2 -CreateGallery | Out-Null";

    private static bool IsWrite(GenImage.Emulator.RequestLogEntry e) =>
        !string.Equals(e.Method, "GET", StringComparison.OrdinalIgnoreCase) && !string.Equals(e.Method, "HEAD", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task GeneralizeAsJobReturnsARepositoryJobWithTheCmdletsOutputAndStreams()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var started = session.Run("$job = Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -Force -AsJob -Verbose; $job");
        var described = session.Run(WaitAndDescribe);
        var received = session.Run("Receive-Job -Job $job");
        var removed = session.Run("Remove-Job -Job $job; @(Get-Job).Count");

        Assert.True(started.Succeeded, started.Describe());
        Assert.Equal("GenImageJob", Assert.Single(started.BaseObjects)!.GetType().Name);
        var job = described.SingleOutput();
        Assert.Equal("Completed", job.Get<string>("State"));
        Assert.Equal("GenImageJob", job.Get<string>("JobTypeName"));
        Assert.True(job.Get<bool>("InRepository"));
        Assert.True(job.Get<int>("Verbose") > 0, "-Verbose of the command gives the job the ARM calls at Verbose");
        Assert.Equal(0, job.Get<int>("Debug"));
        Assert.True(job.Get<int>("Progress") > 0);
        Assert.Equal(0, job.Get<int>("Errors"));
        var result = received.SingleOutput();
        Assert.Equal("GenImage.GeneralizeResult", result.TypeName());
        Assert.Equal("generalized", result.Get<string>("OsStateAfter"));
        Assert.Equal("generalized", emulator.Vm(Worlds.WindowsVm).OsState);
        Assert.Equal(0, Convert.ToInt32(removed.SingleOutput().BaseObject, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task WhatIfIsAnsweredHereAndStartsNoJob()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -Force -AsJob -WhatIf; @(Get-Job).Count");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(0, Convert.ToInt32(r.SingleOutput().BaseObject, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("What if:", session.Transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
    }

    [Fact]
    public async Task TheConfirmationIsAskedHereNotInTheJobAndNoStartsNoJob()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        // Without -Force the irreversible generalize asks; the test host answers No.
        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -AsJob; @(Get-Job).Count");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Single(session.Prompts);
        Assert.Equal(0, Convert.ToInt32(r.SingleOutput().BaseObject, System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
    }

    [Fact]
    public async Task StopJobCancelsTheOperationAndTheJobSaysWhereItStopped()
    {
        // The emulator's clock stands still: Sysprep never finishes, so the job is still preparing when it is stopped.
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.Healthy, time: new TestClock(frozen: true));
        using var session = emulator.Connect();

        var r = session.Run("""
            $job = Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -Force -AsJob
            # Wait until the job reports progress (it is preparing the guest), then stop it.
            $deadline = [datetime]::UtcNow.AddMinutes(5)
            while ($job.Progress.Count -eq 0 -and $job.State -eq 'Running' -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $stateBefore = "$($job.State)"
            Stop-Job -Job $job
            [pscustomobject]@{ Before = $stateBefore; After = "$($job.State)"; Warnings = @($job.Warning | ForEach-Object Message); Output = $job.Output.Count }
            """);

        Assert.True(r.Succeeded, r.Describe());
        var job = r.SingleOutput();
        Assert.Equal("Running", job.Get<string>("Before"));
        Assert.Equal("Stopped", job.Get<string>("After"));
        Assert.Equal(0, job.Get<int>("Output"));
        var warning = Assert.Single(job.Items("Warnings").Select(w => w.BaseObject.ToString()!), w => w.StartsWith("Stopped by Stop-Job", StringComparison.Ordinal));
        Assert.Contains("Get-SourceVm -Id", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.RequestLog, e => e.Path.EndsWith("/generalize", StringComparison.OrdinalIgnoreCase));
        Assert.Null(emulator.Vm(Worlds.WindowsVm).OsState);
    }

    [Fact]
    public async Task PublishAsJobEndsCompletedWithTheErrorOrFailedWithErrorActionStop()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(LinuxDefinition + "; $vm = Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force").EnsureSuccess();
        // Replication to westeurope fails: the publish ends with GenImage.ReplicationFailed.
        emulator.Host.Faults.Add(new FaultRule { Effect = FaultEffect.FailReplication, Region = "westeurope" });

        session.Run("$job = $vm | New-GalleryImageVersion -GalleryName gal_jobs -DefinitionName ubuntu -Name 1.0.0 -AsJob").EnsureSuccess();
        var completed = session.Run(WaitAndDescribe).SingleOutput();
        session.Run("$job = $vm | New-GalleryImageVersion -GalleryName gal_jobs -DefinitionName ubuntu -Name 1.0.1 -AsJob -ErrorAction Stop -WarningAction SilentlyContinue").EnsureSuccess();
        var failed = session.Run(WaitAndDescribe).SingleOutput();

        Assert.Equal("Completed", completed.Get<string>("State"));
        Assert.StartsWith("GenImage.ReplicationFailed", Assert.Single(completed.Items("ErrorIds")).BaseObject.ToString(), StringComparison.Ordinal);
        Assert.Equal("Failed", failed.Get<string>("State"));
        Assert.StartsWith("GenImage.ReplicationFailed", Assert.Single(failed.Items("ErrorIds")).BaseObject.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishThenValidateAsJobsGiveTheVersionAndAValidationThatLeavesNoVm()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(LinuxDefinition + "; $vm = Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force").EnsureSuccess();

        session.Run("$job = $vm | New-GalleryImageVersion -GalleryName gal_jobs -DefinitionName ubuntu -Name 1.0.0 -TargetRegion westeurope, northeurope -AsJob").EnsureSuccess();
        var published = session.Run(WaitAndDescribe).SingleOutput();
        var version = session.Run("$version = Receive-Job -Job $job; $version").SingleOutput();
        session.Run("$job = $version | Test-ImageDeployment -Region westeurope, northeurope -AsJob -FailOnError").EnsureSuccess();
        var validated = session.Run(WaitAndDescribe).SingleOutput();
        var results = session.Run("Receive-Job -Job $job");

        Assert.Equal("Completed", published.Get<string>("State"));
        Assert.Equal("GenImage.GalleryImageVersion", version.TypeName());
        Assert.Equal("Completed", version.Get<string>("ReplicationState"));
        Assert.Equal("Completed", validated.Get<string>("State"));
        Assert.Equal(new[] { "westeurope", "northeurope" }, results.Output.Select(o => o.Get<string>("Region")));
        Assert.All(results.Output, o => Assert.Equal("Succeeded", o.Get<string>("Outcome")));
        Assert.All(results.Output, o => Assert.Empty(o.Get<IList<string>>("ResourcesLeftBehind")));
    }

    [Fact]
    public async Task RecipeAsJobRunsTheRecipeToTheEnd()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        session.Run("$job = Invoke-ImageRecipe -Path $path -Force -AsJob", new { path = folder["windows2022-gen2-tl.yaml"] }).EnsureSuccess();
        var described = session.Run(WaitAndDescribe).SingleOutput();
        var run = session.Run("Receive-Job -Job $job").SingleOutput();

        Assert.Equal("Completed", described.Get<string>("State"));
        Assert.Equal(0, described.Get<int>("Errors"));
        Assert.Equal("GenImage.RecipeRun", run.TypeName());
        Assert.Equal("Succeeded", run.Get<string>("Status"));
        Assert.Equal("generalized", emulator.Vm(Worlds.WindowsVm).OsState);
    }
}
