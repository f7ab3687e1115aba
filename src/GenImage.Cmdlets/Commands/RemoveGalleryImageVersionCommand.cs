using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Fleet;
using GenImage.Core.Gallery;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Removes a gallery image version and its replicas. Refuses to remove the only version that "latest" resolves to, or a version a scale set pins, unless -Force.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "GalleryImageVersion", DefaultParameterSetName = ByNameSet,
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
public sealed class RemoveGalleryImageVersionCommand : GalleryVersionCmdlet
{

    /// <summary>Remove even the only version "latest" resolves to, or a version a scale set pins, and do not ask for confirmation (-WhatIf still holds).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var target = Id ?? string.Empty;
        try
        {
            target = VersionId(connection);
            var plan = RunAsync((log, ct) => new ReleaseChannel(new ArmGalleryOperations(connection), log).PlanAsync(ReleaseChannel.Remove, target, ct));
            var refusal = ReleaseChannel.RemovalRefusal(plan);
            if (refusal != null)
            {
                if (!Force.IsPresent)
                {
                    WriteItemError(refusal, target);
                    return;
                }
                WriteWarning($"-Force: removing image version {plan.Version.Name} although latest resolves to it and to no other version.");
            }
            // Who is hit goes into the -WhatIf and confirmation text; a scale set that pins the version refuses the removal.
            var impact = RunAsync((log, ct) => FleetEngines.ReleaseImpact(connection, log).AssessAsync(plan, ct));
            var pinned = impact.RemovalRefusal();
            if (pinned != null)
            {
                if (!Force.IsPresent)
                {
                    WriteItemError(pinned, target);
                    return;
                }

                WriteWarning($"-Force: removing image version {plan.Version.Name} although {impact.PinningScaleSets.Count} scale set(s) pin it.");
            }

            if (!ShouldChange(target, impact.Describe(), irreversible: true, force: Force.IsPresent))
            {
                return;
            }

            RunAsync(async (log, ct) =>
            {
                await new ReleaseChannel(new ArmGalleryOperations(connection), log).RemoveAsync(plan, ct).ConfigureAwait(false);
                return true;
            });
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, target);
        }
    }
}
