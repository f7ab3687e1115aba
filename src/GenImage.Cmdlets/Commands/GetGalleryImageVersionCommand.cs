using System;
using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Gets gallery image versions and whether "latest" resolves to them, in one list call; with -ExpandReplicationStatus, each version's replication per region.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GalleryImageVersion", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(GalleryImageVersion))]
public sealed class GetGalleryImageVersionCommand : GenImageCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByIdSet = "ById";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(GalleryNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? GalleryName { get; set; }

    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    [Alias("GalleryImageDefinitionName")]
    [ValidateNotNullOrEmpty]
    public string? DefinitionName { get; set; }

    /// <summary>Version name; wildcards allowed. All versions when omitted.</summary>
    [Parameter(Position = 3, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(VersionNameCompleter))]
    [Alias("Version")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [Alias("ResourceId")]
    [ValidateNotNullOrEmpty]
    public string? Id { get; set; }

    /// <summary>Read each version again with its replication status per region (one more GET per version).</summary>
    [Parameter]
    public SwitchParameter ExpandReplicationStatus { get; set; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var galleries = new ArmGalleryOperations(connection);
        string rg, gallery, definition;
        string? pattern;
        string target;
        try
        {
            if (ParameterSetName == ByIdSet)
            {
                var address = GalleryIds.ParseVersion(Id!);
                (rg, gallery, definition, pattern, target) = (address.ResourceGroupName, address.GalleryName, address.DefinitionName, address.VersionName, Id!);
            }
            else
            {
                (rg, gallery, definition, pattern) = (ResourceGroupName!, GalleryName!, DefinitionName!, Name);
                target = GalleryIds.Definition(connection.SubscriptionId, rg, gallery, definition);
            }
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, Id);
            return;
        }

        try
        {
            var all = RunAsync((log, ct) => galleries.ListVersionsAsync(rg, gallery, definition, ct));
            var latest = LatestVersion.Resolve(all);
            var wildcard = new WildcardPattern(pattern ?? "*", WildcardOptions.IgnoreCase);
            var matched = all.Where(v => wildcard.IsMatch(v.Name)).ToList();
            if (matched.Count == 0 && pattern != null && !WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                if (all.Count == 0 && RunAsync((log, ct) => galleries.GetDefinitionAsync(rg, gallery, definition, ct)) == null)
                {
                    WriteItemError(GalleryPublisher.DefinitionMissing(rg, gallery, definition), target);
                    return;
                }
                WriteItemError(new GenImageException(GalleryErrorIds.VersionNotFound, GenImageErrorKind.ObjectNotFound,
                    $"Image version '{pattern}' does not exist under {gallery}/{definition}" +
                    (all.Count == 0 ? " (the definition has no versions)." : $" (it has {string.Join(", ", all.Select(v => v.Name))}).")), target);
                return;
            }
            foreach (var listed in matched)
            {
                try
                {
                    // The list answer has everything but the replication status: read a version again only when asked for it.
                    var version = ExpandReplicationStatus.IsPresent ? RunAsync((log, ct) => galleries.GetVersionAsync(listed.Id, true, ct)) ?? listed : listed;
                    version.ReplicationState = ReplicationStates.Of(version);
                    version.IsLatest = latest != null && string.Equals(latest.Id, version.Id, StringComparison.OrdinalIgnoreCase);
                    WriteObject(version);
                }
                catch (GenImageException ex)
                {
                    WriteItemError(ex, listed.Id);
                }
            }
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, target);
        }
    }
}
