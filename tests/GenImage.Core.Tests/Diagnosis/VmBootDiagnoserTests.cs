using System.IO.Compression;
using GenImage.Core.Diagnosis;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;

namespace GenImage.Core.Tests.Diagnosis;

/// <summary>A diagnosis source over fixed data; each source can be made to fail.</summary>
internal sealed class FakeBootSource : IBootDiagnosisSource
{
    public const string Gallery = "/subscriptions/s1/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal";
    public const string DefinitionId = Gallery + "/images/ubuntu";
    public const string VmId = "/subscriptions/s1/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm1";
    public const string SourceId = "/subscriptions/s1/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/build";

    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public BootVmFacts Vm { get; } = new()
    {
        Vm = new SourceVm
        {
            Id = VmId, Name = "vm1", ResourceGroupName = "rg-prod", SubscriptionId = "s1", Location = "westeurope", VmSize = "Standard_D2s_v5",
            OsType = "Linux", HyperVGeneration = "V2", SecurityType = "Standard", PowerState = "running", ProvisioningState = "Failed",
            AgentStatus = "Not Ready", AgentVersion = "Unknown",
        },
        ImageId = DefinitionId + "/versions/1.0.7",
        HasOsProfile = true,
        BootDiagnosticsEnabled = true,
        ProvisioningErrorCode = "OSProvisioningTimedOut",
        ProvisioningErrorMessage = "OS Provisioning for VM 'vm1' did not finish in the allotted time.",
        ProvisioningStatusTime = Now.AddMinutes(-30),
        TimeCreated = Now.AddMinutes(-70),
    };

    public string? Serial { get; set; } = BootLogs.KernelPanic;
    public GenImageException? BootDiagnosticsFailure { get; set; }
    public List<GalleryImageVersion> Versions { get; } = new()
    {
        new() { Id = DefinitionId + "/versions/1.0.7", Name = "1.0.7", DefinitionName = "ubuntu", GalleryName = "gal", SourceId = SourceId, PublishedDate = Now.AddDays(-3),
                Tags = { ["genimage.validation.westeurope"] = "v1;outcome=Passed;time=2026-02-26T12:00:00Z;region=westeurope;size=Standard_D2s_v5;corr=c-1" } },
        new() { Id = DefinitionId + "/versions/1.1.0", Name = "1.1.0", DefinitionName = "ubuntu", GalleryName = "gal", SourceId = SourceId, PublishedDate = Now.AddDays(-1), ProvisioningState = "Succeeded" },
    };
    public GalleryImageDefinition Definition { get; set; } = new() { Id = DefinitionId, Name = "ubuntu", OsType = "Linux", OsState = "Generalized", HyperVGeneration = "V2", SecurityType = "Standard" };
    public List<ActivityLogEntry> Events { get; } = new();
    public List<ActivityLogQuery> Queries { get; } = new();

