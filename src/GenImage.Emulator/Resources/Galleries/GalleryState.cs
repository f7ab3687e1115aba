using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Galleries;

/// <summary>An Azure Compute Gallery (Microsoft.Compute/galleries).</summary>
internal sealed class GalleryState(ResourceGroupState group, string name, string location) : TimedResource, IJsonOnDeserialized
{
    [JsonConstructor]
    private GalleryState()
        : this(null!, "", "")
    {
    }

    /// <summary>The parent; set again on load.</summary>
    [JsonIgnore]
    public ResourceGroupState Group { get; internal set; } = group;
    public string Name { get; } = name;
    public string Location { get; } = location;
    public string? Description { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public ResourceDictionary<GalleryImageState> Images { get; } = new();
    public bool Deleting { get; set; }
    public string ResourceId => $"{Group.ResourceId}/providers/Microsoft.Compute/galleries/{Name}";
    public string UniqueName => $"{Group.Subscription.Id}-{Name.ToUpperInvariant()}";

    void IJsonOnDeserialized.OnDeserialized()
    {
        foreach (var image in Images.All)
        {
            image.Gallery = this;
        }
    }
}

/// <summary>A gallery image definition (Microsoft.Compute/galleries/images).</summary>
internal sealed class GalleryImageState(GalleryState gallery, string name, string location) : TimedResource, IJsonOnDeserialized
{
    [JsonConstructor]
    private GalleryImageState()
        : this(null!, "", "")
    {
    }

    /// <summary>The parent; set again on load.</summary>
    [JsonIgnore]
    public GalleryState Gallery { get; internal set; } = gallery;
    public string Name { get; } = name;
    public string Location { get; } = location;
    public required string OsType { get; set; }
    public required string OsState { get; set; }
    public required string HyperVGeneration { get; set; }
    public required string Publisher { get; set; }
    public required string Offer { get; set; }
    public required string Sku { get; set; }
    public string Architecture { get; set; } = "x64";

    /// <summary>The <c>features</c> array as name/value pairs (SecurityType, DiskControllerTypes, …), in request order.</summary>
    public List<KeyValuePair<string, string>> Features { get; set; } = new();

    public string? Description { get; set; }
    public string? Eula { get; set; }
    public string? EndOfLifeDate { get; set; }
    public JsonObject? Recommended { get; set; }
    public JsonObject? Disallowed { get; set; }
    public JsonObject? PurchasePlan { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public ResourceDictionary<GalleryImageVersionState> Versions { get; } = new();
    public bool Deleting { get; set; }

    /// <summary>The SecurityType feature's value, or null (Standard).</summary>
    public string? SecurityType => Features.FirstOrDefault(f => string.Equals(f.Key, "SecurityType", StringComparison.OrdinalIgnoreCase)).Value;

    public string ResourceId => $"{Gallery.ResourceId}/images/{Name}";

    void IJsonOnDeserialized.OnDeserialized()
    {
        foreach (var version in Versions.All)
        {
            version.Image = this;
        }
    }
}

/// <summary>A gallery image version (Microsoft.Compute/galleries/images/versions) and its replication.</summary>
internal sealed class GalleryImageVersionState(GalleryImageState image, string name, string location, (int, int, int) number) : IJsonOnDeserialized
{
    [JsonConstructor]
    private GalleryImageVersionState()
        : this(null!, "", "", default)
    {
    }

    /// <summary>Creating (first replication) or Updating (after a PATCH), shown while a region replicates.</summary>
    public string BusyState { get; set; } = "Creating";

    /// <summary>The parent; set again on load.</summary>
    [JsonIgnore]
    public GalleryImageState Image { get; internal set; } = image;

    public string Name { get; } = name;
    public string Location { get; } = location;

    /// <summary>The parsed <see cref="Name"/>; parsed again on load.</summary>
    [JsonIgnore]
    public (int Major, int Minor, int Patch) Number { get; private set; } = number;
    public required string SourceId { get; set; }
    public required ImageLineage Lineage { get; set; }
    public bool ExcludeFromLatest { get; set; }
    public string? EndOfLifeDate { get; set; }
    public int ReplicaCount { get; set; } = 1;
    public string StorageAccountType { get; set; } = "Standard_LRS";
    public string? ReplicationMode { get; set; }
    public bool AllowDeletionOfReplicatedLocations { get; set; } = true;

