using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Evidence;

namespace GenImage.Core.Recipes;

/// <summary>What the readiness step asks the readiness engine.</summary>
public sealed class RecipeReadinessRequest
{
    public ImageRecipe Recipe { get; set; } = new ImageRecipe();
    public string SourceVmId { get; set; } = string.Empty;
    public string VersionName { get; set; } = string.Empty;
    public bool WillGeneralize { get; set; }
    /// <summary>Rule ids (wildcards) not to evaluate.</summary>
    public IList<string> Exclude { get; set; } = new List<string>();
}

/// <summary>What the publish step asks the gallery engine.</summary>
public sealed class RecipePublishRequest
{
    public string VersionId { get; set; } = string.Empty;
    public string SourceId { get; set; } = string.Empty;
    public IList<TargetRegion> TargetRegions { get; set; } = new List<TargetRegion>();
    public bool ExcludeFromLatest { get; set; } = true;
    public DateTimeOffset? EndOfLifeDate { get; set; }
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(3);
}

/// <summary>What the validation step asks the deployment-test engine.</summary>
public sealed class RecipeValidationRequest
{
    public string VersionId { get; set; } = string.Empty;
    public IList<string> Regions { get; set; } = new List<string>();
    public string? VmSize { get; set; }
    public string? SubnetId { get; set; }
    /// <summary>The probe script's text, when the recipe names one.</summary>
    public string? ProbeScript { get; set; }
    public string? OsType { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// The engines a recipe run drives, behind one small interface so the runner can be tested with fakes.
/// Every method throws <see cref="Errors.GenImageException"/> for failures; Get methods return null for a
/// resource that does not exist.
/// </summary>
public interface IRecipeBackend
{
    /// <summary>The connected subscription (for resource groups and names without a subscription).</summary>
    string SubscriptionId { get; }
    /// <summary>Who the module is signed in as, for the journal.</summary>
    string? Principal { get; }
    /// <summary>How long to wait between two reads of a resource that is still being provisioned.</summary>
    TimeSpan PollingInterval { get; }

    Task<SourceVm?> GetVmAsync(string vmId, CancellationToken cancellationToken);
    Task<IReadOnlyList<ReadinessFinding>> CheckReadinessAsync(RecipeReadinessRequest request, CancellationToken cancellationToken);
    Task<GeneralizeResult> GeneralizeAsync(string vmId, bool prepare, CancellationToken cancellationToken);
    Task<GalleryImageDefinition?> GetDefinitionAsync(string definitionId, CancellationToken cancellationToken);
    /// <summary>Creates the definition (and its gallery when missing, in the resource group's region).</summary>
    Task<GalleryImageDefinition> CreateDefinitionAsync(GalleryImageDefinition definition, CancellationToken cancellationToken);
    Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken);
    Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken);
    /// <summary>Creates the version and waits until it is replicated to every target region.</summary>
    Task<GalleryImageVersion> PublishAsync(RecipePublishRequest request, CancellationToken cancellationToken);
    Task<IReadOnlyList<ValidationRecord>> ValidateAsync(RecipeValidationRequest request, CancellationToken cancellationToken);
    Task<GalleryImageVersion> SetExcludeFromLatestAsync(string versionId, bool exclude, CancellationToken cancellationToken);
    Task DeleteVmAsync(string vmId, CancellationToken cancellationToken);
    Task DeleteVersionAsync(string versionId, CancellationToken cancellationToken);
    /// <summary>Where the evidence step reads from.</summary>
    IEvidenceSource Evidence { get; }
}
