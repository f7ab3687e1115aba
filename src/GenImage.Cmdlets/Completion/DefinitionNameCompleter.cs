using System;
using System.Collections.Generic;
using GenImage.Core.Completion;

namespace GenImage.Cmdlets.Completion;

/// <summary>Completes image definition names of the gallery named by -GalleryName (in -GalleryResourceGroupName or -ResourceGroupName).</summary>
public sealed class DefinitionNameCompleter : NameCompleter
{
    protected override IEnumerable<(string Name, string? ToolTip)> Names(BoundValues bound)
    {
        var group = bound.Get("GalleryResourceGroupName", "ResourceGroupName");
        var gallery = bound.Get("GalleryName");
        if (group == null || gallery == null)
        {
            return Array.Empty<(string, string?)>();
        }

        return Plain(CompletionCache.Get(Connection, $"definitions|{group}|{gallery}", (lookup, ct) => lookup.DefinitionsAsync(group, gallery, ct)));
    }
}
