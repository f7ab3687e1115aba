using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Logging;

namespace GenImage.Core.Gallery;

/// <summary>A definition to create, with what has to exist first.</summary>
public sealed class DefinitionPlan
{
    internal DefinitionPlan(GalleryImageDefinition definition, bool createsGallery)
    {
        Definition = definition;
        CreatesGallery = createsGallery;
    }

    public GalleryImageDefinition Definition { get; }
    /// <summary>The gallery does not exist and will be created first (-CreateGallery).</summary>
    public bool CreatesGallery { get; }

    public string Describe() =>
        (CreatesGallery ? $"Create gallery '{Definition.GalleryName}' in {Definition.Location}, then create" : "Create") +
        $" image definition '{Definition.Name}' ({Definition.Publisher}/{Definition.Offer}/{Definition.Sku}, {Definition.OsType} {Definition.OsState}, " +
        $"{Definition.HyperVGeneration}, {Definition.SecurityType}, {Definition.Architecture})";
}

/// <summary>Creates and reads image definitions; refuses a name or a publisher/offer/sku that is already taken.</summary>
public sealed class DefinitionCatalog
{
    private static readonly string[] OsTypes = { "Windows", "Linux" };
    private static readonly string[] OsStates = { "Generalized", "Specialized" };
    private static readonly string[] Generations = { "V1", "V2" };
    private static readonly string[] Architectures = { "x64", "Arm64" };
    private static readonly string[] SecurityTypes =
    {
        "Standard", "TrustedLaunch", "TrustedLaunchSupported", "ConfidentialVM", "ConfidentialVMSupported", "TrustedLaunchAndConfidentialVMSupported",
    };

    private readonly IGalleryOperations _galleries;
    private readonly IGenImageLog _log;

