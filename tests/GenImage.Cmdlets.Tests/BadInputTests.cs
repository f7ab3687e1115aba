namespace GenImage.Cmdlets.Tests;

/// <summary>
/// Bad ids, missing or unwritable paths and a full disk reach the user as GenImage errors (a stable
/// GenImage.* id, the id or path involved, what to do), never as a raw .NET exception.
/// </summary>
public sealed class BadInputTests : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly EmulatorFixture _emulator;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-bad-" + Guid.NewGuid().ToString("N"));

    public BadInputTests(EmulatorFixture emulator)
    {
        _emulator = emulator;
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "a-file"), "not a folder");
        // A connection file that names a remote endpoint: the pinned certificate must not be trusted there.
        File.WriteAllText(Path.Combine(_folder, "remote.json"),
            $"{{\"endpoint\":\"https://10.20.30.40:{emulator.Endpoint.Port}/\",\"certificateThumbprint\":\"{emulator.CertificateThumbprint}\"}}");
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, true); } catch (IOException) { }
    }

    private const string Version = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_images/images/ubuntu-2204-gen2/versions/9.9.9";

    /// <summary>Script, and a word the message must contain (the id or path involved).</summary>
    public static IEnumerable<object[]> Cases() => new[]
    {
        new object[] { "Test-ImageDeployment -ImageId bad", "bad" },
        new object[] { "Test-ImageDeployment -ImageId '/subscriptions/x/resourceGroups'", "/subscriptions/x/resourceGroups" },
        new object[] { "Get-ImageEvidence -VersionId bad", "bad" },
        new object[] { "Get-ImageEvidence -VmId bad", "bad" },
        new object[] { "Get-ImageEvidence -RunPath $folder/no-such-run", "no-such-run" },
        new object[] { "Get-ImageEvidence -RunPath $folder/a-file", "a-file" },
        new object[] { "Get-SourceVm -Id bad", "bad" },
        new object[] { "Invoke-GeneralizeVm -Id bad -Force", "bad" },
        new object[] { "Get-GalleryImageVersion -Id bad", "bad" },
        new object[] { "Set-GalleryImageVersion -Id bad -ExcludeFromLatest -Confirm:$false", "bad" },
        new object[] { "Publish-GalleryImageVersion -Id bad -Confirm:$false", "bad" },
        new object[] { "Undo-GalleryImageVersion -Id bad -Confirm:$false", "bad" },
        new object[] { "Remove-GalleryImageVersion -Id bad -Force", "bad" },
        new object[] { "New-GalleryImageVersion rg-images gal_images ubuntu-2204-gen2 -SourceId bad -Name 1.0.0", "bad" },
        new object[] { "New-ManagedImage rg-images img -SourceId bad", "bad" },
        new object[] { "Test-ImageReadiness -VmId bad", "bad" },
        new object[] { "Test-ImageReadiness -VersionId bad", "bad" },
        new object[] { "Get-ImageRecipe -LiteralPath $folder/missing.yaml", "missing.yaml" },
        new object[] { "Get-ImageRecipe -Path $folder/missing-*.yaml", "missing-" },
        new object[] { "Invoke-ImageRecipe -LiteralPath $folder/missing.yaml -Force", "missing.yaml" },
        new object[] { "Get-ImageReadinessRule -Id GI0000", "GI0000" },
        new object[] { "Test-GenImagePermission -Path $recipe -ObjectId automation-account", "automation-account" },
        new object[] { "Test-GenImagePermission -LiteralPath $folder/missing.yaml", "missing.yaml" },
        new object[] { $"Get-ImageEvidence -VersionId '{Version}' -OutputPath $folder/a-file/bundle", "a-file" },
        new object[] { "Invoke-ImageRecipe -Path $recipe -OutputPath $folder/a-file/runs -Force", "a-file" },
        new object[] { "Connect-GenImage -Emulator -ConnectionFile $folder/no-such.json", "no-such.json" },
        new object[] { "Connect-GenImage -Emulator -ConnectionFile $folder/a-file", "a-file" },
        new object[] { "Connect-GenImage -Emulator -ConnectionFile $folder/remote.json", "loopback" },
        new object[] { "$env:GENIMAGE_EMULATOR_CONNECTION = \"$folder/remote.json\"; try { Connect-GenImage -Emulator } finally { $env:GENIMAGE_EMULATOR_CONNECTION = $null }", "10.20.30.40" },
        new object[] { "Connect-GenImage -Emulator -Endpoint https://10.20.30.40:8443/ -EmulatorCertificateThumbprint ('A' * 64)", "loopback" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_input_is_a_GenImage_error_naming_what_is_wrong(string script, string named)
    {
        using var recipes = new RecipeFolder();
        using var session = _emulator.Connect();

        var r = session.Run(script, new { folder = _folder, recipe = recipes["ubuntu2204-gen2.yaml"] });

        Assert.True(r.HadErrors, r.Describe());
        Assert.All(r.AllErrors, e =>
        {
            Assert.StartsWith("GenImage.", e.FullyQualifiedErrorId);
            Assert.False(e.Exception.GetType().FullName!.StartsWith("System.", StringComparison.Ordinal), $"{e.Exception.GetType().FullName}: {e.Exception.Message}");
            Assert.Contains(named, e.Exception.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_full_disk_while_writing_the_evidence_bundle_is_the_DiskFull_error_with_the_path()
    {
        // /dev/full answers every write with ENOSPC, as a full disk does.
        if (!File.Exists("/dev/full"))
        {
            throw new InvalidOperationException("This test needs /dev/full (Linux).");
        }

        var bundle = Path.Combine(_folder, "bundle");
        Directory.CreateDirectory(bundle);
        File.CreateSymbolicLink(Path.Combine(bundle, "evidence.json"), "/dev/full");
        using var session = _emulator.Connect();

        var r = session.Run($"Get-ImageEvidence -VmId '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-ubuntu2204-src' -OutputPath $bundle",
            new { bundle });

        var error = Assert.Single(r.AllErrors);
        Assert.StartsWith("GenImage.DiskFull", error.FullyQualifiedErrorId);
        Assert.Contains(bundle, error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("GenImage.Core.Errors.GenImageException", error.Exception.GetType().FullName);
    }
}
