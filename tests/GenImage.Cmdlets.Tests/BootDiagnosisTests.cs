using System.Text.Json;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// Get-VmBootDiagnosis through the hosted engine against examples/worlds/boot-failures.yaml: each production VM that
/// fails in a catalogued way gets its GI7xxx, with the serial-log lines and the image it came from; a healthy VM gets
/// "no failure found" with what was checked. Read-only, so the class shares one emulator.
/// </summary>
public sealed class BootDiagnosisTests : IClassFixture<BootFailuresEmulatorFixture>
{
    private const string Prod = "rg-prod";
    private const string Versions = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_boot/images";
    private readonly BootFailuresEmulatorFixture _emulator;

    public BootDiagnosisTests(BootFailuresEmulatorFixture emulator) => _emulator = emulator;

    private static PSObject Diagnose(ModuleSession session, string vm, string extra = "")
    {
        var r = session.Run($"Get-VmBootDiagnosis -ResourceGroupName {Prod} -Name {vm} {extra}");
        Assert.True(r.Succeeded, r.Describe());
        return r.SingleOutput();
    }

    public static TheoryData<string, string, string, bool> FailingVms() => new()
    {
        // vm, diagnosis, image version, proven by serial-log lines
        { "vm-web-nosysprep", "GI7001", "win2022-g2/versions/1.0.1", false },
        { "vm-web-oobe", "GI7002", "win2022-specialized/versions/1.0.0", false },
        { "vm-api-useradd", "GI7003", "ubuntu-2204/versions/1.0.3", true },
        { "vm-api-wireserver", "GI7004", "ubuntu-2204/versions/1.0.4", true },
        { "vm-web-bootdevice", "GI7005", "win2019-g2/versions/1.0.0", true },
        { "vm-api-secureboot", "GI7006", "ubuntu-2204-tl/versions/1.0.0", true },
        { "vm-api-kernelpanic", "GI7007", "ubuntu-2204/versions/1.0.7", true },
        { "vm-api-fstab", "GI7008", "ubuntu-2204/versions/1.0.8", true },
        { "vm-api-datasource", "GI7009", "ubuntu-2204/versions/1.0.9", true },
        { "vm-api-noagent", "GI7010", "ubuntu-2204/versions/1.0.10", false },
        { "vm-api-diskfull", "GI7011", "ubuntu-2204/versions/1.0.11", true },
        { "vm-api-nodhcp", "GI7012", "ubuntu-2204/versions/1.0.12", true },
        { "vm-api-notdeprov", "GI7013", "ubuntu-2204/versions/1.0.13", true },
        { "vm-web-unattend", "GI7014", "win2022-g2/versions/1.0.14", true },
    };

    [Theory]
    [MemberData(nameof(FailingVms))]
    public void Each_failing_production_vm_gets_its_diagnosis_and_its_image(string vm, string expected, string version, bool fromLog)
    {
        using var session = _emulator.Connect();

        var d = Diagnose(session, vm);

        Assert.Equal("GenImage.VmBootDiagnosis", d.TypeName());
        Assert.Equal(expected, d.Get<string>("DiagnosisId"));
        Assert.Equal("Failure", d.Get<string>("Verdict"));
        Assert.Equal("Image", d.Get<string>("Cause"));
        Assert.Equal($"docs/diagnoses/{expected}.md", d.Get<string>("HelpUri"));
        Assert.False(string.IsNullOrEmpty(d.Get<string>("Fix")));
        Assert.Equal("Failed", d.Get<string>("ProvisioningState"));
        Assert.NotNull(d.Get("FailedAt"));
        var matched = d.Get<PSObject>("BootDiagnostics").Items("MatchedLines");
        if (fromLog)
        {
            var evidence = matched.Where(l => l.Get<bool>("IsEvidence")).ToList();
            Assert.NotEmpty(evidence);
            Assert.All(evidence, l => Assert.True(l.Get<int>("LineNumber") > 0));
        }
        var image = d.Get<PSObject>("Image");
        Assert.Equal("GalleryImageVersion", image.Get<string>("Kind"));
        Assert.Equal($"{Versions}/{version}", image.Get<string>("VersionId"));
        Assert.EndsWith(version.Split('/')[^1], image.Get<PSObject>("Version").Get<string>("Name"));
        Assert.NotNull(image.Get("Definition"));
        Assert.Contains("/virtualMachines/vm-", image.Get<string>("SourceId"));
    }