    public DefinitionCatalog(IGalleryOperations galleries, IGenImageLog log)
    {
        _galleries = galleries ?? throw new ArgumentNullException(nameof(galleries));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>Validates the definition and checks the gallery. Sends no write.</summary>
    public async Task<DefinitionPlan> PlanCreateAsync(GalleryImageDefinition definition, bool createGallery, CancellationToken cancellationToken)
    {
        if (definition == null)
        {
            throw new ArgumentNullException(nameof(definition));
        }

        Validate(definition);
        var target = GalleryIds.Definition(definition.SubscriptionId, definition.ResourceGroupName, definition.GalleryName, definition.Name);
        definition.Id = target;

        var gallery = await _galleries.GetGalleryAsync(definition.ResourceGroupName, definition.GalleryName, cancellationToken).ConfigureAwait(false);
        if (gallery == null)
        {
            if (!createGallery)
            {
                throw new GenImageException(GalleryErrorIds.GalleryNotFound, GenImageErrorKind.ObjectNotFound,
                    $"The gallery '{definition.GalleryName}' does not exist in resource group '{definition.ResourceGroupName}'. " +
                    "Add -CreateGallery to create it first.")
                { Target = GalleryIds.Gallery(definition.SubscriptionId, definition.ResourceGroupName, definition.GalleryName) };
            }
            if (string.IsNullOrEmpty(definition.Location))
            {
                definition.Location = await _galleries.GetResourceGroupLocationAsync(definition.ResourceGroupName, cancellationToken).ConfigureAwait(false)
                    ?? throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                        $"The resource group '{definition.ResourceGroupName}' does not exist.")
                    { Target = definition.ResourceGroupName };
            }
            return new DefinitionPlan(definition, true);
        }

        if (string.IsNullOrEmpty(definition.Location))
        {
            definition.Location = gallery.Location;
        }
        else if (!string.Equals(TargetRegions.NormalizeName(definition.Location), TargetRegions.NormalizeName(gallery.Location), StringComparison.OrdinalIgnoreCase))
        {
            throw new GenImageException("GalleryLocationMismatch", GenImageErrorKind.InvalidArgument,
                $"-Location {definition.Location} differs from the location of gallery '{gallery.Name}' ({gallery.Location}); a definition lives in its gallery's location. " +
                "Leave -Location out.")
            { Target = target };
        }

        var existing = await _galleries.ListDefinitionsAsync(definition.ResourceGroupName, definition.GalleryName, cancellationToken).ConfigureAwait(false);
        var sameName = existing.FirstOrDefault(d => string.Equals(d.Name, definition.Name, StringComparison.OrdinalIgnoreCase));
        if (sameName != null)
        {
            throw new GenImageException(GalleryErrorIds.DefinitionExists, GenImageErrorKind.ResourceExists,
                $"Gallery '{definition.GalleryName}' already has an image definition named '{sameName.Name}' " +
                $"({sameName.Publisher}/{sameName.Offer}/{sameName.Sku}). Use Get-GalleryImageDefinition to read it, or choose another name.")
            { Target = sameName.Id };
        }
        var sameIdentifier = existing.FirstOrDefault(d =>
            string.Equals(d.Publisher, definition.Publisher, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(d.Offer, definition.Offer, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(d.Sku, definition.Sku, StringComparison.OrdinalIgnoreCase));
        if (sameIdentifier != null)
        {
            throw new GenImageException(GalleryErrorIds.IdentifierInUse, GenImageErrorKind.ResourceExists,
                $"Publisher/offer/sku {definition.Publisher}/{definition.Offer}/{definition.Sku} is already used by image definition '{sameIdentifier.Name}' " +
                $"in gallery '{definition.GalleryName}'. Each definition of a gallery needs its own publisher/offer/sku; change -Sku (or -Offer).")
            { Target = sameIdentifier.Id };
        }
        return new DefinitionPlan(definition, false);
    }

    /// <summary>Creates the gallery (when planned) and the definition. Writes.</summary>
    public async Task<GalleryImageDefinition> CreateAsync(DefinitionPlan plan, CancellationToken cancellationToken)
    {
        var d = plan.Definition;
        if (plan.CreatesGallery)
        {
            _log.Verbose($"Creating gallery '{d.GalleryName}' in {d.Location}.");
            await _galleries.CreateGalleryAsync(d.ResourceGroupName, d.GalleryName, d.Location, cancellationToken).ConfigureAwait(false);
        }
        var created = await _galleries.CreateDefinitionAsync(d, cancellationToken).ConfigureAwait(false);
        created.VersionCount = 0;
        return created;
    }

    /// <summary>Definitions of a gallery whose names match, each with its latest version and version count.</summary>
    public async Task<IReadOnlyList<GalleryImageDefinition>> ListAsync(string resourceGroup, string gallery, Func<string, bool> nameMatches, CancellationToken cancellationToken)
    {
        var all = await _galleries.ListDefinitionsAsync(resourceGroup, gallery, cancellationToken).ConfigureAwait(false);
        var result = new List<GalleryImageDefinition>();
        foreach (var d in all.Where(d => nameMatches(d.Name)))
        {
            await FillLatestAsync(d, cancellationToken).ConfigureAwait(false);
            result.Add(d);
        }
        return result;
    }

    /// <summary>One definition with its latest version, or null.</summary>
    public async Task<GalleryImageDefinition?> GetAsync(string resourceGroup, string gallery, string name, CancellationToken cancellationToken)
    {
        var d = await _galleries.GetDefinitionAsync(resourceGroup, gallery, name, cancellationToken).ConfigureAwait(false);
        if (d != null)
        {
            await FillLatestAsync(d, cancellationToken).ConfigureAwait(false);
        }

        return d;
    }

    private async Task FillLatestAsync(GalleryImageDefinition d, CancellationToken ct)
    {
        var versions = await _galleries.ListVersionsAsync(d.ResourceGroupName, d.GalleryName, d.Name, ct).ConfigureAwait(false);
        d.VersionCount = versions.Count;
        d.LatestVersion = LatestVersion.Resolve(versions)?.Name;
    }

    /// <summary>Checks the values Azure would refuse after the PUT; canonicalises their spelling.</summary>
    public static void Validate(GalleryImageDefinition d)
    {
        d.OsType = OneOf("-OsType", d.OsType, OsTypes);
        d.OsState = OneOf("-OsState", d.OsState, OsStates);
        d.HyperVGeneration = OneOf("-HyperVGeneration", d.HyperVGeneration, Generations);
        d.SecurityType = OneOf("-SecurityType", d.SecurityType, SecurityTypes);
        d.Architecture = OneOf("-Architecture", d.Architecture, Architectures);
        Require("-Publisher", d.Publisher);
        Require("-Offer", d.Offer);
        Require("-Sku", d.Sku);
        if (d.SecurityType != "Standard" && d.HyperVGeneration == "V1")
        {
            throw new GenImageException("InvalidDefinition", GenImageErrorKind.InvalidArgument,
                $"Security type {d.SecurityType} needs Hyper-V generation V2; Trusted Launch and confidential VMs run on Gen2 only. Add -HyperVGeneration V2.")
            { Target = d.Name };
        }
        if (d.Architecture == "Arm64" && d.HyperVGeneration == "V1")
        {
            throw new GenImageException("InvalidDefinition", GenImageErrorKind.InvalidArgument,
                "Arm64 images are Gen2 only. Add -HyperVGeneration V2.")
            { Target = d.Name };
        }
        Range("VCpu", d.MinRecommendedVCpus, d.MaxRecommendedVCpus);
        Range("MemoryGB", d.MinRecommendedMemoryGB, d.MaxRecommendedMemoryGB);
    }

    private static void Range(string what, int? min, int? max)
    {
        if (min != null && max != null && min > max)
        {
            throw new GenImageException("InvalidDefinition", GenImageErrorKind.InvalidArgument,
                $"-Minimum{what} ({min}) is larger than -Maximum{what} ({max}).");
        }
    }

    private static void Require(string parameter, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new GenImageException("InvalidDefinition", GenImageErrorKind.InvalidArgument, $"{parameter} is required.");
        }
    }

    private static string OneOf(string parameter, string value, string[] allowed)
    {
        var match = allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new GenImageException("InvalidDefinition", GenImageErrorKind.InvalidArgument,
            $"{parameter} '{value}' is not valid; use one of {string.Join(", ", allowed)}.")
        { Target = value };
    }
}
