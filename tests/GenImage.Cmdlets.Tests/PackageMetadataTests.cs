using System.Collections;

namespace GenImage.Cmdlets.Tests;

/// <summary>What a gallery, Install-Module or Azure Automation reads about the module: licence, links, notes.</summary>
public sealed class PackageMetadataTests
{
    private static Hashtable PSData()
    {
        var manifest = ManifestTests.ReadDataFile(Path.Combine(RepoPaths.Root, "module", "GenImage.psd1"));
        var privateData = Assert.IsType<Hashtable>(manifest["PrivateData"]);
        return Assert.IsType<Hashtable>(privateData["PSData"]);
    }

    [Fact]
    public void TheRepositoryHasTheMitLicenceTheManifestNames()
    {
        var license = Path.Combine(RepoPaths.Root, "LICENSE");
        var data = PSData();

        Assert.True(File.Exists(license), "LICENSE is missing at the repository root.");
        var text = File.ReadAllText(license);
        Assert.StartsWith("MIT License", text, StringComparison.Ordinal);
        Assert.Contains("Permission is hereby granted, free of charge", text, StringComparison.Ordinal);
        var projectUri = Assert.IsType<string>(data["ProjectUri"]);
        var licenseUri = Assert.IsType<string>(data["LicenseUri"]);
        Assert.StartsWith("https://", projectUri, StringComparison.Ordinal);
        // The licence link is the LICENSE file of the project's repository.
        Assert.Equal(projectUri.TrimEnd('/') + "/blob/main/LICENSE", licenseUri);
        Assert.Contains("MIT", ManifestTests.ReadDataFile(Path.Combine(RepoPaths.Root, "module", "GenImage.psd1"))["Copyright"] as string, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGalleryFieldsAreFilledIn()
    {
        var manifest = ManifestTests.ReadDataFile(Path.Combine(RepoPaths.Root, "module", "GenImage.psd1"));
        var data = PSData();

        foreach (var key in new[] { "ModuleVersion", "GUID", "Author", "CompanyName", "Copyright", "Description", "PowerShellVersion", "DotNetFrameworkVersion" })
        {
            Assert.False(string.IsNullOrWhiteSpace(manifest[key] as string), $"The manifest's {key} is empty.");
        }
        foreach (var key in new[] { "ProjectUri", "LicenseUri", "ReleaseNotes" })
        {
            Assert.False(string.IsNullOrWhiteSpace(data[key] as string), $"PSData.{key} is empty.");
        }
        var tags = ManifestTests.StringList(data, "Tags");
        Assert.Contains("PSEdition_Core", tags);
        Assert.Contains("PSEdition_Desktop", tags);
        Assert.All(tags, t => Assert.DoesNotContain(' ', t));
    }

    [Fact]
    public void TestModuleManifestReportsNothing()
    {
        using var session = ScriptRunner.Open(new ScriptSessionOptions { ImportModule = false });

        var r = session.Run("Test-ModuleManifest -Path $path", new { path = RepoPaths.ModuleManifest });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Empty(r.Warnings);
        Assert.Equal("https://github.com/genimage/genimage/blob/main/LICENSE", r.SingleOutput().Get<Uri>("LicenseUri").ToString());
    }
}
