using System.Text.Json;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Recipes;
using GenImage.Core.Tests.Evidence;
using GenImage.Core.Tests.Vm;

namespace GenImage.Core.Tests.Recipes;

/// <summary>One run of a recipe at a time: the lease in the recipe's run folder.</summary>
public sealed class RecipeLeaseTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-lease-" + Guid.NewGuid().ToString("N"));

    public RecipeLeaseTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private ImageRecipe Recipe() => TestRecipes.Ubuntu(_folder);

    private LocalRunStore Store => new(Path.Combine(_folder, "runs"));

    private static async Task<RecipeRun> Run(RecipeEngines engines, ImageRecipe recipe, RecipeRunOptions? options = null, Logging.IGenImageLog? log = null)
    {
        options ??= new RecipeRunOptions();
        var runner = new RecipeRunner(engines, log ?? NullLogForTests.Instance);
        var plan = await runner.PlanAsync(recipe, options, CancellationToken.None);
        return await runner.RunAsync(plan, options, new HashSet<string>(RecipeRunner.StepNames), CancellationToken.None);
    }

    private void WriteLease(string host, int pid, DateTimeOffset heartbeat)
    {
        Directory.CreateDirectory(Path.Combine(_folder, "runs", "ubuntu"));
        var lease = new LeaseRecord { Owner = "colleague@contoso.example", Host = host, ProcessId = pid, RunId = "20260101T000000Z-abcdef", Token = "t", AcquiredAt = heartbeat, Heartbeat = heartbeat };
        Assert.True(Store.TryCreateLease("ubuntu", JsonSerializer.Serialize(lease, EvidenceJson.Options)));
    }

    [Fact]
    public async Task While_a_run_is_live_a_second_run_and_a_Resume_of_it_fail_fast_naming_the_owner()
    {
        var cloud = new FakeCloud();
        var recipe = Recipe();
        GenImageException? second = null, resume = null;
        cloud.Before = op =>
        {
            if (op != "publish" || second != null)
            {
                return null;
            }
            // A colleague starts the same recipe while this run publishes; and someone resumes it.
            var runner = new RecipeRunner(cloud.Engines(), NullLogForTests.Instance);
            second = Assert.Throws<AggregateException>(() => runner.PlanAsync(recipe, new RecipeRunOptions(), CancellationToken.None).Wait()).InnerException as GenImageException;
            resume = Assert.Throws<AggregateException>(() => runner.PlanAsync(recipe, new RecipeRunOptions { Resume = true }, CancellationToken.None).Wait()).InnerException as GenImageException;
            return null;
        };

        var run = await Run(cloud.Engines(), recipe);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(RecipeErrorIds.RunInProgress, second!.ErrorId);
        Assert.Contains("operator@genimage.local", second.Message);
        Assert.Contains("fake-host", second.Message);
        Assert.Contains(run.RunId, second.Message);
        Assert.Equal(RecipeErrorIds.RunInProgress, resume!.ErrorId);
        Assert.Null(Store.ReadLease("ubuntu"));   // released when the run ended
    }

    [Fact]
    public async Task Two_runs_started_at_once_make_one_run_and_one_version()
    {
        var cloud = new FakeCloud();
        var recipe = Recipe();
        var options = new RecipeRunOptions();
        // Both are planned before either starts, so both saw no other run: the check that raced before.
        var runners = Enumerable.Range(0, 2).Select(_ => new RecipeRunner(cloud.Engines(), NullLogForTests.Instance)).ToList();
        var plans = new List<RecipePlan>();
        foreach (var runner in runners)
        {
            plans.Add(await runner.PlanAsync(recipe, options, CancellationToken.None));
        }

        var results = await Task.WhenAll(runners.Select((runner, i) => Task.Run(async () =>
        {
            try
            {
                return (Run: await runner.RunAsync(plans[i], options, new HashSet<string>(RecipeRunner.StepNames), CancellationToken.None), Error: (GenImageException?)null);
            }
            catch (GenImageException ex)
            {
                return (Run: (RecipeRun?)null, Error: ex);
            }
        })));

        Assert.Single(results, r => r.Run?.Status == RunStatus.Succeeded);
        var refused = Assert.Single(results, r => r.Error != null).Error!;
        Assert.Contains(refused.ErrorId, new[] { RecipeErrorIds.RunInProgress, RecipeErrorIds.PlanOutdated });
        Assert.Single(cloud.Versions);
        Assert.Equal(1, cloud.Count("publish"));
        Assert.Equal(1, cloud.Count("generalize"));
        Assert.Single(Store.ListRuns("ubuntu"));
    }

    [Fact]
    public async Task A_lease_whose_process_is_gone_is_taken_over_with_a_warning()
    {
        var cloud = new FakeCloud();
        WriteLease("fake-host", pid: 4242, DateTimeOffset.UtcNow);   // this host; that process no longer runs
        var log = new RecordingLog();

        var run = await Run(cloud.Engines(), Recipe(), log: log);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Contains(log.Warnings, w => w.Contains("stale lease", StringComparison.Ordinal) && w.Contains("colleague@contoso.example", StringComparison.Ordinal) && w.Contains("4242", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lease_on_another_host_is_live_while_its_heartbeat_is_recent_and_stale_once_it_is_old()
    {
        var cloud = new FakeCloud();
        WriteLease("other-host", pid: 1, DateTimeOffset.UtcNow.AddSeconds(-30));

        var refused = await Assert.ThrowsAsync<GenImageException>(() => Run(cloud.Engines(), Recipe()));
        Assert.Equal(RecipeErrorIds.RunInProgress, refused.ErrorId);
        Assert.Contains("other-host", refused.Message);
        Assert.Empty(cloud.Writes);

        Store.DeleteLease("ubuntu", Store.ReadLease("ubuntu")!);
        WriteLease("other-host", pid: 1, DateTimeOffset.UtcNow.AddMinutes(-30));
        var log = new RecordingLog();
        var run = await Run(cloud.Engines(), Recipe(), log: log);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Contains(log.Warnings, w => w.Contains("heartbeat", StringComparison.Ordinal) && w.Contains("other-host", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_killed_run_leaves_its_lease_and_the_next_process_takes_it_over_to_resume()
    {
        var cloud = new FakeCloud();
        var recipe = Recipe();
        cloud.After = op => op == "publish" ? cloud.Kill() : null;
        await Assert.ThrowsAsync<ProcessKilledException>(() => Run(cloud.Engines(), recipe));
        Assert.NotNull(Store.ReadLease("ubuntu"));

        cloud.Restart();
        var log = new RecordingLog();
        var resumed = await Run(cloud.Engines(), recipe, new RecipeRunOptions { Resume = true }, log);

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Contains(log.Warnings, w => w.Contains("stale lease", StringComparison.Ordinal));
        Assert.Null(Store.ReadLease("ubuntu"));
    }

    [Fact]
    public void The_heartbeat_is_renewed_and_a_holder_that_lost_the_lease_knows_it()
    {
        var store = Store;
        var now = DateTimeOffset.UtcNow;
        var host = new RunHost { Name = "h", ProcessId = 1, IsAlive = (_, _) => true };
        using var lease = RunLease.Acquire(store, "ubuntu", "me", "run-1", host, TimeSpan.FromMinutes(5), NullLogForTests.Instance, () => now);

        now = now.AddMinutes(1);
        lease.Renew();
        var stored = JsonSerializer.Deserialize<LeaseRecord>(store.ReadLease("ubuntu")!, EvidenceJson.Compact)!;
        Assert.Equal(now, stored.Heartbeat);
        Assert.False(lease.Lost);

        // Someone on another host decided the lease was stale and took it.
        var theirs = JsonSerializer.Serialize(new LeaseRecord { Host = "other", Token = "x", Heartbeat = now }, EvidenceJson.Options);
        Assert.True(store.TryReplaceLease("ubuntu", store.ReadLease("ubuntu")!, theirs));
        lease.Renew();

        Assert.True(lease.Lost);
        Assert.Equal(theirs, store.ReadLease("ubuntu"));
    }
}
