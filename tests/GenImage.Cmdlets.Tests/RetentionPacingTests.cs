using System.Globalization;
using System.Text;
using GenImage.Emulator;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// Retention (cleanup.keepVersions) of the Windows recipe over a definition with many older versions: the deletes run
/// side by side, at most eight at a time, and with ARM's budgets on they are paced by the delete budget the answers
/// report, so no 429 is sent for and none reaches the run.
/// </summary>
public sealed class RetentionPacingTests
{
    private const string Definition = "/images/win2022-datacenter-g2/versions/";

    /// <summary>The healthy world with <paramref name="count"/> older versions (0.0.1 …) of the Windows definition.</summary>
    private static string WorldWithVersions(int count, string extra = "")
    {
        var world = File.ReadAllText(RepoPaths.World(Worlds.Healthy));
        const string anchor = "                sku: 2022-datacenter-g2\n";
        var at = world.IndexOf(anchor, StringComparison.Ordinal);
        Assert.True(at >= 0, "the healthy world no longer has the win2022-datacenter-g2 definition");
        var versions = new StringBuilder("                versions:\n");
        for (var i = 1; i <= count; i++)
        {
            versions.Append(CultureInfo.InvariantCulture, $"                  - {{ name: 0.0.{i}, source: vm-win2022-src, publishedDaysAgo: 1 }}\n");
        }

        return world.Insert(at + anchor.Length, versions.ToString()) + extra;
    }

    private static bool IsVersionDelete(RequestLogEntry e) =>
        e.Method == "DELETE" && e.Path.Contains(Definition, StringComparison.OrdinalIgnoreCase);

    private static bool IsOperationPoll(RequestLogEntry e) =>
        e.Method == "GET" && e.Path.Contains("perations/", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task Retention_deletes_overlap_eight_at_a_time()
    {
        using var folder = new RecipeFolder();
        var clock = new TestClock();
        // 20 older versions: 16 to delete, two batches of eight.
        await using var emulator = await EmulatorFixture.StartAsync(new EmulatorOptions { WorldYaml = WorldWithVersions(20), ClockScale = 0.003, TimeProvider = clock });
        using var session = emulator.Connect();
        // Azure time stops the instant the first version DELETE is answered: no delete can finish from then on, so the
        // deletes under way are all the module lets run at once.
        var frozen = 0;
        emulator.Host.RequestCompleted += e =>
        {
            if (IsVersionDelete(e) && Interlocked.Exchange(ref frozen, 1) == 0)
            {
                clock.Freeze();
            }
        };

        var running = session.RunAsync("Invoke-ImageRecipe -Path $path -Force", new RunOptions { Variables = new Dictionary<string, object?> { ["path"] = folder["windows2022-gen2-tl.yaml"] } });
        // Wait (on events, bounded) until eight deletes are under way — DELETE answered, version still there — and have
        // been polled twice each after the last DELETE was sent: a ninth, were it allowed, would have been sent by then.
        // Counting versions still there (not DELETEs sent) leaves out any delete that finished before the clock stopped.
        List<string> deleting = [];
        for (var i = 0; i < 3000 && !running.IsCompleted; i++)
        {
            var log = emulator.RequestLog.ToList();
            var sent = log.Where(IsVersionDelete).ToList();
            deleting = sent.Select(e => e.Path[(e.Path.LastIndexOf('/') + 1)..]).Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(v => emulator.Host.GetImageVersion(emulator.SubscriptionId, "rg-images", "gal_images", "win2022-datacenter-g2", v) != null).ToList();
            if (deleting.Count >= 8 && log.SkipWhile(e => e != sent[^1]).Count(IsOperationPoll) >= 16)
            {
                break;
            }

            await Task.Delay(10);
        }

        var inFlight = deleting.Count;
        clock.Thaw();
        var done = await running;

        Assert.True(done.Succeeded, done.Describe());
        Assert.Equal(8, inFlight);
        var deletes = emulator.RequestLog.Where(IsVersionDelete).ToList();
        Assert.Equal(16, deletes.Count(e => e.Status < 300));
        Assert.All(Enumerable.Range(1, 16), i => Assert.Null(emulator.Host.GetImageVersion(emulator.SubscriptionId, "rg-images", "gal_images", "win2022-datacenter-g2", $"0.0.{i}")));
    }

    [Fact]
    public async Task With_ARM_budgets_on_parallel_retention_deletes_are_paced_and_no_429_reaches_the_run()
    {
        using var folder = new RecipeFolder();
        // ARM's read and write buckets as documented; the delete bucket is cut to 10 (ARM's refill, 10/s) so the 36
        // deletes (eight at a time, each 30 Azure seconds = 30 ms at the world's scale, about 260 a second unpaced) must
        // be paced by it to get through without a 429.
        const string throttling = """

            throttling:
              enabled: true
              reads:   { bucket: 250, refillPerSecond: 25 }
              writes:  { bucket: 200, refillPerSecond: 10 }
              deletes: { bucket: 10, refillPerSecond: 10 }
            """;
        await using var emulator = await EmulatorFixture.StartAsync(new EmulatorOptions { WorldYaml = WorldWithVersions(40, throttling) });
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var done = session.Run("Invoke-ImageRecipe -Path $path -Force -Debug", new { path = folder["windows2022-gen2-tl.yaml"] });

        Assert.True(done.Succeeded, done.Describe());
        Assert.Empty(done.Errors);
        Assert.Equal("Succeeded", done.SingleOutput().Get<string>("Status"));
        Assert.Equal(36, emulator.RequestLog.Count(e => IsVersionDelete(e) && e.Status < 300));
        // Paced, not retried: no request was answered 429, and the module said it waited for the delete budget.
        Assert.DoesNotContain(emulator.RequestLog, e => e.Status == 429);
        Assert.Contains(done.Debug, d => d.Message.StartsWith("ARM pacing: DELETE", StringComparison.Ordinal) &&
            d.Message.Contains("x-ms-ratelimit-remaining-subscription-deletes is low", StringComparison.Ordinal));
        Assert.DoesNotContain(done.Warnings, w => w.Message.Contains("429", StringComparison.Ordinal) || w.Message.Contains("throttl", StringComparison.OrdinalIgnoreCase));
    }
}
