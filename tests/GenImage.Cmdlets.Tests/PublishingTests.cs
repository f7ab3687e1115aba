namespace GenImage.Cmdlets.Tests;

/// <summary>
/// The publishing cmdlets through the hosted engine against the emulator: definition, version with replication
/// progress, -Increment, -NoWait, the release channel, removal and managed images. Each test changes state, so
/// each starts its own emulator; the gallery is created by the test (New-GalleryImageDefinition -CreateGallery).
/// </summary>
public sealed class PublishingTests
{
    internal const string Gallery = "gal_publish";
    internal const string WinDef = "win2022-tl";
    internal const string LinuxDef = "ubuntu-2204";

    /// <summary>Creates the gallery and a Windows (Gen2, Trusted Launch) and a Linux (Gen2) definition.</summary>
    internal const string CreateDefinitions =
        "New-GalleryImageDefinition -ResourceGroupName rg-images -GalleryName gal_publish -Name win2022-tl -Publisher contoso -Offer windows -Sku 2022-tl " +
        "  -OsType Windows -HyperVGeneration V2 -SecurityType TrustedLaunch -CreateGallery -Description 'Windows Server 2022, Trusted Launch' | Out-Null; " +
        "New-GalleryImageDefinition -ResourceGroupName rg-images -GalleryName gal_publish -Name ubuntu-2204 -Publisher contoso -Offer ubuntu -Sku 22_04 " +
        "  -OsType Linux -HyperVGeneration V2 | Out-Null";

    internal const string GeneralizeLinux = "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force | Out-Null";

    internal static bool IsWrite(GenImage.Emulator.RequestLogEntry e) =>
        !string.Equals(e.Method, "GET", StringComparison.OrdinalIgnoreCase) &&
        !string.Equals(e.Method, "HEAD", StringComparison.OrdinalIgnoreCase);

    internal static string VmId(string vm) => $"/subscriptions/{Worlds.SubscriptionId}/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/{vm}";

    [Fact]
    public async Task Generalize_then_publish_to_three_regions_reaches_completed_everywhere()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(CreateDefinitions).EnsureSuccess();

        var r = session.Run(
            "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -Force | " +
            "New-GalleryImageVersion -GalleryName gal_publish -DefinitionName win2022-tl -Name 1.0.0 -TargetRegion westeurope, 'northeurope=2', 'eastus=1=Standard_ZRS'");

        Assert.True(r.Succeeded, r.Describe());
        var version = r.SingleOutput();
        Assert.Equal("GenImage.GalleryImageVersion", version.TypeName());
        Assert.Equal("1.0.0", version.Get<string>("Name"));
        Assert.Equal("Succeeded", version.Get<string>("ProvisioningState"));
        Assert.Equal("Completed", version.Get<string>("ReplicationState"));
        Assert.Equal(VmId(Worlds.WindowsVm), version.Get<string>("SourceId"), ignoreCase: true);
        Assert.True(version.Get<bool>("IsLatest"));
        Assert.NotNull(version.Get("PublishedDate"));
        var regions = ((System.Collections.IEnumerable)version.Get("Regions")!).Cast<object>().Select(PSObject.AsPSObject).ToList();
        Assert.Equal(new[] { "westeurope", "northeurope", "eastus" }, regions.Select(x => x.Get<string>("Region")));
        Assert.All(regions, x => Assert.Equal(("Completed", 100), (x.Get<string>("State"), x.Get<int>("Progress"))));
        Assert.Equal(2, regions[1].Get<int>("ReplicaCount"));
        Assert.Equal("Standard_ZRS", regions[2].Get<string>("StorageAccountType"));

        // One child bar per region under the fixed parent activity; every bar ends Completed.
        var children = r.Progress.Where(p => p.ParentActivityId == 4110).ToList();
        Assert.Equal(3, children.Select(p => p.ActivityId).Distinct().Count());
        Assert.Contains(children, p => p.Activity == "Replicating to eastus" && p.PercentComplete == 100);
        Assert.All(children.GroupBy(p => p.ActivityId), g => Assert.Equal(ProgressRecordType.Completed, g.Last().RecordType));
        Assert.Equal(ProgressRecordType.Completed, r.Progress.Last(p => p.ActivityId == 4110).RecordType);

        var definition = session.Run("Get-GalleryImageDefinition -ResourceGroupName rg-images -GalleryName gal_publish -Name win2022-tl").SingleOutput();
        Assert.Equal("1.0.0", definition.Get<string>("LatestVersion"));
        Assert.Equal("TrustedLaunch", definition.Get<string>("SecurityType"));

