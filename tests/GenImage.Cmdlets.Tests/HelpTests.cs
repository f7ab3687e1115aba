using GenImage.HelpGen;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// The module's help as a user reads it: <c>Get-Help</c> in the hosted engine, from the MAML and about topics the build
/// generates from <c>docs/</c>. A cmdlet or parameter without help, an example without code, or a page that says
/// something else than the cmdlet fails here.
/// </summary>
public sealed class HelpTests
{
    /// <summary>
    /// For every cmdlet of <c>$ModuleName</c>: the gaps in <c>Get-Help -Full</c>, one line each (<c>Cmdlet: what is missing</c>).
    /// Common parameters are documented by about_CommonParameters, so they are not asked for.
    /// </summary>
    private const string CoverageScript = """
        $common = [System.Collections.Generic.HashSet[string]]::new([string[]] [System.Management.Automation.PSCmdlet]::CommonParameters, [System.StringComparer]::OrdinalIgnoreCase)
        $null = $common.Add('UseTransaction')
        function Get-Text($value) { (@($value) | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Text } }) -join "`n" }
        foreach ($command in Get-Command -Module $ModuleName -CommandType Cmdlet) {
            $name = $command.Name
            $help = Get-Help -Name $name -Full
            $synopsis = "$($help.Synopsis)".Trim()
            if (-not $synopsis -or $synopsis.StartsWith("$name ") -or $synopsis -eq $name) { "${name}: no synopsis" }
            if (-not (Get-Text $help.description).Trim()) { "${name}: no description" }
            $documented = @{}
            foreach ($p in @($help.parameters.parameter)) { if ($p) { $documented[$p.name] = (Get-Text $p.description).Trim() } }
            foreach ($parameter in $command.Parameters.Keys) {
                if ($common.Contains($parameter)) { continue }
                if (-not $documented.ContainsKey($parameter)) { "${name}: -$parameter is not in the help" }
                elseif (-not $documented[$parameter]) { "${name}: -$parameter has no description" }
            }
            $examples = @($help.examples.example | Where-Object { "$($_.code)".Trim() })
            if ($examples.Count -eq 0) { "${name}: no example with code" }
            if (-not @($help.inputTypes.inputType | Where-Object { "$($_.type.name)".Trim() }).Count) { "${name}: no INPUTS" }
            if (-not @($help.returnValues.returnValue | Where-Object { "$($_.type.name)".Trim() }).Count) { "${name}: no OUTPUTS" }
        }
        """;

    [Fact]
    public void EveryCmdletHasSynopsisDescriptionParametersExamplesInputsAndOutputs()
    {
        using var session = ScriptRunner.Open();

        var r = session.Run(CoverageScript, new { ModuleName = "GenImage" });

        Assert.True(r.Succeeded, r.Describe());
        var gaps = r.BaseObjects.Cast<string>().ToList();
        Assert.True(gaps.Count == 0, "Get-Help -Full lacks:\n" + string.Join("\n", gaps));
    }

    [Fact]
    public void CoverageCheckReportsCmdletsWithoutHelp()
    {
        // The engine's own cmdlets have no help installed in the hosted engine: the same check must list them,
        // or it would prove nothing about GenImage's.
        using var session = ScriptRunner.Open(new ScriptSessionOptions { ImportModule = false });

        var r = session.Run(CoverageScript, new { ModuleName = "Microsoft.PowerShell.Core" });

        Assert.True(r.Succeeded, r.Describe());
        var gaps = r.BaseObjects.Cast<string>().ToList();
        Assert.Contains("ForEach-Object: no synopsis", gaps);
        Assert.Contains("ForEach-Object: -Parallel has no description", gaps);
        Assert.Contains("ForEach-Object: no example with code", gaps);
    }

    [Fact]
    public void CmdletsNameTheGeneratedHelpFile()
    {
        using var session = ScriptRunner.Open();

        var r = session.Run("Get-Command -Module GenImage -CommandType Cmdlet | ForEach-Object { $_.HelpFile }");

        Assert.True(r.Succeeded, r.Describe());
        var file = Assert.Single(r.BaseObjects.Cast<string>().Distinct());
        Assert.Equal(HelpBuilder.HelpFileName, Path.GetFileName(file));
        Assert.True(File.Exists(Path.Combine(RepoPaths.ModuleDirectory, "en-US", HelpBuilder.HelpFileName)),
            "The staged module has no en-US/" + HelpBuilder.HelpFileName);
    }

