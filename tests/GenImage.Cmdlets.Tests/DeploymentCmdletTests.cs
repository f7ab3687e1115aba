namespace GenImage.Cmdlets.Tests;

/// <summary>
/// Test-ImageDeployment through the hosted engine against the emulator: a good version boots, a badly prepared one
/// fails with the explanation, and neither leaves a VM behind; Ctrl+C during the deployment still cleans up.
/// Each test publishes its own version, so each starts its own emulator.
/// </summary>
public sealed class DeploymentCmdletTests
{
    private const string LinuxDefinition =
        "New-GalleryImageDefinition -ResourceGroupName rg-images -GalleryName gal_validate -Name ubuntu -Publisher contoso -Offer ubuntu -Sku 22_04 " +
        "-OsType Linux -HyperVGeneration V2 -CreateGallery | Out-Null";

    private const string WindowsDefinition =
        "New-GalleryImageDefinition -ResourceGroupName rg-images -GalleryName gal_validate -Name win -Publisher contoso -Offer windows -Sku 2022 " +
        "-OsType Windows -HyperVGeneration V2 -SecurityType TrustedLaunch -CreateGallery | Out-Null";

    /// <summary>A good Linux version: prepared (deprovisioned), generalized, published to westeurope.</summary>
    private static string PublishGoodLinux(ModuleSession session)
    {
        var r = session.Run(LinuxDefinition + "; " +
            "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force | " +
            "New-GalleryImageVersion -GalleryName gal_validate -DefinitionName ubuntu -Name 1.0.0");
        Assert.True(r.Succeeded, r.Describe());
        return r.SingleOutput().Get<string>("Id");
    }

    /// <summary>A bad Windows version: the classic world's VM that stopped without Sysprep, generalized as it is.</summary>
    private static string PublishUnpreparedWindows(ModuleSession session)
    {
        var r = session.Run(WindowsDefinition + "; " +
            "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win-unprepared -AssumePrepared -Force -WarningAction SilentlyContinue | " +
            "New-GalleryImageVersion -GalleryName gal_validate -DefinitionName win -Name 1.0.0");
        Assert.True(r.Succeeded, r.Describe());
        return r.SingleOutput().Get<string>("Id");
    }

    private static List<string> ValidationVmNames(EmulatorFixture emulator) =>
        emulator.RequestLog
            .Where(e => e.Method == "PUT" && e.Path.Contains("/virtualMachines/giv-", StringComparison.OrdinalIgnoreCase))
            .Select(e => e.Path[(e.Path.LastIndexOf('/') + 1)..])
            .Distinct()
            .ToList();

    private static void AssertNothingLeft(EmulatorFixture emulator, PSObject result)
    {
        var names = ValidationVmNames(emulator);
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            Assert.Null(emulator.FindVm("rg-images", name));
        }

