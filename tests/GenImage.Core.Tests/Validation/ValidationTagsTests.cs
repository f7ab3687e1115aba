using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Tests.Evidence;
using GenImage.Core.Validation;

namespace GenImage.Core.Tests.Validation;

public sealed class ValidationTagsTests
{
    private static readonly DateTimeOffset Ended = new(2026, 1, 2, 9, 30, 0, TimeSpan.Zero);

    private static ValidationResult Result(string region, string outcome, string? diagnosis = null, string? code = null) => new()
    {
        Region = region, Outcome = outcome, VmSize = "Standard_D2s_v5", CorrelationId = "6f1c2a44-5b0e-4d7a-9f3e-0c1d2e3f4a5b", DiagnosisId = diagnosis, ErrorCode = code,
    };

    [Fact]
    public void Tag_holds_outcome_time_region_size_correlation_id_and_diagnosis_within_azures_limits()
    {
        var passed = ValidationTags.For(Result("westeurope", "Succeeded"), Ended)!.Value;
        var failed = ValidationTags.For(Result("eastus", "Failed", "GI7007", "OSProvisioningTimedOut"), Ended)!.Value;

        Assert.Equal("genimage.validation.westeurope", passed.Key);
        Assert.Equal("v1;outcome=Passed;time=2026-01-02T09:30:00Z;region=westeurope;size=Standard_D2s_v5;corr=6f1c2a44-5b0e-4d7a-9f3e-0c1d2e3f4a5b", passed.Value);
        Assert.EndsWith(";diag=GI7007;code=OSProvisioningTimedOut", failed.Value);
        Assert.True(failed.Value.Length <= 256);
        Assert.DoesNotContain(failed.Key, c => "<>%&\\?/".Contains(c));
        Assert.Null(ValidationTags.For(Result("westeurope", "Cancelled"), Ended));
    }

    [Fact]
    public void Tags_parse_back_into_validation_records_newest_first()
    {
        var west = ValidationTags.For(Result("westeurope", "Succeeded"), Ended)!.Value;
        var east = ValidationTags.For(Result("eastus", "TimedOut", "GI7008"), Ended.AddHours(1))!.Value;
        var tags = new Dictionary<string, string> { ["owner"] = "platform-team", [west.Key] = west.Value, [east.Key] = east.Value };

        var records = ValidationTags.Parse(tags);

        Assert.Equal(new[] { "eastus", "westeurope" }, records.Select(r => r.Region));
        Assert.Equal("Failed", records[0].Status);
        Assert.Equal("GI7008", records[0].DiagnosisId);
        Assert.Contains("timed out", records[0].Message);
        Assert.True(records[1].Passed);
        Assert.Equal("Standard_D2s_v5", records[1].VmSize);
        Assert.Equal(Ended, records[1].RecordedAt);
        Assert.Equal("6f1c2a44-5b0e-4d7a-9f3e-0c1d2e3f4a5b", records[1].CorrelationId);
        Assert.All(records, r => Assert.Equal("VersionTags", r.Source));
    }

    [Fact]
    public void Merge_replaces_the_regions_outcome_keeps_ten_regions_and_never_passes_fifty_tags()
    {
        var tags = new Dictionary<string, string> { ["owner"] = "o" };
        for (var i = 0; i < 12; i++)
        {
            var tag = ValidationTags.For(Result("region" + i, "Succeeded"), Ended.AddMinutes(i))!.Value;
            tags = new Dictionary<string, string>(ValidationTags.Merge(tags, tag, out _)!);
        }
        var again = ValidationTags.For(Result("region11", "Failed"), Ended.AddHours(2))!.Value;
        tags = new Dictionary<string, string>(ValidationTags.Merge(tags, again, out _)!);

        Assert.Equal(ValidationTags.MaxValidationTags, tags.Keys.Count(ValidationTags.IsValidationTag));
        Assert.False(tags.ContainsKey("genimage.validation.region0"));   // the oldest went
        Assert.Contains("outcome=Failed", tags["genimage.validation.region11"]);
        Assert.Equal("o", tags["owner"]);

        var full = Enumerable.Range(0, 50).ToDictionary(i => "t" + i, i => "v");
        Assert.Null(ValidationTags.Merge(full, again, out var refused));
        Assert.Contains("50", refused);
        var crowded = Enumerable.Range(0, 49).ToDictionary(i => "t" + i, i => "v");
        crowded["genimage.validation.old"] = "v1;outcome=Passed;time=2020-01-01T00:00:00Z";
        var merged = ValidationTags.Merge(crowded, again, out _)!;
        Assert.Equal(50, merged.Count);
        Assert.False(merged.ContainsKey("genimage.validation.old"));
    }

