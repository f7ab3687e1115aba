using System.Management.Automation;
using GenImage.Cmdlets.Commands;
using GenImage.Cmdlets.Completion;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Fleet;
using GenImage.Core.Gallery;

namespace GenImage.Cmdlets.Infrastructure;

/// <summary>
/// Base of the cmdlets that act on one existing gallery image version, named by resource group, gallery,
/// definition and version, or by id; all bind from the pipeline by property name, so a
/// GalleryImageVersion object pipes straight in.
/// </summary>
public abstract class GalleryVersionCmdlet : GenImageCmdlet
{
    protected const string ByNameSet = "ByName";
    protected const string ByIdSet = "ById";

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

    [Parameter(Mandatory = true, Position = 3, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(VersionNameCompleter))]
    [Alias("Version")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [Alias("ResourceId")]
    [ValidateNotNullOrEmpty]
    public string? Id { get; set; }

    /// <summary>The version's resource id from whichever parameter set was used.</summary>
    protected string VersionId(GenImageConnection connection) =>
        PublishingParameters.VersionId(connection.SubscriptionId, ParameterSetName == ByIdSet ? Id : null, ResourceGroupName, GalleryName, DefinitionName, Name);
}

/// <summary>Publish-/Undo-GalleryImageVersion: plan a release-channel change, confirm it, carry it out.</summary>
public abstract class ReleaseChannelCmdlet : GalleryVersionCmdlet
{
    /// <summary>The release-channel action (ReleaseChannel.Promote or ReleaseChannel.Rollback).</summary>
    protected abstract string Action { get; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var target = Id ?? string.Empty;
        try
        {
            target = VersionId(connection);
            var plan = RunAsync((log, ct) => new ReleaseChannel(new ArmGalleryOperations(connection), log).PlanAsync(Action, target, ct));
            if (plan.Changes)
            {
                // Who is hit goes into the -WhatIf and confirmation text (one VM list and one scale set list).
                var impact = RunAsync((log, ct) => FleetEngines.ReleaseImpact(connection, log).AssessAsync(plan, ct));
                if (!ShouldChange(target, impact.Describe()))
                {
                    return;
                }
            }

            WriteObject(RunAsync((log, ct) => new ReleaseChannel(new ArmGalleryOperations(connection), log).ExecuteAsync(plan, ct)));
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, target);
        }
    }
}
