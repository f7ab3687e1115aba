using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Fleet;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Gets the fleet view of gallery images in a subscription, resource group or gallery: versions with age, end of life, latest, validation and replication; definitions with newest, latest and staleness; leftovers; a roll-up for cost reviews.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ImageInventory", DefaultParameterSetName = DefinitionSet)]
[OutputType(typeof(ImageDefinitionInventory), ParameterSetName = new[] { DefinitionSet })]
[OutputType(typeof(ImageVersionInventory), ParameterSetName = new[] { VersionSet })]
[OutputType(typeof(ImageLeftover), ParameterSetName = new[] { LeftoverSet })]
[OutputType(typeof(ImageInventorySummary), ParameterSetName = new[] { SummarySet })]
public sealed class GetImageInventoryCommand : GenImageCmdlet
{
    private const string DefinitionSet = "Definition";
    private const string VersionSet = "Version";
    private const string LeftoverSet = "Leftover";
    private const string SummarySet = "Summary";

    /// <summary>The resource group; the whole subscription when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    /// <summary>One gallery of the resource group.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(GalleryNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? GalleryName { get; set; }

    /// <summary>One object per image version instead of per definition.</summary>
    [Parameter(Mandatory = true, ParameterSetName = VersionSet)]
    public SwitchParameter Version { get; set; }

    /// <summary>The leftovers: validation VMs, disks and NICs, source disks, kept source VMs, failed versions, unreferenced managed images.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LeftoverSet)]
    public SwitchParameter Leftover { get; set; }

    /// <summary>One roll-up object (counts, replica storage estimates, leftovers) for a cost review.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SummarySet)]
    public SwitchParameter Summary { get; set; }

    /// <summary>Leftovers younger than this many days are left alone (default 7).</summary>
    [Parameter]
    [ValidateRange(0, 36500)]
    public double LeftoverAgeDays { get; set; } = 7;

    /// <summary>An end of life within this many days is Near (default 30).</summary>
    [Parameter]
    [ValidateRange(0, 36500)]
    public double EndOfLifeWarningDays { get; set; } = 30;

    /// <summary>A definition without a version published within this many days is stale (default 90).</summary>
    [Parameter]
    [ValidateRange(0, 36500)]
    public double StaleAfterDays { get; set; } = 90;

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var options = new InventoryOptions
        {
            ResourceGroupName = ResourceGroupName,
            GalleryName = GalleryName,
            LeftoverAgeDays = LeftoverAgeDays,
            EndOfLifeWarningDays = EndOfLifeWarningDays,
            StaleAfterDays = StaleAfterDays,
            IncludeLeftovers = ParameterSetName == LeftoverSet || ParameterSetName == SummarySet,
        };
        InventoryReport report;
        try
        {
            report = RunAsync((log, ct) => FleetEngines.Inventory(connection, log).BuildAsync(options, ct));
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, GalleryName ?? ResourceGroupName);
            return;
        }

        switch (ParameterSetName)
        {
            case VersionSet:
                foreach (var version in report.Versions)
                {
                    WriteObject(version);
                }

                break;
            case LeftoverSet:
                foreach (var leftover in report.Leftovers)
                {
                    WriteObject(leftover);
                }

                break;
            case SummarySet:
                WriteObject(report.Summary);
                break;
            default:
                foreach (var definition in report.Definitions)
                {
                    WriteObject(definition);
                }

                break;
        }
    }
}