    public Task<BootVmFacts> GetVmAsync(string vmId, CancellationToken cancellationToken) =>
        vmId == VmId ? Task.FromResult(Vm) : throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound, "not found");

    public Task<BootDiagnosticsBlobs> GetBootDiagnosticsAsync(string vmId, bool screenshot, CancellationToken cancellationToken)
    {
        if (BootDiagnosticsFailure != null)
        {
            throw BootDiagnosticsFailure;
        }

        return Task.FromResult(new BootDiagnosticsBlobs { SerialLog = Serial == null ? null : new System.IO.MemoryStream(System.Text.Encoding.UTF8.GetBytes(Serial)), SerialLogProblem = Serial == null ? "gone" : null, Screenshot = screenshot ? Bmp() : null });
    }

    public Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken) =>
        Task.FromResult(Versions.FirstOrDefault(v => string.Equals(v.Id, versionId, StringComparison.OrdinalIgnoreCase)));

    public Task<GalleryImageDefinition?> GetDefinitionAsync(string definitionId, CancellationToken cancellationToken) => Task.FromResult<GalleryImageDefinition?>(Definition);

    public Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<GalleryImageVersion>>(Versions);

    public Task<ManagedImage?> GetManagedImageAsync(string imageId, CancellationToken cancellationToken) =>
        Task.FromResult<ManagedImage?>(new ManagedImage { Id = imageId, Name = "img", OsType = "Linux", OsState = "Specialized", SourceId = SourceId });

    public Task<SourceVm?> GetSourceVmAsync(string vmId, CancellationToken cancellationToken) => Task.FromResult<SourceVm?>(null);

    public Task<IReadOnlyList<ActivityLogEntry>> GetActivityLogAsync(ActivityLogQuery query, CancellationToken cancellationToken)
    {
        Queries.Add(query);
        var hits = Events.Where(e => query.ResourceIds.Contains(e.ResourceId, StringComparer.OrdinalIgnoreCase) || (e.CorrelationId != null && query.CorrelationIds.Contains(e.CorrelationId)))
            .Where(e => e.Timestamp >= query.From && e.Timestamp <= query.To).ToList();
        return Task.FromResult<IReadOnlyList<ActivityLogEntry>>(hits);
    }

    /// <summary>A 2×2 bottom-up 24-bit BMP: bottom row red, green; top row blue, white.</summary>
    public static byte[] Bmp()
    {
        var bytes = new byte[54 + 16];
        bytes[0] = (byte)'B';
        bytes[1] = (byte)'M';
        BitConverter.TryWriteBytes(bytes.AsSpan(2), bytes.Length);
        BitConverter.TryWriteBytes(bytes.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bytes.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bytes.AsSpan(18), 2);
        BitConverter.TryWriteBytes(bytes.AsSpan(22), 2);
        BitConverter.TryWriteBytes(bytes.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bytes.AsSpan(28), (short)24);
        byte[] bottom = { 0, 0, 255, 0, 255, 0, 0, 0 };   // BGR red, BGR green, padding
        byte[] top = { 255, 0, 0, 255, 255, 255, 0, 0 };  // BGR blue, BGR white, padding
        bottom.CopyTo(bytes, 54);
        top.CopyTo(bytes, 62);
        return bytes;
    }
}

public sealed class VmBootDiagnoserTests
{
    private static Task<BootDiagnosisOutcome> Diagnose(FakeBootSource source, bool screenshot = false) =>
        new VmBootDiagnoser(source).DiagnoseAsync(new BootDiagnosisRequest { VmId = FakeBootSource.VmId, Now = FakeBootSource.Now, Screenshot = screenshot, SerialLogTailLines = 2 }, CancellationToken.None);

    [Fact]
    public async Task Failed_vm_gets_the_diagnosis_the_state_the_lineage_and_the_tail()
    {
        var source = new FakeBootSource();

        var d = (await Diagnose(source)).Diagnosis;

        Assert.Equal("GI7007", d.DiagnosisId);
        Assert.Equal(VmBootDiagnosis.VerdictFailure, d.Verdict);
        Assert.Equal(FakeBootSource.Now.AddMinutes(-30), d.FailedAt);
        Assert.Equal("GalleryImageVersion", d.Image.Kind);
        Assert.Equal("1.0.7", d.Image.ExactVersion);
        Assert.Equal(FakeBootSource.SourceId, d.Image.SourceId);
        Assert.Single(d.Image.Validations);
        Assert.Equal(2, d.BootDiagnostics.Tail.Count);
        Assert.Equal(d.BootDiagnostics.SerialLogLineCount, d.BootDiagnostics.Tail[^1].LineNumber);
        Assert.Contains(d.Evidence, e => e.StartsWith("This version booted in validation in westeurope with Standard_D2s_v5, with the same region", StringComparison.Ordinal));
        Assert.Contains(d.Gaps, g => g.Section == "Readiness");
    }

