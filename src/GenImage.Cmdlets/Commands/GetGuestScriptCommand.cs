using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Guest;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Prints the guest scripts GenImage runs through Run Command (preparation and inspection), so that an operator can review them or run them by hand.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GuestScript", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(GuestScriptInfo))]
[OutputType(typeof(string))]
public sealed class GetGuestScriptCommand : GenImageCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByOsTypeSet = "ByOsType";

    /// <summary>The scripts to get. Default: all four.</summary>
    [Parameter(Position = 0, ParameterSetName = ByNameSet)]
    [ValidateSet("prepare-windows", "prepare-linux", "inspect-windows", "inspect-linux", IgnoreCase = true)]
    public string[]? Name { get; set; }

    /// <summary>The scripts for one OS (both its preparation and its inspection script).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByOsTypeSet)]
    [ValidateSet("Windows", "Linux", IgnoreCase = true)]
    public string? OsType { get; set; }

    /// <summary>Only prepare or only inspect scripts (with -OsType).</summary>
    [Parameter(ParameterSetName = ByOsTypeSet)]
    [ValidateSet("Prepare", "Inspect", IgnoreCase = true)]
    public string? Purpose { get; set; }

    /// <summary>Write the script text only (one string per script), ready for Set-Content or a Run Command call.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    protected override void ProcessRecord()
    {
        IEnumerable<GuestScript> scripts = GuestScripts.All;
        if (ParameterSetName == ByOsTypeSet)
        {
            scripts = scripts.Where(s => string.Equals(s.OsType, OsType, StringComparison.OrdinalIgnoreCase));
            if (Purpose != null)
            {
                scripts = scripts.Where(s => PurposeOf(s).Equals(Purpose, StringComparison.OrdinalIgnoreCase));
            }
        }
        else if (Name != null)
        {
            var wanted = new HashSet<string>(Name, StringComparer.OrdinalIgnoreCase);
            scripts = scripts.Where(s => wanted.Contains(s.Name));
        }
        foreach (var script in scripts)
        {
            if (Raw.IsPresent)
            {
                WriteObject(script.Text);
            }
            else
            {
                WriteObject(new GuestScriptInfo
                {
                    Name = script.Name,
                    OsType = script.OsType,
                    Purpose = PurposeOf(script),
                    Version = script.Version,
                    FileName = script.FileName,
                    CommandId = script.CommandId,
                    LineCount = script.Lines.Count,
                    Text = script.Text,
                });
            }
        }
    }

    private static string PurposeOf(GuestScript script) =>
        script.Kind == GuestScriptKind.PrepareWindows || script.Kind == GuestScriptKind.PrepareLinux ? "Prepare" : "Inspect";
}
