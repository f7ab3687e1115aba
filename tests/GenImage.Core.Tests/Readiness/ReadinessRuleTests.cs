using GenImage.Core.Readiness;

namespace GenImage.Core.Tests.Readiness;

/// <summary>Every rule against plain inputs: at least one Pass, one Fail and one Skipped case per rule.</summary>
public sealed class ReadinessRuleTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in RuleCases.All())
        {
            data.Add(c.ToString());
        }

        return data;
    }

    private static RuleCase Find(string name) => RuleCases.All().Single(c => c.ToString() == name);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Rule_reports_the_expected_status(string caseName)
    {
        var c = Find(caseName);
        var selection = new ReadinessSelection();
        selection.Include.Add(c.RuleId);

        var findings = ReadinessEngine.Evaluate(c.Input(), selection);

        var finding = Assert.Single(findings);
        Assert.Equal(c.RuleId, finding.RuleId);
        Assert.True(c.Status == finding.Status, $"{caseName}: got {finding.Status}: {finding.Message}");
        var rule = ReadinessCatalog.Get(c.RuleId);
        Assert.Equal(rule.Category, finding.Category);
        Assert.Equal(rule.Title, finding.Title);
        Assert.False(string.IsNullOrWhiteSpace(finding.Message));
        Assert.False(string.IsNullOrWhiteSpace(finding.Target));
        switch (finding.Status)
        {
            case FindingStatus.Fail:
                Assert.Equal(c.Severity ?? rule.Severity, finding.Severity);
                Assert.False(string.IsNullOrWhiteSpace(finding.Remediation));
                Assert.NotEmpty(finding.Evidence);
                Assert.Null(finding.SkipReason);
                break;
            case FindingStatus.Pass:
                Assert.Equal(string.Empty, finding.Remediation);
                Assert.NotEmpty(finding.Evidence);
                break;
            case FindingStatus.Skipped:
                Assert.False(string.IsNullOrWhiteSpace(finding.SkipReason));
                Assert.Equal(string.Empty, finding.Remediation);
                Assert.False(finding.IsBlocking);
                break;
        }
    }

    [Fact]
    public void Every_rule_has_a_pass_a_fail_and_a_skip_case()
    {
        var cases = RuleCases.All().ToList();
        foreach (var rule in ReadinessCatalog.Rules)
        {
            foreach (var status in new[] { FindingStatus.Pass, FindingStatus.Fail, FindingStatus.Skipped })
            {
                Assert.True(cases.Any(c => c.RuleId == rule.Id && c.Status == status), $"{rule.Id} has no {status} case");
            }
        }
        Assert.Equal(cases.Count, cases.Select(c => c.ToString()).Distinct().Count());
    }

    [Fact]
    public void Good_windows_input_passes_every_rule_that_applies()
    {
        var findings = ReadinessEngine.Evaluate(ReadinessInputs.Windows());

        Assert.Equal(ReadinessCatalog.Rules.Count, findings.Count);
        Assert.DoesNotContain(findings, f => f.Status == FindingStatus.Fail);
        // The Linux-only leftover rules are skipped on a Windows guest, with the reason.
        foreach (var id in new[] { "GI5002", "GI5003", "GI5004", "GI5005", "GI5006" })
        {
            var f = findings.Single(x => x.RuleId == id);
            Assert.Equal(FindingStatus.Skipped, f.Status);
            Assert.Contains("Linux", f.SkipReason);
        }
    }

    [Fact]
    public void Good_linux_input_passes_every_rule_that_applies()
    {
        var findings = ReadinessEngine.Evaluate(ReadinessInputs.Linux());

        Assert.DoesNotContain(findings, f => f.Status == FindingStatus.Fail);
        Assert.All(findings.Where(f => f.Category == "Guest" && f.RuleId != "GI5001" && string.CompareOrdinal(f.RuleId, "GI5007") < 0),
            f => Assert.Equal(FindingStatus.Pass, f.Status));
    }

    [Fact]
    public void Findings_carry_targets_by_category()
    {
        var findings = ReadinessEngine.Evaluate(ReadinessInputs.Windows());

        Assert.Equal(ReadinessInputs.VmId, findings.Single(f => f.RuleId == "GI1001").Target);
        Assert.Equal(ReadinessInputs.DefinitionId, findings.Single(f => f.RuleId == "GI2003").Target);
        Assert.Equal(ReadinessInputs.DefinitionId + "/versions/1.1.0", findings.Single(f => f.RuleId == "GI3001").Target);
        Assert.Equal(ReadinessInputs.DefinitionId + "/versions/1.1.0", findings.Single(f => f.RuleId == "GI4001").Target);
        Assert.Equal(ReadinessInputs.VmId, findings.Single(f => f.RuleId == "GI5008").Target);
    }

    [Fact]
    public void Evidence_names_what_the_rule_looked_at()
    {
        var input = ReadinessInputs.Windows(i => i.Definition!.HyperVGeneration = "V1");
        var finding = ReadinessEngine.Evaluate(input).Single(f => f.RuleId == "GI2003");

        Assert.Equal(FindingStatus.Fail, finding.Status);
        Assert.Equal("V2", finding.Evidence["sourceHyperVGeneration"]);
        Assert.Equal("V1", finding.Evidence["definitionHyperVGeneration"]);
        Assert.True(finding.IsBlocking);
    }

    [Fact]
    public void Suppressed_failure_is_not_blocking()
    {
        var finding = ReadinessEngine.Evaluate(ReadinessInputs.Windows(i => i.Definition!.HyperVGeneration = "V1")).Single(f => f.RuleId == "GI2003");
        finding.Suppressed = true;
        Assert.False(finding.IsBlocking);
    }
}
