using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using SdkTargetRegion = Azure.ResourceManager.Compute.Models.TargetRegion;

namespace GenImage.Core.Gallery;

/// <summary><see cref="IGalleryOperations"/> over the Azure SDK.</summary>
public sealed class ArmGalleryOperations : IGalleryOperations
{
    private readonly GenImageConnection _connection;

    public ArmGalleryOperations(GenImageConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    public TimeSpan PollingInterval => _connection.PollingInterval;

    private ArmClient Client => _connection.Client;
    private string Sub => _connection.SubscriptionId;

    public async Task<string?> GetResourceGroupLocationAsync(string resourceGroup, CancellationToken cancellationToken)
    {
        var id = $"/subscriptions/{Sub}/resourceGroups/{resourceGroup}";
        try
        {
            var response = await Client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(Sub, resourceGroup))
                .GetAsync(cancellationToken).ConfigureAwait(false);
            return response.Value.Data.Location.Name;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the resource group", id);
        }
    }

    public async Task<ImageGallery?> GetGalleryAsync(string resourceGroup, string gallery, CancellationToken cancellationToken)
    {
        var id = GalleryResource.CreateResourceIdentifier(Sub, resourceGroup, gallery);
        try
        {
            var response = await Client.GetGalleryResource(id).GetAsync(null, null, cancellationToken).ConfigureAwait(false);
            return GalleryMapper.Gallery(response.Value.Data);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the gallery", id.ToString());
        }
    }

