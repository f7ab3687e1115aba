using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Gallery;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Rolls a gallery image version back out of "latest" (sets exclude-from-latest) and reports which version "latest" resolves to now. Idempotent.</para>
/// </summary>
[Cmdlet(VerbsCommon.Undo, "GalleryImageVersion", DefaultParameterSetName = ByNameSet,
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GalleryReleaseResult))]
public sealed class UndoGalleryImageVersionCommand : ReleaseChannelCmdlet
{
    protected override string Action => ReleaseChannel.Rollback;
}
