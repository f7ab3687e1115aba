namespace GenImage.Cmdlets.Tests;

/// <summary>Test-ImageReadiness, Get-ImageReadinessRule and Get-GuestScript through the hosted engine against the emulator.</summary>
public sealed class ReadinessCmdletTests : IClassFixture<ReadinessWorldFixture>
{
    private const string Def = "-GalleryName galimages -DefinitionName";
    private readonly ReadinessWorldFixture _emulator;

    public ReadinessCmdletTests(ReadinessWorldFixture emulator) => _emulator = emulator;

    /// <summary>Anything but a read or the inspection's Run Command.</summary>
    private static bool IsWrite(GenImage.Emulator.RequestLogEntry e) =>
        !string.Equals(e.Method, "GET", StringComparison.OrdinalIgnoreCase) &&
        !string.Equals(e.Method, "HEAD", StringComparison.OrdinalIgnoreCase) &&
        !(string.Equals(e.Method, "POST", StringComparison.OrdinalIgnoreCase) && e.Path.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase));

    /// <summary>One rule, one VM, the parameters that set the scene, and the status the rule must report.</summary>
    public static TheoryData<string, string, string, string, string> Cases() => new()
    {
        // rule, vm, extra parameters, status, severity ("" = any)
        { "GI1001", "vm-good-win", "", "Pass", "" },
        { "GI1001", "vm-missing", "", "Fail", "Error" },
        { "GI1002", "vm-good-win", $"{Def} win-tl -WillGeneralize", "Pass", "" },
        { "GI1002", "vm-win-unprepared", $"{Def} win-tl", "Fail", "Error" },
        { "GI1003", "vm-win-generalized", $"{Def} win-tl", "Pass", "" },
        { "GI1003", "vm-win-generalized", $"{Def} win-tl -WillGeneralize", "Fail", "Warning" },
        { "GI1004", "vm-good-linux", "", "Pass", "" },
        { "GI1004", "vm-bigdisk", "", "Fail", "Error" },
        { "GI1004", "vm-ultra", "", "Fail", "Error" },
        { "GI2001", "vm-good-win", $"{Def} win-tl -WillGeneralize", "Pass", "" },
        { "GI2001", "vm-good-linux", $"{Def} win-std -WillGeneralize", "Fail", "Error" },
        { "GI2002", "vm-good-win", $"{Def} win-spec", "Pass", "" },
        { "GI2002", "vm-good-win", $"{Def} win-spec -WillGeneralize", "Fail", "Error" },
        { "GI2003", "vm-win-gen1", $"{Def} win-gen1 -WillGeneralize", "Pass", "" },
        { "GI2003", "vm-win-gen1", $"{Def} win-tl -WillGeneralize", "Fail", "Error" },
        { "GI2004", "vm-win-appx", $"{Def} win-tl -WillGeneralize", "Pass", "" },
        { "GI2004", "vm-win-appx", $"{Def} win-std -WillGeneralize", "Fail", "Error" },
        { "GI2004", "vm-win-gen1", $"{Def} win-tl -WillGeneralize", "Fail", "Error" },
        { "GI2005", "vm-good-linux", $"{Def} linux -WillGeneralize", "Pass", "" },
        { "GI2005", "vm-arm", $"{Def} linux -WillGeneralize", "Fail", "Error" },
        { "GI2006", "vm-good-linux", $"{Def} linux -WillGeneralize", "Pass", "" },
        { "GI2006", "vm-nvme", $"{Def} linux -WillGeneralize", "Fail", "Warning" },
        { "GI2007", "vm-good-linux", $"{Def} linux -WillGeneralize", "Pass", "" },
        { "GI2007", "vm-market", $"{Def} market-plan -WillGeneralize", "Pass", "" },
        { "GI2007", "vm-market", $"{Def} market-noplan -WillGeneralize", "Fail", "Error" },
        { "GI3001", "vm-good-linux", $"{Def} linux -Version 1.0.0", "Pass", "" },
        { "GI3001", "vm-good-linux", $"{Def} linux -Version 1.0", "Fail", "Error" },
        { "GI3002", "vm-good-linux", $"{Def} linux -Version 1.0.0", "Pass", "" },
        { "GI3003", "vm-good-linux", $"{Def} linux -Version 1.0.0", "Pass", "" },
        { "GI3004", "vm-good-linux", $"{Def} linux -Version 1.0.0 -EndOfLifeDate ([datetime]::UtcNow.AddDays(30))", "Pass", "" },
        { "GI3004", "vm-good-linux", $"{Def} linux -Version 1.0.0 -EndOfLifeDate ([datetime]::UtcNow.AddDays(-1))", "Fail", "Error" },
        { "GI3005", "vm-good-linux", $"{Def} linux -Version 1.0.0 -RequireExcludeFromLatest -ExcludeFromLatest", "Pass", "" },
        { "GI3005", "vm-good-linux", $"{Def} linux -Version 1.0.0 -RequireExcludeFromLatest", "Fail", "Warning" },
        { "GI4001", "vm-good-linux", "-TargetRegion westeurope,eastus", "Pass", "" },
        { "GI4001", "vm-good-linux", "-TargetRegion westeurope,westeurop", "Fail", "Error" },
        { "GI4002", "vm-good-linux", "-TargetRegion westeurope", "Pass", "" },
        { "GI4002", "vm-good-linux", "-TargetRegion northeurope", "Fail", "Warning" },
        { "GI4003", "vm-good-linux", "-TargetRegion westeurope=3", "Pass", "" },
        { "GI4003", "vm-good-linux", "-TargetRegion westeurope=0", "Fail", "Error" },
        { "GI4003", "vm-good-linux", "-TargetRegion westeurope=30", "Fail", "Warning" },
        { "GI4004", "vm-good-linux", "-TargetRegion westeurope=1=Premium_LRS", "Pass", "" },
        { "GI4004", "vm-good-linux", "-TargetRegion westeurope=1=Premium_ZRS", "Fail", "Error" },
        { "GI4005", "vm-good-linux", "-TargetRegion westeurope=1=Standard_ZRS", "Pass", "" },
        { "GI4005", "vm-good-linux", "-TargetRegion westeurope,westus=1=Standard_ZRS", "Fail", "Warning" },
        { "GI5001", "vm-good-linux", "", "Pass", "" },
        { "GI5001", "vm-ubuntu-noagent", "", "Fail", "Error" },
        { "GI5002", "vm-good-linux", "", "Pass", "" },
        { "GI5002", "vm-ubuntu-leftovers", "", "Fail", "Error" },
        { "GI5002", "vm-ubuntu-leftovers", "-WillGeneralize", "Fail", "Warning" },
        { "GI5003", "vm-good-linux", "", "Pass", "" },
        { "GI5003", "vm-ubuntu-leftovers", "", "Fail", "Error" },
        { "GI5004", "vm-good-linux", "", "Pass", "" },
        { "GI5004", "vm-ubuntu-leftovers", "", "Fail", "Error" },
        { "GI5005", "vm-good-linux", "", "Pass", "" },
        { "GI5005", "vm-ubuntu-leftovers", "", "Fail", "Error" },
        { "GI5006", "vm-good-linux", "", "Pass", "" },
        { "GI5006", "vm-ubuntu-leftovers", "-WillGeneralize", "Fail", "Warning" },
        { "GI5007", "vm-good-win", "", "Pass", "" },
        { "GI5007", "vm-win-messy", "", "Fail", "Error" },
        { "GI5008", "vm-good-win", "", "Pass", "" },
        { "GI5008", "vm-win-appx", "", "Fail", "Error" },
        { "GI5009", "vm-good-win", "", "Pass", "" },
        { "GI5009", "vm-win-messy", "", "Fail", "Error" },
        { "GI5010", "vm-good-win", "", "Pass", "" },
        { "GI5010", "vm-win-messy", "", "Fail", "Error" },
        { "GI5011", "vm-good-win", "", "Pass", "" },
        { "GI5011", "vm-win-messy", "", "Fail", "Warning" },
        { "GI5012", "vm-good-win", "", "Pass", "" },
        { "GI5012", "vm-win-messy", "", "Fail", "Warning" },
        { "GI6001", "vm-good-linux", "", "Pass", "" },
        { "GI6001", "vm-notag", "", "Fail", "Warning" },
        { "GI6002", "vm-win-unprepared", "", "Pass", "" },
        { "GI6002", "vm-good-win", $"{Def} win-spec", "Fail", "Warning" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rule_reports_pass_and_fail_against_the_emulator(string rule, string vm, string extra, string status, string severity)
    {
        using var session = _emulator.Connect();
        _emulator.Host.ClearRequestLog();

        var r = session.Run($"Test-ImageReadiness -ResourceGroupName rg-images -VmName {vm} -Rule {rule} {extra}");

        Assert.True(r.Succeeded, r.Describe());
        var finding = r.SingleOutput();
        Assert.Equal("GenImage.ReadinessFinding", finding.TypeName());
        Assert.Equal(rule, finding.Get<string>("RuleId"));
        Assert.True(status == finding.Get<object>("Status")!.ToString(), $"{rule} on {vm}: {finding.Get<object>("Status")}: {finding.Get<string>("Message")} {finding.Get<string>("SkipReason")}");
        if (severity.Length > 0)
        {
            Assert.Equal(severity, finding.Get<object>("Severity")!.ToString());
        }
        // Source, Guest and Operations findings are about the VM; Definition, Version and Regions findings about the definition (or the version to be).
        var target = finding.Get<string>("Target");
        var aboutGallery = rule[2] is '2' or '3' or '4' && extra.Contains("-DefinitionName", StringComparison.Ordinal);
        if (aboutGallery)
        {
            Assert.Contains("/galleries/galimages/images/", target, StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            Assert.EndsWith("/virtualMachines/" + vm, target, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(_emulator.RequestLog, IsWrite);
    }

    [Fact]
    public void Healthy_vm_before_generalizing_has_no_failures_and_its_guest_is_inspected()
    {
        using var session = _emulator.Connect();

        var r = session.Run($"Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-good-win {Def} win-tl -Version 1.0.0 -TargetRegion westeurope=2 -WillGeneralize");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(35, r.Output.Count);
        Assert.DoesNotContain(r.Output, f => f.Get<object>("Status")!.ToString() == "Fail");
        // The guest was inspected: the Windows guest rules passed instead of being skipped.
        foreach (var id in new[] { "GI5001", "GI5007", "GI5008", "GI5009", "GI5010", "GI5011", "GI5012" })
        {
            Assert.Equal("Pass", r.Output.Single(f => f.Get<string>("RuleId") == id).Get<object>("Status")!.ToString());
        }
        Assert.Empty(r.Warnings);
        var summary = Assert.Single(r.Information, i => i.Tags.Contains("GenImage.ReadinessSummary"));
        Assert.Contains("ready", summary.MessageData.ToString());
        Assert.Contains(_emulator.Vm("vm-good-win").ScriptsRun, s => s.StartsWith("inspect-windows", StringComparison.Ordinal));
    }

    [Fact]
    public void Classic_failures_are_caught_before_any_write()
    {
        using var session = _emulator.Connect();
        _emulator.Host.ClearRequestLog();

        var r = session.Run($$"""
            $unprepared = Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-win-unprepared {{Def}} win-tl -Summary
            $gen1       = Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-win-gen1 {{Def}} win-tl -WillGeneralize -Summary
            $tl         = Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-good-win {{Def}} win-std -WillGeneralize -Summary
            $appx       = Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-win-appx {{Def}} win-tl -WillGeneralize -Summary
            $leftovers  = Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-ubuntu-leftovers {{Def}} linux -Summary
            @{ Unprepared = $unprepared; Gen1 = $gen1; TrustedLaunch = $tl; Appx = $appx; Leftovers = $leftovers }
            """);

        Assert.True(r.Succeeded, r.Describe());
        var all = (System.Collections.Hashtable)r.SingleOutput().BaseObject;
        string[] Ids(string key) => ((PSObject)all[key]!).Get<IList<string>>("FailedErrorIds").ToArray();
        Assert.Contains("GI1002", Ids("Unprepared"));
        Assert.Equal(new[] { "GI2003", "GI2004" }, Ids("Gen1"));
        Assert.Equal(new[] { "GI2004" }, Ids("TrustedLaunch"));
        Assert.Equal(new[] { "GI5008" }, Ids("Appx"));
        var leftovers = Ids("Leftovers");
        foreach (var id in new[] { "GI1002", "GI5002", "GI5003", "GI5004", "GI5005", "GI5006" })
        {
            Assert.Contains(id, leftovers);
        }

        Assert.DoesNotContain(_emulator.RequestLog, IsWrite);
        // The checks wrote warnings naming the failing rules, and no errors.
        Assert.Contains(r.Warnings, w => w.Message.StartsWith("GI2004", StringComparison.Ordinal));
    }

    [Fact]
    public void Purchase_plan_of_a_marketplace_vm_is_compared_with_the_definitions()
    {
        using var session = _emulator.Connect();

        var r = session.Run($$"""
            $noPlan = Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-market {{Def}} market-noplan -WillGeneralize -Rule GI2007
            $plan   = Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-market {{Def}} market-plan -WillGeneralize -Rule GI2007
            $vm     = Get-SourceVm -ResourceGroupName rg-images -Name vm-market
            $noPlan, $plan, $vm
            """);

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(3, r.Output.Count);
        var (noPlan, plan, vm) = (r.Output[0], r.Output[1], r.Output[2]);
        Assert.Equal("fabrikam/fabrikam-appliance/appliance-byol", vm.Get<string>("PurchasePlan"));
        Assert.Equal("Fail", noPlan.Get<object>("Status")!.ToString());
        Assert.True(noPlan.Get<bool>("IsBlocking"));
        var noPlanEvidence = noPlan.Get<System.Collections.IDictionary>("Evidence");
        Assert.Equal("fabrikam/fabrikam-appliance/appliance-byol", noPlanEvidence["sourcePurchasePlan"]);
        Assert.Null(noPlanEvidence["definitionPurchasePlan"]);
        Assert.Equal("Pass", plan.Get<object>("Status")!.ToString());
        Assert.Equal("fabrikam/fabrikam-appliance/appliance-byol", plan.Get<System.Collections.IDictionary>("Evidence")["definitionPurchasePlan"]);
        Assert.Contains(r.Warnings, w => w.Message.StartsWith("GI2007", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Purchase_plan_of_an_existing_version_is_read_from_its_source()
    {
        // Publishing changes the world, so this test starts its own emulator.
        await using var emulator = await EmulatorFixture.StartAsync(ReadinessWorldFixture.World, clockScale: 0);
        using var session = emulator.Connect();
        var vmId = PublishingTests.VmId("vm-market");
        string Version(string definition, string name) =>
            $"/subscriptions/{emulator.SubscriptionId}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/galimages/images/{definition}/versions/{name}";
        session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-market -Prepare -Force | Out-Null").EnsureSuccess();
        session.Run("New-GalleryImageVersion rg-images galimages market-plan -SourceId $vmId -Name 1.0.0 -TargetRegion westeurope | Out-Null",
            new { vmId }).EnsureSuccess();
        // Version sources: one into the definition with the plan, one (past the pre-flight) into the definition without it.
        var source = Version("market-plan", "1.0.0");
        session.Run("New-GalleryImageVersion rg-images galimages market-plan -SourceId $src -Name 1.0.1 -TargetRegion westeurope | Out-Null",
            new { src = source }).EnsureSuccess();
        session.Run("New-GalleryImageVersion rg-images galimages market-noplan -SourceId $src -Name 1.0.0 -TargetRegion westeurope -SkipPreflight -WarningAction SilentlyContinue | Out-Null",
            new { src = source }).EnsureSuccess();

        var r = session.Run("""
            Test-ImageReadiness -VersionId $fromVm -Rule GI2007
            Test-ImageReadiness -VersionId $fromVersion -Rule GI2007
            Test-ImageReadiness -VersionId $fromVersionNoPlan -Rule GI2007
            """, new { fromVm = source, fromVersion = Version("market-plan", "1.0.1"), fromVersionNoPlan = Version("market-noplan", "1.0.0") });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(3, r.Output.Count);
        var (fromVm, fromVersion, noPlan) = (r.Output[0], r.Output[1], r.Output[2]);
        const string plan = "fabrikam/fabrikam-appliance/appliance-byol";

        // The source VM still exists: its plan is compared with the version's definition.
        Assert.Equal("Pass", fromVm.Get<object>("Status")!.ToString());
        Assert.Equal(plan, fromVm.Get<System.Collections.IDictionary>("Evidence")["sourcePurchasePlan"]);
        Assert.Equal(plan, fromVm.Get<System.Collections.IDictionary>("Evidence")["definitionPurchasePlan"]);

        // A version source carries its definition's plan.
        Assert.Equal("Pass", fromVersion.Get<object>("Status")!.ToString());
        Assert.Equal(plan, fromVersion.Get<System.Collections.IDictionary>("Evidence")["sourcePurchasePlan"]);

        Assert.Equal("Fail", noPlan.Get<object>("Status")!.ToString());
        Assert.True(noPlan.Get<bool>("IsBlocking"));
        var evidence = noPlan.Get<System.Collections.IDictionary>("Evidence");
        Assert.Equal(plan, evidence["sourcePurchasePlan"]);
        Assert.Null(evidence["definitionPurchasePlan"]);
        Assert.Contains(r.Warnings, w => w.Message.StartsWith("GI2007", StringComparison.Ordinal));
    }

    [Fact]
    public void Quiet_returns_true_or_false_only()
    {
        using var session = _emulator.Connect();

        var good = session.Run("Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-good-linux -Quiet");
        var bad = session.Run("Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-ubuntu-leftovers -Quiet");
        var both = session.Run("(Get-SourceVm -ResourceGroupName rg-images -Name vm-good-linux), (Get-SourceVm -ResourceGroupName rg-images -Name vm-ubuntu-noagent) | Test-ImageReadiness -Quiet");

        Assert.True(good.Succeeded, good.Describe());
        Assert.True((bool)good.SingleOutput().BaseObject);
        Assert.False((bool)bad.SingleOutput().BaseObject);
        Assert.Empty(bad.Warnings);
        Assert.False((bool)both.SingleOutput().BaseObject);
    }

    [Fact]
    public void Failing_error_rule_does_not_throw_unless_asked()
    {
        using var session = _emulator.Connect();

        var plain = session.Run($"Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-win-gen1 {Def} win-tl -WillGeneralize");
        Assert.True(plain.Succeeded, plain.Describe());
        Assert.Equal(35, plain.Output.Count);

        // -FailOnError ends the command with a terminating error after the findings: try/catch sees it.
        var fail = session.Run($"try {{ Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-win-gen1 {Def} win-tl -WillGeneralize -FailOnError; 'not stopped' }} catch {{ $_ }}");
        var record = Assert.IsType<ErrorRecord>(fail.Output.Last().BaseObject);
        Assert.Equal("GenImage.ReadinessFailed", record.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidOperation, record.CategoryInfo.Category);
        Assert.Contains("GI2003", record.Exception.Message);
        Assert.Contains("GI2004", record.Exception.Message);
        Assert.DoesNotContain(fail.Output, o => "not stopped".Equals(o.BaseObject));
        Assert.Equal(36, fail.Output.Count);

        var stop = session.Run($"try {{ Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-win-gen1 {Def} win-tl -WillGeneralize -ErrorAction Stop | Out-Null; 'not stopped' }} catch {{ $_.FullyQualifiedErrorId }}");
        Assert.StartsWith("GenImage.ReadinessFailed", stop.SingleOutput().BaseObject.ToString());
    }

    [Fact]
    public void Rule_and_ExcludeRule_take_wildcards()
    {
        using var session = _emulator.Connect();

        var r = session.Run($"Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-good-linux {Def} linux -Rule GI2*, GI5001 -ExcludeRule GI200[5-7] -Inspect:$false");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(new[] { "GI2001", "GI2002", "GI2003", "GI2004", "GI5001" }, r.Output.Select(o => o.Get<string>("RuleId")));

        var none = session.Run("Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-good-linux -Rule GI9*");
        Assert.Empty(none.Output);
        Assert.Contains(none.Warnings, w => w.Message.Contains("GI9*"));
    }

    [Fact]
    public void Inspect_false_skips_the_guest_rules_with_the_reason()
    {
        using var session = _emulator.Connect();
        var before = _emulator.Vm("vm-ubuntu-leftovers").ScriptsRun.Count;

        var r = session.Run("Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-ubuntu-leftovers -Rule GI500[2-6] -Inspect:$false");

        Assert.True(r.Succeeded, r.Describe());
        Assert.All(r.Output, f =>
        {
            Assert.Equal("Skipped", f.Get<object>("Status")!.ToString());
            Assert.Contains("-Inspect:$false", f.Get<string>("SkipReason"));
        });
        Assert.Equal(before, _emulator.Vm("vm-ubuntu-leftovers").ScriptsRun.Count);
    }

    [Fact]
    public void Stopped_vm_is_not_inspected_and_says_why()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-win-unprepared -Rule GI5008");

        var f = r.SingleOutput();
        Assert.Equal("Skipped", f.Get<object>("Status")!.ToString());
        Assert.Contains("stopped", f.Get<string>("SkipReason"));
    }

    [Fact]
    public void Pipeline_from_Get_SourceVm_checks_each_vm_and_groups_by_target()
    {
        using var session = _emulator.Connect();

        var r = session.Run("(Get-SourceVm -ResourceGroupName rg-images -Name vm-good-linux), (Get-SourceVm -ResourceGroupName rg-images -Name vm-notag) | Test-ImageReadiness -Rule GI6001");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(2, r.Output.Count);
        Assert.Equal(new[] { "Pass", "Fail" }, r.Output.OrderBy(o => o.Get<string>("Target")).Select(o => o.Get<object>("Status")!.ToString()));
        var table = session.Run("(Get-SourceVm -ResourceGroupName rg-images -Name vm-good-linux), (Get-SourceVm -ResourceGroupName rg-images -Name vm-notag) | Test-ImageReadiness -Rule GI6001 | Out-Default",
            new GenImage.Demo.RunOptions { RenderToHost = true });
        // One group per target (the host may wrap the long id).
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(table.HostOutput, "Target: /subscriptions/"));
        Assert.Contains("vm-notag", table.HostOutput);
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"^RuleId\s+Status\s+Severity\s+Title", System.Text.RegularExpressions.RegexOptions.Multiline), table.HostOutput);
    }

    [Fact]
    public void Missing_definition_is_an_error_naming_it()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-good-linux -GalleryName galimages -DefinitionName nope");

        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.ResourceNotFound", error.FullyQualifiedErrorId);
        Assert.Contains("nope", error.Exception.Message);
        Assert.Empty(r.Output);
    }

    [Fact]
    public async Task Published_version_is_checked_and_reused_sources_and_taken_names_are_caught()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        var published = session.Run(
            "New-GalleryImageDefinition -ResourceGroupName rg-images -GalleryName gal_ready -Name ubuntu -Publisher contoso -Offer ubuntu -Sku 22_04 -OsType Linux -HyperVGeneration V2 -CreateGallery | Out-Null; " +
            "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force | New-GalleryImageVersion -GalleryName gal_ready -DefinitionName ubuntu -Name 1.0.0");
        Assert.True(published.Succeeded, published.Describe());
        emulator.Host.ClearRequestLog();

        // The version itself, from the pipeline.
        var version = session.Run("Get-GalleryImageVersion rg-images gal_ready ubuntu 1.0.0 | Test-ImageReadiness");
        Assert.True(version.Succeeded, version.Describe());
        string Status(ScriptResult r, string id) => r.Output.Single(f => f.Get<string>("RuleId") == id).Get<object>("Status")!.ToString()!;
        Assert.Equal(35, version.Output.Count);
        Assert.DoesNotContain(version.Output, f => f.Get<object>("Status")!.ToString() == "Fail");
        Assert.Equal("Pass", Status(version, "GI2001"));
        Assert.Equal("Pass", Status(version, "GI3004"));
        Assert.Equal("Pass", Status(version, "GI4001"));
        Assert.Equal("Pass", Status(version, "GI6002"));
        Assert.Equal("Skipped", Status(version, "GI3002"));
        Assert.Contains("Test-ImageDeployment", version.Output.Single(f => f.Get<string>("RuleId") == "GI5008").Get<string>("SkipReason"));
        Assert.EndsWith("/versions/1.0.0", version.Output.Single(f => f.Get<string>("RuleId") == "GI4001").Get<string>("Target"));

        // The same generalized VM again, under a taken name and a lower one.
        var again = session.Run("Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-ubuntu2204-src -GalleryName gal_ready -DefinitionName ubuntu -Version 1.0.0 -Rule GI1003, GI3002, GI3003");
        Assert.Equal(new[] { "Fail", "Fail", "Fail" }, again.Output.Select(f => f.Get<object>("Status")!.ToString()));
        var lower = session.Run("Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-ubuntu2204-src -GalleryName gal_ready -DefinitionName ubuntu -Version 0.9.0 -Rule GI3002, GI3003");
        Assert.Equal(new[] { "Pass", "Fail" }, lower.Output.Select(f => f.Get<object>("Status")!.ToString()));
        Assert.Equal("Warning", lower.Output[1].Get<object>("Severity")!.ToString());
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
    }

    [Fact]
    public void Get_ImageReadinessRule_lists_the_catalogue()
    {
        using var session = _emulator.Connect();

        var all = session.Run("Get-ImageReadinessRule");
        var guest = session.Run("Get-ImageReadinessRule GI50* -Severity Warning");
        var byCategory = session.Run("Get-ImageReadinessRule -Category Regions");
        var missing = session.Run("Get-ImageReadinessRule GI9999");

        Assert.Equal(35, all.Output.Count);
        Assert.Equal("GenImage.ReadinessRuleInfo", all.Output[0].TypeName());
        Assert.Equal("GI1001", all.Output[0].Get<string>("Id"));
        Assert.Equal(new[] { "GI5011", "GI5012" }, guest.Output.Select(o => o.Get<string>("Id")));
        Assert.Equal(5, byCategory.Output.Count);
        Assert.StartsWith("GenImage.RuleNotFound", Assert.Single(missing.Errors).FullyQualifiedErrorId);
        var fromFindings = session.Run("Test-ImageReadiness -ResourceGroupName rg-images -VmName vm-notag -Rule GI6* -Inspect:$false | Get-ImageReadinessRule");
        Assert.True(fromFindings.Succeeded, fromFindings.Describe());
        Assert.Equal(new[] { "GI6001", "GI6002" }, fromFindings.Output.Select(o => o.Get<string>("Id")));
        foreach (var rule in all.Output)
        {
            Assert.True(File.Exists(Path.Combine(RepoPaths.Root, rule.Get<string>("HelpUri"))), rule.Get<string>("HelpUri") + " is missing");
        }
    }

    [Fact]
    public void Get_GuestScript_prints_the_scripts()
    {
        using var session = _emulator.Connect();

        var all = session.Run("Get-GuestScript");
        var windows = session.Run("Get-GuestScript -OsType Windows");
        var inspect = session.Run("Get-GuestScript -OsType Linux -Purpose Inspect");
        var raw = session.Run("Get-GuestScript -Name inspect-linux -Raw");

        Assert.Equal(new[] { "prepare-windows", "prepare-linux", "inspect-windows", "inspect-linux" }, all.Output.Select(o => o.Get<string>("Name")));
        Assert.Equal("GenImage.GuestScriptInfo", all.Output[0].TypeName());
        Assert.Equal(new[] { "RunPowerShellScript", "RunPowerShellScript" }, windows.Output.Select(o => o.Get<string>("CommandId")));
        Assert.Equal("inspect-linux", inspect.SingleOutput().Get<string>("Name"));
        var text = Assert.IsType<string>(raw.SingleOutput().BaseObject);
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "GenImage.Core", "GuestScripts", "inspect-linux.sh")), text);
        Assert.StartsWith("# genimage-script: inspect-linux/", text);

        var forVm = session.Run("Get-SourceVm -ResourceGroupName rg-images -Name vm-good-linux | Get-GuestScript");
        Assert.True(forVm.Succeeded, forVm.Describe());
        Assert.Equal(new[] { "prepare-linux", "inspect-linux" }, forVm.Output.Select(o => o.Get<string>("Name")));
    }
}
