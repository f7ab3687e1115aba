using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;

namespace GenImage.Cmdlets.Commands
{
    /// <summary>
    /// <para type="synopsis">Rolls a gallery image version back out of "latest" (sets exclude-from-latest) and reports which version "latest" resolves to now. Idempotent.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Undo, "GalleryImageVersion", DefaultParameterSetName = ByNameSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(GalleryReleaseResult))]
    public sealed class UndoGalleryImageVersionCommand : GenImageCmdlet
    {
        private const string ByNameSet = "ByName";
        private const string ByIdSet = "ById";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string? ResourceGroupName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string? GalleryName { get; set; }

        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
        [Alias("GalleryImageDefinitionName")]
        [ValidateNotNullOrEmpty]
        public string? DefinitionName { get; set; }

        [Parameter(Mandatory = true, Position = 3, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
        [Alias("Version")]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
        [Alias("ResourceId")]
        [ValidateNotNullOrEmpty]
        public string? Id { get; set; }

        protected override void ProcessRecord()
        {
            var connection = RequireConnection();
            string target = Id ?? string.Empty;
            try
            {
                target = PublishingParameters.VersionId(connection.SubscriptionId, ParameterSetName == ByIdSet ? Id : null, ResourceGroupName, GalleryName, DefinitionName, Name);
                var plan = RunAsync((log, ct) => new ReleaseChannel(new ArmGalleryOperations(connection), log).PlanAsync(ReleaseChannel.Rollback, target, ct));
                if (plan.Changes && !ShouldProcess(target, plan.Describe())) return;
                WriteObject(RunAsync((log, ct) => new ReleaseChannel(new ArmGalleryOperations(connection), log).ExecuteAsync(plan, ct)));
            }
            catch (GenImageException ex)
            {
                WriteItemError(ex, target);
            }
        }
    }
}
