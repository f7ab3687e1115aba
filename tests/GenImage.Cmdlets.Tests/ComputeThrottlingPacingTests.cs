namespace GenImage.Cmdlets.Tests;

/// <summary>
/// The module's polling and pacing against Compute's operation-group throttling: a world with tiny
/// GetOperationStatus (capsOperations polls) and GetGalleryImageVersion (replication polls) budgets and a long
/// replication. The emulator answers 429 with Retry-After when a budget is empty; the module must wait and go on,
/// surfacing no error.
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

        var r = session.Run(PublishingTests.CreateDefinitions + "; " + PublishingTests.GeneralizeLinux + "; " +
            "New-GalleryImageVersion -ResourceGroupName rg-images -GalleryName gal_publish -DefinitionName ubuntu-2204 -Name 1.0.0 " +
            "  -SourceId '" + PublishingTests.VmId(Worlds.LinuxVm) + "' -TargetRegion westeurope, northeurope");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Empty(r.Errors);
        var version = r.Output.Last();
        Assert.Equal("Succeeded", version.Get<string>("ProvisioningState"));
        Assert.Equal("Completed", version.Get<string>("ReplicationState"));

        var throttled = emulator.RequestLog.Where(e => e.Status == 429).ToList();
        Assert.Contains(throttled, e => e.Path.Contains("/capsOperations/", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(throttled, e => e.Path.Contains("/versions/1.0.0", StringComparison.OrdinalIgnoreCase) && e.Method == "GET");
    }
}
