using GenImage.Core.Errors;
using GenImage.Core.Evidence;

namespace GenImage.Core.Tests.Evidence;

/// <summary>An evidence source over fixed data; a section can be made to fail.</summary>
internal sealed class FakeEvidenceSource : IEvidenceSource
{
    public const string Gallery = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/galleries/gal";
    public const string VersionId = Gallery + "/images/def/versions/1.0.0";
    public const string VmId = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";

    public GalleryImageVersion? Version { get; set; } = new()
    {
        Id = VersionId, GalleryName = "gal", DefinitionName = "def", Name = "1.0.0", ProvisioningState = "Succeeded", ReplicationState = "Completed",
        SourceId = VmId, ExcludeFromLatest = true,
        Regions = { new RegionReplication { Region = "westeurope", ReplicaCount = 1, StorageAccountType = "Standard_LRS", State = "Completed", Progress = 100 } },
        Tags = { ["owner"] = "platform-team" },
    };
    public SourceVm? Vm { get; set; } = new() { Id = VmId, Name = "vm1", OsType = "Linux", OsName = "Ubuntu 22.04", PowerState = "deallocated", OsState = "generalized" };
    public List<ActivityLogEntry> Events { get; } = new()
    {
        new() { Timestamp = DateTimeOffset.UtcNow.AddMinutes(-5), OperationName = "Microsoft.Compute/galleries/images/versions/write", Status = "Succeeded", Caller = "operator@genimage.local", ResourceId = VersionId, CorrelationId = "c-1" },
    };
    public GenImageException? ActivityLogFailure { get; set; }
    public GenImageException? RoleFailure { get; set; }
    public ActivityLogQuery? LastQuery { get; private set; }

    public Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken) => Task.FromResult(Version);
    public Task<GalleryImageDefinition?> GetDefinitionAsync(string definitionId, CancellationToken cancellationToken) =>
        Task.FromResult<GalleryImageDefinition?>(new GalleryImageDefinition { Id = definitionId, Name = "def", OsType = "Linux", HyperVGeneration = "V2", Publisher = "p", Offer = "o", Sku = "s" });
    public Task<SourceVm?> GetVmAsync(string vmId, CancellationToken cancellationToken) => Task.FromResult(Vm);
    public Task<IReadOnlyList<ActivityLogEntry>> GetActivityLogAsync(ActivityLogQuery query, CancellationToken cancellationToken)
    {
        LastQuery = query;
        if (ActivityLogFailure != null)
        {
            throw ActivityLogFailure;
        }

        return Task.FromResult<IReadOnlyList<ActivityLogEntry>>(Events);
    }
    public Task<IReadOnlyList<RoleAssignmentEntry>> GetRoleAssignmentsAsync(string scope, CancellationToken cancellationToken)
    {
        if (RoleFailure != null)
        {
            throw RoleFailure;
        }

        return Task.FromResult<IReadOnlyList<RoleAssignmentEntry>>(new[] { new RoleAssignmentEntry { PrincipalId = "p1", RoleName = "Contributor", Capability = "Publish", Scope = scope } });
    }
}