    [Fact]
    public void Healthy_vm_from_latest_has_no_failure_says_what_was_checked_and_which_version_it_got()
    {
        using var session = _emulator.Connect();

        var d = Diagnose(session, "vm-api-healthy");

        Assert.Equal("NoFailureFound", d.Get<string>("Verdict"));
        Assert.False(d.Get<bool>("FailureFound"));
        Assert.Null(d.Get("DiagnosisId"));
        var checkedItems = d.Get<IList<string>>("Checked");
        Assert.Contains(checkedItems, c => c.StartsWith("Provisioning state: Succeeded", StringComparison.Ordinal));
        Assert.Contains(checkedItems, c => c.StartsWith("VM agent: Ready", StringComparison.Ordinal));
        Assert.Contains(checkedItems, c => c.StartsWith("Serial log:", StringComparison.Ordinal) && c.Contains("failure signatures", StringComparison.Ordinal));
        var image = d.Get<PSObject>("Image");
        Assert.Equal("GalleryImageLatest", image.Get<string>("Kind"));
        Assert.Equal("latest", image.Get<string>("RequestedVersion"));
        Assert.Equal("1.1.0", image.Get<string>("ExactVersion"));
        Assert.Equal($"{Versions}/ubuntu-2204/versions/1.1.0", image.Get<string>("VersionId"));
        var validation = Assert.Single(image.Items("Validations"));
        Assert.Equal("westeurope", validation.Get<string>("Region"));
        Assert.Equal("Standard_D2s_v5", validation.Get<string>("VmSize"));
        Assert.Equal("Passed", validation.Get<string>("Status"));
        Assert.Equal("VersionTags", validation.Get<string>("Source"));
        Assert.StartsWith("Readiness at publish: 27 passed; 0 failed; warnings GI3003", image.Get<string>("ReadinessAtPublish"));
        Assert.StartsWith("Prepared through Run Command by builder@genimage.example", image.Get<string>("Preparation"));
        Assert.Contains(image.Items("GeneralizeRecord"), e => e.Get<string>("OperationName").EndsWith("/generalize/action", StringComparison.Ordinal));
    }

    [Fact]
    public void Image_generalized_without_preparation_shows_it_in_the_generalize_record_and_the_failed_create_in_the_activity_log()
    {
        using var session = _emulator.Connect();

        var d = Diagnose(session, "vm-web-nosysprep");

        var image = d.Get<PSObject>("Image");
        Assert.StartsWith("Generalized by intern@genimage.example", image.Get<string>("Preparation"));
        Assert.Contains("no Run Command", image.Get<string>("Preparation"));
        Assert.Contains(d.Items("ActivityLog"), e => e.Get<string>("OperationName") == "Microsoft.Compute/virtualMachines/write"
                                                   && e.Get<string>("Status") == "Failed"
                                                   && e.Get<string>("CorrelationId") == "8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c");
        Assert.Contains(d.Items("Gaps"), g => g.Get<string>("Section") == "Validation");
    }

    [Fact]
    public void Activity_log_follows_the_vms_correlation_id_to_the_resources_the_deployment_touched()
    {
        using var session = _emulator.Connect();

        var d = Diagnose(session, "vm-api-kernelpanic");

        var events = d.Items("ActivityLog");
        Assert.Contains(events, e => e.Get<string>("ResourceId").EndsWith("/disks/vm-api-kernelpanic_OsDisk_1", StringComparison.Ordinal)
                                     && e.Get<string>("CorrelationId") == "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b");
        Assert.True(d.Get<DateTimeOffset>("ActivityLogFrom") < d.Get<DateTimeOffset>("FailedAt"));
    }

