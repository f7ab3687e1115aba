using System.Security.Cryptography;
using System.Text.Json;
using GenImage.Emulator;
using GenImage.Emulator.Faults;

namespace GenImage.Cmdlets.Tests;

/// <summary>A copy of examples/recipes in a temporary folder, with the run output inside it.</summary>
internal sealed class RecipeFolder : IDisposable
{
    public RecipeFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "genimage-recipes-" + Guid.NewGuid().ToString("N"));
        var source = Path.Combine(RepoPaths.Root, "examples", "recipes");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, File.ReadAllText(file).Replace("outputPath: ../../out/evidence", "outputPath: runs"));
        }
    }

    public string Root { get; }
    public string Runs => Path.Combine(Root, "runs");
    public string this[string file] => Path.Combine(Root, file);

    public string Write(string name, string text)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>The problems of a bundle against its SHA256SUMS, computed here (independently of the module).</summary>
    public static List<string> VerifyBundle(string bundle)
    {
        var problems = new List<string>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(Path.Combine(bundle, "SHA256SUMS")))
        {
            var hash = line[..64];
            var rel = line[66..];
            listed.Add(rel);
            var full = Path.Combine(bundle, rel);
            if (!File.Exists(full)) { problems.Add(rel + " missing"); continue; }
            var actual = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(full))).ToLowerInvariant();
            if (actual != hash)
            {
                problems.Add(rel + " differs");
            }
        }
        foreach (var file in Directory.GetFiles(bundle, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(bundle, file).Replace('\\', '/');
            if (rel != "SHA256SUMS" && !listed.Contains(rel))
            {
                problems.Add(rel + " not listed");
            }
        }
        return problems;
    }
}

/// <summary>Invoke-ImageRecipe, Get-ImageRecipe and Test-ImageRecipe through the hosted engine against the emulator.</summary>
public sealed class RecipeTests
{
    private static bool IsWrite(RequestLogEntry e) =>
        !string.Equals(e.Method, "GET", StringComparison.OrdinalIgnoreCase) && !string.Equals(e.Method, "HEAD", StringComparison.OrdinalIgnoreCase);

    private static bool IsVersionPut(RequestLogEntry e) =>
        e.Method == "PUT" && e.Path.Contains("/versions/", StringComparison.OrdinalIgnoreCase);

    [Theory]
    [InlineData("windows2022-gen2-tl.yaml", "win2022-datacenter-g2", "vm-win2022-src", true, false)]
    [InlineData("ubuntu2204-gen2.yaml", "ubuntu-2204-gen2", "vm-ubuntu2204-src", true, true)]
    [InlineData("specialized-appserver.yaml", "appserver-specialized", "vm-ubuntu2204-src", false, false)]
    public async Task Example_recipe_runs_end_to_end_on_the_healthy_world(string file, string definition, string vm, bool promoted, bool sourceDeleted)
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var r = session.Run("Invoke-ImageRecipe -Path $path -Force", new RunOptions
        {
            Variables = new Dictionary<string, object?> { ["path"] = folder[file] },
            VerbosePreference = ActionPreference.Continue,
        });

        Assert.True(r.Succeeded, r.Describe());
        var run = r.SingleOutput();
        Assert.Equal("GenImage.RecipeRun", run.TypeName());
        Assert.Equal("Succeeded", run.Get<string>("Status"));
        var versionId = run.Get<string>("VersionId");
        Assert.EndsWith($"/galleries/gal_images/images/{definition}/versions/1.0.0", versionId);
        var version = emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", definition, "1.0.0");
        Assert.NotNull(version);
        Assert.Equal("Succeeded", version!.ProvisioningState);
        Assert.Equal(!promoted, version.ExcludeFromLatest);
        Assert.Equal(promoted, run.Get<bool>("Promoted"));
        Assert.EndsWith("/virtualMachines/" + vm, version.SourceId);
        Assert.All(version.Regions, region => Assert.Equal("Completed", region.State));
        Assert.Equal(sourceDeleted, emulator.FindVm(Worlds.ResourceGroup, vm) is null);

