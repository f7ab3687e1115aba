using GenImage.Core.Diagnosis;

namespace GenImage.Core.Tests.Diagnosis;

public sealed class BootSignatureCatalogTests
{
    private static BootFacts Failed(string os, string? code, string? log, Action<BootFacts>? change = null)
    {
        var facts = new BootFacts
        {
            OsType = os,
            ProvisioningState = "Failed",
            ErrorCode = code,
            AgentStatus = "Not Ready",
            AgentVersion = "Unknown",
            PowerState = "running",
            DeployedGeneralized = true,
            ImageOsState = "Generalized",
            SerialLog = SerialLogText.Parse(log),
        };
        change?.Invoke(facts);
        return facts;
    }

    public static TheoryData<string, string, string?, string> SerialLogCases() => new()
    {
        { "GI7005", "Linux", "OSProvisioningTimedOut", BootLogs.GenerationMismatchLinux },
        { "GI7005", "Windows", "OSProvisioningTimedOut", BootLogs.InaccessibleBootDevice },
        { "GI7006", "Linux", "OSProvisioningTimedOut", BootLogs.SecureBoot },
        { "GI7007", "Linux", "OSProvisioningTimedOut", BootLogs.KernelPanic },
        { "GI7008", "Linux", "OSProvisioningTimedOut", BootLogs.Fstab },
        { "GI7009", "Linux", "OSProvisioningTimedOut", BootLogs.NoDatasource },
        { "GI7011", "Linux", "OSProvisioningTimedOut", BootLogs.DiskFull },
        { "GI7012", "Linux", "OSProvisioningTimedOut", BootLogs.NoNetwork },
        { "GI7013", "Linux", "OSProvisioningTimedOut", BootLogs.NotDeprovisioned },
        { "GI7004", "Linux", "VMAgentStatusCommunicationError", BootLogs.WireServerBlocked },
        { "GI7003", "Linux", "OSProvisioningClientError", BootLogs.UserExists },
        { "GI7014", "Windows", "OSProvisioningTimedOut", BootLogs.UnattendFailed },
        // The serial log is evidence even when the ARM code is only our own timeout or missing.
        { "GI7007", "Linux", null, BootLogs.KernelPanic },
    };

    [Theory]
    [MemberData(nameof(SerialLogCases))]
    public void Serial_log_evidence_names_the_failure_with_line_numbers(string expected, string os, string? code, string log)
    {
        var match = BootSignatureCatalog.Match(Failed(os, code, log));

        Assert.NotNull(match);
        Assert.Equal(expected, match!.Signature.Id);
        Assert.True(match.FromSerialLog);
        var evidence = match.Lines.Where(l => l.IsEvidence).ToList();
        Assert.NotEmpty(evidence);
        var lines = log.Split('\n');
        foreach (var line in match.Lines)
        {
            Assert.Equal(lines[line.LineNumber - 1].TrimEnd(), line.Text);
            Assert.Equal(expected, line.SignatureId);
        }
    }

    [Fact]
    public void Kernel_panic_points_at_the_panic_line_and_its_context()
    {
        var match = BootSignatureCatalog.Match(Failed("Linux", "OSProvisioningTimedOut", BootLogs.KernelPanic))!;

        var evidence = match.Lines.Where(l => l.IsEvidence).Select(l => l.LineNumber).ToList();
        Assert.Contains(7, evidence);   // VFS: Cannot open root device
        Assert.Contains(9, evidence);   // Kernel panic - not syncing
        Assert.Contains(match.Lines, l => !l.IsEvidence && l.Text.Contains("Please append a correct \"root=\" boot option"));
        Assert.Equal(match.Lines.Select(l => l.LineNumber).OrderBy(n => n), match.Lines.Select(l => l.LineNumber));
        Assert.Contains(match.Reasons, r => r.Contains("OSProvisioningTimedOut"));
    }

    [Fact]
    public void The_earliest_boot_stage_is_the_root_cause()
    {
        // No DHCP lease: the agent cannot reach the wire server either, but that follows from the network.
        var network = BootSignatureCatalog.Match(Failed("Linux", "OSProvisioningTimedOut", BootLogs.NoNetwork + BootLogs.WireServerBlocked))!;
        Assert.Equal("GI7012", network.Signature.Id);
        Assert.Contains(network.Reasons, r => r.Contains("GI7004"));

        // A full disk makes cloud-init fail; the datasource is not the cause.
        var disk = BootSignatureCatalog.Match(Failed("Linux", "OSProvisioningTimedOut", BootLogs.DiskFull + BootLogs.NoDatasource))!;
        Assert.Equal("GI7011", disk.Signature.Id);
    }