        Assert.Empty(result.Get<IList<string>>("ResourcesLeftBehind"));
        Assert.Equal(result.Get<IList<string>>("ResourcesCreated"), result.Get<IList<string>>("ResourcesRemoved"));
        // The OS disk was checked after the delete and is gone.
        var disk = result.Get<IList<string>>("ResourcesRemoved").Single(id => id.Contains("/disks/", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(emulator.RequestLog, e => e.Method == "GET" && disk.EndsWith(e.Path, StringComparison.OrdinalIgnoreCase) && e.Status == 404);
    }

    [Fact]
    public async Task Good_version_boots_reports_durations_and_leaves_no_vm_behind()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        var versionId = PublishGoodLinux(session);
        emulator.Host.ClearRequestLog();

        var r = session.Run("Get-GalleryImageVersion rg-images gal_validate ubuntu 1.0.0 | Test-ImageDeployment");

        Assert.True(r.Succeeded, r.Describe());
        var result = r.SingleOutput();
        Assert.Equal("GenImage.ValidationResult", result.TypeName());
        Assert.Equal("Succeeded", result.Get<string>("Outcome"));
        Assert.Equal(versionId, result.Get<string>("VersionId"), ignoreCase: true);
        Assert.Equal("westeurope", result.Get<string>("Region"));
        Assert.StartsWith("giv-", result.Get<string>("VmName"));
        Assert.Equal("Standard_D2s_v5", result.Get<string>("VmSize"));
        Assert.NotNull(result.Get("TimeToProvisioned"));
        Assert.NotNull(result.Get("TimeToAgentReady"));
        Assert.Null(result.Get("ErrorCode"));
        Assert.NotEmpty(result.Get<IList<string>>("SerialLogExcerpt"));
        Assert.Empty(r.Warnings);
        AssertNothingLeft(emulator, result);
        // Boot diagnostics were read through the SAS URI, and the URI's signature never reached a log.
        Assert.Contains(emulator.RequestLog, e => e.Path.EndsWith("/retrieveBootDiagnosticsData", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(r.Verbose, v => v.Message.Contains("sig=", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Version_of_a_definition_with_a_purchase_plan_deploys_with_the_plan_and_leaves_no_vm_behind()
    {
        // examples/worlds/readiness.yaml: vm-market comes from a marketplace image; market-plan carries its plan, and
        // ARM refuses a VM from such an image unless the request carries the plan.
        await using var emulator = await EmulatorFixture.StartAsync(ReadinessWorldFixture.World);
        using var session = emulator.Connect();
        var published = session.Run(
            "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-market -Prepare -Force | " +
            "New-GalleryImageVersion -GalleryName galimages -DefinitionName market-plan -Name 1.0.0");
        Assert.True(published.Succeeded, published.Describe());
        var versionId = published.SingleOutput().Get<string>("Id");
        emulator.Host.ClearRequestLog();

        var r = session.Run("Test-ImageDeployment -ImageId $id", new { id = versionId });

        Assert.True(r.Succeeded, r.Describe());
        var result = r.SingleOutput();
        Assert.Equal("Succeeded", result.Get<string>("Outcome"));
        Assert.Null(result.Get("ErrorCode"));
        var put = Assert.Single(emulator.RequestLog, e => e.Method == "PUT" && e.Path.Contains("/virtualMachines/giv-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(201, put.Status);
        AssertNothingLeft(emulator, result);
    }

    [Fact]
    public async Task Badly_prepared_version_fails_with_the_explanation_and_leaves_no_vm_behind()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.ClassicFailures);
        using var session = emulator.Connect();
        var versionId = PublishUnpreparedWindows(session);
        emulator.Host.ClearRequestLog();

        var r = session.Run("Test-ImageDeployment -ImageId $id", new { id = versionId });

        Assert.Empty(r.Errors);
        var result = r.SingleOutput();
        Assert.Equal("Failed", result.Get<string>("Outcome"));
        Assert.Equal("OSProvisioningTimedOut", result.Get<string>("ErrorCode"));
        Assert.Contains("generalized without Sysprep", result.Get<string>("Explanation"));
        Assert.Null(result.Get("TimeToProvisioned"));
        Assert.Equal("TrustedLaunch", result.Get<string>("SecurityType"));
        var warning = Assert.Single(r.Warnings);
        Assert.Contains("OSProvisioningTimedOut", warning.Message);
        AssertNothingLeft(emulator, result);
    }

    [Fact]
    public async Task FailOnError_stops_with_ValidationFailed_after_cleaning_up()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.ClassicFailures);
        using var session = emulator.Connect();
        var versionId = PublishUnpreparedWindows(session);
        emulator.Host.ClearRequestLog();

        var r = session.Run("try { Test-ImageDeployment -ImageId $id -FailOnError -WarningAction SilentlyContinue; 'not stopped' } catch { $_ }", new { id = versionId });

        Assert.True(r.Succeeded, r.Describe());
        var record = Assert.IsType<ErrorRecord>(r.Output.Last().BaseObject);
        Assert.StartsWith("GenImage.ValidationFailed", record.FullyQualifiedErrorId);
        Assert.Contains("OSProvisioningTimedOut", record.Exception.Message);
        Assert.DoesNotContain(r.Output, o => "not stopped".Equals(o.BaseObject));
        AssertNothingLeft(emulator, r.Output.Single(o => o.TypeName() == "GenImage.ValidationResult"));
    }

    [Fact]
    public async Task Ctrl_C_during_the_deployment_still_deletes_the_vm()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.ClassicFailures);
        using var session = emulator.Connect();
        var versionId = PublishUnpreparedWindows(session);
        emulator.Host.ClearRequestLog();

        using var stop = new CancellationTokenSource();
        void OnRequest(GenImage.Emulator.RequestLogEntry e)
        {
            // Press Ctrl+C once ARM has accepted the validation VM.
            if (e.Method == "PUT" && e.Path.Contains("/virtualMachines/giv-", StringComparison.OrdinalIgnoreCase) && e.Status is 200 or 201)
            {
                stop.Cancel();
            }
        }
        emulator.Host.RequestCompleted += OnRequest;
        session.Session.SetVariable("id", versionId);
        ScriptResult r;
        try
        {
            r = await session.RunAsync("Test-ImageDeployment -ImageId $id", new RunOptions { CancellationToken = stop.Token });
        }
        finally
        {
            emulator.Host.RequestCompleted -= OnRequest;
        }

        Assert.True(r.Stopped, r.Describe());
        Assert.Empty(r.Output);
        var name = Assert.Single(ValidationVmNames(emulator));
        Assert.Null(emulator.FindVm("rg-images", name));
        Assert.Contains(emulator.RequestLog, e => e.Method == "DELETE" && e.Path.EndsWith("/virtualMachines/" + name, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task KeepVm_keeps_the_vm_and_names_it()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        var versionId = PublishGoodLinux(session);

        var r = session.Run("Test-ImageDeployment -ImageId $id -KeepVm -Tag @{ ticket = 'INC-1' }", new { id = versionId });

        Assert.True(r.Succeeded, r.Describe());
        var result = r.SingleOutput();
        Assert.True(result.Get<bool>("Kept"));
        var name = result.Get<string>("VmName");
        var vm = emulator.FindVm("rg-images", name);
        Assert.NotNull(vm);
        Assert.Contains(r.Warnings, w => w.Message.Contains(name, StringComparison.Ordinal));
        Assert.Equal(result.Get<IList<string>>("ResourcesCreated"), result.Get<IList<string>>("ResourcesLeftBehind"));
    }

    [Fact]
    public async Task WhatIf_creates_nothing()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        var versionId = PublishGoodLinux(session);
        emulator.Host.ClearRequestLog();

        var r = session.Run("Test-ImageDeployment -ImageId $id -WhatIf", new { id = versionId });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Empty(r.Output);
        Assert.Empty(ValidationVmNames(emulator));
        Assert.DoesNotContain(emulator.RequestLog, e => e.Method is "PUT" or "DELETE" or "POST");
    }

    [Fact]
    public async Task Region_the_version_is_not_replicated_to_fails_without_creating_a_vm()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        var versionId = PublishGoodLinux(session);
        emulator.Host.ClearRequestLog();

        var r = session.Run("Test-ImageDeployment -ImageId $id -Region westeurope, 'North Europe' -WarningAction SilentlyContinue", new { id = versionId });

        Assert.Empty(r.Errors);
        Assert.Equal(new[] { "Succeeded", "Failed" }, r.Output.Select(o => o.Get<string>("Outcome")));
        Assert.Equal("ImageNotInRegion", r.Output[1].Get<string>("ErrorCode"));
        Assert.Equal("northeurope", r.Output[1].Get<string>("Region"));
        Assert.Single(ValidationVmNames(emulator));
    }
}