    /// <summary>safetyProfile.blockDeletionBeforeEndOfLife (GalleryRP 2024-03-03 and later): no delete before the end-of-life date.</summary>
    public bool BlockDeletionBeforeEndOfLife { get; set; }
    public DateTimeOffset PublishedDate { get; set; }
    public List<TargetRegionState> Regions { get; } = new();
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Set while a DELETE runs (provisioningState Deleting).</summary>
    public bool Deleting { get; set; }

    /// <summary>Until when an update (PUT on an existing version, PATCH) runs, whatever the replication does.</summary>
    public DateTimeOffset UpdatingUntil { get; set; }

    public string ResourceId => $"{Image.ResourceId}/versions/{Name}";

    /// <summary>Creating/Updating while a region replicates, then Succeeded, or Failed when a region failed.</summary>
    public string ProvisioningStateAt(DateTimeOffset now)
    {
        if (Deleting)
        {
            return "Deleting";
        }

        if (now < UpdatingUntil || Regions.Any(r => r.StateAt(now) == "Replicating"))
        {
            return BusyState;
        }

        return Regions.Any(r => r.StateAt(now) == "Failed") ? "Failed" : "Succeeded";
    }

    public string AggregatedStateAt(DateTimeOffset now)
        => Regions.Any(r => r.StateAt(now) == "Replicating") ? "InProgress"
            : Regions.Any(r => r.StateAt(now) == "Failed") ? "Failed"
            : "Completed";

    /// <summary>When the last region finishes (succeeds or fails).</summary>
    public DateTimeOffset ReplicationDone => Regions.Count == 0 ? PublishedDate : Regions.Max(r => r.Due);

    public TargetRegionState? Region(string location)
        => Regions.FirstOrDefault(r => string.Equals(r.Name, Locations.Normalize(location), StringComparison.OrdinalIgnoreCase));

    void IJsonOnDeserialized.OnDeserialized()
        => Number = Providers.Compute.ImageSources.ParseVersion(Name)
            ?? throw new InvalidDataException($"The state file has an image version named '{Name}', which is not Major.Minor.Patch.");
}

/// <summary>One target region of a version: replication Replicating → Completed (or Failed) over scaled time.</summary>
internal sealed class TargetRegionState
{
    /// <summary>ARM location name, e.g. westeurope.</summary>
    public required string Name { get; init; }
    public int RegionalReplicaCount { get; set; } = 1;
    public string StorageAccountType { get; set; } = "Standard_LRS";
    public bool ExcludeFromLatest { get; set; }
    public JsonObject? Encryption { get; set; }
    public DateTimeOffset Start { get; set; }
    public DateTimeOffset Due { get; set; }
    public bool Fails { get; set; }

    public string StateAt(DateTimeOffset now) => now < Due ? "Replicating" : Fails ? "Failed" : "Completed";

    /// <summary>0–100; a failing region stops where it failed.</summary>
    public int ProgressAt(DateTimeOffset now)
    {
        if (now >= Due)
        {
            return Fails ? FailedAtProgress : 100;
        }

        var total = (Due - Start).TotalMilliseconds;
        var fraction = total <= 0 ? 1 : (now - Start).TotalMilliseconds / total;
        var progress = (int)Math.Floor(Math.Clamp(fraction, 0, 1) * (Fails ? FailedAtProgress : 100));
        return Math.Min(progress, 99);
    }

    /// <summary>A failing region fails half-way through the copy.</summary>
    public const int FailedAtProgress = 50;

    public string DetailsAt(DateTimeOffset now) => StateAt(now) == "Failed"
        ? $"Replication to region '{Locations.Display(Name)}' failed: the copy of the image to the region's storage did not complete. Update the version's target regions to retry."
        : "";
}

/// <summary>The world file's <c>replication</c> section: how long replication takes per GB and region, and where it fails.</summary>
internal sealed class ReplicationSettings
{
    /// <summary>Azure seconds per GB of OS disk, per region.</summary>
    public double SecondsPerGB { get; set; } = 10;

    public Dictionary<string, double> SlowFactors { get; } = new(StringComparer.OrdinalIgnoreCase);
    public HashSet<string> FailRegions { get; } = new(StringComparer.OrdinalIgnoreCase);
}
