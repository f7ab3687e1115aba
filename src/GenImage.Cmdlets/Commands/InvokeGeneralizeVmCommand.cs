using System;
using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Vm;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Prepares (optionally), stops, deallocates and generalizes a VM, then verifies OSState/generalized.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "GeneralizeVm", DefaultParameterSetName = ByNameSet,
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GeneralizeResult), typeof(GenImageJob))]
public sealed class InvokeGeneralizeVmCommand : GenImageCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByIdSet = "ById";
    private const string ByObjectSet = "ByObject";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(VmNameCompleter))]
    [Alias("VMName")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [Alias("ResourceId", "SourceId", "VmId")]
    [ValidateNotNullOrEmpty]
    public string? Id { get; set; }

    /// <summary>A VM from Get-SourceVm.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByObjectSet)]
    public SourceVm? InputObject { get; set; }

    /// <summary>Run Sysprep (Windows) or waagent deprovisioning (Linux) through Run Command first.</summary>
    [Parameter]
    public SwitchParameter Prepare { get; set; }

    /// <summary>
    /// Assert that the guest of a stopped or deallocated VM was prepared (Sysprep / deprovisioning) before it
    /// stopped. Without it such a VM is refused: GenImage cannot check a stopped guest. -Force does not imply it.
    /// </summary>
    [Parameter]
    public SwitchParameter AssumePrepared { get; set; }

    /// <summary>Skip the confirmation prompt of the irreversible generalize (never -WhatIf).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Limit for the whole operation, in seconds (default 3600).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 3600;

    /// <summary>
    /// Plan and confirm here, then carry out the generalize in a background job (Get-Job, Receive-Job, Stop-Job) that
    /// uses this session's connection; returns the job.
    /// </summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var target = ParameterSetName switch
        {
            ByIdSet => Id!,
            ByObjectSet => InputObject!.Id,
            _ => ResourceIds.VirtualMachine(connection.SubscriptionId, ResourceGroupName!, Name!),
        };

        var options = new GeneralizeOptions
        {
            Prepare = Prepare.IsPresent,
            AssumePrepared = AssumePrepared.IsPresent,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            TimeoutParameterName = "-TimeoutSec",
        };
        var correlationId = Guid.NewGuid().ToString();

        GeneralizePlan plan;
        try
        {
            ResourceIds.ValidateVirtualMachine(target);
            plan = RunAsync((log, ct) => new Generalizer(new ArmVmOperations(connection), log).PlanAsync(target, options, ct), correlationId);
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, target);
            return;
        }

        if (!plan.AlreadyGeneralized)
        {
            foreach (var warning in plan.Warnings)
            {
                WriteWarning(warning);
            }

            if (!ShouldChange(target, plan.Describe(), irreversible: true, force: Force.IsPresent))
            {
                return;
            }
        }

        CarryOut(AsJob.IsPresent, target,
            $"The VM may be left stopped or deallocated, prepared but not generalized: Get-SourceVm -Id '{target}' shows its state; " +
            "run Invoke-GeneralizeVm again to finish (with -AssumePrepared when the guest was already prepared).",
            output =>
            {
                try
                {
                    var result = output.Run((log, ct) => new Generalizer(new ArmVmOperations(connection), log).ExecuteAsync(plan, options, ct), correlationId);
                    output.WriteObject(result);
                }
                catch (GenImageException ex)
                {
                    output.WriteError(ErrorRecords.From(ex, target));
                }
            });
    }
}