public sealed class EvidenceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-evidence-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        foreach (var folder in new[] { _folder, _folder + "-run" })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }

    private static EvidenceRequest Request() => new()
    {
        VersionId = FakeEvidenceSource.VersionId,
        CorrelationIds = { "c-1", "c-2" },
        CollectedBy = "operator@genimage.local",
        Readiness = { new ReadinessFinding { RuleId = "GI1001", Status = FindingStatus.Pass, Severity = FindingSeverity.Error, Target = FakeEvidenceSource.VmId, Message = "ok" } },
        Validation = { new ValidationRecord { Region = "westeurope", Status = "Passed", Message = "Booted", SerialLogExcerpt = "login:" } },
        ValidationExpected = true,
    };

    [Fact]
    public async Task Collects_every_section_and_summarizes_what_who_whether_it_booted_and_where()
    {
        var source = new FakeEvidenceSource();
        var e = await new EvidenceCollector(source, NullLogForTests.Instance).CollectAsync(Request(), CancellationToken.None);

        Assert.Equal(1, e.SchemaVersion);
        Assert.Equal("1.0.0", e.Version!.Name);
        Assert.Equal("def", e.Definition!.Name);
        Assert.Equal(FakeEvidenceSource.VmId, e.Source.SourceId);
        Assert.Equal("generalized", e.Source.Vm!.OsState);
        Assert.Single(e.ActivityLog);
        Assert.Equal(FakeEvidenceSource.Gallery, e.RoleAssignmentScope);
        Assert.Equal("Publish", Assert.Single(e.RoleAssignments).Capability);
        Assert.Equal("platform-team", e.Owner);
        Assert.True(e.Summary.Booted);
        Assert.Equal("operator@genimage.local", e.Summary.By);
        Assert.Contains(e.Summary.ReplicatedIn, r => r.StartsWith("westeurope (Completed", StringComparison.Ordinal));
        Assert.Contains(FakeEvidenceSource.VersionId, source.LastQuery!.ResourceIds);
        Assert.Contains(FakeEvidenceSource.VmId, source.LastQuery.ResourceIds);
        Assert.Equal(new[] { "c-1", "c-2" }, source.LastQuery.CorrelationIds);
        // No recipe was given: that is said, not hidden.
        Assert.Contains(e.Gaps, g => g.Section == "Recipe");
    }

    [Fact]
    public async Task Missing_sources_become_explicit_gaps()
    {
        var source = new FakeEvidenceSource
        {
            Vm = null,
            RoleFailure = new GenImageException("ArmAuthorizationFailed", GenImageErrorKind.PermissionDenied, "denied") { ArmErrorCode = "AuthorizationFailed" },
            ActivityLogFailure = new GenImageException("ArmRequestFailed", GenImageErrorKind.ResourceUnavailable, "unavailable"),
        };
        var request = Request();
        request.Validation[0].SerialLogExcerpt = null;
        request.ActivityLogWindow = TimeSpan.FromDays(120);

        var e = await new EvidenceCollector(source, NullLogForTests.Instance).CollectAsync(request, CancellationToken.None);

        Assert.Contains(e.Gaps, g => g.Section == "SourceVm");
        Assert.Contains(e.Gaps, g => g.Section == "RoleAssignments" && g.Reason.Contains("No permission", StringComparison.Ordinal));
        Assert.Contains(e.Gaps, g => g.Section == "SerialLog" && g.Reason.Contains("boot diagnostics", StringComparison.Ordinal));
        Assert.Contains(e.Gaps, g => g.Section == "ActivityLog" && g.Reason.Contains("retention", StringComparison.Ordinal));
        Assert.Contains(e.Gaps, g => g.Section == "ActivityLog" && g.Reason.Contains("could not be read", StringComparison.Ordinal));
        Assert.Equal(e.Gaps.Count, e.Summary.GapCount);

        var bundle = EvidenceBundleWriter.Write(e, _folder);
        var report = File.ReadAllText(Path.Combine(bundle, "report.md"));
        foreach (var gap in e.Gaps)
        {
            Assert.Contains($"**{gap.Section}**", report);
        }
    }

    [Fact]
    public async Task Bundle_has_json_report_attachments_and_a_manifest_that_verifies()
    {
        // As a run does: the serial log streams straight into the bundle's attachments before the bundle is written.
        var request = Request();
        var log = await GenImage.Core.Diagnosis.SerialLogReader.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("boot\nlogin:\n")),
            new GenImage.Core.Diagnosis.SerialLogReadOptions { DestinationPath = EvidenceBundleWriter.SerialLogPath(_folder, "westeurope") }, CancellationToken.None);
        request.Validation[0].SerialLogFile = log.FilePath;
        request.Validation[0].SerialLogBytes = log.FileBytes;
        request.Validation[0].SerialLogSha256 = log.Sha256;
        var e = await new EvidenceCollector(new FakeEvidenceSource(), NullLogForTests.Instance).CollectAsync(request, CancellationToken.None);

        var bundle = EvidenceBundleWriter.Write(e, _folder, new EvidenceAttachments { RecipeText = "apiVersion: genimage.dev/v1\n", JournalText = "{\"type\":\"runStarted\"}\n" });

        foreach (var f in new[] { "evidence.json", "report.md", "SHA256SUMS", "attachments/serial-westeurope.log", "attachments/activity-log.json", "attachments/role-assignments.json", "attachments/recipe.yaml", "attachments/journal.jsonl" })
        {
            Assert.True(File.Exists(Path.Combine(bundle, f)), f);
        }

        Assert.Empty(Sha256Sums.Verify(bundle));
        var lines = File.ReadAllLines(Path.Combine(bundle, "SHA256SUMS"));
        Assert.Equal(7, lines.Length);
        Assert.All(lines, l => Assert.Matches("^[0-9a-f]{64}  [a-z0-9/._-]+$", l));

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "evidence.json")));
        Assert.Equal(1, json.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("1.0.0", json.RootElement.GetProperty("version").GetProperty("name").GetString());
        var validation = json.RootElement.GetProperty("validation")[0];
        Assert.False(validation.TryGetProperty("serialLog", out _));
        Assert.Equal("attachments/serial-westeurope.log", validation.GetProperty("serialLogFile").GetString());
        Assert.Equal(12, validation.GetProperty("serialLogBytes").GetInt64());
        Assert.Equal(Sha256Sums.HashFile(Path.Combine(bundle, "attachments", "serial-westeurope.log")), validation.GetProperty("serialLogSha256").GetString());
        var report = File.ReadAllText(Path.Combine(bundle, "report.md"));
        Assert.StartsWith("# Image evidence: gal/def/1.0.0", report);
        Assert.True(report.IndexOf("## Summary", StringComparison.Ordinal) < report.IndexOf("## Version", StringComparison.Ordinal));

        // A changed file no longer verifies.
        File.AppendAllText(Path.Combine(bundle, "report.md"), "tampered");
        Assert.Contains(Sha256Sums.Verify(bundle), p => p.StartsWith("report.md: FAILED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_secret_reaches_the_bundle()
    {
        const string sas = "https://sa.blob.core.windows.net/vhds/os.vhd?sv=2022-11-02&se=2026-12-01&sr=b&sp=r&sig=abcdEFGH1234%3D";
        const string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvciJ9.c2lnbmF0dXJlc2ln";
        var source = new FakeEvidenceSource();
        source.Version!.Tags["sourceBlob"] = sas;
        source.Version.Tags["adminPassword"] = "Hunter2!Hunter2!";
        source.Events[0].OperationName = "write Authorization: Bearer " + jwt;
        var request = Request();
        // The run streams the serial log to a file as it reads it; the bundle takes that file.
        var served = "boot\nexport AZURE_CLIENT_SECRET=abc123secretvalue\npassword: P@ssw0rd123\nAccountKey=" + new string('A', 86) + "==\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nlogin:";
        var streamed = await GenImage.Core.Diagnosis.SerialLogReader.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(served)),
            new GenImage.Core.Diagnosis.SerialLogReadOptions { DestinationPath = Path.Combine(_folder + "-run", "serial.log") }, CancellationToken.None);
        Assert.Equal(6, streamed.RedactedLines);
        request.Validation[0].SerialLogFile = streamed.FilePath;
        request.Validation[0].SerialLogExcerpt = "token=" + jwt;
        request.Readiness[0].Evidence["url"] = sas;

        var e = await new EvidenceCollector(source, NullLogForTests.Instance).CollectAsync(request, CancellationToken.None);
        var bundle = EvidenceBundleWriter.Write(e, _folder, new EvidenceAttachments { RecipeText = "description: " + sas, JournalText = "{\"detail\":\"" + jwt + "\"}" });

        foreach (var file in Directory.GetFiles(bundle, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.True(Redactor.FindSecretValue(text) == null, $"{file}: {Redactor.FindSecretValue(text)}");
            Assert.DoesNotContain("sig=abcd", text, StringComparison.Ordinal);
            Assert.DoesNotContain("eyJhbGci", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Hunter2", text, StringComparison.Ordinal);
            Assert.DoesNotContain("P@ssw0rd", text, StringComparison.Ordinal);
            Assert.DoesNotContain("abc123secretvalue", text, StringComparison.Ordinal);
        }
        // The URL path stays readable; only the query is masked.
        Assert.Contains("https://sa.blob.core.windows.net/vhds/os.vhd?[REDACTED]", File.ReadAllText(Path.Combine(bundle, "evidence.json")));
        Assert.Empty(Sha256Sums.Verify(bundle));
    }

    [Theory]
    [InlineData("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/d/versions/1.0.0", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g")]
    [InlineData("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g")]
    public void Gallery_scope_is_read_from_an_id(string id, string gallery) => Assert.Equal(gallery, EvidenceCollector.GalleryOf(id));

    [Fact]
    public async Task The_marketplace_base_comes_from_the_version_tags_else_the_source_vm_and_a_custom_image_has_none()
    {
        static MarketplaceImage Jammy(string version) => new() { Publisher = "Canonical", Offer = "0001-com-ubuntu-server-jammy", Sku = "22_04-lts-gen2", Version = version };
        var tagged = new FakeEvidenceSource();
        GenImage.Core.Gallery.BaseImageTags.Write(tagged.Version!.Tags, Jammy("22.04.202411010"));
        tagged.Vm!.BaseImage = Jammy("22.04.202301010");   // what the VM reads now does not override what was recorded at publish

        var e = await new EvidenceCollector(tagged, NullLogForTests.Instance).CollectAsync(Request(), CancellationToken.None);

        Assert.Equal("Canonical/0001-com-ubuntu-server-jammy/22_04-lts-gen2/22.04.202411010", e.Source.BaseImage!.ToString());
        var bundle = EvidenceBundleWriter.Write(e, _folder);
        Assert.Contains("- Marketplace base: `Canonical/0001-com-ubuntu-server-jammy/22_04-lts-gen2/22.04.202411010` (recorded on the version at publish", File.ReadAllText(Path.Combine(bundle, "report.md")));
        using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "evidence.json"))))
        {
            var baseImage = json.RootElement.GetProperty("source").GetProperty("baseImage");
            Assert.Equal(("Canonical", "22.04.202411010"), (baseImage.GetProperty("publisher").GetString(), baseImage.GetProperty("version").GetString()));
        }

        var untagged = new FakeEvidenceSource();
        untagged.Vm!.BaseImage = Jammy("22.04.202301010");
        var fromVm = await new EvidenceCollector(untagged, NullLogForTests.Instance).CollectAsync(Request(), CancellationToken.None);
        Assert.Equal("22.04.202301010", fromVm.Source.BaseImage!.Version);
        Assert.Contains("source VM's imageReference", fromVm.Source.BaseImageNote);

        var custom = new FakeEvidenceSource();
        custom.Vm!.ImageReferenceId = FakeEvidenceSource.Gallery + "/images/base/versions/3.0.0";
        var fromCustom = await new EvidenceCollector(custom, NullLogForTests.Instance).CollectAsync(Request(), CancellationToken.None);
        Assert.Null(fromCustom.Source.BaseImage);
        Assert.StartsWith("not a marketplace image", fromCustom.Source.BaseImageNote);
        Assert.DoesNotContain(fromCustom.Gaps, g => g.Section == "BaseImage");
        var customReport = File.ReadAllText(Path.Combine(EvidenceBundleWriter.Write(fromCustom, _folder + "-run"), "report.md"));
        Assert.Contains("- Marketplace base: not a marketplace image: the source VM was made from " + FakeEvidenceSource.Gallery + "/images/base/versions/3.0.0", customReport);

        var gone = await new EvidenceCollector(new FakeEvidenceSource { Vm = null }, NullLogForTests.Instance).CollectAsync(Request(), CancellationToken.None);
        Assert.Null(gone.Source.BaseImage);
        Assert.Contains(gone.Gaps, g => g.Section == "BaseImage");
    }
}

