using System.Collections;
using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Vm;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Captures a managed image (Microsoft.Compute/images) from a generalized VM, after the same OS-state pre-flight as the gallery (GI1001, GI1002).</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "ManagedImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ManagedImage))]
public sealed class NewManagedImageCommand : GenImageCmdlet
{
    /// <summary>The image's resource group (Invoke-GeneralizeVm output binds its VM's group).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    /// <summary>The image name.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [Alias("ImageName")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>The generalized VM; Invoke-GeneralizeVm output binds it.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("VmId")]
    [ValidateNotNullOrEmpty]
    public string? SourceId { get; set; }

    /// <summary>Default: the VM's location.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(LocationCompleter))]
    public string? Location { get; set; }

    [Parameter]
    public Hashtable? Tag { get; set; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var target = GalleryIds.ManagedImage(connection.SubscriptionId, ResourceGroupName!, Name!);
        ManagedImagePlan plan;
        try
        {
            plan = RunAsync((log, ct) => Builder(connection, log).PlanAsync(target, SourceId!, Location, ct));
        }
        catch (PreflightException ex)
        {
            WriteError(PublishingParameters.Preflight(ex, ex.Target));
            return;
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, target);
            return;
        }
        if (!ShouldChange(target, plan.Describe()))
        {
            return;
        }

        try
        {
            var tags = PublishingParameters.Tags(Tag);
            WriteObject(RunAsync((log, ct) => Builder(connection, log).ExecuteAsync(plan, tags, ct)));
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, target);
        }
    }

    private static ManagedImageBuilder Builder(Core.Connection.GenImageConnection connection, Core.Logging.IGenImageLog log) =>
        new ManagedImageBuilder(new ArmGalleryOperations(connection), new ArmVmOperations(connection), log);
}