    [Fact]
    public void Deployment_failure_of_a_validated_version_points_at_the_difference()
    {
        using var session = _emulator.Connect();

        var d = Diagnose(session, "vm-api-eastus");

        Assert.Equal("GI7101", d.Get<string>("DiagnosisId"));
        Assert.Equal("Deployment", d.Get<string>("Cause"));
        var differences = d.Get<PSObject>("Image").Get<IList<string>>("Differences");
        Assert.Contains(differences, x => x.StartsWith("Region: the version booted in validation in westeurope; this VM is in eastus", StringComparison.Ordinal));
        Assert.Contains(differences, x => x.StartsWith("Size: the validation VM was Standard_D2s_v5; this VM is Standard_E96s_v5", StringComparison.Ordinal));
        Assert.Contains(d.Get<IList<string>>("Evidence"), e => e.StartsWith("This version booted in validation in westeurope with Standard_D2s_v5, but this VM differs", StringComparison.Ordinal));
    }

    [Fact]
    public void Boot_diagnostics_off_is_a_gap_with_the_command_that_turns_them_on()
    {
        using var session = _emulator.Connect();

        var d = Diagnose(session, "vm-api-nodiag");

        var boot = d.Get<PSObject>("BootDiagnostics");
        Assert.False(boot.Get<bool>("Enabled"));
        Assert.Equal("az vm boot-diagnostics enable --resource-group rg-prod --name vm-api-nodiag", boot.Get<string>("EnableCommand"));
        var gap = Assert.Single(d.Items("Gaps"), g => g.Get<string>("Section") == "BootDiagnostics");
        Assert.Contains("az vm boot-diagnostics enable", gap.Get<string>("Reason"));
        // Without the serial log a Linux provisioning timeout cannot be told apart: a failure, not recognised.
        Assert.Equal("Unrecognized", d.Get<string>("Verdict"));
        Assert.Equal("GI7900", d.Get<string>("DiagnosisId"));
    }

    [Fact]
    public void Serial_log_blob_that_is_gone_is_a_gap()
    {
        using var session = _emulator.Connect();

        var d = Diagnose(session, "vm-api-blobgone");

        Assert.True(d.Get<PSObject>("BootDiagnostics").Get<bool>("Enabled"));
        Assert.False(d.Get<PSObject>("BootDiagnostics").Get<bool>("SerialLogRead"));
        Assert.Contains(d.Items("Gaps"), g => g.Get<string>("Section") == "SerialLog" && g.Get<string>("Reason").Contains("404 BlobNotFound", StringComparison.Ordinal));
    }

    [Fact]
    public void Long_serial_log_is_read_whole_and_the_evidence_keeps_its_line_numbers()
    {
        using var session = _emulator.Connect();

        var d = Diagnose(session, "vm-api-biglog", "-SerialLogTail 3");

        Assert.Equal("GI7007", d.Get<string>("DiagnosisId"));
        var boot = d.Get<PSObject>("BootDiagnostics");
        Assert.True(boot.Get<int>("SerialLogBytes") >= 1024 * 1024);
        var panic = boot.Items("MatchedLines").First(l => l.Get<string>("Text").Contains("Kernel panic - not syncing", StringComparison.Ordinal));
        Assert.True(panic.Get<int>("LineNumber") > 1000);
        var tail = boot.Items("Tail");
        Assert.Equal(3, tail.Count);
        Assert.EndsWith("reboot: Restarting system", tail[^1].Get<string>("Text"));
        Assert.Equal(boot.Get<int>("SerialLogLineCount"), tail[^1].Get<int>("LineNumber"));
    }

    [Fact]
    public void Vms_come_from_the_pipeline_by_id()
    {
        using var session = _emulator.Connect();

        var r = session.Run(
            $"Get-SourceVm -ResourceGroupName {Prod} -Name vm-api-fstab | Get-VmBootDiagnosis; " +
            $"[pscustomobject]@{{ Id = (Get-SourceVm -ResourceGroupName {Prod} -Name vm-api-diskfull).Id }} | Get-VmBootDiagnosis; " +
            $"Get-VmBootDiagnosis -Id (Get-SourceVm -ResourceGroupName {Prod} -Name vm-api-nodhcp).Id");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(new[] { "GI7008", "GI7011", "GI7012" }, r.Output.Select(o => o.Get<string>("DiagnosisId")));
    }

