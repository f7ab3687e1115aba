using System.Collections.Generic;
using System.Linq;
using GenImage.Core.Readiness;

namespace GenImage.Cmdlets.Completion;

/// <summary>Completes readiness rule ids (GI1001 …) with each rule's category, severity and title as the tooltip. Needs no connection.</summary>
public sealed class RuleIdCompleter : NameCompleter
{
    protected override IEnumerable<(string Name, string? ToolTip)> Names(BoundValues bound) =>
        ReadinessCatalog.Rules.Select(r => (r.Id, (string?)$"{r.Id} ({r.Category}, {r.Severity}): {r.Title}"));
}
