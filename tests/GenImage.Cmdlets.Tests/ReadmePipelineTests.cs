namespace GenImage.Cmdlets.Tests;

/// <summary>The pipeline the README shows, run as written against the healthy world.</summary>
public sealed class ReadmePipelineTests
{
    [Fact]
    public async Task Source_vm_to_validated_version_in_one_pipeline()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var start = readme.IndexOf("Get-SourceVm -ResourceGroupName rg-images -Name vm-win2022-src |", StringComparison.Ordinal);
        Assert.True(start >= 0, "The README no longer shows the pipeline example.");
        var pipeline = readme.Substring(start, readme.IndexOf("```", start, StringComparison.Ordinal) - start);

        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        var r = session.Run(pipeline);

        Assert.True(r.Succeeded, r.Describe());
        var validation = r.SingleOutput();
        Assert.Equal("Succeeded", validation.Get<string>("Outcome"));
        Assert.Equal("generalized", emulator.Vm(Worlds.WindowsVm).OsState);
        var version = emulator.Host.GetImageVersion(Worlds.SubscriptionId, Worlds.ResourceGroup, "gal_images", "win2022-datacenter-g2", "1.0.0");
        Assert.NotNull(version);
        Assert.True(version!.ExcludeFromLatest);
        // The validation VM was removed again.
        Assert.DoesNotContain(emulator.Host.ListVms(Worlds.SubscriptionId), v => v.Name.StartsWith("giv-", StringComparison.Ordinal));
    }
}
