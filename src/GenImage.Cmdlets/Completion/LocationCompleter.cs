using System.Collections.Generic;
using GenImage.Core.Completion;

namespace GenImage.Cmdlets.Completion;

/// <summary>
/// Completes the locations of the connected subscription (<c>westeurope</c>, …), for -Location, -Region and the
/// region part of -TargetRegion (nothing once <c>=COUNT</c> is being typed).
/// </summary>
public sealed class LocationCompleter : NameCompleter
{
    protected override bool Accepts(string typed) => typed.IndexOf('=') < 0;

    protected override IEnumerable<(string Name, string? ToolTip)> Names(BoundValues bound) =>
        Plain(CompletionCache.Get(Connection, "locations", (lookup, ct) => lookup.LocationsAsync(ct)));
}
