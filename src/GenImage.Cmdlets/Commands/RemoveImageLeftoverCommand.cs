using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Fleet;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Removes leftovers that Get-ImageInventory marked (validation VMs, disks and NICs, source disks, kept source VMs, failed versions, unused managed images), a few at a time, and reports each.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ImageLeftover", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(LeftoverRemovalResult))]
public sealed class RemoveImageLeftoverCommand : GenImageCmdlet
{
    private readonly List<ImageLeftover> _accepted = new List<ImageLeftover>();
    private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Leftovers from Get-ImageInventory -Leftover; nothing else binds.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ImageLeftover[]? InputObject { get; set; }

    /// <summary>How many deletions run at the same time (default 4).</summary>
    [Parameter]
    [ValidateRange(1, 16)]
    public int ThrottleLimit { get; set; } = LeftoverRemover.DefaultParallelism;

    /// <summary>Do not ask the final "remove N leftovers?" question. -WhatIf and -Confirm still apply.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var leftover in InputObject ?? Array.Empty<ImageLeftover>())
        {
            if (leftover == null || !_seen.Add(leftover.Id))
            {
                continue;
            }

            var also = leftover.AlsoRemoves.Count == 0 ? string.Empty : $" with {string.Join(", ", leftover.AlsoRemoves.Select(FleetIds.NameOf))}";
            // ShouldProcess per leftover (ConfirmImpact High: it prompts at the default $ConfirmPreference); -Force
            // never skips it, so -WhatIf and $WhatIfPreference always hold.
            if (ShouldChange(leftover.Id, $"Remove {leftover.Kind} {leftover.Name}{also}: {leftover.Reason}"))
            {
                _accepted.Add(leftover);
            }
        }
    }

    protected override void EndProcessing()
    {
        if (_accepted.Count == 0)
        {
            return;
        }

        var connection = RequireConnection();
        var kinds = string.Join(", ", _accepted.GroupBy(l => l.Kind).Select(g => $"{g.Count()} {g.Key}"));
        if (!Force.IsPresent && !ShouldContinue(
                $"Remove {_accepted.Count} leftover(s) ({kinds})? What is deleted cannot be recovered.", "Remove image leftovers"))
        {
            return;
        }

        var results = RunAsync((log, ct) => FleetEngines.Remover(connection, log).RemoveAsync(_accepted, ThrottleLimit, ct));
        foreach (var (result, error) in results)
        {
            if (error != null)
            {
                WriteItemError(error, result.Id);
            }

            WriteObject(result);
        }
    }
}