    [Fact]
    public void HelpShowsTheTextOfTheDocsPage()
    {
        var page = Builder().LoadCmdletPage("Invoke-GeneralizeVm")!;
        using var session = ScriptRunner.Open();

        var r = session.Run("""
            $help = Get-Help Invoke-GeneralizeVm -Full
            $help.Synopsis
            ($help.parameters.parameter | Where-Object name -eq 'TimeoutSec').description.Text -join ' '
            ($help.parameters.parameter | Where-Object name -eq 'TimeoutSec').defaultValue
            @($help.examples.example)[0].code
            """);

        Assert.True(r.Succeeded, r.Describe());
        var lines = r.BaseObjects.Select(o => o?.ToString()).ToList();
        Assert.Equal(MarkdownText.Inline(string.Join(" ", page.Synopsis.Select(l => l.Text.Trim()).Where(t => t.Length > 0))), lines[0]);
        Assert.Equal(string.Join(" ", MarkdownText.Blocks(page.Parameter("TimeoutSec")!.Description).Select(b => b.Text)), lines[1]);
        Assert.Equal("3600", lines[2]);
        Assert.Equal(page.Examples[0].Code[0], lines[3]);
    }

    [Fact]
    public void ExamplesShowWithGetHelpExamples()
    {
        using var session = ScriptRunner.Open();

        var r = session.Run("@((Get-Help Invoke-GeneralizeVm -Examples).examples.example) | ForEach-Object { \"$($_.title)|$($_.code)\" }");

        Assert.True(r.Succeeded, r.Describe());
        var examples = r.BaseObjects.Cast<string>().ToList();
        Assert.True(examples.Count >= 3, string.Join("\n", examples));
        Assert.Contains(examples, e => e.Contains("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -Force", StringComparison.Ordinal));
    }

    [Fact]
    public void AboutTopicsAreFoundWithTheirShortDescription()
    {
        using var session = ScriptRunner.Open();

        var r = session.Run("""
            Get-Help about_GenImage* | ForEach-Object { "$($_.Name)|$($_.Synopsis)" }
            (Get-Help about_GenImage) -join "`n"
            """);

        Assert.True(r.Succeeded, r.Describe());
        var lines = r.BaseObjects.Cast<string>().ToList();
        Assert.Contains(lines, l => l.StartsWith("about_GenImage|How GenImage takes Azure VMs", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("about_GenImage_Readiness_Rules|The readiness rules GI1001 to GI6002", StringComparison.Ordinal));
        var topic = lines[^1];
        foreach (var heading in new[] { "STAGES AND THE PIPELINE", "THE EMULATOR", "RECIPES AND THE JOURNAL", "ERROR IDS", "CONNECTING IN AZURE AUTOMATION" })
        {
            Assert.Contains(heading, topic);
        }
    }

    [Fact]
    public void ReadinessRulesTopicHasEveryRuleOfTheCatalogue()
    {
        using var session = ScriptRunner.Open();

        var r = session.Run("""
            (Get-Help about_GenImage_Readiness_Rules) -join "`n"
            Get-ImageReadinessRule | ForEach-Object { "$($_.Id): $($_.Title)" }
            """);

        Assert.True(r.Succeeded, r.Describe());
        var lines = r.BaseObjects.Cast<string>().ToList();
        var topic = lines[0];
        var rules = lines.Skip(1).ToList();
        Assert.True(rules.Count >= 30, $"only {rules.Count} rules");
        // Each rule's heading is its id and the title Get-ImageReadinessRule reports: the page and the catalogue agree.
        Assert.All(rules, rule => Assert.Contains(rule, topic));
    }

    [Fact]
    public void DocsPagesAgreeWithTheCmdlets()
    {
        // The pages' SYNTAX and parameter blocks are generated from the cmdlets and every parameter is described;
        // regenerate with: dotnet run --project src/GenImage.HelpGen -- update
        var commands = CommandModel.LoadModule(RepoPaths.ModuleManifest);

        var problems = Builder().Check(commands);

        Assert.True(commands.Count >= ManifestTests.RequiredCmdlets.Length, $"{commands.Count} cmdlets");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static HelpBuilder Builder() => new(Path.Combine(RepoPaths.Root, "docs"), RepoPaths.Root);
}
