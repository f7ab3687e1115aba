using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Gets the image definitions of a gallery, each with the version "latest" resolves to.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GalleryImageDefinition")]
[OutputType(typeof(GalleryImageDefinition))]
public sealed class GetGalleryImageDefinitionCommand : GenImageCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(GalleryNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? GalleryName { get; set; }

    /// <summary>Definition name; wildcards allowed. All definitions when omitted.</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    [Alias("DefinitionName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var target = GalleryIds.Gallery(connection.SubscriptionId, ResourceGroupName!, GalleryName!);
        try
        {
            if (Name != null && !WildcardPattern.ContainsWildcardCharacters(Name))
            {
                var one = RunAsync((log, ct) => new DefinitionCatalog(new ArmGalleryOperations(connection), log).GetAsync(ResourceGroupName!, GalleryName!, Name, ct));
                if (one == null)
                {
                    WriteItemError(GalleryPublisher.DefinitionMissing(ResourceGroupName!, GalleryName!, Name), target + "/images/" + Name);
                    return;
                }
                WriteObject(one);
                return;
            }
            var gallery = RunAsync((log, ct) => new ArmGalleryOperations(connection).GetGalleryAsync(ResourceGroupName!, GalleryName!, ct));
            if (gallery == null)
            {
                WriteItemError(new GenImageException(GalleryErrorIds.GalleryNotFound, GenImageErrorKind.ObjectNotFound,
                    $"The gallery '{GalleryName}' does not exist in resource group '{ResourceGroupName}'.")
                { Target = target }, target);
                return;
            }
            var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
            var list = RunAsync((log, ct) => new DefinitionCatalog(new ArmGalleryOperations(connection), log).ListAsync(ResourceGroupName!, GalleryName!, pattern.IsMatch, ct));
            foreach (var d in list)
            {
                WriteObject(d);
            }
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, target);
        }
    }
}