    [Fact]
    public void Missing_vm_and_bad_id_are_genimage_errors()
    {
        using var session = _emulator.Connect();

        var r = session.Run($"Get-VmBootDiagnosis -ResourceGroupName {Prod} -Name vm-nope; Get-VmBootDiagnosis -Id 'not-an-id'");

        Assert.Empty(r.Output);
        Assert.Equal(new[] { "GenImage.ResourceNotFound", "GenImage.InvalidResourceId" }, r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
    }

    [Fact]
    public void Screenshot_is_saved_as_png_and_the_bundle_is_verifiable_and_redacted()
    {
        using var session = _emulator.Connect();
        var folder = Path.Combine(Path.GetTempPath(), "genimage-diag-" + Guid.NewGuid().ToString("N"));
        try
        {
            var shot = Path.Combine(folder, "shot.png");
            var bundle = Path.Combine(folder, "bundle");

            var d = Diagnose(session, "vm-api-kernelpanic", $"-ScreenshotPath '{shot}' -OutputPath '{bundle}'");

            var png = File.ReadAllBytes(shot);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            Assert.Equal(shot, d.Get<PSObject>("BootDiagnostics").Get<string>("ScreenshotPath"));
            Assert.Equal(bundle, d.Get<string>("BundlePath"));
            Assert.Empty(RecipeFolder.VerifyBundle(bundle));
            Assert.True(File.Exists(Path.Combine(bundle, "attachments", "serial.log")));
            Assert.True(File.Exists(Path.Combine(bundle, "attachments", "screenshot.png")));
            Assert.True(File.Exists(Path.Combine(bundle, "attachments", "activity-log.json")));
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "diagnosis.json")));
            Assert.Equal("GI7007", json.RootElement.GetProperty("diagnosisId").GetString());
            Assert.Equal(1, json.RootElement.GetProperty("schemaVersion").GetInt32());
            var report = File.ReadAllText(Path.Combine(bundle, "report.md"));
            Assert.StartsWith("# Boot diagnosis: vm-api-kernelpanic", report);
            Assert.Contains("**GI7007: Linux kernel panic: the root device is not found**", report);
            Assert.Matches(@"(?m)^>\s+\d+\s+.*\[\s+3\.398872\] Kernel panic - not syncing", report);
            foreach (var file in Directory.GetFiles(bundle, "*", SearchOption.AllDirectories))
            {
                var text = File.ReadAllText(file);
                Assert.DoesNotContain("sig=", text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("Bearer ", text, StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void Missing_screenshot_is_a_warning_and_a_gap()
    {
        using var session = _emulator.Connect();
        var shot = Path.Combine(Path.GetTempPath(), "genimage-noshot-" + Guid.NewGuid().ToString("N") + ".png");

        var r = session.Run($"Get-VmBootDiagnosis -ResourceGroupName {Prod} -Name vm-api-biglog -ScreenshotPath '{shot}'");

        Assert.True(r.Succeeded, r.Describe());
        Assert.False(File.Exists(shot));
        Assert.Contains(r.WarningMessages, w => w.StartsWith("No screenshot of vm-api-biglog to save", StringComparison.Ordinal));
        Assert.Contains(r.SingleOutput().Items("Gaps"), g => g.Get<string>("Section") == "Screenshot");
    }

    [Fact]
    public void Table_view_shows_the_diagnosis_and_the_image()
    {
        using var session = _emulator.Connect();

        var r = session.Run($"Get-VmBootDiagnosis -ResourceGroupName {Prod} -Name vm-api-kernelpanic", new RunOptions { RenderToHost = true });

        Assert.True(r.Succeeded, r.Describe());
        var table = session.Transcript;
        Assert.Contains("Diagnosis", table);
        Assert.Contains("GI7007", table);
        Assert.Contains("ubuntu-2204 1.0.7", table);
        Assert.Contains("Failed: OSProvisioningTimedOut", table);
    }
}

/// <summary>
/// Test-ImageDeployment on each failing version of the boot-failures world: the validation VM fails the same way as the
/// production VM, and the validation gives the same GI7xxx as Get-VmBootDiagnosis.
/// </summary>
public sealed class BootDiagnosisValidationTests
{
    private const string Versions = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_boot/images";

    public static TheoryData<string, string> FailingVersions() => new()
    {
        { "win2022-g2/versions/1.0.1", "GI7001" },
        { "win2022-specialized/versions/1.0.0", "GI7002" },
        { "ubuntu-2204/versions/1.0.3", "GI7003" },
        { "ubuntu-2204/versions/1.0.4", "GI7004" },
        { "win2019-g2/versions/1.0.0", "GI7005" },
        { "ubuntu-2204-tl/versions/1.0.0", "GI7006" },
        { "ubuntu-2204/versions/1.0.7", "GI7007" },
        { "ubuntu-2204/versions/1.0.8", "GI7008" },
        { "ubuntu-2204/versions/1.0.9", "GI7009" },
        { "ubuntu-2204/versions/1.0.10", "GI7010" },
        { "ubuntu-2204/versions/1.0.11", "GI7011" },
        { "ubuntu-2204/versions/1.0.12", "GI7012" },
        { "ubuntu-2204/versions/1.0.13", "GI7013" },
        { "win2022-g2/versions/1.0.14", "GI7014" },
    };

    [Theory]
    [MemberData(nameof(FailingVersions))]
    public async Task Validation_of_a_failing_version_gives_the_same_diagnosis(string version, string expected)
    {
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.BootFailures, clockScale: 0.0002);
        using var session = emulator.Connect();

        var r = session.Run("Test-ImageDeployment -ImageId $id -Confirm:$false -AgentTimeoutSec 1 -WarningAction SilentlyContinue", new { id = $"{Versions}/{version}" });

        Assert.True(r.Succeeded, r.Describe());
        var result = r.SingleOutput();
        Assert.False(result.Get<bool>("Succeeded"));
        Assert.Equal(expected, result.Get<string>("DiagnosisId"));
        Assert.Empty(result.Get<IList<string>>("ResourcesLeftBehind"));
    }
}

/// <summary>
/// Validation is recorded where evidence finds it: Test-ImageDeployment tags the version with its outcome, and
/// Get-ImageEvidence -VersionId and Get-VmBootDiagnosis read it back; evidence about a VM speaks of the VM.
/// </summary>
public sealed class ValidationRecordTests
{
    private const string Versions = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_boot/images";

    [Fact]
    public async Task Passed_and_failed_validations_show_in_the_versions_evidence()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.BootFailures, clockScale: 0.0002);
        using var session = emulator.Connect();
        var good = $"{Versions}/win2022-g2/versions/1.1.0";
        var bad = $"{Versions}/ubuntu-2204/versions/1.0.7";

        var validations = session.Run("Test-ImageDeployment -ImageId $good -Confirm:$false; Test-ImageDeployment -ImageId $bad -Region eastus -Confirm:$false -WarningAction SilentlyContinue",
            new { good, bad });
        Assert.True(validations.Succeeded, validations.Describe());
        Assert.All(validations.Output, v => Assert.True(v.Get<bool>("RecordedOnImage")));

        var r = session.Run("Get-ImageEvidence -VersionId $good; Get-ImageEvidence -VersionId $bad", new { good, bad });

        Assert.True(r.Succeeded, r.Describe());
        var passed = Assert.Single(r.Output[0].Items("Validation"));
        Assert.Equal("westeurope", passed.Get<string>("Region"));
        Assert.Equal("Passed", passed.Get<string>("Status"));
        Assert.Equal("VersionTags", passed.Get<string>("Source"));
        Assert.Equal(validations.Output[0].Get<string>("CorrelationId"), passed.Get<string>("CorrelationId"));
        Assert.True(r.Output[0].Get<PSObject>("Summary").Get<bool>("Booted"));
        Assert.DoesNotContain(r.Output[0].Items("Gaps"), g => g.Get<string>("Section") == "Validation");
        var failed = Assert.Single(r.Output[1].Items("Validation"));
        Assert.Equal("eastus", failed.Get<string>("Region"));
        Assert.Equal("Failed", failed.Get<string>("Status"));
        Assert.Equal("GI7007", failed.Get<string>("DiagnosisId"));
        Assert.False(r.Output[1].Get<PSObject>("Summary").Get<bool>("Booted"));

        // The production VM from that version now sees the failed validation too.
        var d = session.Run("Get-VmBootDiagnosis -ResourceGroupName rg-prod -Name vm-api-kernelpanic").SingleOutput();
        Assert.Contains(d.Get<PSObject>("Image").Items("Validations"), v => v.Get<string>("Region") == "eastus" && v.Get<string>("DiagnosisId") == "GI7007");
    }