    [Fact]
    public void Readiness_at_publish_is_kept_short_and_read_back_in_words()
    {
        var findings = new List<ReadinessFinding>
        {
            new() { RuleId = "GI1001", Status = FindingStatus.Pass, Severity = FindingSeverity.Error },
            new() { RuleId = "GI3003", Status = FindingStatus.Fail, Severity = FindingSeverity.Warning },
            new() { RuleId = "GI5002", Status = FindingStatus.Fail, Severity = FindingSeverity.Error, Suppressed = true },
        };

        var value = ValidationTags.ReadinessValue(findings, skipped: false);

        Assert.Equal("v1;passed=1;failed=2;suppressed=GI5002;warnings=GI3003", value);
        Assert.Equal("Readiness at publish: 1 passed; 2 failed; suppressed GI5002; warnings GI3003.",
            ValidationTags.DescribeReadiness(new Dictionary<string, string> { [ValidationTags.ReadinessTag] = value }));
        Assert.Equal("v1;skipped=true", ValidationTags.ReadinessValue(findings, skipped: true));
        Assert.Null(ValidationTags.DescribeReadiness(new Dictionary<string, string>()));
    }
}

public sealed class ValidationRecordingTests
{
    private static DeploymentValidationOptions Options() => new()
    {
        Region = "westeurope", ResourceGroupName = "rg-gal", SubscriptionId = "s1", ShortId = "0a1b2c3d",
        ProvisionTimeout = TimeSpan.FromSeconds(30), AgentReadyTimeout = TimeSpan.FromMilliseconds(200), CleanupTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task Passed_and_failed_validations_are_recorded_on_the_version()
    {
        var ops = new FakeDeploymentOperations();
        var passed = await new DeploymentValidator(ops).ValidateAsync(ops.Image(), Options(), CancellationToken.None);
        ops.ProvisioningFailure = new GenImageException(ErrorIds.ArmRequestFailed, GenImageErrorKind.InvalidOperation, "timed out") { ArmErrorCode = "OSProvisioningTimedOut" };
        ops.SerialLog = GenImage.Core.Tests.Diagnosis.BootLogs.KernelPanic;
        var options = Options();
        options.Region = "westeurope";
        var failed = await new DeploymentValidator(ops).ValidateAsync(ops.Image("Linux", "Standard"), options, CancellationToken.None);

        Assert.True(passed.RecordedOnImage);
        Assert.True(failed.RecordedOnImage);
        var record = Assert.Single(ValidationTags.Parse(ops.ImageTags));   // the same region: the newer outcome replaced the older
        Assert.Equal("Failed", record.Status);
        Assert.Equal("GI7007", record.DiagnosisId);
    }

    [Fact]
    public async Task A_version_that_cannot_be_tagged_is_a_warning_and_the_outcome_stands()
    {
        var ops = new FakeDeploymentOperations
        {
            RecordFailure = new GenImageException("ArmAuthorizationFailed", GenImageErrorKind.PermissionDenied, "no write on the version") { ArmErrorCode = "AuthorizationFailed", HttpStatus = 403 },
        };
        var log = new ValidationLog();

        var result = await new DeploymentValidator(ops, log).ValidateAsync(ops.Image(), Options(), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.False(result.RecordedOnImage);
        Assert.Equal("no write on the version", result.RecordError);
        Assert.Contains(log.Warnings, w => w.Contains("could not be recorded on the version's tags (AuthorizationFailed)"));
    }

    [Fact]
    public async Task Nothing_is_recorded_for_a_managed_image_or_when_no_vm_was_made()
    {
        var ops = new FakeDeploymentOperations();
        var managed = ops.Image();
        managed.Kind = "ManagedImage";
        await new DeploymentValidator(ops).ValidateAsync(managed, Options(), CancellationToken.None);
        var options = Options();
        options.Region = "northeurope";   // not replicated there
        await new DeploymentValidator(ops).ValidateAsync(ops.Image(), options, CancellationToken.None);
        var optOut = Options();
        optOut.RecordOnImage = false;
        await new DeploymentValidator(ops).ValidateAsync(ops.Image(), optOut, CancellationToken.None);

        Assert.DoesNotContain("record", ops.Calls);
        Assert.Empty(ops.ImageTags);
    }
}

public sealed class RecordedValidationEvidenceTests
{
    [Fact]
    public async Task Evidence_of_a_version_shows_the_validations_recorded_on_it()
    {
        var source = new FakeEvidenceSource();
        source.Version!.Tags["genimage.validation.westeurope"] = "v1;outcome=Passed;time=2026-01-02T09:30:00Z;region=westeurope;size=Standard_D2s_v5;corr=c-9";
        source.Version.Tags["genimage.validation.eastus"] = "v1;outcome=Failed;time=2026-01-02T10:30:00Z;region=eastus;size=Standard_D2s_v5;corr=c-10;diag=GI7012;code=OSProvisioningTimedOut";

        var e = await new EvidenceCollector(source, NullLogForTests.Instance).CollectAsync(new EvidenceRequest { VersionId = FakeEvidenceSource.VersionId }, CancellationToken.None);

        Assert.Equal(new[] { "eastus", "westeurope" }, e.Validation.Select(v => v.Region));
        Assert.False(e.Summary.Booted);
        Assert.DoesNotContain(e.Gaps, g => g.Section == "Validation");
        Assert.Contains(e.Gaps, g => g.Section == "SerialLog" && g.Reason.Contains("tags", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_runs_own_record_is_not_repeated_from_the_tags()
    {
        var source = new FakeEvidenceSource();
        source.Version!.Tags["genimage.validation.westeurope"] = "v1;outcome=Passed;time=2026-01-02T09:30:00Z;region=westeurope;size=Standard_D2s_v5;corr=c-9";
        var request = new EvidenceRequest { VersionId = FakeEvidenceSource.VersionId, RunId = "run" };
        request.Validation.Add(new ValidationRecord { Region = "westeurope", Status = "Passed", CorrelationId = "c-9", Source = "Run", SerialLogExcerpt = "login:" });

        var e = await new EvidenceCollector(source, NullLogForTests.Instance).CollectAsync(request, CancellationToken.None);

        var only = Assert.Single(e.Validation);
        Assert.Equal("Run", only.Source);
    }

    [Fact]
    public async Task Evidence_for_a_vm_speaks_of_the_vm()
    {
        var source = new FakeEvidenceSource();
        source.Vm!.Tags["owner"] = "app-team";

        var e = await new EvidenceCollector(source, NullLogForTests.Instance).CollectAsync(new EvidenceRequest { SourceVmId = FakeEvidenceSource.VmId }, CancellationToken.None);

        Assert.Equal(ImageEvidence.SubjectVm, e.SubjectKind);
        Assert.Contains(e.Gaps, g => g.Section == "Recipe" && g.Reason.StartsWith("No recipe or run is linked to this VM", StringComparison.Ordinal));
        Assert.Contains(e.Gaps, g => g.Section == "Version" && g.Reason.StartsWith("The evidence is about a VM", StringComparison.Ordinal));
        Assert.DoesNotContain(e.Gaps, g => g.Reason.Contains("this version", StringComparison.Ordinal));
        Assert.Equal("app-team", e.Owner);
        Assert.Equal(FakeEvidenceSource.VmId, e.RoleAssignmentScope);
        var report = EvidenceReport.Render(e, Array.Empty<string>());
        Assert.StartsWith("# VM evidence: vm1", report);
        Assert.DoesNotContain("What was built", report);
    }
}
