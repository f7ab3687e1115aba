using System;
using System.Collections;
using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Creates an image definition in an Azure Compute Gallery (and, with -CreateGallery, the gallery). Refuses a name or a publisher/offer/sku that the gallery already has.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "GalleryImageDefinition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GalleryImageDefinition))]
public sealed class NewGalleryImageDefinitionCommand : GenImageCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(GalleryNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? GalleryName { get; set; }

    /// <summary>The definition name.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    [Alias("DefinitionName")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Publisher { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Offer { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Sku { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateSet("Windows", "Linux", IgnoreCase = true)]
    public string? OsType { get; set; }

    [Parameter]
    [ValidateSet("Generalized", "Specialized", IgnoreCase = true)]
    public string OsState { get; set; } = "Generalized";

    /// <summary>V1 or V2 (Azure's default is V1).</summary>
    [Parameter]
    [ValidateSet("V1", "V2", IgnoreCase = true)]
    public string HyperVGeneration { get; set; } = "V1";

    [Parameter]
    [ValidateSet("Standard", "TrustedLaunch", "TrustedLaunchSupported", "ConfidentialVM", "ConfidentialVMSupported", "TrustedLaunchAndConfidentialVMSupported", IgnoreCase = true)]
    public string SecurityType { get; set; } = "Standard";

    [Parameter]
    [ValidateSet("x64", "Arm64", IgnoreCase = true)]
    public string Architecture { get; set; } = "x64";

    [Parameter]
    [ValidateRange(1, 1024)]
    public int MinimumVCpu { get; set; }

    [Parameter]
    [ValidateRange(1, 1024)]
    public int MaximumVCpu { get; set; }

    [Parameter]
    [ValidateRange(1, 16384)]
    public int MinimumMemoryGB { get; set; }

    [Parameter]
    [ValidateRange(1, 16384)]
    public int MaximumMemoryGB { get; set; }

    [Parameter]
    public DateTime EndOfLifeDate { get; set; }

    [Parameter]
    public string? Description { get; set; }

    [Parameter]
    public Hashtable? Tag { get; set; }

    /// <summary>The gallery's location; only used when -CreateGallery creates it (default: the resource group's location).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(LocationCompleter))]
    public string? Location { get; set; }

    /// <summary>Create the gallery first when it does not exist.</summary>
    [Parameter]
    public SwitchParameter CreateGallery { get; set; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var bound = MyInvocation.BoundParameters;
        var definition = new GalleryImageDefinition
        {
            SubscriptionId = connection.SubscriptionId,
            ResourceGroupName = ResourceGroupName!,
            GalleryName = GalleryName!,
            Name = Name!,
            Location = Location ?? string.Empty,
            Publisher = Publisher!,
            Offer = Offer!,
            Sku = Sku!,
            OsType = OsType!,
            OsState = OsState,
            HyperVGeneration = HyperVGeneration,
            SecurityType = SecurityType,
            Architecture = Architecture,
            MinRecommendedVCpus = bound.ContainsKey(nameof(MinimumVCpu)) ? MinimumVCpu : (int?)null,
            MaxRecommendedVCpus = bound.ContainsKey(nameof(MaximumVCpu)) ? MaximumVCpu : (int?)null,
            MinRecommendedMemoryGB = bound.ContainsKey(nameof(MinimumMemoryGB)) ? MinimumMemoryGB : (int?)null,
            MaxRecommendedMemoryGB = bound.ContainsKey(nameof(MaximumMemoryGB)) ? MaximumMemoryGB : (int?)null,
            EndOfLifeDate = bound.ContainsKey(nameof(EndOfLifeDate)) ? PublishingParameters.Date(EndOfLifeDate) : null,
            Description = Description,
            Tags = PublishingParameters.Tags(Tag),
        };
        var target = GalleryIds.Definition(connection.SubscriptionId, ResourceGroupName!, GalleryName!, Name!);
        try
        {
            var plan = RunAsync((log, ct) => new DefinitionCatalog(new ArmGalleryOperations(connection), log).PlanCreateAsync(definition, CreateGallery.IsPresent, ct));
            if (!ShouldChange(target, plan.Describe()))
            {
                return;
            }

            WriteObject(RunAsync((log, ct) => new DefinitionCatalog(new ArmGalleryOperations(connection), log).CreateAsync(plan, ct)));
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, target);
        }
    }
}