    [Fact]
    public async Task Publishing_records_the_readiness_findings_on_the_version()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var r = session.Run(
            "New-GalleryImageDefinition -ResourceGroupName rg-images -GalleryName gal_rec -Name ubuntu -Publisher contoso -Offer ubuntu -Sku 22_04 -OsType Linux -HyperVGeneration V2 -CreateGallery | Out-Null; " +
            "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force | New-GalleryImageVersion -GalleryName gal_rec -DefinitionName ubuntu -Name 1.0.0");

        Assert.True(r.Succeeded, r.Describe());
        var tags = (System.Collections.IDictionary)r.SingleOutput().Get("Tags")!;
        Assert.Matches(@"^v1;passed=\d+;failed=\d+", (string)tags["genimage.readiness"]!);
    }

    [Fact]
    public async Task Evidence_about_a_vm_uses_vm_wording()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.BootFailures);
        using var session = emulator.Connect();

        var e = session.Run("Get-ImageEvidence -VmId (Get-SourceVm -ResourceGroupName rg-prod -Name vm-api-kernelpanic).Id").SingleOutput();

        Assert.Equal("Vm", e.Get<string>("SubjectKind"));
        var reasons = e.Items("Gaps").Select(g => g.Get<string>("Reason")).ToList();
        Assert.Contains(reasons, g => g.StartsWith("No recipe or run is linked to this VM", StringComparison.Ordinal));
        Assert.DoesNotContain(reasons, g => g.Contains("this version", StringComparison.Ordinal));
        Assert.Contains("The VM carries no owner tag.", reasons);
    }
}

