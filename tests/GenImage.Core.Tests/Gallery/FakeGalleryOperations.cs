using GenImage.Core.Gallery;

namespace GenImage.Core.Tests.Gallery;

/// <summary>An in-memory gallery: definitions, versions that replicate one step per poll, managed images.</summary>
internal sealed class FakeGalleryOperations : IGalleryOperations
{
    public const string Sub = "00000000-0000-0000-0000-000000000001";
    public const string Rg = "rg-images";
    public const string GalleryName = "gal_images";

    public List<string> Writes { get; } = new();
    public Dictionary<string, ImageGallery> Galleries { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, GalleryImageDefinition> Definitions { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, GalleryImageVersion> Versions { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>The target regions of each PATCH that set them, in order.</summary>
    public List<List<string>> RegionHistory { get; } = new();
    public Dictionary<string, ManagedImage> Images { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Progress added per poll and region.</summary>
    public int ProgressStep { get; set; } = 50;
    /// <summary>Retry-After returned by the PUT and by each poll.</summary>
    public TimeSpan? RetryAfter { get; set; }
    /// <summary>A region whose replication fails.</summary>
    public string? FailRegion { get; set; }
    /// <summary>Never finish replicating.</summary>
    public bool Stuck { get; set; }
    public VersionCreateRequest? LastCreate { get; private set; }

    public TimeSpan PollingInterval => TimeSpan.FromMilliseconds(1);

    public FakeGalleryOperations()
    {
        Galleries[GalleryName] = new ImageGallery { Id = GalleryIds.Gallery(Sub, Rg, GalleryName), Name = GalleryName, ResourceGroupName = Rg, Location = "westeurope" };
    }

    public GalleryImageDefinition AddDefinition(string name, string osType = "Linux", string generation = "V2", string security = "Standard",
        string publisher = "contoso", string offer = "ubuntu", string? sku = null)
    {
        var d = new GalleryImageDefinition
        {
            Id = GalleryIds.Definition(Sub, Rg, GalleryName, name), SubscriptionId = Sub, ResourceGroupName = Rg, GalleryName = GalleryName,
            Name = name, Location = "westeurope", Publisher = publisher, Offer = offer, Sku = sku ?? name, OsType = osType,
            OsState = "Generalized", HyperVGeneration = generation, SecurityType = security, ProvisioningState = "Succeeded",
        };
        Definitions[name] = d;
        return d;
    }

    public GalleryImageVersion AddVersion(string definition, string name, bool excluded = false, string state = "Succeeded", string? sourceId = null)
    {
        var v = new GalleryImageVersion
        {
            Id = GalleryIds.Version(Sub, Rg, GalleryName, definition, name), SubscriptionId = Sub, ResourceGroupName = Rg, GalleryName = GalleryName,
            DefinitionName = definition, Name = name, Location = "westeurope", ProvisioningState = state, ExcludeFromLatest = excluded,
            ReplicationState = "Completed", SourceId = sourceId,
            Regions = { new RegionReplication { Region = "westeurope", ReplicaCount = 1, StorageAccountType = "Standard_LRS", State = "Completed", Progress = 100 } },
        };
        Versions[v.Id] = v;
        return v;
    }

    public Task<string?> GetResourceGroupLocationAsync(string resourceGroup, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(resourceGroup == Rg ? "westeurope" : null);

    public Task<ImageGallery?> GetGalleryAsync(string resourceGroup, string gallery, CancellationToken cancellationToken) =>
        Task.FromResult(Galleries.TryGetValue(gallery, out var g) ? g : null);

    public Task<ImageGallery> CreateGalleryAsync(string resourceGroup, string gallery, string location, CancellationToken cancellationToken)
    {
        Writes.Add("PUT gallery " + gallery);
        var g = new ImageGallery { Id = GalleryIds.Gallery(Sub, resourceGroup, gallery), Name = gallery, ResourceGroupName = resourceGroup, Location = location };
        Galleries[gallery] = g;
        return Task.FromResult(g);
    }

    public Task<GalleryImageDefinition?> GetDefinitionAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) =>
        Task.FromResult(Definitions.TryGetValue(definition, out var d) ? d : null);

    public Task<IReadOnlyList<GalleryImageDefinition>> ListDefinitionsAsync(string resourceGroup, string gallery, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<GalleryImageDefinition>>(Definitions.Values.ToList());

    public Task<GalleryImageDefinition> CreateDefinitionAsync(GalleryImageDefinition definition, CancellationToken cancellationToken)
    {
        Writes.Add("PUT definition " + definition.Name);
        definition.ProvisioningState = "Succeeded";
        Definitions[definition.Name] = definition;
        return Task.FromResult(definition);
    }

    public Task<GalleryImageVersion?> GetVersionAsync(string versionId, bool withReplicationStatus, CancellationToken cancellationToken) =>
        Task.FromResult(Versions.TryGetValue(versionId, out var v) ? Clone(v) : null);

    public Task<VersionPoll> PollVersionAsync(string versionId, CancellationToken cancellationToken)
    {
        var v = Versions[versionId];
        if (!Stuck && v.ProvisioningState == "Creating")
        {
            foreach (var r in v.Regions)
            {
                if (r.Region == FailRegion) { r.State = "Failed"; r.Details = "disk copy failed"; continue; }
                r.Progress = Math.Min(100, r.Progress + ProgressStep);
                r.State = r.Progress == 100 ? "Completed" : "Replicating";
            }
            if (v.Regions.Any(r => r.State == "Failed")) { v.ReplicationState = "Failed"; v.ProvisioningState = "Failed"; }
            else if (v.Regions.All(r => r.State == "Completed")) { v.ReplicationState = "Completed"; v.ProvisioningState = "Succeeded"; }
            else
            {
                v.ReplicationState = "InProgress";
            }
        }
        return Task.FromResult(new VersionPoll(Clone(v), RetryAfter));
    }

    public Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<GalleryImageVersion>>(LatestVersion.Sort(Versions.Values.Where(v => v.DefinitionName == definition).Select(Clone)).ToList());

    public Task<TimeSpan?> BeginCreateVersionAsync(string versionId, VersionCreateRequest request, CancellationToken cancellationToken)
    {
        Writes.Add("PUT version " + versionId);
        LastCreate = request;
        var a = GalleryIds.ParseVersion(versionId);
        Versions[versionId] = new GalleryImageVersion
        {
            Id = versionId, SubscriptionId = Sub, ResourceGroupName = a.ResourceGroupName, GalleryName = a.GalleryName, DefinitionName = a.DefinitionName,
            Name = a.VersionName, Location = request.Location, ProvisioningState = "Creating", ReplicationState = "InProgress",
            ExcludeFromLatest = request.ExcludeFromLatest, EndOfLifeDate = request.EndOfLifeDate, SourceId = request.SourceId,
            Regions = request.TargetRegions.Select(t => new RegionReplication { Region = t.Name, ReplicaCount = t.ReplicaCount, StorageAccountType = t.StorageAccountType, State = "Unknown" }).ToList(),
        };
        return Task.FromResult(RetryAfter);
    }

    public Task<GalleryImageVersion> UpdateVersionAsync(string versionId, VersionUpdateRequest request, CancellationToken cancellationToken)
    {
        Writes.Add("PATCH version " + versionId);
        var v = Versions[versionId];
        if (request.ExcludeFromLatest != null)
        {
            v.ExcludeFromLatest = request.ExcludeFromLatest.Value;
        }

        if (request.EndOfLifeDate != null)
        {
            v.EndOfLifeDate = request.EndOfLifeDate;
        }

        v.BlockDeletionBeforeEndOfLife = request.Safety.BlockDeletionBeforeEndOfLife ?? v.BlockDeletionBeforeEndOfLife;
        v.AllowDeletionOfReplicatedLocation = request.Safety.AllowDeletionOfReplicatedLocations ?? v.AllowDeletionOfReplicatedLocation;
        if (request.TargetRegions != null)
        {
            RegionHistory.Add(request.TargetRegions.Select(t => t.Name).ToList());
            v.Regions = request.TargetRegions.Select(t => new RegionReplication { Region = t.Name, ReplicaCount = t.ReplicaCount, StorageAccountType = t.StorageAccountType, ExcludeFromLatest = t.ExcludeFromLatest, State = "Completed", Progress = 100 }).ToList();
        }

        return Task.FromResult(Clone(v));
    }

    public Task DeleteVersionAsync(string versionId, CancellationToken cancellationToken)
    {
        Writes.Add("DELETE version " + versionId);
        Versions.Remove(versionId);
        return Task.CompletedTask;
    }

    public Task<ManagedImage?> GetManagedImageAsync(string imageId, CancellationToken cancellationToken) =>
        Task.FromResult(Images.TryGetValue(imageId, out var i) ? i : null);

    public Task<ManagedImage> CreateManagedImageAsync(string imageId, string location, string sourceVmId, string? hyperVGeneration, IDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        Writes.Add("PUT image " + imageId);
        var image = new ManagedImage { Id = imageId, Name = imageId.Split('/').Last(), Location = location, SourceId = sourceVmId, HyperVGeneration = hyperVGeneration, OsState = "Generalized", ProvisioningState = "Succeeded" };
        Images[imageId] = image;
        return Task.FromResult(image);
    }

    private static GalleryImageVersion Clone(GalleryImageVersion v) => new()
    {
        Id = v.Id, SubscriptionId = v.SubscriptionId, ResourceGroupName = v.ResourceGroupName, GalleryName = v.GalleryName, DefinitionName = v.DefinitionName,
        Name = v.Name, Location = v.Location, ProvisioningState = v.ProvisioningState, ReplicationState = v.ReplicationState,
        ExcludeFromLatest = v.ExcludeFromLatest, EndOfLifeDate = v.EndOfLifeDate, SourceId = v.SourceId,
        BlockDeletionBeforeEndOfLife = v.BlockDeletionBeforeEndOfLife, AllowDeletionOfReplicatedLocation = v.AllowDeletionOfReplicatedLocation,
        Regions = v.Regions.Select(r => new RegionReplication { Region = r.Region, ReplicaCount = r.ReplicaCount, StorageAccountType = r.StorageAccountType, ExcludeFromLatest = r.ExcludeFromLatest, State = r.State, Progress = r.Progress, Details = r.Details }).ToList(),
    };
}
