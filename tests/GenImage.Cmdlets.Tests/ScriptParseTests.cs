using System.Management.Automation.Language;

namespace GenImage.Cmdlets.Tests;

/// <summary>Every PowerShell file in the repository parses (scripts, Pester files, manifests, guest scripts).</summary>
public sealed class ScriptParseTests
{
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "bin", "obj", "out", ".git", ".vs", "TestResults", "node_modules", "artifacts",
    };

    private static readonly string[] Extensions = { ".ps1", ".psm1", ".psd1" };

    internal static List<string> PowerShellFiles()
    {
        var files = new List<string>();
        var pending = new Stack<string>();
        pending.Push(RepoPaths.Root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                if (!SkippedFolders.Contains(Path.GetFileName(sub)))
                {
                    pending.Push(sub);
                }
            }
            files.AddRange(Directory.EnumerateFiles(dir).Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)));
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    [Fact]
    public void EveryPowerShellFileParses()
    {
        var files = PowerShellFiles();
        var problems = new List<string>();
        foreach (var file in files)
        {
            Parser.ParseFile(file, out _, out var errors);
            foreach (var error in errors)
            {
                var relative = Path.GetRelativePath(RepoPaths.Root, file);
                problems.Add($"{relative}:{error.Extent.StartLineNumber}:{error.Extent.StartColumnNumber}: {error.ErrorId}: {error.Message}");
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} syntax error(s) in {files.Count} PowerShell file(s):\n" + string.Join("\n", problems));
        Assert.True(files.Count > 0, "No .ps1/.psm1/.psd1 file was found under " + RepoPaths.Root);
    }

    [Fact]
    public void TheKnownScriptsAreAmongTheParsedFiles()
    {
        var relative = PowerShellFiles().Select(f => Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/')).ToList();

        Assert.Contains("module/GenImage.psd1", relative);
        Assert.Contains("examples/quickstart.ps1", relative);
        Assert.Contains("build.ps1", relative);
        Assert.Contains("tests/Pester/Foundation.Tests.ps1", relative);
        Assert.DoesNotContain(relative, f => f.StartsWith("out/", StringComparison.Ordinal));
    }

    [Fact]
    public void ASyntaxErrorIsReportedWithLineAndColumn()
    {
        // The check above must be able to fail: a broken file gives an error at a known place.
        var file = Path.Combine(Path.GetTempPath(), $"genimage-parse-{Guid.NewGuid():N}.ps1");
        File.WriteAllText(file, "# fine\nfunction Broken {\n    if ($true) {\n");
        try
        {
            Parser.ParseFile(file, out _, out var errors);
            Assert.NotEmpty(errors);
            Assert.All(errors, e => Assert.True(e.Extent.StartLineNumber >= 2));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
