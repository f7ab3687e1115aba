using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Providers;
using GenImage.Emulator.Providers.Compute;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Galleries;

/// <summary>
/// Microsoft.Compute/galleries/images/versions (2022-03-03). A version is captured from a VM, a managed image or another
/// version, must match its definition, and replicates to each target region over scaled time.
/// </summary>
internal sealed class GalleryImageVersionsProvider(WorldStore store, OperationStore operations) : IResourceProvider
{
    private const string Type = GalleryJson.VersionType;
    private const string Collection = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries/{galleryName}/images/{galleryImageName}/versions";
    private const string Item = Collection + "/{galleryImageVersionName}";
    private const string SourceTarget = "galleryImageVersion.properties.storageProfile.source.id";
    private const string RegionsTarget = "galleryImageVersion.properties.publishingProfile.targetRegions";

    public static readonly string[] StorageAccountTypes = ["Standard_LRS", "Standard_ZRS", "Premium_LRS"];

    public void Register(RouteTable routes)
    {
        var v = ApiVersions.Gallery;
        routes.Add("GET", Collection, Type, v, List);
        routes.Add("GET", Item, Type, v, Get);
        routes.Add("PUT", Item, Type, v, Put);
        routes.Add("PATCH", Item, Type, v, Patch);
        routes.Add("DELETE", Item, Type, v, Delete);
    }

    private DateTimeOffset Now => store.Clock.Now;

    private static bool ExpandsReplication(ArmRequest request)
        => request.QueryValue("$expand") is { } e && e.Split(',').Any(x => x.Trim().Equals("ReplicationStatus", StringComparison.OrdinalIgnoreCase));

    private GalleryImageVersionState Find(ArmRequest request)
    {
        var image = GalleryImagesProvider.Find(store, request, asParent: true);
        return image.Versions.Get(request["galleryImageVersionName"]) is { Deleting: false } v
            ? v
            : throw ArmErrors.ResourceNotFound($"{GalleryJson.GalleryType}/{image.Gallery.Name}/images/{image.Name}/versions", request["galleryImageVersionName"], image.Gallery.Group.Name);
    }

    private ArmResult List(ArmRequest request)
    {
        var image = GalleryImagesProvider.Find(store, request, asParent: true);
        return Paging.Page(request, image.Versions.All, v => GalleryJson.Version(v, false, Now), Paging.GalleryPageSize);
    }

    private ArmResult Get(ArmRequest request) => ArmResult.Ok(GalleryJson.Version(Find(request), ExpandsReplication(request), Now));

