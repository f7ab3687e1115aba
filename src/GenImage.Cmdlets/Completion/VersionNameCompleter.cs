using System;
using System.Collections.Generic;
using GenImage.Core.Completion;

namespace GenImage.Cmdlets.Completion;

/// <summary>Completes the versions of the definition named by -ResourceGroupName, -GalleryName and -DefinitionName, highest first.</summary>
public sealed class VersionNameCompleter : NameCompleter
{
    protected override IEnumerable<(string Name, string? ToolTip)> Names(BoundValues bound)
    {
        var group = bound.Get("ResourceGroupName");
        var gallery = bound.Get("GalleryName");
        var definition = bound.Get("DefinitionName", "GalleryImageDefinitionName");
        if (group == null || gallery == null || definition == null)
        {
            return Array.Empty<(string, string?)>();
        }

        return Plain(CompletionCache.Get(Connection, $"versions|{group}|{gallery}|{definition}", (lookup, ct) => lookup.VersionsAsync(group, gallery, definition, ct)));
    }
}
