using System.Collections;
using System.Management.Automation.Language;

namespace GenImage.Cmdlets.Tests;

/// <summary>The staged manifest is valid, explicit about what it exports, and exports exactly what it lists.</summary>
public sealed class ManifestTests
{
    /// <summary>The lifecycle cmdlets the module must export.</summary>
    public static readonly string[] RequiredCmdlets =
    {
        "Connect-GenImage",
        "Disconnect-GenImage",
        "Get-GenImageContext",
        "Get-SourceVm",
        "Invoke-GeneralizeVm",
        "New-GalleryImageDefinition",
        "Get-GalleryImageDefinition",
        "New-GalleryImageVersion",
        "Get-GalleryImageVersion",
        "Set-GalleryImageVersion",
        "Remove-GalleryImageVersion",
        "Publish-GalleryImageVersion",
        "Undo-GalleryImageVersion",
        "New-ManagedImage",
        "Test-ImageReadiness",
        "Get-ImageReadinessRule",
        "Get-GuestScript",
        "Test-ImageDeployment",
        "Get-ImageRecipe",
        "Test-ImageRecipe",
        "Invoke-ImageRecipe",
        "Get-ImageEvidence",
        "Get-ImageRun",
        "Get-VmBootDiagnosis",
        "Test-GenImagePermission",
        "Get-ImageInventory",
        "Remove-ImageLeftover",
        "Get-ImageConsumer",
    };

    /// <summary>Reads a .psd1 as a data file (no code runs), as Import-PowerShellDataFile would.</summary>
    internal static Hashtable ReadDataFile(string path)
    {
        var ast = Parser.ParseFile(path, out _, out var errors);
        Assert.True(errors.Length == 0, $"{path} does not parse: " + string.Join("; ", errors.Select(e => $"{e.Extent.StartLineNumber}:{e.Extent.StartColumnNumber} {e.Message}")));
        var table = ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false) as HashtableAst;
        Assert.True(table is not null, $"{path} holds no hashtable.");
        return (Hashtable)table!.SafeGetValue();
    }

    internal static string[] StringList(Hashtable manifest, string key)
    {
        Assert.True(manifest.ContainsKey(key), $"The manifest has no {key} (a missing export list means 'export everything').");
        return manifest[key] switch
        {
            null => Array.Empty<string>(),
            string single => new[] { single },
            IEnumerable many => many.Cast<object>().Select(o => Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture)!).ToArray(),
            var other => new[] { other.ToString()! },
        };
    }

    [Fact]
    public void TestModuleManifestAcceptsTheStagedManifest()
    {
        using var session = ScriptRunner.Open(new ScriptSessionOptions { ImportModule = false });

        var r = session.Run("Test-ModuleManifest -Path $path -ErrorAction Stop", new { path = RepoPaths.ModuleManifest });

        Assert.True(r.Succeeded, r.Describe());
        var module = r.SingleOutput();
        Assert.Equal("GenImage", module.Get<string>("Name"));
    }

    [Fact]
    public void ManifestStatesVersionEditionsAndExplicitExports()
    {
        var manifest = ReadDataFile(RepoPaths.ModuleManifest);

        Assert.True(manifest.ContainsKey("PowerShellVersion") && !string.IsNullOrWhiteSpace(manifest["PowerShellVersion"] as string),
            "PowerShellVersion is not set.");
        var editions = StringList(manifest, "CompatiblePSEditions");
        Assert.Contains("Desktop", editions);
        Assert.Contains("Core", editions);
        Assert.Empty(StringList(manifest, "FunctionsToExport"));
        Assert.Empty(StringList(manifest, "AliasesToExport"));
        var cmdlets = StringList(manifest, "CmdletsToExport");
        Assert.DoesNotContain(cmdlets, c => c.Contains('*', StringComparison.Ordinal));
        Assert.All(RequiredCmdlets, c => Assert.Contains(c, cmdlets));
    }

    [Fact]
    public void ImportedCommandsAreExactlyCmdletsToExport()
    {
        var listed = StringList(ReadDataFile(RepoPaths.ModuleManifest), "CmdletsToExport").OrderBy(c => c, StringComparer.OrdinalIgnoreCase).ToArray();
        using var session = ScriptRunner.Open();

        var r = session.Run("Get-Command -Module GenImage | ForEach-Object { \"$($_.CommandType) $($_.Name)\" }");

        Assert.True(r.Succeeded, r.Describe());
        var exported = r.BaseObjects.Cast<string>().OrderBy(c => c, StringComparer.OrdinalIgnoreCase).ToArray();
        Assert.Equal(listed.Select(c => "Cmdlet " + c), exported);
        Assert.Equal("GenImage", session.Module?.Name);
    }

    [Fact]
    public void StagedManifestIsTheSourceManifest()
    {
        var source = Path.Combine(RepoPaths.Root, "module", "GenImage.psd1");

        Assert.Equal(File.ReadAllText(source), File.ReadAllText(RepoPaths.ModuleManifest));
    }
}
