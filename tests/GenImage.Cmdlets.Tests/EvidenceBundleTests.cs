using System.Text.Json;

namespace GenImage.Cmdlets.Tests;

/// <summary>Get-ImageEvidence through the hosted engine: bundles, gaps and redaction.</summary>
public sealed class EvidenceBundleTests
{
    private const string SasUrl = "https://stimages.blob.core.windows.net/vhds/os.vhd?sv=2022-11-02&se=2027-01-01&sr=b&sp=r&sig=Qm9ndXNTaWduYXR1cmU%3D";

    /// <summary>The healthy world with a SAS URL and a password-looking note in the Linux VM's tags.</summary>
    private static string WorldWithSecretsInTags() =>
        File.ReadAllText(RepoPaths.World(Worlds.Healthy)).Replace(
            "            tags: { owner: platform-team, role: image-source }\n            guest:\n              agent: { version: 2.9.1.1, status: Ready }",
            $"            tags: {{ owner: platform-team, role: image-source, sourceBlob: '{SasUrl}', note: 'password=Hunter2Hunter2' }}\n            guest:\n              agent: {{ version: 2.9.1.1, status: Ready }}");

    [Fact]
    public async Task No_secret_from_the_resources_reaches_the_bundle()
    {
        var world = WorldWithSecretsInTags();
        Assert.Contains("sig=", world);
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartWithYamlAsync(world);
        using var session = emulator.Connect();
        Assert.Contains("sourceBlob", session.Run("(Get-SourceVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src).Tags.Keys -join ','").SingleOutput().ToString(), StringComparison.Ordinal);
        var recipe = folder.Write("ubuntu-keep.yaml", File.ReadAllText(folder["ubuntu2204-gen2.yaml"]).Replace("deleteSourceVm: true", "deleteSourceVm: false"));
        var run = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = recipe });
        Assert.True(run.Succeeded, run.Describe());
        var bundle = Path.Combine(folder.Root, "by-vm");

        var r = session.Run("Get-ImageEvidence -VmId $vm -OutputPath $out; $r | Get-ImageEvidence -OutputPath $out2",
            new RunOptions
            {
                Variables = new Dictionary<string, object?>
                {
                    ["vm"] = $"/subscriptions/{Worlds.SubscriptionId}/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/{Worlds.LinuxVm}",
                    ["out"] = bundle, ["out2"] = Path.Combine(folder.Root, "by-run"), ["r"] = run.SingleOutput(),
                }
            });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(2, r.Output.Count);
        foreach (var b in new[] { bundle, Path.Combine(folder.Root, "by-run"), run.SingleOutput().Get<string>("EvidencePath") })
        {
            Assert.Empty(RecipeFolder.VerifyBundle(b));
            foreach (var file in Directory.GetFiles(b, "*", SearchOption.AllDirectories))
            {
                var text = File.ReadAllText(file);
                Assert.DoesNotContain("sig=", text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("Qm9ndXNTaWduYXR1cmU", text, StringComparison.Ordinal);
                Assert.DoesNotContain("Hunter2", text, StringComparison.Ordinal);
                Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
                Assert.DoesNotContain("Bearer ", text, StringComparison.OrdinalIgnoreCase);
            }
        }
        // The VM's tags are in the evidence, masked: the URL path stays readable.
        var json = File.ReadAllText(Path.Combine(bundle, "evidence.json"));
        Assert.Contains("https://stimages.blob.core.windows.net/vhds/os.vhd?[REDACTED]", json);
    }

    [Fact]
    public async Task Evidence_of_a_version_without_a_run_names_its_gaps_and_writes_a_verifiable_bundle()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        var recipe = folder.Write("nv.yaml", File.ReadAllText(folder["ubuntu2204-gen2.yaml"]).Replace("    regions: [ westeurope ]\n    vmSize: Standard_D2s_v5\n    probeScript: probes/linux-probe.sh", "    enabled: false"));
        var run = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = recipe });
        Assert.True(run.Succeeded, run.Describe());
        var versionId = run.SingleOutput().Get<string>("VersionId");
        var output = Path.Combine(folder.Root, "bundle");

        var r = session.Run("Get-ImageEvidence -VersionId $id -OutputPath $out -ActivityLogWindowHours 2", new { id = versionId, @out = output });

        Assert.True(r.Succeeded, r.Describe());
        var evidence = r.SingleOutput();
        Assert.Equal("GenImage.ImageEvidence", evidence.TypeName());
        Assert.Equal(output, evidence.Get<string>("BundlePath"));
        var gaps = evidence.Items("Gaps").Select(g => g.Get<string>("Section")).ToList();
        Assert.Contains("Recipe", gaps);       // no run linked
        Assert.Contains("Validation", gaps);   // not test-deployed
        Assert.Contains("SourceVm", gaps);     // the recipe deleted the source VM
        Assert.Empty(RecipeFolder.VerifyBundle(output));
        var report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.StartsWith("# Image evidence: gal_images/ubuntu-2204-gen2/1.0.0", report);
        foreach (var gap in gaps)
        {
            Assert.Contains($"**{gap}**", report);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "evidence.json")));
        Assert.Equal(versionId, json.RootElement.GetProperty("subject").GetString());
        Assert.Equal("Completed", json.RootElement.GetProperty("version").GetProperty("regions")[0].GetProperty("state").GetString());
        Assert.Contains(json.RootElement.GetProperty("activityLog").EnumerateArray(), a => a.GetProperty("operationName").GetString()!.Contains("versions/write", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Without_OutputPath_the_evidence_object_is_returned_and_nothing_is_written()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();

        var r = session.Run("Get-ImageEvidence -VmId $vm",
            new { vm = $"/subscriptions/{Worlds.SubscriptionId}/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/{Worlds.WindowsVm}" });

        Assert.True(r.Succeeded, r.Describe());
        var e = r.SingleOutput();
        Assert.Null(e.Get("BundlePath"));
        Assert.Equal("platform-team", e.Get<string>("Owner"));
        Assert.Contains(e.Items("Gaps"), g => g.Get<string>("Section") == "Version");
    }
}
