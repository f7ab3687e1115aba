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

/// <summary>The README's troubleshooting example, run as written against the boot-failures world.</summary>
public sealed class ReadmeTroubleshootingTests
{
    [Fact]
    public async Task Troubleshooting_example_diagnoses_the_kernel_panic_and_writes_its_files()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var start = readme.IndexOf("$d = Get-VmBootDiagnosis -ResourceGroupName rg-prod -Name vm-api-kernelpanic", StringComparison.Ordinal);
        Assert.True(start >= 0, "The README no longer shows the troubleshooting example.");
        var example = readme.Substring(start, readme.IndexOf("```", start, StringComparison.Ordinal) - start);
        var folder = Path.Combine(Path.GetTempPath(), "genimage-readme-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using var emulator = await EmulatorFixture.StartAsync(Worlds.BootFailures);
            using var session = emulator.Connect();
            session.Session.Runspace.SessionStateProxy.Path.SetLocation(folder);

            var r = session.Run(example);

            Assert.True(r.Succeeded, r.Describe());
            Assert.Equal("GI7007", r.Output[0].ToString());
            Assert.Equal("Linux kernel panic: the root device is not found", r.Output[1].ToString());
            Assert.Contains(r.Output, o => o.TypeName() == "GenImage.SerialLogLine" && o.Get<string>("Text").Contains("Kernel panic - not syncing", StringComparison.Ordinal));
            Assert.Contains(r.Output, o => o.BaseObject is string s && s.EndsWith("/images/ubuntu-2204/versions/1.0.7", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(folder, "out", "boot", "kernelpanic.png")));
            Assert.Empty(RecipeFolder.VerifyBundle(Path.Combine(folder, "out", "boot", "kernelpanic")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
