using System.Collections.Generic;
using GenImage.Core.Completion;

namespace GenImage.Cmdlets.Completion;

/// <summary>Completes gallery names: of -GalleryResourceGroupName or -ResourceGroupName when given, else of the subscription.</summary>
public sealed class GalleryNameCompleter : NameCompleter
{
    protected override IEnumerable<(string Name, string? ToolTip)> Names(BoundValues bound)
    {
        var group = bound.Get("GalleryResourceGroupName", "ResourceGroupName");
        return Plain(CompletionCache.Get(Connection, "galleries|" + group, (lookup, ct) => lookup.GalleriesAsync(group, ct)));
    }
}
