namespace GenImage.Cmdlets.Tests;

/// <summary>
/// One emulator for the pre-flight refusals: the Linux VM generalized, the Windows VM left running, a version
/// 1.0.0 published, and one definition per mismatch. Refusals write nothing, so the cases share the world.
/// </summary>
public sealed class PublishingPreflightFixture : IAsyncLifetime
{
    public EmulatorFixture Emulator { get; private set; } = null!;
    public ModuleSession Session { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorFixture.StartAsync();
        Session = Emulator.Connect();
        Session.Run(PublishingTests.CreateDefinitions + "; " + PublishingTests.GeneralizeLinux + "; " +
            "$common = @{ ResourceGroupName = 'rg-images'; GalleryName = 'gal_publish'; Publisher = 'contoso' }; " +
            "New-GalleryImageDefinition @common -Name ubuntu-gen1 -Offer ubuntu -Sku gen1 -OsType Linux -HyperVGeneration V1 | Out-Null; " +
            "New-GalleryImageDefinition @common -Name ubuntu-specialized -Offer ubuntu -Sku specialized -OsType Linux -OsState Specialized -HyperVGeneration V2 | Out-Null; " +
            "New-GalleryImageDefinition @common -Name ubuntu-arm64 -Offer ubuntu -Sku arm64 -OsType Linux -HyperVGeneration V2 -Architecture Arm64 | Out-Null; " +
            "New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -Name 1.0.0 | Out-Null",
            new { vmId = PublishingTests.VmId(Worlds.LinuxVm) }).EnsureSuccess();
    }

    public async Task DisposeAsync()
    {
        Session.Dispose();
        await Emulator.DisposeAsync();
    }
}

/// <summary>Every pre-flight refusal: error GenImage.PreflightFailed, the rule id reachable from the script, no write.</summary>
public sealed class PublishingPreflightTests : IClassFixture<PublishingPreflightFixture>
{
    private readonly PublishingPreflightFixture _world;

    public PublishingPreflightTests(PublishingPreflightFixture world) => _world = world;