    public async Task<ImageGallery> CreateGalleryAsync(string resourceGroup, string gallery, string location, CancellationToken cancellationToken)
    {
        var id = GalleryIds.Gallery(Sub, resourceGroup, gallery);
        try
        {
            var group = Client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(Sub, resourceGroup));
            var operation = await group.GetGalleries().CreateOrUpdateAsync(WaitUntil.Started, gallery, new GalleryData(new AzureLocation(location)), cancellationToken).ConfigureAwait(false);
            var result = await operation.WaitAsync(PollingInterval, cancellationToken).ConfigureAwait(false);
            return GalleryMapper.Gallery(result.Value.Data);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "create the gallery", id);
        }
    }

    public async Task<GalleryImageDefinition?> GetDefinitionAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken)
    {
        var id = GalleryImageResource.CreateResourceIdentifier(Sub, resourceGroup, gallery, definition);
        try
        {
            var response = await Client.GetGalleryImageResource(id).GetAsync(cancellationToken).ConfigureAwait(false);
            return GalleryMapper.Definition(response.Value.Data);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the image definition", id.ToString());
        }
    }

    public async Task<IReadOnlyList<GalleryImageDefinition>> ListDefinitionsAsync(string resourceGroup, string gallery, CancellationToken cancellationToken)
    {
        var id = GalleryResource.CreateResourceIdentifier(Sub, resourceGroup, gallery);
        var list = new List<GalleryImageDefinition>();
        try
        {
            await foreach (var image in Client.GetGalleryResource(id).GetGalleryImages().GetAllAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(GalleryMapper.Definition(image.Data));
            }
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "list the image definitions of", id.ToString());
        }
        return list.OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public async Task<GalleryImageDefinition> CreateDefinitionAsync(GalleryImageDefinition definition, CancellationToken cancellationToken)
    {
        var galleryId = GalleryResource.CreateResourceIdentifier(Sub, definition.ResourceGroupName, definition.GalleryName);
        var id = GalleryIds.Definition(Sub, definition.ResourceGroupName, definition.GalleryName, definition.Name);
        try
        {
            var data = new GalleryImageData(new AzureLocation(definition.Location))
            {
                Identifier = new GalleryImageIdentifier(definition.Publisher, definition.Offer, definition.Sku),
                OSType = (SupportedOperatingSystemType)Enum.Parse(typeof(SupportedOperatingSystemType), definition.OsType, true),
                OSState = (OperatingSystemStateType)Enum.Parse(typeof(OperatingSystemStateType), definition.OsState, true),
                HyperVGeneration = new HyperVGeneration(definition.HyperVGeneration),
                Architecture = new ArchitectureType(definition.Architecture),
                Description = definition.Description,
                EndOfLifeOn = definition.EndOfLifeDate,
            };
            if (definition.MinRecommendedVCpus != null || definition.MaxRecommendedVCpus != null ||
                definition.MinRecommendedMemoryGB != null || definition.MaxRecommendedMemoryGB != null)
            {
                data.Recommended = new RecommendedMachineConfiguration
                {
                    VCpus = new ResourceRange { Min = definition.MinRecommendedVCpus, Max = definition.MaxRecommendedVCpus },
                    Memory = new ResourceRange { Min = definition.MinRecommendedMemoryGB, Max = definition.MaxRecommendedMemoryGB },
                };
            }
            var features = new Dictionary<string, string>(definition.Features, StringComparer.OrdinalIgnoreCase);
            if (!string.Equals(definition.SecurityType, "Standard", StringComparison.OrdinalIgnoreCase))
            {
                features["SecurityType"] = definition.SecurityType;
            }

            if (definition.DiskControllerTypes != null)
            {
                features["DiskControllerTypes"] = definition.DiskControllerTypes;
            }

            foreach (var feature in features)
            {
                data.Features.Add(new GalleryImageFeature { Name = feature.Key, Value = feature.Value });
            }

            foreach (var tag in definition.Tags)
            {
                data.Tags[tag.Key] = tag.Value;
            }

            var operation = await Client.GetGalleryResource(galleryId).GetGalleryImages()
                .CreateOrUpdateAsync(WaitUntil.Started, definition.Name, data, cancellationToken).ConfigureAwait(false);
            var result = await operation.WaitAsync(PollingInterval, cancellationToken).ConfigureAwait(false);
            return GalleryMapper.Definition(result.Value.Data);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "create the image definition", id);
        }
    }

    public async Task<GalleryImageVersion?> GetVersionAsync(string versionId, bool withReplicationStatus, CancellationToken cancellationToken)
    {
        try
        {
            // Read at the api-version that has the whole safety profile (GallerySafetyPolicy).
            var (response, safety) = await GallerySafetyPolicy.Read(() => Client.GetGalleryImageVersionResource(new ResourceIdentifier(versionId))
                .GetAsync(withReplicationStatus ? ReplicationStatusType.ReplicationStatus : (ReplicationStatusType?)null, cancellationToken)).ConfigureAwait(false);
            var version = GalleryMapper.Version(response.Value.Data);
            version.AllowDeletionOfReplicatedLocation = safety.AllowDeletionOfReplicatedLocations ?? version.AllowDeletionOfReplicatedLocation;
            version.BlockDeletionBeforeEndOfLife = safety.BlockDeletionBeforeEndOfLife ?? version.BlockDeletionBeforeEndOfLife;
            return version;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the image version", versionId);
        }
    }

    public async Task<VersionPoll> PollVersionAsync(string versionId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Client.GetGalleryImageVersionResource(new ResourceIdentifier(versionId))
                .GetAsync(ReplicationStatusType.ReplicationStatus, cancellationToken).ConfigureAwait(false);
            return new VersionPoll(GalleryMapper.Version(response.Value.Data), RetryAfter(response.GetRawResponse()));
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the replication status of", versionId);
        }
    }

    public async Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken)
    {
        var id = GalleryImageResource.CreateResourceIdentifier(Sub, resourceGroup, gallery, definition);
        var list = new List<GalleryImageVersion>();
        try
        {
            // One list call and its pages (nextLink), at the api-version that has the whole safety profile (GallerySafetyPolicy).
            var (_, safety) = await GallerySafetyPolicy.ReadList(async () =>
            {
                await foreach (var version in Client.GetGalleryImageResource(id).GetGalleryImageVersions().GetAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(GalleryMapper.Version(version.Data));
                }

                return list;
            }).ConfigureAwait(false);
            foreach (var version in list)
            {
                if (safety.TryGetValue(version.Id, out var profile))
                {
                    version.AllowDeletionOfReplicatedLocation = profile.AllowDeletionOfReplicatedLocations ?? version.AllowDeletionOfReplicatedLocation;
                    version.BlockDeletionBeforeEndOfLife = profile.BlockDeletionBeforeEndOfLife ?? version.BlockDeletionBeforeEndOfLife;
                }
            }
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "list the versions of", id.ToString());
        }
        return LatestVersion.Sort(list).ToList();
    }

    public async Task<TimeSpan?> BeginCreateVersionAsync(string versionId, VersionCreateRequest request, CancellationToken cancellationToken)
    {
        var address = GalleryIds.ParseVersion(versionId);
        try
        {
            var profile = new GalleryImageVersionPublishingProfile
            {
                ReplicaCount = request.ReplicaCount,
                StorageAccountType = new ImageStorageAccountType(request.StorageAccountType),
                IsExcludedFromLatest = request.ExcludeFromLatest,
                EndOfLifeOn = request.EndOfLifeDate,
            };
            foreach (var region in request.TargetRegions)
            {
                profile.TargetRegions.Add(ToSdk(region));
            }

            var data = new GalleryImageVersionData(new AzureLocation(request.Location))
            {
                PublishingProfile = profile,
                StorageProfile = new GalleryImageVersionStorageProfile
                {
                    GallerySource = new GalleryArtifactVersionFullSource { Id = new ResourceIdentifier(request.SourceId) },
                },
            };
            foreach (var tag in request.Tags)
            {
                data.Tags[tag.Key] = tag.Value;
            }

            var definition = Client.GetGalleryImageResource(new ResourceIdentifier(address.DefinitionId));
            var operation = await GallerySafetyPolicy.Write(request.Safety, () => definition.GetGalleryImageVersions()
                .CreateOrUpdateAsync(WaitUntil.Started, address.VersionName, data, cancellationToken)).ConfigureAwait(false);
            return RetryAfter(operation.GetRawResponse());
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "create the image version", versionId);
        }
    }

    public async Task<GalleryImageVersion> UpdateVersionAsync(string versionId, VersionUpdateRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var patch = new GalleryImageVersionPatch();
            if (request.ExcludeFromLatest != null || request.EndOfLifeDate != null || request.TargetRegions != null || request.ReplicaCount != null)
            {
                var profile = new GalleryImageVersionPublishingProfile
                {
                    IsExcludedFromLatest = request.ExcludeFromLatest,
                    EndOfLifeOn = request.EndOfLifeDate,
                    ReplicaCount = request.ReplicaCount,
                };
                if (request.TargetRegions != null)
                {
                    foreach (var region in request.TargetRegions)
                    {
                        profile.TargetRegions.Add(ToSdk(region));
                    }
                }
                patch.PublishingProfile = profile;
            }
            if (request.Tags != null)
            {
                foreach (var tag in request.Tags)
                {
                    patch.Tags[tag.Key] = tag.Value;
                }
            }
            var operation = await GallerySafetyPolicy.Write(request.Safety, () => Client.GetGalleryImageVersionResource(new ResourceIdentifier(versionId))
                .UpdateAsync(WaitUntil.Started, patch, cancellationToken)).ConfigureAwait(false);
            var result = await operation.WaitAsync(PollingInterval, cancellationToken).ConfigureAwait(false);
            return GalleryMapper.Version(result.Value.Data);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "update the image version", versionId);
        }
    }

    public async Task DeleteVersionAsync(string versionId, CancellationToken cancellationToken)
    {
        try
        {
            var operation = await Client.GetGalleryImageVersionResource(new ResourceIdentifier(versionId))
                .DeleteAsync(WaitUntil.Started, cancellationToken).ConfigureAwait(false);
            await operation.WaitAsync(PollingInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "delete the image version", versionId);
        }
    }

    public async Task<ManagedImage?> GetManagedImageAsync(string imageId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Client.GetDiskImageResource(new ResourceIdentifier(imageId)).GetAsync(null, cancellationToken).ConfigureAwait(false);
            return GalleryMapper.Image(response.Value.Data);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the managed image", imageId);
        }
    }

    public async Task<ManagedImage> CreateManagedImageAsync(string imageId, string location, string sourceVmId, string? hyperVGeneration, IDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        try
        {
            var id = new ResourceIdentifier(imageId);
            var data = new DiskImageData(new AzureLocation(location))
            {
                SourceVirtualMachineId = new ResourceIdentifier(sourceVmId),
            };
            if (!string.IsNullOrEmpty(hyperVGeneration))
            {
                data.HyperVGeneration = new HyperVGeneration(hyperVGeneration!);
            }

            foreach (var tag in tags)
            {
                data.Tags[tag.Key] = tag.Value;
            }

            var group = Client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(id.SubscriptionId!, id.ResourceGroupName!));
            var operation = await group.GetDiskImages().CreateOrUpdateAsync(WaitUntil.Started, id.Name, data, cancellationToken).ConfigureAwait(false);
            var result = await operation.WaitAsync(PollingInterval, cancellationToken).ConfigureAwait(false);
            return GalleryMapper.Image(result.Value.Data);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "create the managed image", imageId);
        }
    }

    private static SdkTargetRegion ToSdk(TargetRegion region)
    {
        var sdk = new SdkTargetRegion(region.Name)
        {
            RegionalReplicaCount = region.ReplicaCount,
            StorageAccountType = new ImageStorageAccountType(region.StorageAccountType),
        };
        if (region.ExcludeFromLatest)
        {
            sdk.IsExcludedFromLatest = true;
        }

        return sdk;
    }

    /// <summary>
    /// How long a response asks the client to wait, read as Azure.Core reads it: <c>retry-after-ms</c>, then
    /// <c>x-ms-retry-after-ms</c> (milliseconds), then <c>Retry-After</c> (seconds or an HTTP date); null when none.
    /// </summary>
    internal static TimeSpan? RetryAfter(Response? response)
    {
        if (response == null)
        {
            return null;
        }

        foreach (var name in new[] { "retry-after-ms", "x-ms-retry-after-ms" })
        {
            if (response.Headers.TryGetValue(name, out var ms)
                && long.TryParse(ms?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        if (!response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return ParseRetryAfter(value, DateTimeOffset.UtcNow);
    }

    /// <summary>Parses a Retry-After value: delta seconds, or an HTTP date relative to <paramref name="now"/>.</summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            var delta = when - now;
            return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
        }
        return null;
    }
}

/// <summary>Reads GenImage models from the SDK's gallery and image models.</summary>
internal static class GalleryMapper
{
    public static ImageGallery Gallery(GalleryData data)
    {
        var gallery = new ImageGallery
        {
            Id = data.Id.ToString(),
            SubscriptionId = data.Id.SubscriptionId ?? string.Empty,
            ResourceGroupName = data.Id.ResourceGroupName ?? string.Empty,
            Name = data.Name,
            Location = data.Location.Name,
            Description = data.Description,
            ProvisioningState = data.ProvisioningState?.ToString(),
        };
        foreach (var tag in data.Tags)
        {
            gallery.Tags[tag.Key] = tag.Value;
        }

        return gallery;
    }

    public static GalleryImageDefinition Definition(GalleryImageData data)
    {
        var id = data.Id;
        var definition = new GalleryImageDefinition
        {
            Id = id.ToString(),
            SubscriptionId = id.SubscriptionId ?? string.Empty,
            ResourceGroupName = id.ResourceGroupName ?? string.Empty,
            GalleryName = id.Parent?.Name ?? string.Empty,
            Name = data.Name,
            Location = data.Location.Name,
            Publisher = data.Identifier?.Publisher ?? string.Empty,
            Offer = data.Identifier?.Offer ?? string.Empty,
            Sku = data.Identifier?.Sku ?? string.Empty,
            OsType = data.OSType?.ToString() ?? string.Empty,
            OsState = data.OSState?.ToString() ?? "Generalized",
            HyperVGeneration = data.HyperVGeneration?.ToString() ?? "V1",
            Architecture = data.Architecture?.ToString() ?? "x64",
            Description = data.Description,
            EndOfLifeDate = data.EndOfLifeOn,
            MinRecommendedVCpus = data.Recommended?.VCpus?.Min,
            MaxRecommendedVCpus = data.Recommended?.VCpus?.Max,
            MinRecommendedMemoryGB = data.Recommended?.Memory?.Min,
            MaxRecommendedMemoryGB = data.Recommended?.Memory?.Max,
            ProvisioningState = data.ProvisioningState?.ToString(),
        };
        if (data.PurchasePlan != null)
        {
            definition.PurchasePlan = $"{data.PurchasePlan.Publisher}/{data.PurchasePlan.Product}/{data.PurchasePlan.Name}";
        }

        foreach (var feature in data.Features)
        {
            if (feature.Name == null)
            {
                continue;
            }

            definition.Features[feature.Name] = feature.Value ?? string.Empty;
            if (string.Equals(feature.Name, "SecurityType", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(feature.Value))
            {
                definition.SecurityType = feature.Value!;
            }

            if (string.Equals(feature.Name, "DiskControllerTypes", StringComparison.OrdinalIgnoreCase))
            {
                definition.DiskControllerTypes = feature.Value;
            }
        }
        foreach (var tag in data.Tags)
        {
            definition.Tags[tag.Key] = tag.Value;
        }

        return definition;
    }

    public static GalleryImageVersion Version(GalleryImageVersionData data)
    {
        var id = data.Id;
        var definitionId = id.Parent;
        var version = new GalleryImageVersion
        {
            Id = id.ToString(),
            SubscriptionId = id.SubscriptionId ?? string.Empty,
            ResourceGroupName = id.ResourceGroupName ?? string.Empty,
            GalleryName = definitionId?.Parent?.Name ?? string.Empty,
            DefinitionName = definitionId?.Name ?? string.Empty,
            Name = data.Name,
            Location = data.Location.Name,
            ProvisioningState = data.ProvisioningState?.ToString() ?? string.Empty,
            ExcludeFromLatest = data.PublishingProfile?.IsExcludedFromLatest ?? false,
            EndOfLifeDate = data.PublishingProfile?.EndOfLifeOn,
            AllowDeletionOfReplicatedLocation = data.SafetyProfile?.AllowDeletionOfReplicatedLocations,
            PublishedDate = data.PublishingProfile?.PublishedOn,
            SourceId = data.StorageProfile?.GallerySource?.Id?.ToString(),
            OsDiskSizeGB = data.StorageProfile?.OSDiskImage?.SizeInGB,
        };
        var profile = data.PublishingProfile;
        if (profile != null)
        {
            foreach (var target in profile.TargetRegions)
            {
                version.Regions.Add(new RegionReplication
                {
                    Region = TargetRegions.NormalizeName(target.Name),
                    ReplicaCount = target.RegionalReplicaCount ?? profile.ReplicaCount ?? 1,
                    StorageAccountType = target.StorageAccountType?.ToString() ?? profile.StorageAccountType?.ToString() ?? "Standard_LRS",
                    ExcludeFromLatest = target.IsExcludedFromLatest ?? false,
                });
            }
        }
        var status = data.ReplicationStatus;
        if (status != null)
        {
            version.ReplicationState = status.AggregatedState?.ToString() ?? "Unknown";
            foreach (var summary in status.Summary)
            {
                var region = TargetRegions.NormalizeName(summary.Region ?? string.Empty);
                var entry = version.Regions.FirstOrDefault(r => string.Equals(r.Region, region, StringComparison.OrdinalIgnoreCase));
                if (entry == null)
                {
                    entry = new RegionReplication { Region = region };
                    version.Regions.Add(entry);
                }
                entry.State = summary.State?.ToString() ?? "Unknown";
                entry.Progress = summary.Progress ?? 0;
                entry.Details = string.IsNullOrEmpty(summary.Details) ? null : summary.Details;
            }
        }
        foreach (var tag in data.Tags)
        {
            version.Tags[tag.Key] = tag.Value;
        }

        return version;
    }

    public static ManagedImage Image(DiskImageData data)
    {
        var image = new ManagedImage
        {
            Id = data.Id.ToString(),
            SubscriptionId = data.Id.SubscriptionId ?? string.Empty,
            ResourceGroupName = data.Id.ResourceGroupName ?? string.Empty,
            Name = data.Name,
            Location = data.Location.Name,
            SourceId = data.SourceVirtualMachineId?.ToString(),
            OsType = data.StorageProfile?.OSDisk?.OSType.ToString(),
            OsState = data.StorageProfile?.OSDisk?.OSState.ToString(),
            HyperVGeneration = data.HyperVGeneration?.ToString(),
            OsDiskSizeGB = data.StorageProfile?.OSDisk?.DiskSizeGB,
            OsDiskId = data.StorageProfile?.OSDisk?.ManagedDiskId?.ToString(),
            ProvisioningState = data.ProvisioningState,
        };
        foreach (var tag in data.Tags)
        {
            image.Tags[tag.Key] = tag.Value;
        }

        return image;
    }
}
