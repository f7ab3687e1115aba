namespace GenImage.Cmdlets.Tests;

/// <summary>
/// The module's polling and pacing against Compute's operation-group throttling: a world with tiny
/// GetOperationStatus (capsOperations polls) and GetGalleryImageVersion (replication polls) budgets and a long
/// replication. The module paces its polls by the budgets the answers report (x-ms-ratelimit-remaining-resource), and
/// the emulator answers 429 with Retry-After when a budget is empty all the same; either way the module must wait and
/// go on, surfacing no error.
/// </summary>
public sealed class ComputeThrottlingPacingTests
{
    private const string Throttled = """

        throttling:
          resource:
            GetOperationStatus3Min: { bucket: 1, refillPerSecond: 2 }
            GetGalleryImageVersion3Min: { bucket: 5, refillPerSecond: 4 }
        """;

    [Fact]
    public async Task A_long_replication_through_empty_compute_buckets_surfaces_no_error()
    {
        var world = File.ReadAllText(RepoPaths.World(Worlds.Healthy)) + Throttled;
        // 0.01: replication of the 30 GB Linux disk takes seconds, so the module polls far more often than the budgets allow.
        await using var emulator = await EmulatorFixture.StartWithYamlAsync(world, 0.01);
        using var session = emulator.Connect();

        var r = session.Run("$DebugPreference = 'Continue'; " + PublishingTests.CreateDefinitions + "; " + PublishingTests.GeneralizeLinux + "; " +
            "New-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_publish -DefinitionName ubuntu-2204 -Name 1.0.0 " +
            "  -SourceId '" + PublishingTests.VmId(Worlds.LinuxVm) + "' -TargetRegion westeurope, northeurope");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Empty(r.Errors);
        var version = r.Output.Last();
        Assert.Equal("Succeeded", version.Get<string>("ProvisioningState"));
        Assert.Equal("Completed", version.Get<string>("ReplicationState"));

        // Both budgets ran low: the module held polls back for each (it may still meet a 429 before it knows a budget).
        var paced = r.Debug.Select(d => d.Message).Where(m => m.StartsWith("ARM pacing: GET", StringComparison.Ordinal)).ToList();
        var seen = string.Join(Environment.NewLine, paced.Take(20).Concat(emulator.RequestLog.Where(e => e.Status == 429).Take(20).Select(e => $"429 {e.Method} {e.Path}")));
        Assert.True(paced.Any(m => m.Contains("/capsOperations/", StringComparison.OrdinalIgnoreCase) &&
            m.Contains("Microsoft.Compute/GetOperationStatus3Min is low", StringComparison.Ordinal)), seen);
        Assert.True(paced.Any(m => m.Contains("/versions/1.0.0", StringComparison.OrdinalIgnoreCase) &&
            m.Contains("Microsoft.Compute/GetGalleryImageVersion3Min is low", StringComparison.Ordinal)), seen);
    }
}