    [Fact]
    public void Windows_timeout_without_setup_errors_is_a_missing_sysprep()
    {
        var match = BootSignatureCatalog.Match(Failed("Windows", "OSProvisioningTimedOut", BootLogs.WindowsHealthy))!;

        Assert.Equal("GI7001", match.Signature.Id);
        Assert.False(match.FromSerialLog);
        Assert.Contains("generalized without Sysprep", match.Signature.Explanation);
        Assert.Contains(match.Lines, l => l.Text.Contains("SAC started"));
    }

    [Fact]
    public void Timeout_of_a_specialized_deployment_is_a_prepared_guest_published_as_specialized()
    {
        var noOsProfile = BootSignatureCatalog.Match(Failed("Windows", "OSProvisioningTimedOut", null, f => f.DeployedGeneralized = false))!;
        var specializedImage = BootSignatureCatalog.Match(Failed("Linux", "OSProvisioningTimedOut", null, f => { f.DeployedGeneralized = null; f.ImageOsState = "Specialized"; }))!;

        Assert.Equal("GI7002", noOsProfile.Signature.Id);
        Assert.Equal("GI7002", specializedImage.Signature.Id);
        Assert.Contains(noOsProfile.Reasons, r => r.Contains("without an osProfile"));
    }

    [Fact]
    public void Client_error_without_a_serial_log_is_still_diagnosed_from_the_code()
    {
        var match = BootSignatureCatalog.Match(Failed("Windows", "OSProvisioningClientError", null, f => f.ErrorMessage = "The password does not meet the password policy requirements."))!;

        Assert.Equal("GI7003", match.Signature.Id);
        Assert.Contains(match.Reasons, r => r.Contains("password policy"));
        Assert.Contains(match.Reasons, r => r.Contains("No serial log"));
    }

    [Fact]
    public void Agent_that_never_reported_is_missing_and_one_that_runs_is_blocked()
    {
        var missing = BootSignatureCatalog.Match(Failed("Linux", "VMAgentStatusCommunicationError", BootLogs.LinuxHealthy.Replace("Azure Linux Agent Version: 2.9.1.1", "systemd[1]: Reached target Multi-User System.")))!;
        var blocked = BootSignatureCatalog.Match(Failed("Windows", "VMAgentStatusCommunicationError", BootLogs.WindowsHealthy, f => f.AgentVersion = "2.7.41491.1102"))!;
        // A VM that provisioned long ago and whose agent stopped reporting: no ARM code, agent Not Ready.
        var later = BootSignatureCatalog.Match(Failed("Linux", null, BootLogs.LinuxHealthy, f => { f.ProvisioningState = "Succeeded"; f.AgentVersion = "2.9.1.1"; }))!;

        Assert.Equal("GI7010", missing.Signature.Id);
        Assert.Equal("GI7004", blocked.Signature.Id);
        Assert.Equal("GI7004", later.Signature.Id);
    }

    [Theory]
    [InlineData("AllocationFailed", "GI7101")]
    [InlineData("ZonalAllocationFailed", "GI7101")]
    [InlineData("SkuNotAvailable", "GI7102")]
    [InlineData("GalleryImageNotFound", "GI7103")]
    [InlineData("ImageNotInRegion", "GI7103")]
    [InlineData("InvalidParameter", "GI7104")]
    public void Refusals_of_the_deployment_do_not_blame_the_image(string code, string expected)
    {
        var match = BootSignatureCatalog.Match(Failed("Windows", code, null, f => f.AgentStatus = null))!;

        Assert.Equal(expected, match.Signature.Id);
        Assert.Equal(BootCause.Deployment, match.Signature.Cause);
    }

    [Fact]
    public void Failure_no_signature_explains_is_unrecognized()
    {
        var match = BootSignatureCatalog.Match(Failed("Linux", "InternalOperationError", BootLogs.LinuxHealthy, f => f.ErrorMessage = "An internal execution error occurred."))!;

        Assert.Equal(BootSignatureCatalog.Unrecognized, match.Signature.Id);
        Assert.Equal(BootCause.Unknown, match.Signature.Cause);
        Assert.Contains(match.Reasons, r => r.Contains("InternalOperationError"));
    }

