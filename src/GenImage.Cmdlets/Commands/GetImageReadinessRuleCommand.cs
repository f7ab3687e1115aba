using System;
using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Readiness;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Lists the readiness rules that Test-ImageReadiness and the publishing pre-flight evaluate.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ImageReadinessRule")]
[OutputType(typeof(ReadinessRuleInfo))]
public sealed class GetImageReadinessRuleCommand : GenImageCmdlet
{
    /// <summary>Rule ids, with wildcards (GI5*). Default: every rule.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RuleIdCompleter))]
    [Alias("RuleId")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>Only rules of these categories.</summary>
    [Parameter]
    [ValidateSet("Source", "Definition", "Version", "Regions", "Guest", "Operations", IgnoreCase = true)]
    public string[]? Category { get; set; }

    /// <summary>Only rules of these (highest) severities.</summary>
    [Parameter]
    public FindingSeverity[]? Severity { get; set; }

    protected override void ProcessRecord()
    {
        var selection = new ReadinessSelection();
        foreach (var c in Category ?? Array.Empty<string>())
        {
            selection.Categories.Add(c);
        }

        if (Id == null)
        {
            Write(selection);
            return;
        }
        foreach (var pattern in Id)
        {
            var one = new ReadinessSelection();
            foreach (var c in selection.Categories)
            {
                one.Categories.Add(c);
            }

            one.Include.Add(pattern);
            var written = Write(one);
            if (written == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                WriteError(ErrorRecords.NotFound("RuleNotFound",
                    $"There is no readiness rule '{pattern}' (with the category and severity filters given). Get-ImageReadinessRule without -Id lists them all.", pattern));
            }
        }
    }

    private int Write(ReadinessSelection selection)
    {
        var rules = ReadinessCatalog.Select(selection).Where(r => Severity == null || Severity.Contains(r.Severity)).ToList();
        foreach (var rule in rules)
        {
            WriteObject(rule);
        }

        return rules.Count;
    }
}