        var validation = Assert.Single(run.Items("Validation"));
        Assert.Equal("Passed", validation.Get<string>("Status"));

        // The call economy (docs/arm-calls.md): one Activity Log query for the evidence, the test VM's disk read once
        // (the VM's delete took it with it), and the serial log readable through its SAS.
        Assert.Single(emulator.RequestLog, e => e.Method == "GET" && e.Path.EndsWith("/providers/Microsoft.Insights/eventtypes/management/values", StringComparison.OrdinalIgnoreCase));
        Assert.Single(emulator.RequestLog, e => e.Method == "GET" && e.Path.Contains("/disks/", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(emulator.RequestLog, e => e.Path.EndsWith("/serial.log", StringComparison.OrdinalIgnoreCase) && e.Status == 200);

        // Each step's writes carry that step's correlation id; one bar for the run, one for the step.
        var steps = run.Items("Steps");
        var publish = steps.Single(s => s.Get<string>("Name") == "Publish");
        Assert.Contains(emulator.RequestLog, e => IsVersionPut(e) && e.CorrelationId == publish.Get<string>("CorrelationId"));
        Assert.Contains(r.Progress, p => p.ActivityId == 4201);
        Assert.Contains(r.Progress, p => p.ActivityId == 4202 && p.ParentActivityId == 4201);
        Assert.Contains(r.VerboseMessages, v => v.StartsWith("ARM PUT ", StringComparison.Ordinal) && v.Contains("/versions/1.0.0"));

        // The evidence bundle is complete and its hashes verify.
        var bundle = run.Get<string>("EvidencePath");
        foreach (var f in new[] { "evidence.json", "report.md", "SHA256SUMS", "attachments/recipe.yaml", "attachments/journal.jsonl", "attachments/activity-log.json", "attachments/serial-westeurope.log" })
        {
            Assert.True(File.Exists(Path.Combine(bundle, f)), f);
        }

        Assert.Empty(RecipeFolder.VerifyBundle(bundle));
        using var evidence = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "evidence.json")));
        Assert.Equal(1, evidence.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(versionId, evidence.RootElement.GetProperty("subject").GetString());
        Assert.True(evidence.RootElement.GetProperty("summary").GetProperty("booted").GetBoolean());
        Assert.NotEqual(0, evidence.RootElement.GetProperty("activityLog").GetArrayLength());
        Assert.Contains(evidence.RootElement.GetProperty("activityLog").EnumerateArray(),
            a => a.GetProperty("correlationId").GetString() == publish.Get<string>("CorrelationId"));
    }

    [Fact]
    public async Task On_the_failure_world_the_run_stops_before_anything_irreversible_with_the_finding_ids()
    {
        using var folder = new RecipeFolder();
        var recipe = folder.Write("gen1.yaml", File.ReadAllText(folder["windows2022-gen2-tl.yaml"]).Replace("vmName: vm-win2022-src", "vmName: vm-win2019-gen1"));
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.ClassicFailures);
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = recipe });

        var run = r.SingleOutput();
        Assert.Equal("Blocked", run.Get<string>("Status"));
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.ReadinessBlocked", error.FullyQualifiedErrorId);
        var blocking = run.Items("BlockingFindings").Select(f => f.Get<string>("RuleId")).ToList();
        Assert.NotEmpty(blocking);
        Assert.All(blocking, id => Assert.Contains(id, error.Exception.Message));
        Assert.Contains("GI2003", blocking);
        Assert.DoesNotContain(emulator.RequestLog, e => IsWrite(e) && !e.Path.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase));
        Assert.Null(emulator.Vm("vm-win2019-gen1").OsState);
    }

    [Fact]
    public async Task A_failed_validation_stops_before_promotion_and_leaves_the_version_excluded_from_latest()
    {
        // vm-win-unprepared was stopped without Sysprep: readiness only warns (nothing outside the guest shows it); the
        // recipe asserts it was prepared (prepare: assumed), so the image publishes, and its test VM never finishes provisioning.
        using var folder = new RecipeFolder();
        var recipe = folder.Write("unprepared.yaml", File.ReadAllText(folder["windows2022-gen2-tl.yaml"])
            .Replace("vmName: vm-win2022-src", "vmName: vm-win-unprepared").Replace("    probeScript: probes/windows-probe.ps1\n", string.Empty)
            .Replace("    prepare: true                    # Sysprep through Run Command before generalizing",
                "    prepare: assumed\n    approver: cab@contoso.example\n    justification: stopped by the image pipeline after Sysprep"));
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.ClassicFailures);
        using var session = emulator.Connect();

        var r = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = recipe });

        var run = r.SingleOutput();
        Assert.Equal("ValidationFailed", run.Get<string>("Status"));
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("GenImage.ValidationFailed", error.FullyQualifiedErrorId);
        Assert.Contains("stays excluded from latest", error.Exception.Message);
        Assert.Contains("OSProvisioningTimedOut", error.Exception.Message);
        Assert.False(run.Get<bool>("Promoted"));
        Assert.True(run.Get<bool>("ExcludedFromLatest"));
        var steps = run.Items("Steps").ToDictionary(s => s.Get<string>("Name"), s => s.Get<string>("Status"));
        Assert.Equal("Failed", steps["Validate"]);
        Assert.Equal("Skipped", steps["Promote"]);
        Assert.Equal("Skipped", steps["Cleanup"]);
        Assert.Equal("Succeeded", steps["Evidence"]);
        Assert.True(emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "win2022-datacenter-g2", "1.0.0")!.ExcludeFromLatest);
        // The only change to the version is the Evidence step recording the failed validation on its tags; nothing promoted it.
        var evidenceStep = run.Items("Steps").Single(s => s.Get<string>("Name") == "Evidence").Get<string>("CorrelationId");
        Assert.All(emulator.RequestLog.Where(e => e.Method == "PATCH" && e.Path.Contains("/versions/", StringComparison.OrdinalIgnoreCase)),
            e => Assert.Equal(evidenceStep, e.CorrelationId));
        var versionEvidence = session.Run("Get-ImageEvidence -VersionId $id", new { id = run.Get<string>("VersionId") }).SingleOutput();
        Assert.Contains(versionEvidence.Items("Validation"), v => v.Get<string>("Status") == "Failed" && v.Get<string>("Source") == "VersionTags" && v.Get<string>("DiagnosisId") == "GI7001");
        var bundle = run.Get<string>("EvidencePath");
        Assert.Empty(RecipeFolder.VerifyBundle(bundle));
        var report = File.ReadAllText(Path.Combine(bundle, "report.md"));
        Assert.Contains("| Did it boot | **no**", report);
        Assert.Contains("| Latest | excluded from latest |", report);
    }

    [Fact]
    public async Task A_fault_mid_run_then_Resume_ends_like_an_uninterrupted_run_and_creates_nothing_twice()
    {
        using var cleanFolder = new RecipeFolder();
        await using var cleanEmulator = await EmulatorFixture.StartAsync();
        using (var cleanSession = cleanEmulator.Connect())
        {
            cleanSession.Run("Invoke-ImageRecipe -Path $path -Force", new { path = cleanFolder["windows2022-gen2-tl.yaml"] }).EnsureSuccess();
        }
        var cleanVersion = cleanEmulator.Host.GetImageVersion(cleanEmulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "win2022-datacenter-g2", "1.0.0")!;

        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        // Promotion (the PATCH of the version) fails with 500 on every retry.
        emulator.Host.Faults.Add(new FaultRule { Name = "promote fails", Effect = FaultEffect.InternalServerError, Method = "PATCH", Path = "*/images/*/versions/*" });

        var failed = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = folder["windows2022-gen2-tl.yaml"] });

        Assert.Equal("Failed", failed.SingleOutput().Get<string>("Status"));
        Assert.NotEmpty(failed.Errors);
        var stillExcluded = emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "win2022-datacenter-g2", "1.0.0")!;
        Assert.True(stillExcluded.ExcludeFromLatest);

        // Without -Resume a new run is refused while this one is unfinished.
        var refused = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = folder["windows2022-gen2-tl.yaml"] });
        Assert.StartsWith("GenImage.UnfinishedRun", Assert.Single(refused.Errors).FullyQualifiedErrorId);

        emulator.Host.Faults.Clear();
        var resumed = session.Run("Invoke-ImageRecipe -Path $path -Resume -Force", new { path = folder["windows2022-gen2-tl.yaml"] });

        Assert.True(resumed.Succeeded, resumed.Describe());
        var run = resumed.SingleOutput();
        Assert.Equal("Succeeded", run.Get<string>("Status"));
        Assert.True(run.Get<bool>("Resumed"));
        Assert.Equal(failed.SingleOutput().Get<string>("RunId"), run.Get<string>("RunId"));
        var version = emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "win2022-datacenter-g2", "1.0.0")!;
        Assert.Equal(cleanVersion.ExcludeFromLatest, version.ExcludeFromLatest);
        Assert.Equal(cleanVersion.Regions.Select(x => x.Region), version.Regions.Select(x => x.Region));
        Assert.Null(emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "win2022-datacenter-g2", "1.0.1"));
        Assert.Equal(1, emulator.RequestLog.Count(e => e.Method == "POST" && e.Path.EndsWith("/generalize", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(1, emulator.RequestLog.Count(e => IsVersionPut(e) && e.Status < 300));
        Assert.Equal(
            cleanEmulator.RequestLog.Count(e => e.Method == "PUT" && e.Path.Contains("/virtualMachines/", StringComparison.OrdinalIgnoreCase)),
            emulator.RequestLog.Count(e => e.Method == "PUT" && e.Path.Contains("/virtualMachines/", StringComparison.OrdinalIgnoreCase)));
        Assert.Empty(RecipeFolder.VerifyBundle(run.Get<string>("EvidencePath")));
    }

    [Fact]
    public async Task The_recipes_world_fails_promotion_once_and_Resume_finishes_the_run()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync("recipes");
        using var session = emulator.Connect();

        var first = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = folder["ubuntu2204-gen2.yaml"] });
        var resumed = session.Run("Invoke-ImageRecipe -Path $path -Resume -Force", new { path = folder["ubuntu2204-gen2.yaml"] });

        var failedRun = first.SingleOutput();
        Assert.Equal("Failed", failedRun.Get<string>("Status"));
        Assert.Equal("Failed", failedRun.Items("Steps").Single(s => s.Get<string>("Name") == "Promote").Get<string>("Status"));
        Assert.StartsWith("GenImage.ArmInternalServerError", Assert.Single(first.Errors).FullyQualifiedErrorId);
        Assert.True(resumed.Succeeded, resumed.Describe());
        var run = resumed.SingleOutput();
        Assert.Equal("Succeeded", run.Get<string>("Status"));
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 2, 1, 1 }, run.Items("Steps").Select(s => s.Get<int>("Attempts")));
        Assert.False(emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "ubuntu-2204-gen2", "1.0.0")!.ExcludeFromLatest);
        Assert.Null(emulator.FindVm(Worlds.ResourceGroup, Worlds.LinuxVm));
    }

    [Fact]
    public async Task The_recipe_quickstart_runs_the_main_job_and_prints_the_evidence_summary()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var r = session.RunFile(Path.Combine(RepoPaths.Root, "examples", "recipe-quickstart.ps1"),
            new System.Collections.Hashtable { ["OutputPath"] = folder.Runs }, new RunOptions { RenderToHost = true });

        Assert.True(r.Succeeded, r.Describe());
        var text = session.Transcript + string.Join("\n", r.Output.Select(o => o.ToString()));
        Assert.Contains("| What was built | gal_images/win2022-datacenter-g2/1.0.0", text);
        Assert.Contains("| Did it boot | yes", text);
        Assert.Contains("Evidence bundle (SHA256SUMS verified)", text);
        Assert.Contains("Recipe quickstart complete", text);
        Assert.DoesNotContain("eyJ", text);
        Assert.True(Directory.Exists(Path.Combine(folder.Runs, "win2022-gen2-tl")));
        Assert.False(emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "win2022-datacenter-g2", "1.0.0")!.ExcludeFromLatest);
    }

    [Fact]
    public async Task Ctrl_C_during_publishing_then_Resume_finishes_with_one_version()
    {
        using var folder = new RecipeFolder();
        var recipe = folder.Write("ubuntu-novalidation.yaml", File.ReadAllText(folder["ubuntu2204-gen2.yaml"])
            .Replace("    regions: [ westeurope ]\n    vmSize: Standard_D2s_v5\n    probeScript: probes/linux-probe.sh", "    enabled: false"));
        // Replication to westeurope is made to take 50 real minutes (300 Azure seconds x 10,000 at scale 0.001), so it
        // is still running when the stop arrives after the version PUT; before -Resume the test moves the emulator's
        // clock past its end.
        var clock = new TestClock();
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.Healthy, time: clock);
        var slow = emulator.Host.Faults.Add(new FaultRule { Effect = FaultEffect.SlowReplication, Region = "westeurope", SlowFactor = 10_000 });
        using var session = emulator.Connect();

        // Ctrl+C as soon as the emulator has answered the version PUT. (A StopWhen condition is only checked when a
        // record arrives, and after the PUT the engine waits for the Retry-After of a long replication in silence.)
        using var putAnswered = new CancellationTokenSource();
        void OnRequest(RequestLogEntry e)
        {
            if (IsVersionPut(e) && e.Status < 300)
            {
                putAnswered.Cancel();
            }
        }
        emulator.Host.RequestCompleted += OnRequest;
        var stopped = session.Run("Invoke-ImageRecipe -Path $path -Force", new RunOptions
        {
            Variables = new Dictionary<string, object?> { ["path"] = recipe },
            CancellationToken = putAnswered.Token,
        });
        emulator.Host.RequestCompleted -= OnRequest;

        Assert.True(stopped.Stopped, stopped.Describe());
        Assert.Contains(stopped.Progress, p => p.ActivityId == 4202 && p.Activity == "Publish");
        var journal = Directory.GetFiles(folder.Runs, "journal.jsonl", SearchOption.AllDirectories).Single();
        Assert.Contains("\"status\":\"Stopped\"", File.ReadAllText(journal));

        emulator.Host.Faults.Remove(slow);
        clock.Advance(TimeSpan.FromHours(1));
        var resumed = session.Run("Invoke-ImageRecipe -Path $path -Resume -Force", new { path = recipe });

        Assert.True(resumed.Succeeded, resumed.Describe());
        var run = resumed.SingleOutput();
        Assert.Equal("Succeeded", run.Get<string>("Status"));
        Assert.Equal(1, emulator.RequestLog.Count(e => IsVersionPut(e) && e.Status < 300));
        Assert.Equal(1, emulator.RequestLog.Count(e => e.Method == "POST" && e.Path.EndsWith("/generalize", StringComparison.OrdinalIgnoreCase)));
        var version = emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "ubuntu-2204-gen2", "1.0.0")!;
        Assert.Equal("Succeeded", version.ProvisioningState);
        Assert.All(version.Regions, r => Assert.Equal("Completed", r.State));
        Assert.Null(emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "ubuntu-2204-gen2", "1.0.1"));
    }

    [Fact]
    public async Task A_write_that_stops_the_pipeline_ends_the_run_and_journals_it_before_the_cmdlet_returns()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        // $ProgressPreference = 'Stop' makes the cmdlet's first progress record a terminating error on the pipeline
        // thread while the engine runs on another one; PowerShell then never calls StopProcessing. The engine must
        // still be cancelled and finish (journal included) before the cmdlet returns, as on Ctrl+C.
        var r = session.Run("Invoke-ImageRecipe -Path $path -Force", new RunOptions
        {
            Variables = new { path = folder["ubuntu2204-gen2.yaml"] },
            ProgressPreference = ActionPreference.Stop,
        });

        Assert.IsType<ActionPreferenceStopException>(r.TerminatingException);
        var journal = Directory.GetFiles(folder.Runs, "journal.jsonl", SearchOption.AllDirectories).Single();
        using var last = JsonDocument.Parse(File.ReadAllLines(journal)[^1]);
        Assert.Equal("runFinished", last.RootElement.GetProperty("type").GetString());
        Assert.Equal("Stopped", last.RootElement.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("GI9001")]
    [InlineData("GI9002")]
    [InlineData("GI9003")]
    [InlineData("GI9004")]
    [InlineData("GI9005")]
    public async Task A_malformed_recipe_gets_its_id_line_and_column_and_makes_no_arm_call(string id)
    {
        using var folder = new RecipeFolder();
        var text = File.ReadAllText(folder["windows2022-gen2-tl.yaml"]);
        var lines = text.Split('\n').ToList();
        int Line(string start) => lines.FindIndex(l => l.StartsWith(start, StringComparison.Ordinal)) + 1;
        (var broken, var line, var column) = id switch
        {
            "GI9001" => (text.Replace("  name: win2022-gen2-tl", "  name: [win2022-gen2-tl"), 0, 0),
            "GI9002" => (text.Replace("    vmSize: Standard_D2s_v5", "    vmSzie: Standard_D2s_v5"), Line("    vmSize:"), 5),
            "GI9003" => (text.Replace("    timeoutMinutes: 30", "    timeoutMinutes: half an hour"), Line("    timeoutMinutes:"), 21),
            "GI9004" => (text.Replace("  owner: platform-team\n", string.Empty), Line("  name: win2022-gen2-tl"), 3),
            _ => (text.Replace("    vmSize: Standard_D2s_v5", "    vmSize: Standard_D2s_v5\n    adminPassword: Hunter2!Hunter2!"), Line("    vmSize:") + 1, 5),
        };
        var path = folder.Write("broken.yaml", broken);
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var invoke = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path });
        var test = session.Run("Test-ImageRecipe -Path $path", new { path });

        var error = Assert.Single(invoke.Errors);
        Assert.Equal($"GenImage.{id},GenImage.Cmdlets.Commands.InvokeImageRecipeCommand", error.FullyQualifiedErrorId);
        var diagnostic = PSObject.AsPSObject(error.TargetObject);
        Assert.Equal(id, diagnostic.Get<string>("Id"));
        Assert.Equal(path, diagnostic.Get<string>("File"));
        if (line > 0)
        {
            Assert.Equal(line, diagnostic.Get<int>("Line"));
            Assert.Equal(column, diagnostic.Get<int>("Column"));
        }
        else
        {
            Assert.True(diagnostic.Get<int>("Line") >= Line("  name: win2022-gen2-tl"));
        }
        Assert.Contains($"{path}:{diagnostic.Get<int>("Line")}:{diagnostic.Get<int>("Column")}: {id} ", error.Exception.Message);
        Assert.Empty(invoke.Output);
        Assert.DoesNotContain("Hunter2", error.Exception.Message);

        var result = test.SingleOutput();
        Assert.False(result.Get<bool>("IsValid"));
        Assert.False(result.Get<bool>("ReadinessChecked"));
        Assert.Contains(id, result.Get<string>("ProblemIds"));
        Assert.Empty(emulator.RequestLog);
        Assert.False(Directory.Exists(folder.Runs));
    }

    [Fact]
    public async Task WhatIf_shows_the_whole_plan_and_writes_nothing()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-ImageRecipe -Path $path -WhatIf", new RunOptions { Variables = new Dictionary<string, object?> { ["path"] = folder["ubuntu2204-gen2.yaml"] }, RenderToHost = true });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Empty(r.Output);
        foreach (var step in new[] { "Readiness", "Generalize", "Definition", "Publish", "Validate", "Promote", "Evidence", "Cleanup" })
        {
            Assert.Contains($"{step}: ", session.Transcript);
        }

        Assert.Contains("What if", session.Transcript, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("delete the source VM", session.Transcript);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
        Assert.False(Directory.Exists(folder.Runs));
        Assert.Equal("running", emulator.Vm(Worlds.LinuxVm).PowerState);
    }

    [Fact]
    public async Task Without_Force_the_irreversible_steps_are_confirmed_first_and_a_no_changes_nothing()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Invoke-ImageRecipe -Path $path", new { path = folder["ubuntu2204-gen2.yaml"] });

        Assert.Single(session.Prompts);
        Assert.Empty(r.Output);
        Assert.Contains(r.WarningMessages, w => w.Contains("Nothing was done", StringComparison.Ordinal));
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);
        Assert.False(Directory.Exists(folder.Runs));
    }

    [Fact]
    public async Task Get_ImageRecipe_resolves_wildcards_and_literal_paths()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var wild = session.Run("Get-ImageRecipe -Path \"$root/*.yaml\"", new { root = folder.Root });
        var literal = session.Run("Get-ImageRecipe -LiteralPath $p", new { p = folder["ubuntu2204-gen2.yaml"] });
        var none = session.Run("Get-ImageRecipe -Path \"$root/nothing-*.yaml\"", new { root = folder.Root });

        Assert.True(wild.Succeeded, wild.Describe());
        Assert.Equal(new[] { "appserver-specialized", "ubuntu2204-gen2", "win2022-gen2-tl" }, wild.Output.Select(o => o.Get<string>("Name")).OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(wild.Output, o => Assert.Equal("GenImage.ImageRecipe", o.TypeName()));
        Assert.Equal("ubuntu2204-gen2", literal.SingleOutput().Get<string>("Name"));
        Assert.StartsWith("GenImage.RecipeFileNotFound", Assert.Single(none.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public async Task Test_ImageRecipe_when_connected_runs_the_readiness_rules_against_the_live_resources()
    {
        using var folder = new RecipeFolder();
        var gen1 = folder.Write("gen1.yaml", File.ReadAllText(folder["windows2022-gen2-tl.yaml"]).Replace("vmName: vm-win2022-src", "vmName: vm-win2019-gen1"));
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.ClassicFailures);
        using var session = emulator.Connect();

        var r = session.Run("Test-ImageRecipe -Path $path; Test-ImageRecipe -Path $path -Offline", new { path = gen1 });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(2, r.Output.Count);
        Assert.True(r.Output[0].Get<bool>("ReadinessChecked"));
        Assert.False(r.Output[0].Get<bool>("Passed"));
        Assert.Contains("GI2003", r.Output[0].Get<string>("ProblemIds"));
        Assert.False(r.Output[1].Get<bool>("ReadinessChecked"));
        Assert.True(r.Output[1].Get<bool>("Passed"));
        Assert.DoesNotContain(emulator.RequestLog, e => IsWrite(e) && !e.Path.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase));
    }
}

internal static class PSObjectListExtensions
{
    /// <summary>The items of a list property, each seen through PowerShell.</summary>
    public static List<PSObject> Items(this PSObject obj, string property) =>
        obj.Get(property) is System.Collections.IEnumerable items ? items.Cast<object>().Select(PSObject.AsPSObject).ToList() : new List<PSObject>();
}
