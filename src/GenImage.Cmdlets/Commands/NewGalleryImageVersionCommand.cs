using System;
using System.Collections;
using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Vm;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Publishes a generalized VM, a managed image or another gallery image version to a gallery image version, after a pre-flight that refuses what Azure would refuse later, and follows replication region by region.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "GalleryImageVersion", DefaultParameterSetName = ByIncrementSet,
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GalleryImageVersion), typeof(GenImageJob))]
public sealed class NewGalleryImageVersionCommand : GenImageCmdlet
{
    private const string ByIncrementSet = "ByIncrement";
    private const string ByNameSet = "ByName";

    /// <summary>The gallery's resource group (Invoke-GeneralizeVm output binds its VM's group).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(GalleryNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? GalleryName { get; set; }

    [Parameter(Mandatory = true, Position = 2)]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    [Alias("GalleryImageDefinitionName")]
    [ValidateNotNullOrEmpty]
    public string? DefinitionName { get; set; }

    /// <summary>The VM, managed image or gallery image version to publish; Invoke-GeneralizeVm output binds it.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? SourceId { get; set; }

    /// <summary>The version to create, Major.Minor.Patch.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
    [Alias("Version")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Compute the version from the highest existing one (default Patch; 1.0.0 when there is none).</summary>
    [Parameter(ParameterSetName = ByIncrementSet)]
    public VersionIncrement Increment { get; set; } = VersionIncrement.Patch;

    /// <summary>Regions: "westeurope", "eastus=2", "eastus=2=Standard_ZRS", or @{ Name; ReplicaCount; StorageAccountType }.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(LocationCompleter))]
    [ValidateNotNullOrEmpty]
    public object[]? TargetRegion { get; set; }

    /// <summary>Replicas per region when a region does not say.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int ReplicaCount { get; set; } = 1;

    /// <summary>Storage type when a region does not say.</summary>
    [Parameter]
    [ValidateSet("Standard_LRS", "Standard_ZRS", "Premium_LRS", IgnoreCase = true)]
    public string StorageAccountType { get; set; } = "Standard_LRS";

    /// <summary>Keep the version out of "latest" until Publish-GalleryImageVersion promotes it.</summary>
    [Parameter]
    public SwitchParameter ExcludeFromLatest { get; set; }

    [Parameter]
    public DateTime EndOfLifeDate { get; set; }

    /// <summary>safetyProfile.blockDeletionBeforeEndOfLife: Azure refuses to delete the version before -EndOfLifeDate (needs it).</summary>
    [Parameter]
    public SwitchParameter BlockDeletionBeforeEndOfLife { get; set; }

    /// <summary>safetyProfile.allowDeletionOfReplicatedLocations; -AllowDeletionOfReplicatedLocation:$false refuses taking a replicated region out of the target regions.</summary>
    [Parameter]
    public SwitchParameter AllowDeletionOfReplicatedLocation { get; set; }

    [Parameter]
    public Hashtable? Tag { get; set; }

    /// <summary>Do not run the pre-flight (a warning lists what was not checked).</summary>
    [Parameter]
    public SwitchParameter SkipPreflight { get; set; }

    /// <summary>Return as soon as ARM accepted the version (state Creating).</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>Limit for creation and replication, in seconds (default 10800).</summary>
    [Parameter]
    [ValidateRange(1, 172800)]
    public int TimeoutSec { get; set; } = 10800;

    /// <summary>
    /// Run the pre-flight and confirm here, then create the version and follow its replication in a background job
    /// (Get-Job, Receive-Job, Stop-Job) that uses this session's connection; returns the job.
    /// </summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var target = GalleryIds.Definition(connection.SubscriptionId, ResourceGroupName!, GalleryName!, DefinitionName!);
        PublishOptions options;
        try
        {
            options = new PublishOptions
            {
                ResourceGroupName = ResourceGroupName!,
                GalleryName = GalleryName!,
                DefinitionName = DefinitionName!,
                SourceId = SourceId!,
                VersionName = ParameterSetName == ByNameSet ? Name : null,
                Increment = Increment,
                TargetRegions = PublishingParameters.Regions(TargetRegion, ReplicaCount, TargetRegions.NormalizeStorageType(StorageAccountType)),
                ReplicaCount = ReplicaCount,
                StorageAccountType = TargetRegions.NormalizeStorageType(StorageAccountType),
                ExcludeFromLatest = ExcludeFromLatest.IsPresent,
                EndOfLifeDate = MyInvocation.BoundParameters.ContainsKey(nameof(EndOfLifeDate)) ? PublishingParameters.Date(EndOfLifeDate) : null,
                Safety = PublishingParameters.Safety(MyInvocation.BoundParameters, BlockDeletionBeforeEndOfLife, AllowDeletionOfReplicatedLocation),
                Tags = PublishingParameters.Tags(Tag),
                SkipPreflight = SkipPreflight.IsPresent,
                NoWait = NoWait.IsPresent,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                TimeoutParameterName = "-TimeoutSec",
            };
            if (options.Safety.BlockDeletionBeforeEndOfLife == true && options.EndOfLifeDate == null)
            {
                throw new GenImageException(GalleryErrorIds.DeletionBlockNeedsEndOfLife, GenImageErrorKind.InvalidArgument,
                    "-BlockDeletionBeforeEndOfLife blocks deletion until the end-of-life date, and no -EndOfLifeDate was given. Add -EndOfLifeDate (for example (Get-Date).AddMonths(6)).");
            }
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, ex.Target ?? target);
            return;
        }

        var correlationId = Guid.NewGuid().ToString();
        PublishPlan plan;
        try
        {
            plan = RunAsync((log, ct) => Publisher(connection, log).PlanAsync(options, ct), correlationId);
        }
        catch (PreflightException ex)
        {
            foreach (var f in ex.Findings)
            {
                if (f.Status == FindingStatus.Fail && !f.IsBlocking)
                {
                    WriteWarning($"{f.RuleId} {f.Title}: {f.Message}");
                }
            }
            WriteError(PublishingParameters.Preflight(ex, ex.Target));
            return;
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, target);
            return;
        }

        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        if (!ShouldChange(plan.VersionId, plan.Describe()))
        {
            return;
        }

        CarryOut(AsJob.IsPresent, plan.VersionId,
            $"Azure goes on with a create it accepted: Get-GalleryImageVersion -Id '{plan.VersionId}' shows the version and its replication; " +
            "Remove-GalleryImageVersion deletes it if it is not wanted.",
            output =>
            {
                try
                {
                    output.WriteObject(output.Run((log, ct) => Publisher(connection, log).ExecuteAsync(plan, options, ct), correlationId));
                }
                catch (GenImageException ex)
                {
                    output.WriteError(ErrorRecords.From(ex, plan.VersionId));
                }
            });
    }

    private static GalleryPublisher Publisher(Core.Connection.GenImageConnection connection, Core.Logging.IGenImageLog log) =>
        new GalleryPublisher(new ArmGalleryOperations(connection), new ArmVmOperations(connection), log);
}