        var listed = session.Run("Get-GalleryImageVersion rg-images gal_publish win2022-tl '1.*'");
        Assert.True(listed.Succeeded, listed.Describe());
        Assert.Equal("Completed", listed.SingleOutput().Get<string>("ReplicationState"));
    }

    [Fact]
    public async Task A_version_records_the_marketplace_base_of_its_source_vm_and_its_evidence_reports_it()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(CreateDefinitions + "; " + GeneralizeLinux).EnsureSuccess();

        var r = session.Run(
            "$v = New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -Name 1.0.0 -Tag @{ owner = 'platform-team' }; " +
            "$v.Tags['genimage.base.publisher'], $v.Tags['genimage.base.offer'], $v.Tags['genimage.base.sku'], $v.Tags['genimage.base.version'], $v.Tags['owner']; " +
            "(Get-ImageEvidence -VersionId $v.Id).Source.BaseImage.ToString(); " +
            "(Get-SourceVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src).BaseImage.Version",
            new { vmId = VmId(Worlds.LinuxVm) });

        Assert.True(r.Succeeded, r.Describe());
        // The healthy world's Ubuntu VM is on "latest" of jammy gen2; its exactVersion is the version recorded.
        Assert.Equal(["Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2", "22.04.202401120", "platform-team",
            "Canonical/0001-com-ubuntu-server-jammy/22_04-lts-gen2/22.04.202401120", "22.04.202401120"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public async Task Increment_computes_the_version_from_the_existing_ones()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(CreateDefinitions + "; " + GeneralizeLinux).EnsureSuccess();

        var r = session.Run(
            "$src = $vmId; " +
            "New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $src -Name 1.4.2 | Out-Null; " +
            "(New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $src -Increment Minor -SkipPreflight -WarningAction SilentlyContinue).Name; " +
            "(New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $src -SkipPreflight -WarningAction SilentlyContinue).Name; " +
            "(New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $src -Increment Major -SkipPreflight -WarningAction SilentlyContinue).Name",
            new { vmId = VmId(Worlds.LinuxVm) });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(new[] { "1.5.0", "1.5.1", "2.0.0" }, r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public async Task NoWait_returns_at_once_with_the_version_creating()
    {
        var clock = new TestClock();
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.Healthy, time: clock);
        using var session = emulator.Connect();
        session.Run(CreateDefinitions + "; " + GeneralizeLinux).EnsureSuccess();
        // From here the emulator's clock stands still: replication cannot finish during the call.
        clock.Freeze();

        var r = session.Run("New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -Name 1.0.0 -TargetRegion westeurope, eastus -NoWait",
            new { vmId = VmId(Worlds.LinuxVm) });

        Assert.True(r.Succeeded, r.Describe());
        var version = r.SingleOutput();
        Assert.Equal("Creating", version.Get<string>("ProvisioningState"));
        Assert.DoesNotContain(r.Progress, p => p.ParentActivityId == 4110);
        var got = session.Run("Get-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0");
        Assert.True(got.Succeeded, got.Describe());
        Assert.Equal("1.0.0", got.SingleOutput().Get<string>("Name"));
    }

    [Fact]
    public async Task Promote_and_rollback_change_what_latest_resolves_to()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(CreateDefinitions + "; " + GeneralizeLinux).EnsureSuccess();
        session.Run(
            "New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -Name 1.0.0 | Out-Null; " +
            "New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -Name 1.1.0 -ExcludeFromLatest -WarningAction SilentlyContinue | Out-Null",
            new { vmId = VmId(Worlds.LinuxVm) }).EnsureSuccess();
        const string latest = "(Get-GalleryImageDefinition rg-images gal_publish ubuntu-2204).LatestVersion";
        Assert.Equal("1.0.0", session.Run(latest).SingleOutput().ToString());

        var promote = session.Run("Publish-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.1.0 -Confirm:$false");
        Assert.True(promote.Succeeded, promote.Describe());
        var promoted = promote.SingleOutput();
        Assert.Equal("GenImage.GalleryReleaseResult", promoted.TypeName());
        Assert.Equal(("1.0.0", "1.1.0", true), (promoted.Get<string>("PreviousLatestVersion"), promoted.Get<string>("LatestVersion"), promoted.Get<bool>("Changed")));
        Assert.Equal("1.1.0", session.Run(latest).SingleOutput().ToString());

        emulator.Host.ClearRequestLog();
        var again = session.Run("Publish-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.1.0 -Confirm:$false").SingleOutput();
        Assert.False(again.Get<bool>("Changed"));
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);

        var rollback = session.Run("Get-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.1.0 | Undo-GalleryImageVersion -Confirm:$false");
        Assert.True(rollback.Succeeded, rollback.Describe());
        var rolled = rollback.SingleOutput();
        Assert.Equal(("Rollback", "1.1.0", "1.0.0"), (rolled.Get<string>("Action"), rolled.Get<string>("PreviousLatestVersion"), rolled.Get<string>("LatestVersion")));
        Assert.True(rolled.Get<bool>("ExcludeFromLatest"));
        Assert.Equal("1.0.0", session.Run(latest).SingleOutput().ToString());
        Assert.True(session.Run("Get-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.1.0").SingleOutput().Get<bool>("ExcludeFromLatest"));
    }

    [Fact]
    public async Task Deletion_blocked_before_end_of_life_is_refused_before_the_call_until_lifted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(CreateDefinitions + "; " + GeneralizeLinux).EnsureSuccess();
        var created = session.Run("New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -Name 1.0.0 -TargetRegion westeurope, northeurope " +
            "-EndOfLifeDate ([datetime]::UtcNow.AddDays(90)) -BlockDeletionBeforeEndOfLife -AllowDeletionOfReplicatedLocation:$false", new { vmId = VmId(Worlds.LinuxVm) });
        Assert.True(created.Succeeded, created.Describe());
        // The PUT carried the safety profile at the api-version that has it.
        var put = emulator.RequestLog.Single(e => e.Method == "PUT" && e.Path.EndsWith("/versions/1.0.0", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("api-version=2024-03-03", put.Query, StringComparison.Ordinal);
        var read = session.Run("Get-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0").SingleOutput();
        Assert.True(read.Get<bool?>("BlockDeletionBeforeEndOfLife"));
        Assert.False(read.Get<bool?>("AllowDeletionOfReplicatedLocation"));
        Assert.True(read.Get<bool>("IsDeletionBlocked"));
        emulator.Host.ClearRequestLog();

        var refused = session.Run("Remove-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0 -Force");
        var error = Assert.Single(refused.Errors);
        Assert.StartsWith("GenImage.GalleryImageVersionDeletionBlocked", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);

        // A retry of a region is refused too: removing a replicated region is not allowed.
        var retry = session.Run("Set-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0 -RetryRegion northeurope -Confirm:$false");
        Assert.StartsWith("GenImage.RetryRegionRemovalNotAllowed", Assert.Single(retry.Errors).FullyQualifiedErrorId);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);

        // Azure refuses it as well when asked directly (the emulator's answer to a blocked delete).
        var lifted = session.Run("Set-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0 -BlockDeletionBeforeEndOfLife:$false -AllowDeletionOfReplicatedLocation -Confirm:$false");
        Assert.True(lifted.Succeeded, lifted.Describe());
        Assert.False(lifted.SingleOutput().Get<bool?>("BlockDeletionBeforeEndOfLife"));

        var retried = session.Run("Set-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0 -RetryRegion 'North Europe' -Confirm:$false");
        Assert.True(retried.Succeeded, retried.Describe());
        Assert.Equal(2, emulator.RequestLog.Count(e => e.Method == "PATCH" && e.Path.EndsWith("/versions/1.0.0", StringComparison.OrdinalIgnoreCase)) - 1);
        Assert.Contains(retried.SingleOutput().Items("Regions"), r => r.Get<string>("Region") == "northeurope");

        var removed = session.Run("Remove-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0 -Force");
        Assert.True(removed.Succeeded, removed.Describe());
        Assert.Contains(emulator.RequestLog, e => e.Method == "DELETE" && e.Path.EndsWith("/versions/1.0.0", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Blocking_deletion_without_an_end_of_life_is_a_GenImage_error_before_any_call()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(CreateDefinitions).EnsureSuccess();
        emulator.Host.ClearRequestLog();

        var r = session.Run("New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -Name 1.0.0 -BlockDeletionBeforeEndOfLife", new { vmId = VmId(Worlds.LinuxVm) });

        Assert.StartsWith("GenImage.DeletionBlockNeedsEndOfLife", Assert.Single(r.Errors).FullyQualifiedErrorId);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
    }

    [Fact]
    public async Task Remove_refuses_the_only_latest_version_unless_forced()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(CreateDefinitions + "; " + GeneralizeLinux).EnsureSuccess();
        session.Run("New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -Name 1.0.0 | Out-Null", new { vmId = VmId(Worlds.LinuxVm) }).EnsureSuccess();
        emulator.Host.ClearRequestLog();

        var refused = session.Run("Remove-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0 -Confirm:$false");
        var error = Assert.Single(refused.Errors);
        Assert.StartsWith("GenImage.LatestVersionRemoval", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);

        var asked = session.Run("Remove-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0 -Force -Confirm");
        Assert.Single(session.Prompts);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);

        var forced = session.Run("Remove-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0 -Force");
        Assert.True(forced.Succeeded, forced.Describe());
        Assert.Contains(emulator.RequestLog, e => e.Method == "DELETE" && e.Path.EndsWith("/versions/1.0.0", StringComparison.OrdinalIgnoreCase));
        var gone = session.Run("Get-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0");
        Assert.StartsWith("GenImage.GalleryImageVersionNotFound", Assert.Single(gone.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public async Task Set_changes_end_of_life_exclusion_and_tags()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(CreateDefinitions + "; " + GeneralizeLinux).EnsureSuccess();
        session.Run("New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -Name 1.0.0 | Out-Null", new { vmId = VmId(Worlds.LinuxVm) }).EnsureSuccess();

        var r = session.Run("Set-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0 -EndOfLifeDate ([datetime]'2031-01-31') -ExcludeFromLatest -Tag @{ channel = 'beta' } -Confirm:$false");

        Assert.True(r.Succeeded, r.Describe());
        var v = session.Run("Get-GalleryImageVersion rg-images gal_publish ubuntu-2204 1.0.0").SingleOutput();
        Assert.True(v.Get<bool>("ExcludeFromLatest"));
        Assert.False(v.Get<bool>("IsLatest"));
        Assert.Equal(2031, v.Get<DateTimeOffset>("EndOfLifeDate").Year);
        Assert.Equal("beta", ((System.Collections.IDictionary)v.Get("Tags")!)["channel"]);
    }

    [Fact]
    public async Task Bad_target_region_strings_name_the_bad_token_and_write_nothing()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(CreateDefinitions + "; " + GeneralizeLinux).EnsureSuccess();
        emulator.Host.ClearRequestLog();

        var r = session.Run(
            "New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -TargetRegion westeurope, 'eastus=two'; " +
            "New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -TargetRegion 'eastus=2=Standard_LRS=extra'; " +
            "New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -TargetRegion @{ Name = 'eastus'; Replicas = 2 }",
            new { vmId = VmId(Worlds.LinuxVm) });

        Assert.Equal(3, r.Errors.Count);
        Assert.All(r.Errors, e =>
        {
            Assert.StartsWith("GenImage.InvalidTargetRegion", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
        });
        Assert.Contains("'eastus=two'", r.Errors[0].Exception.Message);
        Assert.Contains("'eastus=2=Standard_LRS=extra'", r.Errors[1].Exception.Message);
        Assert.Contains("unknown key 'Replicas'", r.Errors[2].Exception.Message);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
    }

    [Fact]
    public async Task Definition_with_the_same_publisher_offer_sku_is_refused()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(CreateDefinitions).EnsureSuccess();
        emulator.Host.ClearRequestLog();

        var r = session.Run("New-GalleryImageDefinition rg-images gal_publish ubuntu-copy -Publisher CONTOSO -Offer ubuntu -Sku 22_04 -OsType Linux -HyperVGeneration V2");

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.GalleryImageIdentifierInUse", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Contains("'ubuntu-2204'", error.Exception.Message);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
        Assert.Equal(2, session.Run("Get-GalleryImageDefinition rg-images gal_publish").Output.Count);
    }

    [Fact]
    public async Task Managed_image_from_a_generalized_vm_and_refused_from_a_running_one()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(GeneralizeLinux).EnsureSuccess();
        emulator.Host.ClearRequestLog();

        var refused = session.Run("New-ManagedImage -ResourceGroupName rg-images -Name img-win -SourceId $vmId", new { vmId = VmId(Worlds.WindowsVm) });
        var error = Assert.Single(refused.Errors);
        Assert.StartsWith("GenImage.PreflightFailed", error.FullyQualifiedErrorId);
        Assert.Contains("GI1002", error.Exception.Message);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);

        var r = session.Run("Get-SourceVm rg-images vm-ubuntu2204-src | ForEach-Object { New-ManagedImage -ResourceGroupName rg-images -Name img-ubuntu -SourceId $_.Id -Confirm:$false }");
        Assert.True(r.Succeeded, r.Describe());
        var image = r.SingleOutput();
        Assert.Equal("GenImage.ManagedImage", image.TypeName());
        Assert.Equal("img-ubuntu", image.Get<string>("Name"));
        Assert.Equal("Succeeded", image.Get<string>("ProvisioningState"));
        Assert.Contains(emulator.RequestLog, e => e.Method == "PUT" && e.Path.EndsWith("/images/img-ubuntu", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task WhatIf_runs_the_preflight_and_writes_nothing()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(CreateDefinitions + "; " + GeneralizeLinux).EnsureSuccess();
        emulator.Host.ClearRequestLog();

        var r = session.Run("New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -TargetRegion eastus -WhatIf",
            new RunOptions { Variables = new { vmId = VmId(Worlds.LinuxVm) }, RenderToHost = true });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Empty(r.Output);
        Assert.Contains(r.WarningMessages, w => w.StartsWith("GI4002", StringComparison.Ordinal) && w.Contains("westeurope"));
        Assert.Contains("Create image version 1.0.0", session.Transcript);
        Assert.Contains("westeurope=1=Standard_LRS, eastus=1=Standard_LRS", session.Transcript);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
    }
}