/// <summary>The evidence's "who can publish / read diagnostics / run commands" comes from the roles' permissions, not their names.</summary>
public sealed class EvidencePermissionTests : IClassFixture<BootFailuresEmulatorFixture>
{
    private readonly BootFailuresEmulatorFixture _emulator;

    public EvidencePermissionTests(BootFailuresEmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public void Virtual_machine_contributor_cannot_publish_and_a_custom_role_with_version_write_can()
    {
        using var session = _emulator.Connect();

        var e = session.Run("Get-ImageEvidence -VersionId '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_boot/images/ubuntu-2204/versions/1.1.0'").SingleOutput();

        var byPrincipal = e.Items("RoleAssignments").ToDictionary(a => a.Get<string>("PrincipalId"));
        var vmContributor = byPrincipal["11111111-1111-4111-8111-111111111111"];
        Assert.Equal("Virtual Machine Contributor", vmContributor.Get<string>("RoleName"));
        Assert.DoesNotContain("Publish", vmContributor.Get<IList<string>>("Capabilities"));
        Assert.Contains("RunCommands", vmContributor.Get<IList<string>>("Capabilities"));
        Assert.Contains("ReadDiagnostics", vmContributor.Get<IList<string>>("Capabilities"));
        Assert.NotEqual("Publish", vmContributor.Get<string>("Capability"));
        var publisher = byPrincipal["22222222-2222-4222-8222-222222222222"];
        Assert.Equal("Image Publisher", publisher.Get<string>("RoleName"));
        Assert.Equal(new[] { "Publish", "Read" }, publisher.Get<IList<string>>("Capabilities"));
        Assert.False(publisher.Get<bool>("Inherited"));
        var auditor = byPrincipal["33333333-3333-4333-8333-333333333333"];
        Assert.Equal(new[] { "Read" }, auditor.Get<IList<string>>("Capabilities"));
        Assert.True(auditor.Get<bool>("Inherited"));
        Assert.Contains("Publish", byPrincipal["44444444-4444-4444-8444-444444444444"].Get<IList<string>>("Capabilities"));
        Assert.Contains(e.Items("Gaps"), g => g.Get<string>("Section") == "PrincipalNames");
    }
}

/// <summary>examples/runbooks/Get-VmBootDiagnosisRunbook.ps1, run as written against the emulator (an already connected session).</summary>
public sealed class BootDiagnosisRunbookTests : IClassFixture<BootFailuresEmulatorFixture>
{
    private readonly BootFailuresEmulatorFixture _emulator;