    [Theory]
    [InlineData("Linux", BootLogs.LinuxHealthy)]
    [InlineData("Windows", BootLogs.WindowsHealthy)]
    [InlineData("Linux", null)]
    public void Healthy_boot_shows_no_failure(string os, string? log)
    {
        var facts = new BootFacts { OsType = os, ProvisioningState = "Succeeded", AgentStatus = "Ready", AgentVersion = "2.9.1.1", PowerState = "running", SerialLog = SerialLogText.Parse(log) };

        Assert.False(BootSignatureCatalog.ShowsFailure(facts));
        Assert.Null(BootSignatureCatalog.Match(facts));
    }

    [Fact]
    public void A_deallocated_vm_whose_agent_is_not_ready_is_not_a_failure()
    {
        var facts = new BootFacts { OsType = "Linux", ProvisioningState = "Succeeded", AgentStatus = "Not Ready", PowerState = "deallocated" };

        Assert.Null(BootSignatureCatalog.Match(facts));
    }

    [Fact]
    public void Evidence_for_the_other_os_does_not_count()
    {
        // "Kernel panic" lines on a Windows VM are not a Linux kernel panic.
        var match = BootSignatureCatalog.Match(Failed("Windows", "OSProvisioningTimedOut", BootLogs.KernelPanic))!;

        Assert.Equal("GI7001", match.Signature.Id);
    }

    [Fact]
    public void Catalogue_has_twelve_or_more_image_signatures_with_stable_unique_ids_and_words()
    {
        var all = BootSignatureCatalog.All;
        Assert.Equal(all.Count, all.Select(s => s.Id).Distinct().Count());
        Assert.Equal(all.Count, all.Select(s => s.Name).Distinct().Count());
        Assert.True(all.Count(s => s.Cause == BootCause.Image) >= 12);
        Assert.All(all, s =>
        {
            Assert.Matches("^GI7[0-9]{3}$", s.Id);
            Assert.False(string.IsNullOrWhiteSpace(s.Title));
            Assert.False(string.IsNullOrWhiteSpace(s.Explanation));
            Assert.False(string.IsNullOrWhiteSpace(s.Fix));
            Assert.Equal($"docs/diagnoses/{s.Id}.md", s.HelpUri);
        });
        Assert.Equal("GI7900", all[^1].Id);
        Assert.Same(all[0], BootSignatureCatalog.Get("gi7001"));
        Assert.Null(BootSignatureCatalog.Get("GI1001"));
    }

    [Fact]
    public void Code_alone_picks_the_usual_meaning_per_os()
    {
        Assert.Equal("GI7001", BootSignatureCatalog.ForCode("OSProvisioningTimedOut", "Windows")!.Id);
        Assert.Equal("GI7013", BootSignatureCatalog.ForCode("OSProvisioningTimedOut", "Linux")!.Id);
        Assert.Equal("GI7003", BootSignatureCatalog.ForCode("OSProvisioningClientError")!.Id);
        Assert.Null(BootSignatureCatalog.ForCode("ProbeFailed"));
        Assert.Null(BootSignatureCatalog.ForCode(null));
    }

    [Fact]
    public void Serial_log_numbers_every_line_of_the_blob()
    {
        var text = SerialLogText.Parse("first\r\n\r\n\u001b[0;32mthird\u001b[0m\nfourth\n");

        Assert.Equal(4, text.LineCount);
        Assert.Equal(new[] { "first", "", "third", "fourth" }, text.Lines);
        Assert.Equal(new[] { 3, 4 }, text.Tail(2).Select(l => l.LineNumber));
        Assert.Equal(33, text.Bytes);
        Assert.True(SerialLogText.Parse("\n\n").IsEmpty);
    }

    [Fact]
    public void Every_diagnosis_has_its_page_with_its_title_and_the_index_lists_it()
    {
        var docs = Path.Combine(GenImage.Core.Tests.Recipes.RecipeSchemaTests.RepoRoot, "docs", "diagnoses");
        var index = File.ReadAllText(Path.Combine(docs, "README.md"));
        foreach (var s in BootSignatureCatalog.All)
        {
            var page = File.ReadAllText(Path.Combine(GenImage.Core.Tests.Recipes.RecipeSchemaTests.RepoRoot, s.HelpUri));
            Assert.StartsWith($"# {s.Id}: {s.Title}", page);
            Assert.Contains(s.Fix, page);
            Assert.Contains($"[{s.Id}]({s.Id}.md)", index);
        }
    }
}
