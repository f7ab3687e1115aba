using System.Collections.Generic;
using GenImage.Core.Completion;

namespace GenImage.Cmdlets.Completion;

/// <summary>Completes resource group names of the connected subscription.</summary>
public sealed class ResourceGroupNameCompleter : NameCompleter
{
    protected override IEnumerable<(string Name, string? ToolTip)> Names(BoundValues bound) =>
        Plain(CompletionCache.Get(Connection, "resourceGroups", (lookup, ct) => lookup.ResourceGroupsAsync(ct)));
}
