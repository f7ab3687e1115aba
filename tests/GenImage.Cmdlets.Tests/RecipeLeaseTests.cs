using System.Diagnostics;
using System.Text.Json;
using GenImage.Emulator;

namespace GenImage.Cmdlets.Tests;

/// <summary>One run of a recipe at a time, against the emulator: the lease file in the recipe's run folder.</summary>
public sealed class RecipeLeaseTests
{
    private static bool IsWrite(RequestLogEntry e) => RecipeSafetyTests.IsWrite(e) && !e.Path.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task A_second_session_cannot_start_the_recipe_while_a_run_is_live()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.Healthy, clockScale: 0.01);
        using var first = emulator.Connect();
        using var second = emulator.Connect();
        var recipe = folder["ubuntu2204-gen2.yaml"];

        var running = first.RunAsync("Invoke-ImageRecipe -Path $path -Force", new RunOptions { Variables = new Dictionary<string, object?> { ["path"] = recipe } });
        // Wait until the first run holds the lease and has recorded its run id in it (the lease is taken before the
        // run's journal, and so its id, exists), then start the same recipe from another session.
        var lease = Path.Combine(folder.Runs, "ubuntu2204-gen2", "lease.json");
        while (!LeaseNamesARun(lease) && !running.IsCompleted)
        {
            await Task.Delay(20);
        }

        var refused = second.Run("Invoke-ImageRecipe -Path $path -Force", new { path = recipe });
        var resume = second.Run("Invoke-ImageRecipe -Path $path -Resume -Force", new { path = recipe });
        var done = await running;

        Assert.True(done.Succeeded, done.Describe());
        var error = Assert.Single(refused.Errors);
        Assert.StartsWith("GenImage.RunInProgress", error.FullyQualifiedErrorId);
        Assert.Contains(Environment.MachineName, error.Exception.Message);
        Assert.Contains(done.SingleOutput().Get<string>("RunId"), error.Exception.Message);
        Assert.StartsWith("GenImage.RunInProgress", Assert.Single(resume.Errors).FullyQualifiedErrorId);
        Assert.Equal(1, emulator.RequestLog.Count(e => e.Method == "PUT" && e.Path.Contains("/versions/", StringComparison.OrdinalIgnoreCase) && e.Status < 300));
        Assert.False(File.Exists(lease));
    }

    private static bool LeaseNamesARun(string lease)
    {
        try
        {
            return File.Exists(lease) && File.ReadAllText(lease).Contains("\"runId\"", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;   // being replaced by the heartbeat: look again
        }
    }

    [Fact]
    public async Task A_lease_held_by_another_live_process_refuses_and_is_taken_over_once_that_process_ends()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        var recipe = folder["ubuntu2204-gen2.yaml"];
        // Another process on this machine holds the lease.
        using var other = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        var leaseFolder = Path.Combine(folder.Runs, "ubuntu2204-gen2");
        Directory.CreateDirectory(leaseFolder);
        File.WriteAllText(Path.Combine(leaseFolder, "lease.json"), JsonSerializer.Serialize(new
        {
            owner = "colleague@contoso.example", host = Environment.MachineName, processId = other.Id,
            processStartedAt = new DateTimeOffset(other.StartTime.ToUniversalTime(), TimeSpan.Zero), runId = "20260101T000000Z-abcdef",
            token = "theirs", acquiredAt = DateTimeOffset.UtcNow, heartbeat = DateTimeOffset.UtcNow,
        }));
        emulator.Host.ClearRequestLog();

        var refused = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = recipe });

        var error = Assert.Single(refused.Errors);
        Assert.StartsWith("GenImage.RunInProgress", error.FullyQualifiedErrorId);
        Assert.Contains("colleague@contoso.example", error.Exception.Message);
        Assert.Contains(other.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Exception.Message);
        Assert.DoesNotContain(emulator.RequestLog, IsWrite);

        other.Kill();
        other.WaitForExit();
        var taken = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = recipe });

        Assert.True(taken.Succeeded, taken.Describe());
        Assert.Contains(taken.WarningMessages, w => w.Contains("stale lease", StringComparison.Ordinal) && w.Contains("colleague@contoso.example", StringComparison.Ordinal));
        Assert.Equal("Succeeded", taken.SingleOutput().Get<string>("Status"));
    }
}
