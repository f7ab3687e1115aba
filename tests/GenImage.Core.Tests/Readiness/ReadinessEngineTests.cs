using GenImage.Core.Readiness;

namespace GenImage.Core.Tests.Readiness;

public sealed class ReadinessEngineTests
{
    [Fact]
    public void Catalogue_is_ordered_unique_and_complete()
    {
        var ids = ReadinessCatalog.Rules.Select(r => r.Id).ToList();
        Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var expected = new[]
        {
            "GI1001", "GI1002", "GI1003", "GI1004",
            "GI2001", "GI2002", "GI2003", "GI2004", "GI2005", "GI2006", "GI2007",
            "GI3001", "GI3002", "GI3003", "GI3004", "GI3005",
            "GI4001", "GI4002", "GI4003", "GI4004", "GI4005",
            "GI5001", "GI5002", "GI5003", "GI5004", "GI5005", "GI5006", "GI5007", "GI5008", "GI5009", "GI5010", "GI5011", "GI5012",
            "GI6001", "GI6002",
        };
        Assert.Equal(expected, ids);
        foreach (var rule in ReadinessCatalog.Rules)
        {
            Assert.Contains(rule.Category, ReadinessCatalog.Categories);
            Assert.False(string.IsNullOrWhiteSpace(rule.Title), rule.Id);
            Assert.False(string.IsNullOrWhiteSpace(rule.Inspects), rule.Id);
            Assert.False(string.IsNullOrWhiteSpace(rule.Why), rule.Id);
            Assert.False(string.IsNullOrWhiteSpace(rule.Fix), rule.Id);
            Assert.Equal($"docs/rules/{rule.Id}.md", rule.HelpUri);
        }
    }

    [Theory]
    [InlineData("GI1001", "Source")]
    [InlineData("GI2004", "Definition")]
    [InlineData("GI3003", "Version")]
    [InlineData("GI4005", "Regions")]
    [InlineData("GI5008", "Guest")]
    [InlineData("GI6002", "Operations")]
    public void Category_follows_the_id_block(string id, string category)
    {
        Assert.Equal(category, ReadinessCatalog.Get(id).Category);
    }

    [Fact]
    public void Get_is_case_insensitive_and_unknown_ids_list_the_catalogue()
    {
        Assert.Equal("GI2003", ReadinessCatalog.Get("gi2003").Id);
        var ex = Assert.Throws<KeyNotFoundException>(() => ReadinessCatalog.Get("GI9999"));
        Assert.Contains("GI9999", ex.Message);
        Assert.Contains("GI1001", ex.Message);
        Assert.Contains("GI6002", ex.Message);
    }

    [Fact]
    public void Changing_a_returned_rule_does_not_change_the_catalogue()
    {
        ReadinessCatalog.Get("GI1001").Title = "changed";
        Assert.NotEqual("changed", ReadinessCatalog.Get("GI1001").Title);
    }

    [Fact]
    public void Evaluate_returns_one_finding_per_rule_in_id_order()
    {
        var findings = ReadinessEngine.Evaluate(new ReadinessInput());
        Assert.Equal(ReadinessCatalog.Rules.Select(r => r.Id), findings.Select(f => f.RuleId));
        // With nothing to look at, nothing passes or fails: everything is Skipped with a reason.
        Assert.All(findings, f =>
        {
            Assert.Equal(FindingStatus.Skipped, f.Status);
            Assert.False(string.IsNullOrWhiteSpace(f.SkipReason));
        });
    }

    [Fact]
    public void Include_and_exclude_take_wildcards()
    {
        var selection = new ReadinessSelection();
        selection.Include.Add("GI2*");
        selection.Include.Add("gi5001");
        selection.Exclude.Add("GI200[5-7]");

        var ids = ReadinessEngine.Evaluate(ReadinessInputs.Windows(), selection).Select(f => f.RuleId).ToList();

        Assert.Equal(new[] { "GI2001", "GI2002", "GI2003", "GI2004", "GI5001" }, ids);
    }

