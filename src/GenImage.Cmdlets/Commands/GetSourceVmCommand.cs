using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Vm;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Gets virtual machines with the facts that decide how they can be imaged: OS type, generation, security type, power state, OS state, agent.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SourceVm", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(SourceVm))]
public sealed class GetSourceVmCommand : GenImageCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByIdSet = "ById";

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    /// <summary>VM name; wildcards allowed.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(VmNameCompleter))]
    [Alias("VMName")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Name { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [Alias("ResourceId", "SourceId")]
    [ValidateNotNullOrEmpty]
    public string? Id { get; set; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var vms = new ArmVmOperations(connection);
        try
        {
            if (ParameterSetName == ByIdSet)
            {
                ResourceIds.ValidateVirtualMachine(Id!);
                WriteObject(RunAsync((log, ct) => vms.GetAsync(Id!, ct)));
                return;
            }

            var literal = Name != null && !WildcardPattern.ContainsWildcardCharacters(Name);
            if (literal && ResourceGroupName != null)
            {
                var id = ResourceIds.VirtualMachine(connection.SubscriptionId, ResourceGroupName, Name!);
                WriteObject(RunAsync((log, ct) => vms.GetAsync(id, ct)));
                return;
            }

            var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
            var query = new VmQuery(connection);
            var ids = RunAsync((log, ct) => query.ListIdsAsync(ResourceGroupName, pattern.IsMatch, ct));
            if (ids.Count == 0 && literal)
            {
                WriteItemError(new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                    $"No virtual machine named '{Name}' in subscription {connection.SubscriptionId}."), Name);
                return;
            }
            foreach (var id in ids)
            {
                try
                {
                    WriteObject(RunAsync((log, ct) => vms.GetAsync(id, ct)));
                }
                catch (GenImageException ex)
                {
                    WriteItemError(ex, id);
                }
            }
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, Id ?? Name ?? ResourceGroupName);
        }
    }
}
