using System.Text;
using System.Text.Json;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Recipes;
using GenImage.Core.Tests.Evidence;
using GenImage.Core.Tests.Vm;

namespace GenImage.Core.Tests.Recipes;

/// <summary>The blob run store against Azurite (HTTPS, --oauth basic): journal, blob lease, write-once evidence.</summary>
[Collection(AzuriteTests.Name)]
public sealed class BlobRunStoreTests : IDisposable
{
    private readonly AzuriteFixture _azurite;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-blobstore-" + Guid.NewGuid().ToString("N"));

    public BlobRunStoreTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        Directory.CreateDirectory(_folder);
    }

    public void Dispose() => Directory.Delete(_folder, true);

    private ImageRecipe Recipe(string? store = null) => TestRecipes.Ubuntu(_folder, store: store);

    private static RunHost Host(string name, int pid, bool alive = true) => new() { Name = name, ProcessId = pid, IsAlive = (_, _) => alive };

    [Fact]
    public void A_journal_written_by_the_folder_store_and_by_the_blob_store_reads_back_identically()
    {
        var local = new LocalRunStore(Path.Combine(_folder, "runs"));
        var blob = _azurite.Store(_azurite.NewStoreUrl("images/prod"));
        var t = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        const string runId = "20261201T100000Z-a1b2c3";
        var events = new[]
        {
            new JournalEvent { Type = JournalEventTypes.RunStarted, Time = t, RunId = runId, RecipeName = "ubuntu", RecipePath = "/r/ubuntu.yaml", RecipeSha256 = "ab", Principal = "operator@genimage.local",
                Inputs = new Dictionary<string, string> { ["sourceVmId"] = "/subscriptions/s/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-src", ["definitionId"] = "/d", ["versionName"] = "1.0.1" } },
            new JournalEvent { Type = JournalEventTypes.StepStarted, Time = t.AddSeconds(1), Step = RecipeSteps.Readiness, Attempt = 1, CorrelationId = "c1" },
            new JournalEvent { Type = JournalEventTypes.StepFinished, Time = t.AddSeconds(2), Step = RecipeSteps.Readiness, Attempt = 1, CorrelationId = "c1", Status = "Succeeded", Message = "ready — ü" },
            new JournalEvent { Type = JournalEventTypes.Intent, Time = t.AddSeconds(3), Step = RecipeSteps.Publish, Resources = new List<JournalResource> { new() { Kind = "galleryImageVersion", Id = "/d/versions/1.0.1", Purpose = "publish" } } },
            new JournalEvent { Type = JournalEventTypes.RunFinished, Time = t.AddSeconds(4), RunId = runId, Status = "Failed", Message = "stopped for the test" },
        };
        var a = RunJournal.Create(local, "ubuntu", runId);
        var b = RunJournal.Create(blob, "ubuntu", runId);
        foreach (var ev in events)
        {
            a.Append(ev);
            b.Append(ev);
        }

        var fromFolder = RunJournal.Open(local, "ubuntu", runId);
        var fromBlob = RunJournal.Open(blob, "ubuntu", runId);

        Assert.Equal(local.ReadLines("ubuntu", runId), blob.ReadLines("ubuntu", runId));
        Assert.Equal(5, blob.ReadLines("ubuntu", runId).Count);
        Assert.Equal(JsonSerializer.Serialize(fromFolder.Events, EvidenceJson.Options), JsonSerializer.Serialize(fromBlob.Events, EvidenceJson.Options));
        Assert.Equal(fromFolder.ReadText(), fromBlob.ReadText());
        Assert.Equal(local.ListRuns("ubuntu"), blob.ListRuns("ubuntu"));
        var runA = RunReader.ReadRun(fromFolder);
        var runB = RunReader.ReadRun(fromBlob);
        Assert.EndsWith("/images/prod/ubuntu/" + runId + "/journal.jsonl", runB.JournalPath, StringComparison.Ordinal);
        runA.JournalPath = runB.JournalPath = runA.RunPath = runB.RunPath = string.Empty;
        Assert.Equal(JsonSerializer.Serialize(runA, EvidenceJson.Options), JsonSerializer.Serialize(runB, EvidenceJson.Options));
        Assert.True(fromBlob.IsUnfinished);
    }

    [Fact]
    public async Task A_recipe_run_keeps_its_journal_and_evidence_in_the_container_and_releases_its_lease()
    {
        var url = _azurite.NewStoreUrl("prod");
        var cloud = new FakeCloud();
        var engines = cloud.Engines();
        engines.RunStore = _ => _azurite.Store(url);
        var recipe = Recipe(url);

        var runner = new RecipeRunner(engines, NullLogForTests.Instance);
        var options = new RecipeRunOptions();
        var plan = await runner.PlanAsync(recipe, options, CancellationToken.None);
        var run = await runner.RunAsync(plan, options, new HashSet<string>(RecipeRunner.StepNames), CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var names = _azurite.Container(url).GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "prod/", default).Select(b => b.Name).ToList();
        Assert.Contains($"prod/ubuntu/{run.RunId}/journal.jsonl", names);
        Assert.Contains($"prod/ubuntu/{run.RunId}/evidence/SHA256SUMS", names);
        Assert.Contains($"prod/ubuntu/{run.RunId}/evidence/evidence.json", names);
        Assert.Contains($"prod/ubuntu/{run.RunId}/evidence/attachments/journal.jsonl", names);
        Assert.DoesNotContain("prod/ubuntu/lease.json", names);
        Assert.Equal($"{url}/ubuntu/{run.RunId}/evidence", run.EvidencePath);
        Assert.False(Directory.Exists(Path.Combine(_folder, "runs")), "A run in a blob store writes no run folder beside the recipe.");
        // Read back by the URL alone, as Get-ImageEvidence -RunPath does in another job.
        var back = RunReader.ReadRun(RunJournal.Open(_azurite.Store(url), "ubuntu", run.RunId));
        Assert.Equal(RunStatus.Succeeded, back.Status);
        Assert.Equal(run.VersionName, back.VersionName);
    }

    [Fact]
    public async Task A_live_blob_lease_refuses_another_worker_and_an_expired_one_is_taken_over_with_a_warning()
    {
        var url = _azurite.NewStoreUrl();
        var storeA = _azurite.Store(url, TimeSpan.FromSeconds(15));
        var storeB = _azurite.Store(url, TimeSpan.FromSeconds(15));
        var logA = new RecordingLog();
        var logB = new RecordingLog();
        var staleAfter = TimeSpan.FromMinutes(5);
        var leaseA = RunLease.Acquire(storeA, "ubuntu", "job-a@contoso.example", "20261201T100000Z-aaaaaa", Host("worker-a", 4100), staleAfter, logA, () => DateTimeOffset.UtcNow);
        storeA.CreateRun("ubuntu", "20261201T100000Z-aaaaaa");

        var refused = Assert.Throws<GenImageException>(() =>
            RunLease.Acquire(storeB, "ubuntu", "job-b@contoso.example", null, Host("worker-b", 4200), staleAfter, logB, () => DateTimeOffset.UtcNow));
        Assert.Equal(RecipeErrorIds.RunInProgress, refused.ErrorId);
        Assert.Contains("job-a@contoso.example on worker-a", refused.Message, StringComparison.Ordinal);
        Assert.True(storeB.LeaseHeld("ubuntu"));

        // Worker A's job dies: nobody renews its blob lease, which expires after its 15 seconds.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (storeB.LeaseHeld("ubuntu") == true)
        {
            Assert.True(DateTime.UtcNow < deadline, "The 15-second blob lease did not expire within 90 seconds.");
            await Task.Delay(500);
        }
        using var leaseB = RunLease.Acquire(storeB, "ubuntu", "job-b@contoso.example", null, Host("worker-b", 4200), staleAfter, logB, () => DateTimeOffset.UtcNow);

        var warning = Assert.Single(logB.Warnings);
        Assert.Contains("Took over the stale lease", warning, StringComparison.Ordinal);
        Assert.Contains("job-a@contoso.example on worker-a", warning, StringComparison.Ordinal);
        Assert.Contains("expired", warning, StringComparison.Ordinal);
        Assert.True(storeB.LeaseHeld("ubuntu"));
        // Worker A, had it only stalled, writes nothing more (never two writers) and sees that it lost the run.
        var stopped = Assert.Throws<GenImageException>(() => storeA.AppendLine("ubuntu", "20261201T100000Z-aaaaaa", "{\"type\":\"stepStarted\"}"));
        Assert.Equal(RecipeErrorIds.RunInProgress, stopped.ErrorId);
        Assert.Empty(storeB.ReadLines("ubuntu", "20261201T100000Z-aaaaaa"));
        leaseA.Renew();
        Assert.True(leaseA.Lost);
        Assert.Contains(logA.Warnings, w => w.Contains("was taken over by job-b@contoso.example on worker-b", StringComparison.Ordinal));
        leaseA.Dispose();
        Assert.True(storeB.LeaseHeld("ubuntu"), "The lost holder's Dispose must not release the new holder's lease.");
    }

    [Fact]
    public void A_lease_whose_process_ended_on_this_host_is_broken_and_taken_over_at_once()
    {
        var url = _azurite.NewStoreUrl();
        var storeA = _azurite.Store(url);
        var storeB = _azurite.Store(url);
        var log = new RecordingLog();
        var leaseA = RunLease.Acquire(storeA, "ubuntu", "op@contoso.example", null, Host("build-01", 4100), TimeSpan.FromMinutes(5), NullLogForTests.Instance, () => DateTimeOffset.UtcNow);

        // The same host, where process 4100 no longer runs: its 60-second blob lease is broken instead of waited for.
        using var leaseB = RunLease.Acquire(storeB, "ubuntu", "op@contoso.example", null, Host("build-01", 4200, alive: false), TimeSpan.FromMinutes(5), log, () => DateTimeOffset.UtcNow);

        Assert.Contains(log.Warnings, w => w.Contains("its process 4100 no longer runs", StringComparison.Ordinal));
        Assert.Equal(4200, JsonSerializer.Deserialize<LeaseRecord>(storeB.ReadLease("ubuntu")!, EvidenceJson.Compact)!.ProcessId);
        leaseA.Renew();
        Assert.True(leaseA.Lost);
    }

    [Fact]
    public void An_evidence_bundle_in_the_container_is_never_overwritten_and_large_attachments_are_streamed()
    {
        var url = _azurite.NewStoreUrl();
        var store = _azurite.Store(url);
        var bundle = Path.Combine(_folder, "bundle");
        Directory.CreateDirectory(Path.Combine(bundle, "attachments"));
        File.WriteAllText(Path.Combine(bundle, "evidence.json"), "{\"first\":true}");
        var large = new byte[9 * 1024 * 1024 + 17];
        new Random(15).NextBytes(large);
        File.WriteAllBytes(Path.Combine(bundle, "attachments", "serial-westeurope.log"), large);
        File.WriteAllText(Path.Combine(bundle, "SHA256SUMS"), "first\n");

        var first = store.PublishEvidence("ubuntu", "run-1", bundle);
        File.WriteAllText(Path.Combine(bundle, "evidence.json"), "{\"second\":true}");
        var second = store.PublishEvidence("ubuntu", "run-1", bundle);

        Assert.False(first.AlreadyThere);
        Assert.True(second.AlreadyThere);
        Assert.Equal($"{url}/ubuntu/run-1/evidence", second.Location);
        var kept = store.ReadEvidence("ubuntu", "run-1");
        Assert.Equal("{\"first\":true}", Encoding.UTF8.GetString(kept["evidence.json"]));
        Assert.Equal(large, kept["attachments/serial-westeurope.log"]);
        Assert.Equal(new[] { "SHA256SUMS", "attachments/serial-westeurope.log", "evidence.json" }, kept.Keys.ToArray());
    }

    [Fact]
    public void What_an_interrupted_upload_left_without_SHA256SUMS_is_replaced_by_the_whole_bundle()
    {
        var url = _azurite.NewStoreUrl();
        var store = _azurite.Store(url);
        var container = _azurite.Container(url);
        container.Create();
        container.GetBlobClient("ubuntu/run-2/evidence/evidence.json").Upload(BinaryData.FromString("{\"partial\":true}"));
        var bundle = Path.Combine(_folder, "bundle2");
        Directory.CreateDirectory(bundle);
        File.WriteAllText(Path.Combine(bundle, "evidence.json"), "{\"whole\":true}");
        File.WriteAllText(Path.Combine(bundle, "report.md"), "# report");
        File.WriteAllText(Path.Combine(bundle, "SHA256SUMS"), "sums\n");

        var published = store.PublishEvidence("ubuntu", "run-2", bundle);

        Assert.False(published.AlreadyThere);
        var kept = store.ReadEvidence("ubuntu", "run-2");
        Assert.Equal("{\"whole\":true}", Encoding.UTF8.GetString(kept["evidence.json"]));
        Assert.Equal(3, kept.Count);
    }

    [Theory]
    [InlineData("https://contoso.blob.core.windows.net/runs?sv=2024-08-04&ss=b&srt=co&sp=rwl&se=2030-01-01&sig=AbCdEf0123456789%2Bxyz%3D", "query string")]
    [InlineData("http://contoso.blob.core.windows.net/runs", "not https")]
    [InlineData("https://contoso.blob.core.windows.net/", "names no container")]
    public void A_store_URL_with_a_SAS_or_without_https_or_a_container_is_refused_without_repeating_it(string url, string why)
    {
        var error = Assert.Throws<GenImageException>(() => RunStores.ParseUrl(url, "-Store"));

        Assert.Equal(RunStores.StoreUrlInvalid, error.ErrorId);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AbCdEf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recipe_whose_store_carries_a_SAS_is_refused_as_a_secret()
    {
        var recipe = Recipe("\"https://contoso.blob.core.windows.net/runs?sv=2024-08-04&sp=rwl&se=2030-01-01&sig=AbCdEf0123456789xyz\"");

        Assert.False(recipe.IsValid);
        Assert.Contains(recipe.Diagnostics, d => d.Id == RecipeDiagnosticIds.SecretValue && d.KeyPath == "spec.evidence.store");
    }

    [Fact]
    public void A_recipe_names_its_blob_store_in_spec_evidence_store()
    {
        var recipe = Recipe("https://contoso.blob.core.windows.net/image-runs/prod");

        Assert.True(recipe.IsValid, string.Join("; ", recipe.Diagnostics));
        Assert.Equal("https://contoso.blob.core.windows.net/image-runs/prod", recipe.Spec.Evidence.Store);
        Assert.IsType<LocalRunStore>(RunStores.ForRecipe(Recipe(), null));
        var error = Assert.Throws<GenImageException>(() => RunStores.ForRecipe(recipe, null));
        Assert.Equal(ErrorIds.NotConnected, error.ErrorId);
    }
}
