using GenImage.HelpGen;

namespace GenImage.Cmdlets.Tests;

/// <summary>The help generator's page parser, checker and text conversion, on pages written here.</summary>
public sealed class HelpGeneratorTests
{
    private static CommandModel Command(params ParameterModel[] parameters) => new()
    {
        Name = "Get-Thing",
        Verb = "Get",
        Noun = "Thing",
        Sets = new[] { new ParameterSetModel("__AllParameterSets", true, "Get-Thing [-Name <string>] [<CommonParameters>]", parameters.Select(p => p.Name).ToList()) },
        Parameters = parameters,
    };

    private static ParameterModel Parameter(string name) => new()
    {
        Name = name,
        TypeName = "String",
        FullTypeName = "System.String",
        Sets = new[] { new ParameterSetUse("__AllParameterSets", false, null, false, true) },
        InAllSets = true,
    };

    private static string Page(string parameters) => $$"""
        # Get-Thing

        ## SYNOPSIS

        Gets things.

        ## SYNTAX

        ```
        Get-Thing [-Name <string>] [<CommonParameters>]
        ```

        ## DESCRIPTION

        Gets the **things** of `a place`; see [the docs](../x.md) or [the site](https://example.org/x).

        ## EXAMPLES

        ### Example 1: All things

        ```powershell
        Get-Thing
        ```

        Every thing.

        ## PARAMETERS

        {{parameters}}

        ## INPUTS

        ### None

        ## OUTPUTS

        ### Thing

        """;

    private static string Documented(CommandModel command, string name, string description) =>
        $"### -{name}\n\n{description}\n\n```yaml\n{GeneratedMetadata.Yaml(command.Parameter(name)!, command)}\n```\n";

    [Fact]
    public void APageThatDescribesEveryParameterHasNoProblem()
    {
        var command = Command(Parameter("Name"));
        var page = CmdletPage.Parse("Get-Thing.md", Page(Documented(command, "Name", "The thing's name.")));

        var problems = PageChecker.Check(page, command);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal("Get-Thing", page.Examples[0].Code[0]);
    }

    [Fact]
    public void ANewParameterWithoutASectionIsReported()
    {
        var command = Command(Parameter("Name"), Parameter("Owner"));
        var page = CmdletPage.Parse("Get-Thing.md", Page(Documented(command, "Name", "The thing's name.")));

        var problems = PageChecker.Check(page, command);

        Assert.Contains(problems, p => p.Code == DocProblemCodes.UndocumentedParameter && p.Message.Contains("-Owner", StringComparison.Ordinal));
    }

    [Fact]
    public void ASectionWithoutDescriptionIsReported()
    {
        var command = Command(Parameter("Name"));
        var page = CmdletPage.Parse("Get-Thing.md", Page(Documented(command, "Name", string.Empty)));

        var problems = PageChecker.Check(page, command);

        var problem = Assert.Single(problems);
        Assert.Equal(DocProblemCodes.UndocumentedParameter, problem.Code);
        Assert.StartsWith("Get-Thing.md(", problem.ToString(), StringComparison.Ordinal);
        Assert.Contains(": warning GIHELP004: -Name has no description.", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StaleMetadataAndUnknownParametersAreReported()
    {
        var command = Command(Parameter("Name"));
        var stale = "### -Name\n\nThe name.\n\n```yaml\nType: Int32\n```\n\n### -Gone\n\nRemoved long ago.\n";
        var page = CmdletPage.Parse("Get-Thing.md", Page(stale));

        var problems = PageChecker.Check(page, command);

        Assert.Contains(problems, p => p.Code == DocProblemCodes.StaleMetadata && p.Message.Contains("-Name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Code == DocProblemCodes.UnknownParameter && p.Message.Contains("-Gone", StringComparison.Ordinal));
    }

    [Fact]
    public void UpdateAddsAMissingParameterAndKeepsWrittenText()
    {
        var command = Command(Parameter("Name"), Parameter("Owner"));
        var text = Page("### -Name\n\nThe thing's name.\n");
        var page = CmdletPage.Parse("Get-Thing.md", text);

        var updated = PageUpdater.Update(page, command, text);
        var reparsed = CmdletPage.Parse("Get-Thing.md", updated);

        Assert.Equal("The thing's name.", string.Join(" ", reparsed.Parameter("Name")!.Description.Select(l => l.Text)).Trim());
        Assert.NotNull(reparsed.Parameter("Owner"));
        Assert.False(reparsed.Parameter("Owner")!.HasDescription);
        Assert.Equal(GeneratedMetadata.Yaml(command.Parameter("Owner")!, command), reparsed.Parameter("Owner")!.Metadata);
        Assert.Contains("Gets the **things**", updated, StringComparison.Ordinal);
        var problems = PageChecker.Check(reparsed, command);
        var missing = Assert.Single(problems);
        Assert.Contains("-Owner has no description", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkdownBecomesPlainText()
    {
        var blocks = MarkdownText.Blocks(new[]
        {
            "Gets the **things** of `a place`; see [the docs](../x.md) or [the site](https://example.org/x).",
            "",
            "- first",
            "- second, with `gal_images`",
            "",
            "| id | when |",
            "|---|---|",
            "| `GenImage.X` | a \\| b |",
            "<!-- not run: a reason -->",
        });

        Assert.Equal("Gets the things of a place; see the docs or the site (https://example.org/x).", blocks[0].Text);
        Assert.Equal(BlockKind.ListItem, blocks[1].Kind);
        Assert.Equal("- second, with gal_images", blocks[2].Text);
        Assert.Equal(BlockKind.Table, blocks[3].Kind);
        Assert.Equal(new[] { "GenImage.X", "a | b" }, blocks[3].Rows[1]);
        Assert.Equal(4, blocks.Count);
    }

    [Fact]
    public void ANotRunMarkerIsReadAndLeftOutOfTheText()
    {
        var text = Page("### -Name\n\nThe name.\n").Replace(
            "Every thing.", "<!-- not run: needs Azure -->\nEvery thing.", StringComparison.Ordinal);

        var page = CmdletPage.Parse("Get-Thing.md", text);

        Assert.Equal("needs Azure", page.Examples[0].NotRunReason);
        Assert.DoesNotContain(page.Examples[0].Remarks, l => l.Text.Contains("<!--", StringComparison.Ordinal));
    }
}
