using System.Text.Json;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Recipes;

namespace GenImage.Core.Tests.Recipes;

/// <summary>The listing of the runs in a store (Get-ImageRun), from journals and leases written as the runner writes them.</summary>
public sealed class RunListingTests : IDisposable
{
    private static readonly DateTimeOffset T = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-runlisting-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, true);
        }
    }

    /// <summary>Two runs of "ubuntu" (an old finished one, a newer unfinished one holding the lease) and one of "windows".</summary>
    internal static void WriteRuns(IRunStore store)
    {
        WriteRun(store, "ubuntu", "20261201T100000Z-aaaaaa", "1.0.1", T, finished: "Succeeded");
        WriteRun(store, "ubuntu", "20261202T100000Z-bbbbbb", "1.0.2", T.AddDays(1), finished: null);
        WriteRun(store, "windows", "20261201T110000Z-cccccc", "2.0.0", T.AddHours(1), finished: "Failed");
        var lease = new LeaseRecord { Owner = "runner@genimage.local", Host = "worker-7", ProcessId = 4242, RunId = "20261202T100000Z-bbbbbb", Token = "t", AcquiredAt = T.AddDays(1), Heartbeat = T.AddDays(1).AddMinutes(30) };
        Assert.True(store.TryCreateLease("ubuntu", JsonSerializer.Serialize(lease, EvidenceJson.Options)));
    }

    private static void WriteRun(IRunStore store, string recipe, string runId, string version, DateTimeOffset started, string? finished)
    {
        var journal = RunJournal.Create(store, recipe, runId);
        journal.Append(new JournalEvent
        {
            Type = JournalEventTypes.RunStarted, Time = started, RunId = runId, RecipeName = recipe, RecipePath = "/r/" + recipe + ".yaml", Principal = "operator@genimage.local",
            Inputs = new Dictionary<string, string> { ["definitionId"] = "/d/" + recipe, ["versionName"] = version },
        });
        journal.Append(new JournalEvent { Type = JournalEventTypes.StepStarted, Time = started.AddMinutes(1), Step = RecipeSteps.Readiness, Attempt = 1 });
        if (finished != null)
        {
            journal.Append(new JournalEvent { Type = JournalEventTypes.RunFinished, Time = started.AddMinutes(5), RunId = runId, Status = finished, Message = "ended " + finished });
        }
    }

    internal static void AssertListing(IRunStore store)
    {
        var runs = RunListing.List(store).ToList();

        Assert.Equal(new[] { "20261202T100000Z-bbbbbb", "20261201T100000Z-aaaaaa", "20261201T110000Z-cccccc" }, runs.Select(r => r.RunId));
        var done = runs[1];
        Assert.Equal(("ubuntu", RunStatus.Succeeded, "1.0.1", "ended Succeeded"), (done.RecipeName, done.Status, done.VersionName, done.Message));
        Assert.Equal(T, done.Started);
        Assert.Equal(T.AddMinutes(5), done.Finished);
        Assert.Equal(T.AddMinutes(5), done.LastHeartbeat);   // the journal's last record: the lease names another run
        Assert.False(done.HoldsLease);
        Assert.Equal(("operator@genimage.local", (string?)null, (int?)null), (done.Owner, done.Host, done.ProcessId));
        Assert.Equal(store.JournalLocation("ubuntu", done.RunId), done.JournalPath);

        var open = runs[0];
        Assert.Equal((RunStatus.Running, "1.0.2", (DateTimeOffset?)null), (open.Status, open.VersionName, open.Finished));
        Assert.True(open.HoldsLease);
        Assert.Equal(T.AddDays(1).AddMinutes(30), open.LastHeartbeat);   // the lease's heartbeat
        Assert.Equal(("runner@genimage.local", "worker-7", (int?)4242), (open.Owner, open.Host, open.ProcessId));

        Assert.Equal((RunStatus.Failed, "2.0.0"), (runs[2].Status, runs[2].VersionName));

        Assert.Equal(new[] { "20261202T100000Z-bbbbbb" }, RunListing.List(store, n => n == "ubuntu", newest: 1).Select(r => r.RunId));
        Assert.Equal(new[] { "windows" }, RunListing.List(store, n => n.StartsWith("win", StringComparison.Ordinal)).Select(r => r.RecipeName));
    }

    [Fact]
    public void The_folder_store_lists_each_run_with_status_version_heartbeat_and_owner()
    {
        var store = new LocalRunStore(_folder);
        WriteRuns(store);

        AssertListing(store);
        Assert.Equal(Path.Combine(_folder, "ubuntu", "20261201T100000Z-aaaaaa"), RunListing.List(store).Single(r => r.RunId == "20261201T100000Z-aaaaaa").RunPath);
    }

    [Fact]
    public void A_folder_that_does_not_exist_lists_no_run_and_a_folder_without_journals_is_no_recipe()
    {
        Assert.Empty(RunListing.List(new LocalRunStore(Path.Combine(_folder, "missing"))));
        Directory.CreateDirectory(Path.Combine(_folder, "empty-recipe"));
        Assert.Empty(RunListing.List(new LocalRunStore(_folder)));
    }

    [Fact]
    public void A_journal_from_a_newer_module_is_reported_and_the_listing_goes_on()
    {
        var store = new LocalRunStore(_folder);
        WriteRun(store, "ubuntu", "20261201T100000Z-aaaaaa", "1.0.1", T, finished: "Succeeded");
        store.CreateRun("ubuntu", "20261203T100000Z-dddddd");
        store.AppendLine("ubuntu", "20261203T100000Z-dddddd", "{\"schemaVersion\":99,\"type\":\"runStarted\"}");
        var errors = new List<GenImageException>();

        var runs = RunListing.List(store, onError: errors.Add).ToList();

        Assert.Equal("20261201T100000Z-aaaaaa", Assert.Single(runs).RunId);
        Assert.Equal(RecipeErrorIds.JournalUnreadable, Assert.Single(errors).ErrorId);
    }
}

/// <summary>The same listing from a blob container (Azurite).</summary>
[Collection(AzuriteTests.Name)]
public sealed class BlobRunListingTests
{
    private readonly AzuriteFixture _azurite;

    public BlobRunListingTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public void The_blob_store_lists_each_run_with_status_version_heartbeat_and_owner()
    {
        var url = _azurite.NewStoreUrl("images/prod");
        var store = _azurite.Store(url);
        RunListingTests.WriteRuns(store);

        RunListingTests.AssertListing(store);
        var run = RunListing.List(store).Single(r => r.RunId == "20261201T100000Z-aaaaaa");
        Assert.Equal(store.Location("ubuntu") + "/20261201T100000Z-aaaaaa", run.RunPath);
        Assert.StartsWith("https://", run.JournalPath, StringComparison.Ordinal);
    }
}