internal sealed class NullLogForTests : GenImage.Core.Logging.IGenImageLog
{
    public static readonly NullLogForTests Instance = new();
    public List<string> Warnings { get; } = new();
    public void Verbose(string message) { }
    public void Debug(string message) { }
    public void Warning(string message)
    {
        lock (Warnings)
        {
            Warnings.Add(message);
        }
    }
    public void Progress(GenImage.Core.Logging.ProgressInfo progress) { }
}

public sealed class EvidenceSchemaTests
{
    [Fact]
    public async Task Evidence_json_members_are_those_of_docs_schemas_evidence_schema_json()
    {
        using var schema = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(GenImage.Core.Tests.Recipes.RecipeSchemaTests.RepoRoot, "docs", "schemas", "evidence.schema.json")));
        var properties = schema.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet();
        var required = schema.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).ToList();
        var e = await new EvidenceCollector(new FakeEvidenceSource(), NullLogForTests.Instance).CollectAsync(new EvidenceRequest
        {
            VersionId = FakeEvidenceSource.VersionId,
            Recipe = new ImageRecipe { Metadata = { Name = "r", Owner = "o" }, ContentSha256 = new string('a', 64) },
            RunId = "run",
            Steps = { new RecipeStepRecord { Name = "Publish", Status = StepStatus.Succeeded } },
        }, CancellationToken.None);
        e.BundlePath = "/tmp/x";

        using var json = System.Text.Json.JsonDocument.Parse(EvidenceJson.SerializeRedacted(e));
        var members = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();

        Assert.All(members, m => Assert.Contains(m, properties));
        Assert.All(required, r => Assert.Contains(r, members));
        Assert.Equal(ImageEvidence.CurrentSchemaVersion, schema.RootElement.GetProperty("properties").GetProperty("schemaVersion").GetProperty("const").GetInt32());
        // Every member of the model appears in the schema (the model cannot grow without the schema).
        var modelMembers = typeof(ImageEvidence).GetProperties().Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name.Substring(1));
        Assert.All(modelMembers, m => Assert.Contains(m, properties));
    }

    [Theory]
    [InlineData("2026-06-12T10:00:00.0000000Z", "2026-06-12T10:00:00.4000000Z", "2026-06-12T10:00:00Z", "2026-06-12T10:00:01Z")]
    [InlineData("2026-06-12T09:59:59.9000000Z", "2026-06-12T10:00:05.0000000Z", "2026-06-12T09:59:59Z", "2026-06-12T10:00:05Z")]
    public void Activity_log_window_in_whole_seconds_holds_its_first_and_last_instant(string from, string to, string ge, string le)
    {
        var filter = ArmEvidenceSource.TimeWindowFilter(DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal($"eventTimestamp ge '{ge}' and eventTimestamp le '{le}'", filter);
    }
}