    public BootDiagnosisRunbookTests(BootFailuresEmulatorFixture emulator) => _emulator = emulator;

    private static string Runbook => Path.Combine(RepoPaths.Root, "examples", "runbooks", "Get-VmBootDiagnosisRunbook.ps1");

    [Fact]
    public void Runbook_diagnoses_the_vms_an_alert_names_and_writes_a_bundle_each()
    {
        using var session = _emulator.Connect();
        var output = Path.Combine(Path.GetTempPath(), "genimage-runbook-" + Guid.NewGuid().ToString("N"));
        try
        {
            var panic = session.Run("(Get-SourceVm -ResourceGroupName rg-prod -Name vm-api-kernelpanic).Id").SingleOutput().ToString()!;
            var fstab = session.Run("(Get-SourceVm -ResourceGroupName rg-prod -Name vm-api-fstab).Id").SingleOutput().ToString()!;
            // Azure Monitor's common alert schema, as the webhook's RequestBody.
            var body = JsonSerializer.Serialize(new { schemaId = "azureMonitorCommonAlertSchema", data = new { essentials = new { alertRule = "vm-unhealthy", alertTargetIDs = new[] { panic, fstab } } } });

            var r = session.RunFile(Runbook, new System.Collections.Hashtable { ["WebhookData"] = new System.Collections.Hashtable { ["RequestBody"] = body }, ["OutputPath"] = output });

            Assert.True(r.Succeeded, r.Describe());
            Assert.Equal(new[] { "GI7007", "GI7008" }, r.Output.Select(o => o.Get<string>("DiagnosisId")));
            Assert.All(r.Output, o =>
            {
                Assert.Equal("Image", o.Get<string>("Cause"));
                var bundle = o.Get<string>("BundlePath");
                Assert.StartsWith(output, bundle);
                Assert.Empty(RecipeFolder.VerifyBundle(bundle));
            });
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    [Fact]
    public void Runbook_takes_a_vm_id_and_says_when_nothing_failed()
    {
        using var session = _emulator.Connect();
        var output = Path.Combine(Path.GetTempPath(), "genimage-runbook-" + Guid.NewGuid().ToString("N"));
        try
        {
            var healthy = session.Run("(Get-SourceVm -ResourceGroupName rg-prod -Name vm-api-healthy).Id").SingleOutput().ToString()!;

            var r = session.RunFile(Runbook, new System.Collections.Hashtable { ["VmId"] = healthy, ["OutputPath"] = output });

            Assert.True(r.Succeeded, r.Describe());
            var verdict = r.SingleOutput();
            Assert.Equal("NoFailureFound", verdict.Get<string>("Verdict"));
            Assert.Null(verdict.Get("DiagnosisId"));
            Assert.EndsWith("/images/ubuntu-2204/versions/1.1.0", verdict.Get<string>("ImageVersion"));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    [Fact]
    public void Webhook_without_a_vm_fails_the_job_with_the_reason()
    {
        using var session = _emulator.Connect();

        var r = session.RunFile(Runbook, new System.Collections.Hashtable { ["WebhookData"] = new System.Collections.Hashtable { ["RequestBody"] = "{\"data\":{\"essentials\":{\"alertTargetIDs\":[\"/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa\"]}}}" } });

        Assert.False(r.Succeeded);
        Assert.Contains("names no virtual machine", r.Describe());
    }
}