    [Theory]
    [InlineData("GI1002", "vm-win2022-src", "win2022-tl", "-Name 2.0.0")]                         // running VM into a Generalized definition
    [InlineData("GI2001", "vm-ubuntu2204-src", "win2022-tl", "-Name 2.0.0")]                      // Linux into Windows
    [InlineData("GI1002", "vm-ubuntu2204-src", "ubuntu-specialized", "-Name 2.0.0")]              // generalized VM into Specialized
    [InlineData("GI2003", "vm-ubuntu2204-src", "ubuntu-gen1", "-Name 2.0.0")]                     // Gen2 VM into V1
    [InlineData("GI2005", "vm-ubuntu2204-src", "ubuntu-arm64", "-Name 2.0.0")]                    // x64 VM into Arm64
    [InlineData("GI3001", "vm-ubuntu2204-src", "ubuntu-2204", "-Name 2.0")]                       // version format
    [InlineData("GI3002", "vm-ubuntu2204-src", "ubuntu-2204", "-Name 1.0.0")]                     // version exists
    [InlineData("GI3001", "vm-ubuntu2204-src", "ubuntu-2204", "-Name 02.0.0")]                    // leading zero
    [InlineData("GI3002", "vm-ubuntu2204-src", "ubuntu-2204", "-Name 01.0.0")]                    // 1.0.0 under another name
    [InlineData("GI4001", "vm-ubuntu2204-src", "ubuntu-2204", "-Name 2.0.0 -TargetRegion westeurop")]
    [InlineData("GI4003", "vm-ubuntu2204-src", "ubuntu-2204", "-Name 2.0.0 -TargetRegion 'eastus=0'")]
    [InlineData("GI4003", "vm-ubuntu2204-src", "ubuntu-2204", "-Name 2.0.0 -TargetRegion 'eastus=101'")]
    [InlineData("GI4004", "vm-ubuntu2204-src", "ubuntu-2204", "-Name 2.0.0 -TargetRegion 'eastus=1=Premium_ZRS'")]
    public void Refusal_names_the_rule_and_writes_nothing(string ruleId, string vm, string definition, string extra)
    {
        _world.Emulator.Host.ClearRequestLog();

        var r = _world.Session.Run($"New-GalleryImageVersion rg-images gal_publish {definition} -SourceId $vmId {extra}", new { vmId = PublishingTests.VmId(vm) });

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.PreflightFailed", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Contains(ruleId + " ", error.Exception.Message);
        Assert.Contains(ruleId, error.ErrorDetails.RecommendedAction);
        Assert.Empty(r.Output);
        Assert.DoesNotContain(_world.Emulator.RequestLog, PublishingTests.IsWrite);

        // Scripts read the findings from the exception.
        var ids = _world.Session.Run(
            $"try {{ New-GalleryImageVersion rg-images gal_publish {definition} -SourceId $vmId {extra} -ErrorAction Stop }} " +
            "catch { $_.Exception.Findings | Where-Object { $_.IsBlocking } | ForEach-Object { $_.RuleId } }",
            new { vmId = PublishingTests.VmId(vm) });
        Assert.Contains(ruleId, ids.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void A_leading_zero_is_refused_even_with_SkipPreflight()
    {
        _world.Emulator.Host.ClearRequestLog();

        var r = _world.Session.Run("New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -Name 03.0.0 -SkipPreflight -WarningAction SilentlyContinue",
            new { vmId = PublishingTests.VmId("vm-ubuntu2204-src") });

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.InvalidVersionName", error.FullyQualifiedErrorId);
        Assert.Contains("GI3001", error.Exception.Message);
        Assert.DoesNotContain(_world.Emulator.RequestLog, PublishingTests.IsWrite);
    }

    [Fact]
    public void Version_lower_than_latest_is_a_warning_not_a_refusal_and_WhatIf_writes_nothing()
    {
        _world.Emulator.Host.ClearRequestLog();

        var r = _world.Session.Run("New-GalleryImageVersion rg-images gal_publish ubuntu-2204 -SourceId $vmId -Name 0.9.0 -WhatIf",
            new { vmId = PublishingTests.VmId(Worlds.LinuxVm) });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Contains(r.WarningMessages, w => w.StartsWith("GI3003", StringComparison.Ordinal));
        Assert.DoesNotContain(_world.Emulator.RequestLog, PublishingTests.IsWrite);
    }

    [Fact]
    public void SkipPreflight_says_loudly_what_it_skipped()
    {
        _world.Emulator.Host.ClearRequestLog();

        var r = _world.Session.Run("New-GalleryImageVersion rg-images gal_publish ubuntu-gen1 -SourceId $vmId -Name 2.0.0 -SkipPreflight -WhatIf",
            new { vmId = PublishingTests.VmId(Worlds.LinuxVm) });

        Assert.True(r.Succeeded, r.Describe());
        var warning = Assert.Single(r.WarningMessages, w => w.Contains("-SkipPreflight", StringComparison.Ordinal));
        Assert.Contains("Hyper-V generation (GI2003)", warning);
        Assert.DoesNotContain(_world.Emulator.RequestLog, PublishingTests.IsWrite);
    }

    [Fact]
    public void A_missing_definition_is_object_not_found()
    {
        var r = _world.Session.Run("New-GalleryImageVersion rg-images gal_publish nope -SourceId $vmId", new { vmId = PublishingTests.VmId(Worlds.LinuxVm) });

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.GalleryImageDefinitionNotFound", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }
}

/// <summary>A Trusted Launch VM into a Standard definition (GI2004) needs a generalized Windows VM of its own.</summary>
public sealed class PublishingSecurityTypeTests
{
    [Fact]
    public async Task Trusted_launch_vm_into_a_standard_definition_is_refused_with_GI2004()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        session.Run(
            "New-GalleryImageDefinition rg-images gal_publish win2022-std -Publisher contoso -Offer windows -Sku 2022-std -OsType Windows -HyperVGeneration V2 -CreateGallery | Out-Null; " +
            "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -Force | Out-Null").EnsureSuccess();
        emulator.Host.ClearRequestLog();

        var r = session.Run("New-GalleryImageVersion rg-images gal_publish win2022-std -SourceId $vmId -Name 1.0.0", new { vmId = PublishingTests.VmId(Worlds.WindowsVm) });

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.PreflightFailed", error.FullyQualifiedErrorId);
        Assert.Contains("GI2004 ", error.Exception.Message);
        Assert.DoesNotContain(emulator.RequestLog, PublishingTests.IsWrite);
    }
}

/// <summary>
/// GI2007 end to end: a VM from a marketplace image with a plan (examples/worlds/readiness.yaml, vm-market) into a
/// definition without one is refused by the pre-flight before any write; ARM itself refuses it when the pre-flight is
/// skipped; a definition with the plan accepts it.
/// </summary>
public sealed class PublishingPurchasePlanTests
{
    private static readonly string MarketVmId = PublishingTests.VmId("vm-market");

    [Fact]
    public async Task Marketplace_vm_with_a_plan_into_a_definition_without_one_is_refused_with_GI2007()
    {
        await using var emulator = await EmulatorFixture.StartAsync(ReadinessWorldFixture.World, clockScale: 0);
        using var session = emulator.Connect();
        session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-market -Prepare -Force | Out-Null").EnsureSuccess();
        emulator.Host.ClearRequestLog();

        var r = session.Run("New-GalleryImageVersion rg-images galimages market-noplan -SourceId $vmId -Name 1.0.0", new { vmId = MarketVmId });

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.PreflightFailed", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Contains("GI2007 ", error.Exception.Message);
        Assert.Empty(r.Output);
        Assert.DoesNotContain(emulator.RequestLog, PublishingTests.IsWrite);

        // GI2007 is the only blocking finding: the VM is otherwise fit for the definition.
        var ids = session.Run(
            "try { New-GalleryImageVersion rg-images galimages market-noplan -SourceId $vmId -Name 1.0.0 -ErrorAction Stop } " +
            "catch { $_.Exception.Findings | Where-Object { $_.IsBlocking } | ForEach-Object { $_.RuleId } }",
            new { vmId = MarketVmId });
        Assert.Equal(new[] { "GI2007" }, ids.Output.Select(o => o.ToString()).ToArray());
        Assert.DoesNotContain(emulator.RequestLog, PublishingTests.IsWrite);
    }

    [Fact]
    public async Task Without_the_preflight_ARM_refuses_the_version_and_a_definition_with_the_plan_accepts_it()
    {
        await using var emulator = await EmulatorFixture.StartAsync(ReadinessWorldFixture.World, clockScale: 0);
        using var session = emulator.Connect();
        session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-market -Prepare -Force | Out-Null").EnsureSuccess();

        var skipped = session.Run("New-GalleryImageVersion rg-images galimages market-noplan -SourceId $vmId -Name 1.0.0 -SkipPreflight -TargetRegion westeurope",
            new { vmId = MarketVmId });
        var refusal = Assert.Single(skipped.Errors);
        Assert.DoesNotContain("PreflightFailed", refusal.FullyQualifiedErrorId);
        Assert.Contains("400 BadRequest", refusal.Exception.Message);
        Assert.Contains("purchase plan", refusal.Exception.Message);
        Assert.Null(emulator.Host.GetImageVersion(emulator.SubscriptionId, "rg-images", "galimages", "market-noplan", "1.0.0"));

        var accepted = session.Run("New-GalleryImageVersion rg-images galimages market-plan -SourceId $vmId -Name 1.0.0 -TargetRegion westeurope",
            new { vmId = MarketVmId });
        Assert.True(accepted.Succeeded, accepted.Describe());
        var version = accepted.SingleOutput();
        Assert.Equal("1.0.0", version.Get<string>("Name"));
        Assert.Equal(MarketVmId, version.Get<string>("SourceId"), ignoreCase: true);
    }
}
