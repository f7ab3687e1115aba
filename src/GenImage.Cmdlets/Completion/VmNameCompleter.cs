using System.Collections.Generic;
using GenImage.Core.Completion;

namespace GenImage.Cmdlets.Completion;

/// <summary>Completes VM names: of -ResourceGroupName when it is given, else of the subscription.</summary>
public sealed class VmNameCompleter : NameCompleter
{
    protected override IEnumerable<(string Name, string? ToolTip)> Names(BoundValues bound)
    {
        var group = bound.Get("ResourceGroupName");
        return Plain(CompletionCache.Get(Connection, "vms|" + group, (lookup, ct) => lookup.VirtualMachinesAsync(group, ct)));
    }
}
