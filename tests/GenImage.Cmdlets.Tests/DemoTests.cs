using System.Text.RegularExpressions;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// The demo program, run in-process. All in one class: the demo sets the process-wide
/// GENIMAGE_EMULATOR_CONNECTION variable while it runs, and xunit runs one class's tests one at a time.
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public async Task MainJobRunsTheQuickstartThenARecipeWithItsEvidence()
    {
        var output = new StringWriter();

        var exitCode = await DemoRunner.RunAsync(Array.Empty<string>(), output);

        var text = output.ToString();
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{text}");
        Assert.Matches(new Regex(@"^GenImage demo: quickstart\.ps1 against the emulator at https://127\.0\.0\.1:\d+/ \(world: healthy\.yaml\)", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^GenImage demo: recipe-quickstart\.ps1 against the emulator at https://127\.0\.0\.1:\d+/ \(world: healthy\.yaml\)", RegexOptions.Multiline), text);
        // The recipe quickstart runs only after the quickstart, each against its own emulator.
        Assert.True(text.IndexOf("quickstart.ps1 against", StringComparison.Ordinal) < text.IndexOf("recipe-quickstart.ps1 against", StringComparison.Ordinal));
        Assert.Contains(Harness.Worlds.WindowsVm, text);
        Assert.Contains(Harness.Worlds.LinuxVm, text);
        Assert.Contains("generalized", text);
        Assert.Contains("Evidence bundle (SHA256SUMS verified):", text);
        Assert.DoesNotContain("ERROR:", text);
        Assert.DoesNotContain('\u001b', text);
        // The emulator's bearer token is an unsigned JWT: nothing that looks like one may be printed.
        Assert.DoesNotContain("eyJ", text);
        Assert.DoesNotContain("Bearer", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ConnectionVariableIsRestoredAndTheConnectionFileRemoved()
    {
        var before = Environment.GetEnvironmentVariable(DemoRunner.ConnectionVariable);
        var script = WriteScript("\"connection=$env:GENIMAGE_EMULATOR_CONNECTION\"\n\"exists=$([System.IO.File]::Exists($env:GENIMAGE_EMULATOR_CONNECTION))\"");
        var output = new StringWriter();
        try
        {
            var exitCode = await DemoRunner.RunAsync(new[] { "--script", script }, output);

            var text = output.ToString();
            Assert.True(exitCode == 0, text);
            Assert.Contains("exists=True", text);
            var file = Regex.Match(text, "connection=(.+)").Groups[1].Value.Trim();
            Assert.False(string.IsNullOrEmpty(file), text);
            Assert.False(File.Exists(file), $"The connection file '{file}' was left behind.");
            Assert.Equal(before, Environment.GetEnvironmentVariable(DemoRunner.ConnectionVariable));
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task ATerminatingErrorExitsOneAndIsShown()
    {
        var script = WriteScript("'before'\nthrow 'the demo script failed on purpose'\n'after'");
        var output = new StringWriter();
        try
        {
            var exitCode = await DemoRunner.RunAsync(new[] { "--script", script }, output);

            var text = output.ToString();
            Assert.True(exitCode == 1, $"exit code {exitCode}:\n{text}");
            Assert.Contains("before", text);
            Assert.Contains("ERROR: the demo script failed on purpose", text);
            Assert.DoesNotContain("after", text);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task AWrittenErrorExitsOne()
    {
        var script = WriteScript("Get-Command -Name Get-NoSuchCommandAnywhere\n'still running'");
        var output = new StringWriter();
        try
        {
            var exitCode = await DemoRunner.RunAsync(new[] { "--script", script }, output);

            var text = output.ToString();
            Assert.True(exitCode == 1, $"exit code {exitCode}:\n{text}");
            Assert.Contains("still running", text);
            Assert.Contains("ERROR: ", text);
            Assert.Contains("Get-NoSuchCommandAnywhere", text);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task HelpPrintsUsageAndExitsZero()
    {
        var output = new StringWriter();

        var exitCode = await DemoRunner.RunAsync(new[] { "--help" }, output);

        Assert.Equal(0, exitCode);
        Assert.Contains("--world", output.ToString());
        Assert.Contains("--script", output.ToString());
        Assert.Contains("--clock-scale", output.ToString());
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--world")]
    [InlineData("--clock-scale", "fast")]
    [InlineData("--script", "no-such-script.ps1")]
    public async Task BadArgumentsExitTwoWithoutRunning(params string[] args)
    {
        var output = new StringWriter();

        var exitCode = await DemoRunner.RunAsync(args, output);

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.StartsWith("error: ", output.ToString());
        Assert.DoesNotContain("GenImage demo:", output.ToString());
    }

    private static string WriteScript(string text)
    {
        var file = Path.Combine(Path.GetTempPath(), $"genimage-demo-test-{Guid.NewGuid():N}.ps1");
        File.WriteAllText(file, text);
        return file;
    }
}