    [Fact]
    public void Question_mark_matches_one_character()
    {
        var selection = new ReadinessSelection();
        selection.Include.Add("GI400?");
        Assert.Equal(5, ReadinessEngine.Evaluate(new ReadinessInput(), selection).Count);
    }

    [Fact]
    public void Categories_restrict_the_rules()
    {
        var selection = new ReadinessSelection();
        selection.Categories.Add("regions");
        selection.Categories.Add("Operations");
        var ids = ReadinessEngine.Evaluate(new ReadinessInput(), selection).Select(f => f.RuleId);
        Assert.Equal(new[] { "GI4001", "GI4002", "GI4003", "GI4004", "GI4005", "GI6001", "GI6002" }, ids);
    }

    [Fact]
    public void Selection_that_matches_nothing_returns_no_findings()
    {
        var selection = new ReadinessSelection();
        selection.Include.Add("GI9*");
        Assert.Empty(ReadinessEngine.Evaluate(ReadinessInputs.Windows(), selection));
    }

    [Fact]
    public void Preflight_uses_the_same_ids_and_blocks_on_errors_only()
    {
        var good = ReadinessEngine.Preflight(ReadinessInputs.Windows(i => i.TargetRegions[0].Name = "northeurope"));
        Assert.Equal(ReadinessCatalog.Rules.Select(r => r.Id), good.Select(f => f.RuleId));
        Assert.Equal(FindingStatus.Fail, good.Single(f => f.RuleId == "GI4002").Status);
        Assert.False(ReadinessEngine.HasBlocking(good));

        var bad = ReadinessEngine.Preflight(ReadinessInputs.Windows(i => i.Definition!.SecurityType = "Standard"));
        Assert.True(ReadinessEngine.HasBlocking(bad));
        Assert.Equal(new[] { "GI2004" }, bad.Where(f => f.IsBlocking).Select(f => f.RuleId));
    }

    [Fact]
    public void Classic_failures_are_caught_with_their_ids()
    {
        // Unprepared Windows VM, stopped, captured without generalizing into a Generalized definition.
        var unprepared = ReadinessInputs.Windows(i => { i.WillGeneralize = false; i.SourceVm!.PowerState = "stopped"; i.Guest = null; });
        Assert.Contains("GI1002", Blocking(unprepared));

        // Gen1 VM into a Gen2 Trusted Launch definition.
        var gen1 = ReadinessInputs.Windows(i => { i.SourceVm!.HyperVGeneration = "V1"; i.SourceVm.SecurityType = "Standard"; });
        Assert.Equal(new[] { "GI2003", "GI2004" }, Blocking(gen1));

        // Trusted Launch VM into a Standard definition.
        var tl = ReadinessInputs.Windows(i => i.Definition!.SecurityType = "Standard");
        Assert.Equal(new[] { "GI2004" }, Blocking(tl));

        // AppX blocker.
        var appx = ReadinessInputs.Windows(i => i.Guest = ReadinessInputs.Facts("Windows", f => f["appxBlockers"] = new System.Text.Json.Nodes.JsonArray("Microsoft.BingWeather")));
        Assert.Equal(new[] { "GI5008" }, Blocking(appx));

        // Linux leftovers when nothing deprovisions the guest.
        var leftovers = ReadinessInputs.Linux(i =>
        {
            i.WillGeneralize = false;
            i.SourceVm!.PowerState = "running";
            i.Guest = ReadinessInputs.Facts("Linux", f =>
            {
                f["sshHostKeys"] = new System.Text.Json.Nodes.JsonArray("/etc/ssh/ssh_host_rsa_key");
                f["machineId"] = true;
            });
        });
        var ids = Blocking(leftovers);
        Assert.Contains("GI5002", ids);
        Assert.Contains("GI5003", ids);
        Assert.Contains("GI1002", ids);
    }

    private static string[] Blocking(ReadinessInput input) =>
        ReadinessEngine.Evaluate(input).Where(f => f.IsBlocking).Select(f => f.RuleId).ToArray();

    [Fact]
    public void Evaluate_rejects_null_input()
    {
        Assert.Throws<ArgumentNullException>(() => ReadinessEngine.Evaluate(null!));
    }
}