    private ArmResult Put(ArmRequest request)
    {
        var image = GalleryImagesProvider.Find(store, request, asParent: true);
        var name = request["galleryImageVersionName"];
        var number = ImageSources.ParseVersion(name) ?? throw ArmErrors.InvalidParameter(
            $"The gallery image version name '{name}' is invalid. It must follow the format Major.Minor.Patch, where each part is a 32-bit integer, for example 1.0.0.",
            "galleryImageVersionName");
        var body = Body.Object(request, "galleryImageVersion");
        var location = Body.Location(body);
        var p = Body.Obj(body, "properties", "properties")
            ?? throw ArmErrors.InvalidParameter("Required parameter 'properties' is missing (null).", "properties");
        var sourceId = Body.Str(Body.Obj(Body.Obj(p, "storageProfile", "storageProfile"), "source", "storageProfile.source"), "id", SourceTarget);
        if (string.IsNullOrWhiteSpace(sourceId))
        {
            throw ArmErrors.InvalidParameter($"Required parameter '{SourceTarget}' is missing (null). The emulator supports a virtual machine, a managed image or a gallery image version as the source.", SourceTarget);
        }

        var existing = image.Versions.Get(name);
        if (existing is { Deleting: true })
        {
            throw ArmErrors.Conflict($"The gallery image version '{name}' is being deleted. Retry after the deletion completes.");
        }

        if (existing is not null)
        {
            // A PUT on an existing version is an update; its source cannot change.
            Body.RequireSameLocation(existing.Location, location, name, image.Gallery.Group.Name);
            if (!string.Equals(existing.SourceId.TrimEnd('/'), sourceId.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                throw new ArmException(409, "PropertyChangeNotAllowed", "Changing property 'storageProfile.source.id' is not allowed.", "storageProfile.source.id");
            }

            var profile = Body.Obj(p, "publishingProfile", "publishingProfile");
            RequireRegionRemovalAllowed(existing, profile);
            ApplyPublishing(existing, profile, existing.Location, replaceRegions: true);
            ApplySafety(existing, p);
            existing.Tags = Body.Tags(body) ?? new(StringComparer.Ordinal);
            existing.BusyState = "Updating";
            return Lro(request, 200, existing, "updateGalleryImageVersion");
        }

        var (lineage, sourceRegion, canonicalSource) = ResolveSource(image, sourceId);
        var version = new GalleryImageVersionState(image, name, location, number)
        {
            SourceId = canonicalSource,
            Lineage = lineage,
            PublishedDate = Now,
            Tags = Body.Tags(body) ?? new(StringComparer.Ordinal),
        };
        ApplySafety(version, p);
        ApplyPublishing(version, Body.Obj(p, "publishingProfile", "publishingProfile"), location, replaceRegions: true);
        if (version.Region(sourceRegion) is null)
        {
            throw ArmErrors.InvalidParameter(
                $"The source region '{sourceRegion}' must be one of the target regions. Add '{Locations.Display(sourceRegion)}' to publishingProfile.targetRegions.", RegionsTarget);
        }

        image.Versions.Add(name, version);
        return Lro(request, 201, version, "createGalleryImageVersion");
    }

    private ArmResult Patch(ArmRequest request)
    {
        var version = Find(request);
        var body = Body.Object(request, "galleryImageVersion");
        var p = Body.Obj(body, "properties", "properties") ?? new JsonObject();
        if (Body.Str(Body.Obj(Body.Obj(p, "storageProfile", "storageProfile"), "source", "storageProfile.source"), "id", SourceTarget) is { } sourceId
            && !string.Equals(version.SourceId.TrimEnd('/'), sourceId.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmException(409, "PropertyChangeNotAllowed", "Changing property 'storageProfile.source.id' is not allowed.", "storageProfile.source.id");
        }

        var profile = Body.Obj(p, "publishingProfile", "publishingProfile");
        if (profile?.ContainsKey("targetRegions") == true)
        {
            RequireRegionRemovalAllowed(version, profile);
        }

        ApplyPublishing(version, profile, version.Location, replaceRegions: profile?.ContainsKey("targetRegions") == true);
        ApplySafety(version, p);
        version.Tags = Body.Tags(body) ?? version.Tags;
        version.BusyState = "Updating";
        return Lro(request, 200, version, "updateGalleryImageVersion");
    }

    private ArmResult Lro(ArmRequest request, int status, GalleryImageVersionState version, string name)
    {
        var seconds = store.Clock.Scale > 0 ? Math.Max(0, (version.ReplicationDone - Now).TotalSeconds / store.Clock.Scale) : 0;
        if (status == 200)
        {
            // An update is an operation of its own even when no region replicates (the recorded one took minutes).
            seconds = Math.Max(seconds, Durations.GalleryImageVersionUpdate);
            version.UpdatingUntil = store.Clock.After(Durations.GalleryImageVersionUpdate);
        }

        var op = operations.Start(request, version.Image.Gallery.Group.Subscription.Id, version.Location, version.ResourceId, name, seconds, op =>
        {
            var failed = version.Regions.FirstOrDefault(r => r.StateAt(op.DueTime) == "Failed");
            if (failed is not null)
            {
                op.Fail(op.DueTime, "ReplicationFailed",
                    $"Replication of gallery image version '{version.Name}' failed in region '{Locations.Display(failed.Name)}'. {failed.DetailsAt(op.DueTime)}");
            }
        }, OperationKind.Gallery);
        var result = new ArmResult(status, GalleryJson.Version(version, false, Now));
        operations.AddPollingHeaders(result, request, op, LroHeaders.AsyncOperationOnly);
        return result;
    }

    private ArmResult Delete(ArmRequest request)
    {
        var image = GalleryImagesProvider.Find(store, request, asParent: true);
        var version = image.Versions.Get(request["galleryImageVersionName"]);
        if (version is null)
        {
            return ArmResult.NoContent();
        }

        // safetyProfile.blockDeletionBeforeEndOfLife: refused before the end-of-life date. The spec documents the property, not
        // the error Azure answers with; this is ARM's generic refusal of an operation in the resource's state.
        if (version.BlockDeletionBeforeEndOfLife && EndOfLife(version) is { } endOfLife && endOfLife > Now)
        {
            throw new ArmException(409, "OperationNotAllowed",
                $"The gallery image version '{version.Name}' cannot be deleted before its end of life date ({endOfLife.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}): safetyProfile.blockDeletionBeforeEndOfLife is true. Set it to false, or wait until the end of life date.");
        }

        version.Deleting = true;
        return operations.Begin(request, image.Gallery.Group.Subscription.Id, version.Location, version.ResourceId, "deleteGalleryImageVersion",
            Durations.GalleryImageVersionDelete, _ => image.Versions.Remove(version.Name), LroHeaders.Location | LroHeaders.RetryAfter, OperationKind.Gallery);
    }

    // ---- safety profile -----------------------------------------------------------------------------------------

    private static void ApplySafety(GalleryImageVersionState version, JsonObject properties)
    {
        var safety = Body.Obj(properties, "safetyProfile", "safetyProfile");
        version.AllowDeletionOfReplicatedLocations = Body.Bool(safety, "allowDeletionOfReplicatedLocations", "safetyProfile.allowDeletionOfReplicatedLocations") ?? version.AllowDeletionOfReplicatedLocations;
        version.BlockDeletionBeforeEndOfLife = Body.Bool(safety, "blockDeletionBeforeEndOfLife", "safetyProfile.blockDeletionBeforeEndOfLife") ?? version.BlockDeletionBeforeEndOfLife;
    }

    /// <summary>
    /// safetyProfile.allowDeletionOfReplicatedLocations false (the default): a region the version is replicated to cannot be
    /// taken out of its target regions.
    /// </summary>
    private static void RequireRegionRemovalAllowed(GalleryImageVersionState version, JsonObject? profile)
    {
        if (version.AllowDeletionOfReplicatedLocations || Body.Arr(profile, "targetRegions", RegionsTarget) is not { } items)
        {
            return;
        }

        var requested = items.OfType<JsonObject>().Select(i => i["name"]?.GetValue<string>()).Where(n => n is not null && Locations.IsKnown(n))
            .Select(n => Locations.Normalize(n!)).ToHashSet(StringComparer.Ordinal);
        var removed = version.Regions.Where(r => !requested.Contains(r.Name)).Select(r => Locations.Display(r.Name)).ToList();
        if (removed.Count > 0)
        {
            throw new ArmException(409, "OperationNotAllowed",
                $"Removing the replicated region(s) {string.Join(", ", removed)} from gallery image version '{version.Name}' is not allowed: safetyProfile.allowDeletionOfReplicatedLocations is false. Set it to true to remove a region.");
        }
    }

    private static DateTimeOffset? EndOfLife(GalleryImageVersionState version) =>
        DateTimeOffset.TryParse(version.EndOfLifeDate, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    // ---- source -------------------------------------------------------------------------------------------------

    private (ImageLineage Lineage, string Region, string Id) ResolveSource(GalleryImageState image, string sourceId)
    {
        var source = ImageSources.Resolve(store, sourceId);
        (var lineage, var region, var id) = source switch
        {
            ImageSource.Vm vm => (ImageLineage.FromVm(vm.State), vm.State.Location, vm.Id),
            ImageSource.ManagedImage mi => (mi.State.Lineage, mi.State.Location, mi.Id),
            ImageSource.Version v => (v.State.Lineage, v.State.Location, v.Id),
            ImageSource.Missing => throw ImageSources.NotFound(sourceId, SourceTarget),
            _ => throw ArmErrors.InvalidParameter(
                $"The source '{sourceId}' is not supported. Use the id of a virtual machine, a managed image or a gallery image version.", SourceTarget),
        };

        if (source is ImageSource.ManagedImage { State: var m } && m.ProvisioningStateAt(Now) != "Succeeded")
        {
            throw ArmErrors.Conflict($"The image '{id}' is still being created. Retry after its provisioning state is Succeeded.");
        }

        if (source is ImageSource.Version { State: var sv } && sv.ProvisioningStateAt(Now) != "Succeeded")
        {
            throw ArmErrors.Conflict($"The gallery image version '{id}' is not ready (provisioning state {sv.ProvisioningStateAt(Now)}).");
        }

        if (!string.Equals(lineage.OsType, image.OsType, StringComparison.OrdinalIgnoreCase))
        {
            throw Mismatch(id, "OS type", lineage.OsType, image.OsType);
        }

        if (!string.Equals(lineage.OsState, image.OsState, StringComparison.OrdinalIgnoreCase))
        {
            throw Mismatch(id, "OS state", lineage.OsState, image.OsState);
        }

        if (!string.Equals(lineage.HyperVGeneration, image.HyperVGeneration, StringComparison.OrdinalIgnoreCase))
        {
            throw Mismatch(id, "Hypervisor generation", lineage.HyperVGeneration, image.HyperVGeneration);
        }

        if (!string.Equals(lineage.Architecture, image.Architecture, StringComparison.OrdinalIgnoreCase))
        {
            throw Mismatch(id, "architecture", lineage.Architecture, image.Architecture);
        }

        CheckSecurity(image, lineage, id);
        if (source is ImageSource.Vm { State.Plan: { } plan } && image.PurchasePlan is null)
        {
            // A version captured from a marketplace VM carries its plan; VMs from it need the plan on the definition.
            throw new ArmException(400, "BadRequest",
                $"The source '{id}' was created from a marketplace image with the purchase plan '{plan.Publisher}/{plan.Product}/{plan.Name}', "
                + $"but the parent gallery image '{image.Name}' has no purchase plan. Create the gallery image definition with properties.purchasePlan "
                + "{name, publisher, product} matching the source's plan.", "properties.purchasePlan");
        }

        return (lineage, region, id);
    }

    private static ArmException Mismatch(string id, string what, string source, string parent) => new(400, "BadRequest",
        $"The resource with id '{id}' has a different {what} ['{source}'] than the parent gallery image {what} ['{parent}'].");

    /// <summary>
    /// Trusted Launch and Confidential VM sources need a definition that declares support for them; a TrustedLaunch
    /// definition accepts a Standard Gen2 source (Azure allows it); a ConfidentialVM definition needs a ConfidentialVM source.
    /// </summary>
    private static void CheckSecurity(GalleryImageState image, ImageLineage lineage, string id)
    {
        var feature = image.SecurityType;
        var supportsTrustedLaunch = feature is "TrustedLaunch" or "TrustedLaunchSupported" or "TrustedLaunchAndConfidentialVmSupported";
        var supportsConfidential = feature is "ConfidentialVM" or "ConfidentialVmSupported" or "TrustedLaunchAndConfidentialVmSupported";
        if (lineage.SecurityType == "TrustedLaunch" && !supportsTrustedLaunch)
        {
            throw new ArmException(400, "BadRequest",
                $"The source '{id}' has security type 'TrustedLaunch'. It can only be published to an image definition whose feature SecurityType is 'TrustedLaunch', 'TrustedLaunchSupported' or 'TrustedLaunchAndConfidentialVmSupported'; '{image.Name}' has {(feature is null ? "no SecurityType feature" : $"'{feature}'")}.");
        }

        if (lineage.SecurityType == "ConfidentialVM" && !supportsConfidential)
        {
            throw new ArmException(400, "BadRequest",
                $"The source '{id}' has security type 'ConfidentialVM'. It can only be published to an image definition whose feature SecurityType is 'ConfidentialVM', 'ConfidentialVmSupported' or 'TrustedLaunchAndConfidentialVmSupported'.");
        }

        if (feature == "ConfidentialVM" && lineage.SecurityType != "ConfidentialVM")
        {
            throw new ArmException(400, "BadRequest",
                $"The image definition '{image.Name}' has SecurityType 'ConfidentialVM'; its versions need a source with security type 'ConfidentialVM', but '{id}' is '{lineage.SecurityType}'.");
        }
    }

    // ---- publishing profile and replication ---------------------------------------------------------------------

    private void ApplyPublishing(GalleryImageVersionState version, JsonObject? profile, string location, bool replaceRegions)
    {
        if (profile?.ContainsKey("replicaCount") == true)
        {
            version.ReplicaCount = Body.Int(profile, "replicaCount", "publishingProfile.replicaCount") ?? 1;
            if (version.ReplicaCount is < 1 or > 100)
            {
                throw ArmErrors.InvalidParameter($"The value {version.ReplicaCount} of publishingProfile.replicaCount is out of range; it must be from 1 to 100.", "publishingProfile.replicaCount");
            }
        }

        if (profile?.ContainsKey("storageAccountType") == true)
        {
            version.StorageAccountType = Body.Enum(Body.Str(profile, "storageAccountType", "publishingProfile.storageAccountType"),
                StorageAccountTypes, "publishingProfile.storageAccountType");
        }

        if (profile?.ContainsKey("excludeFromLatest") == true)
        {
            version.ExcludeFromLatest = Body.Bool(profile, "excludeFromLatest", "publishingProfile.excludeFromLatest") ?? false;
        }

        if (profile?.ContainsKey("endOfLifeDate") == true)
        {
            version.EndOfLifeDate = Body.Str(profile, "endOfLifeDate", "publishingProfile.endOfLifeDate");
        }

        if (profile?.ContainsKey("replicationMode") == true)
        {
            version.ReplicationMode = Body.Enum(Body.Str(profile, "replicationMode", "publishingProfile.replicationMode"), ["Full", "Shallow"], "publishingProfile.replicationMode");
        }

        if (!replaceRegions && version.Regions.Count > 0)
        {
            return;
        }

        var requested = new List<TargetRegionState>();
        var items = Body.Arr(profile, "targetRegions", RegionsTarget);
        if (items is null || items.Count == 0)
        {
            requested.Add(new TargetRegionState { Name = location, RegionalReplicaCount = version.ReplicaCount, StorageAccountType = version.StorageAccountType });
        }
        else
        {
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                var target = $"{RegionsTarget}[{i}]";
                var regionName = Body.Str(item, "name", target + ".name");
                if (string.IsNullOrWhiteSpace(regionName))
                {
                    throw ArmErrors.InvalidParameter($"Required parameter '{target}.name' is missing (null).", target + ".name");
                }

                if (!Locations.IsKnown(regionName))
                {
                    throw ArmErrors.InvalidParameter($"The region '{regionName}' in {target}.name is not a valid Azure region.", target + ".name");
                }

                var region = Locations.Normalize(regionName);
                if (requested.Any(r => r.Name == region))
                {
                    throw ArmErrors.InvalidParameter($"The region '{Locations.Display(region)}' is listed more than once in the target regions.", RegionsTarget);
                }

                var replicas = Body.Int(item, "regionalReplicaCount", target + ".regionalReplicaCount") ?? version.ReplicaCount;
                if (replicas is < 1 or > 100)
                {
                    throw ArmErrors.InvalidParameter(
                        $"The value {replicas} of {target}.regionalReplicaCount is out of range; it must be from 1 to 100.", target + ".regionalReplicaCount");
                }

                requested.Add(new TargetRegionState
                {
                    Name = region,
                    RegionalReplicaCount = replicas,
                    StorageAccountType = Body.Enum(Body.Str(item, "storageAccountType", target + ".storageAccountType"), StorageAccountTypes,
                        target + ".storageAccountType", version.StorageAccountType),
                    ExcludeFromLatest = Body.Bool(item, "excludeFromLatest", target + ".excludeFromLatest") ?? false,
                    Encryption = Body.Obj(item, "encryption", target + ".encryption")?.DeepClone().AsObject(),
                });
            }
        }

        // Keep the replication of regions whose copy does not change; (re)start the others.
        var now = Now;
        var merged = new List<TargetRegionState>();
        foreach (var r in requested)
        {
            var old = version.Regions.FirstOrDefault(o => o.Name == r.Name);
            if (old is not null && old.RegionalReplicaCount == r.RegionalReplicaCount && old.StorageAccountType == r.StorageAccountType && old.StateAt(now) != "Failed")
            {
                old.ExcludeFromLatest = r.ExcludeFromLatest;
                old.Encryption = r.Encryption ?? old.Encryption;
                merged.Add(old);
                continue;
            }

            StartReplication(r, version.Lineage.OsDiskSizeGB, now);
            merged.Add(r);
        }

        version.Regions.Clear();
        version.Regions.AddRange(merged);
    }

    private void StartReplication(TargetRegionState region, int sizeGB, DateTimeOffset now)
    {
        var settings = store.Replication;
        var slow = (settings.SlowFactors.TryGetValue(region.Name, out var f) ? f : 1) * Math.Max(1, store.FaultPolicy.ReplicationSlowFactor(region.Name));
        var fails = settings.FailRegions.Contains(region.Name) || store.FaultPolicy.ShouldFailReplication(region.Name);
        var azureSeconds = Math.Max(Durations.MinReplication, settings.SecondsPerGB * sizeGB * slow);
        if (fails)
        {
            azureSeconds *= TargetRegionState.FailedAtProgress / 100.0;
        }

        region.Start = now;
        region.Due = store.Clock.After(azureSeconds, now);
        region.Fails = fails;
    }
}
