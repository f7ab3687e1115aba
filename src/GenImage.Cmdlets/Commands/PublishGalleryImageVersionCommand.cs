using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Gallery;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Promotes a gallery image version into "latest" (clears exclude-from-latest) and reports which version "latest" resolves to. Idempotent.</para>
/// </summary>
[Cmdlet(VerbsData.Publish, "GalleryImageVersion", DefaultParameterSetName = ByNameSet,
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GalleryReleaseResult))]
public sealed class PublishGalleryImageVersionCommand : ReleaseChannelCmdlet
{
    protected override string Action => ReleaseChannel.Promote;
}