    [Fact]
    public async Task Latest_without_exact_version_says_which_version_latest_is_now_as_a_gap()
    {
        var source = new FakeBootSource();
        source.Vm.ImageId = FakeBootSource.DefinitionId;

        var d = (await Diagnose(source)).Diagnosis;

        Assert.Equal("GalleryImageLatest", d.Image.Kind);
        Assert.Null(d.Image.ExactVersion);
        Assert.Equal(FakeBootSource.DefinitionId + "/versions/1.1.0", d.Image.VersionId);
        Assert.Contains(d.Gaps, g => g.Section == "Image" && g.Reason.Contains("latest resolves to 1.1.0 now", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Specialized_managed_image_makes_a_timeout_a_specialized_deployment()
    {
        var source = new FakeBootSource { Serial = "" };
        source.Vm.ImageId = "/subscriptions/s1/resourceGroups/rg-images/providers/Microsoft.Compute/images/img";
        source.Vm.HasOsProfile = false;

        var d = (await Diagnose(source)).Diagnosis;

        Assert.Equal("ManagedImage", d.Image.Kind);
        Assert.Equal("GI7002", d.DiagnosisId);
        Assert.Contains(d.Gaps, g => g.Section == "SerialLog" && g.Reason.StartsWith("The serial log is empty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Marketplace_vm_and_differences_from_the_definition()
    {
        var marketplace = new FakeBootSource();
        marketplace.Vm.ImageId = null;
        marketplace.Vm.ImagePublisher = "Canonical";
        marketplace.Vm.ImageOffer = "0001-com-ubuntu-server-jammy";
        marketplace.Vm.ImageSku = "22_04-lts-gen2";
        marketplace.Vm.ImageVersion = "latest";
        marketplace.Vm.ExactVersion = "22.04.202401120";
        var trusted = new FakeBootSource();
        trusted.Definition.SecurityType = "TrustedLaunch";
        trusted.Vm.Vm.HyperVGeneration = "V1";
        trusted.Vm.Vm.Location = "eastus";

        var m = (await Diagnose(marketplace)).Diagnosis;
        var t = (await Diagnose(trusted)).Diagnosis;

        Assert.Equal("Marketplace", m.Image.Kind);
        Assert.Equal("Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest", m.Image.ImageReference);
        Assert.Equal("22.04.202401120", m.Image.ExactVersion);
        Assert.Equal("A marketplace image, prepared by its publisher.", m.Image.Preparation);
        Assert.Contains(t.Image.Differences, x => x.StartsWith("Security type: VMs from the definition (TrustedLaunch) are validated as TrustedLaunch; this VM is Standard", StringComparison.Ordinal));
        Assert.Contains(t.Image.Differences, x => x.StartsWith("Hyper-V generation: the definition is V2; this VM runs as V1", StringComparison.Ordinal));
        Assert.Contains(t.Image.Differences, x => x.StartsWith("Region: the version booted in validation in westeurope; this VM is in eastus", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unreadable_boot_diagnostics_are_a_gap_that_names_the_permission()
    {
        var source = new FakeBootSource
        {
            BootDiagnosticsFailure = new GenImageException("ArmAuthorizationFailed", GenImageErrorKind.PermissionDenied, "no") { ArmErrorCode = "AuthorizationFailed" },
        };

        var d = (await Diagnose(source)).Diagnosis;

        Assert.Contains(d.Gaps, g => g.Section == "BootDiagnostics" && g.Reason.Contains("retrieveBootDiagnosticsData/action", StringComparison.Ordinal));
        Assert.Equal("GI7900", d.DiagnosisId);   // a Linux timeout without the log cannot be told apart
    }

    [Fact]
    public async Task Generalize_record_and_activity_log_follow_the_correlation_ids()
    {
        var source = new FakeBootSource();
        var published = source.Versions[0].PublishedDate!.Value;
        source.Events.Add(new ActivityLogEntry { Timestamp = published.AddMinutes(-20), OperationName = "Microsoft.Compute/virtualMachines/runCommand/action", ResourceId = FakeBootSource.SourceId, Caller = "builder", Status = "Succeeded" });
        source.Events.Add(new ActivityLogEntry { Timestamp = published.AddMinutes(-10), OperationName = "Microsoft.Compute/virtualMachines/generalize/action", ResourceId = FakeBootSource.SourceId, Caller = "builder", Status = "Succeeded" });
        source.Events.Add(new ActivityLogEntry { Timestamp = FakeBootSource.Now.AddMinutes(-31), OperationName = "Microsoft.Compute/virtualMachines/write", ResourceId = FakeBootSource.VmId, Caller = "deployer", Status = "Failed", CorrelationId = "c-vm" });
        source.Events.Add(new ActivityLogEntry { Timestamp = FakeBootSource.Now.AddMinutes(-31), OperationName = "Microsoft.Network/networkInterfaces/write", ResourceId = "/subscriptions/s1/resourceGroups/rg-prod/providers/Microsoft.Network/networkInterfaces/vm1-nic", Caller = "deployer", Status = "Succeeded", CorrelationId = "c-vm" });
        source.Events.Add(new ActivityLogEntry { Timestamp = FakeBootSource.Now.AddDays(-5), OperationName = "Microsoft.Compute/virtualMachines/write", ResourceId = FakeBootSource.VmId, Caller = "old", Status = "Succeeded" });

        var d = (await Diagnose(source)).Diagnosis;

        Assert.StartsWith("Prepared through Run Command by builder", d.Image.Preparation);
        Assert.Equal(2, d.Image.GeneralizeRecord.Count);
        Assert.Equal(new[] { "Microsoft.Compute/virtualMachines/write", "Microsoft.Network/networkInterfaces/write" }, d.ActivityLog.Select(e => e.OperationName).OrderBy(x => x));
        Assert.Equal(FakeBootSource.Now.AddMinutes(-30) - TimeSpan.FromHours(24), d.ActivityLogFrom);
        Assert.Equal(FakeBootSource.Now, d.ActivityLogTo);
        Assert.Contains(source.Queries, q => q.CorrelationIds.Contains("c-vm"));
    }

    [Fact]
    public async Task Healthy_vm_has_no_failure()
    {
        var source = new FakeBootSource { Serial = BootLogs.LinuxHealthy };
        source.Vm.Vm.ProvisioningState = "Succeeded";
        source.Vm.Vm.AgentStatus = "Ready";
        source.Vm.Vm.AgentVersion = "2.9.1.1";
        source.Vm.ProvisioningErrorCode = null;

        var d = (await Diagnose(source)).Diagnosis;

        Assert.Equal(VmBootDiagnosis.VerdictNoFailure, d.Verdict);
        Assert.False(d.FailureFound);
        Assert.Null(d.FailedAt);
        Assert.Equal(4, d.Checked.Count);
    }

    [Fact]
    public async Task Missing_vm_is_an_error_not_a_gap()
    {
        var source = new FakeBootSource();

        var ex = await Assert.ThrowsAsync<GenImageException>(() =>
            new VmBootDiagnoser(source).DiagnoseAsync(new BootDiagnosisRequest { VmId = FakeBootSource.VmId + "x" }, CancellationToken.None));

        Assert.Equal(ErrorIds.ResourceNotFound, ex.ErrorId);
    }
}

public sealed class ScreenshotImageTests
{
    [Fact]
    public void Bmp_becomes_a_png_with_the_same_pixels_top_row_first()
    {
        var png = ScreenshotImage.ToPng(FakeBootSource.Bmp())!;

        Assert.True(ScreenshotImage.IsPng(png));
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(2, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]);
        var idat = IndexOf(png, "IDAT");
        var length = (png[idat - 4] << 24) | (png[idat - 3] << 16) | (png[idat - 2] << 8) | png[idat - 1];
        using var zlib = new ZLibStream(new MemoryStream(png, idat + 4, length), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        // Filter byte 0, then RGB: the BMP's top row (blue, white) comes first.
        Assert.Equal(new byte[] { 0, 0, 0, 255, 255, 255, 255, 0, 255, 0, 0, 0, 255, 0 }, raw.ToArray());
        Assert.Equal("IEND", System.Text.Encoding.ASCII.GetString(png, png.Length - 8, 4));
    }

    [Fact]
    public void Png_is_kept_and_other_bytes_are_refused()
    {
        var png = ScreenshotImage.ToPng(FakeBootSource.Bmp())!;

        Assert.Same(png, ScreenshotImage.ToPng(png));
        Assert.Null(ScreenshotImage.ToPng(new byte[] { 1, 2, 3 }));
        var bmp = FakeBootSource.Bmp();
        BitConverter.TryWriteBytes(bmp.AsSpan(28), (short)8);   // 8-bit palette: not supported
        Assert.Null(ScreenshotImage.ToPng(bmp));
    }

    private static int IndexOf(byte[] data, string text)
    {
        var pattern = System.Text.Encoding.ASCII.GetBytes(text);
        for (var i = 0; i + pattern.Length <= data.Length; i++)
        {
            if (data.AsSpan(i, pattern.Length).SequenceEqual(pattern))
            {
                return i;
            }
        }
        return -1;
    }
}
