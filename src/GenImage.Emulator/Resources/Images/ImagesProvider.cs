using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Providers;
using GenImage.Emulator.Providers.Compute;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Images;

/// <summary>
/// Microsoft.Compute/images (2023-07-01): managed images captured from a generalized VM. They can back gallery image
/// versions and VMs.
/// </summary>
internal sealed class ImagesProvider(WorldStore store, OperationStore operations) : IResourceProvider
{
    public const string Type = "Microsoft.Compute/images";
    private const string ByGroup = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/images";
    private const string Item = ByGroup + "/{imageName}";
    private const string SourceTarget = "properties.sourceVirtualMachine.id";
    private const string DiskTarget = "properties.storageProfile.osDisk.managedDisk.id";

    public void Register(RouteTable routes)
    {
        var v = ApiVersions.Compute;
        routes.Add("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/images", Type, v, ListBySubscription);
        routes.Add("GET", ByGroup, Type, v, ListByGroup);
        routes.Add("GET", Item, Type, v, Get);
        routes.Add("PUT", Item, Type, v, Put);
        routes.Add("PATCH", Item, Type, v, Patch);
        routes.Add("DELETE", Item, Type, v, Delete);
    }

    private DateTimeOffset Now => store.Clock.Now;

    private ArmResult ListBySubscription(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        return Paging.Page(request, sub.ResourceGroups.All.SelectMany(rg => rg.Images.All), ToJson, Paging.ComputePageSize);
    }

    private ArmResult ListByGroup(ArmRequest request)
        => Paging.Page(request, Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]).Images.All, ToJson, Paging.ComputePageSize);

    private ArmResult Get(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var image = rg.Images.Get(request["imageName"]) ?? throw ArmErrors.ResourceNotFound(Type, request["imageName"], rg.Name);
        return ArmResult.Ok(ToJson(image));
    }

    /// <summary>
    /// PATCH (ImageUpdate): tags change; the source and the generation were fixed at capture and answer 409
    /// <c>PropertyChangeNotAllowed</c> when they differ. 200 with Azure-AsyncOperation, like the other Compute updates.
    /// </summary>
    private ArmResult Patch(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var image = rg.Images.Get(request["imageName"]) ?? throw ArmErrors.ResourceNotFound(Type, request["imageName"], rg.Name);
        var body = Body.Object(request, "parameters");
        var p = Body.Obj(body, "properties", "properties");
        if (Body.Str(p, "hyperVGeneration", "properties.hyperVGeneration") is { } generation
            && !string.Equals(generation, image.HyperVGeneration, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmException(409, "PropertyChangeNotAllowed", "Changing property 'hyperVGeneration' is not allowed.", "hyperVGeneration");
        }

        if (Body.Str(Body.Obj(p, "sourceVirtualMachine", "properties.sourceVirtualMachine"), "id", "properties.sourceVirtualMachine.id") is { } source
            && !string.Equals(image.SourceVmId.Trim('/'), source.Trim().Trim('/'), StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmException(409, "PropertyChangeNotAllowed", "Changing property 'sourceVirtualMachine.id' is not allowed.", "sourceVirtualMachine.id");
        }

        image.Tags = Body.Tags(body) ?? image.Tags;
        var op = operations.Start(request, rg.Subscription.Id, image.Location, image.ResourceId, "updateImage", Durations.NoChange, _ => { });
        var result = ArmResult.Ok(ToJson(image));
        operations.AddPollingHeaders(result, request, op, LroHeaders.AsyncOperationOnly);
        return result;
    }

    private ArmResult Put(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var name = request["imageName"];
        var body = Body.Object(request, "parameters");
        var location = Body.Location(body);
        var p = Body.Obj(body, "properties", "properties");
        var sourceId = Body.Str(Body.Obj(p, "sourceVirtualMachine", "properties.sourceVirtualMachine"), "id", SourceTarget);
        var storage = Body.Obj(p, "storageProfile", "properties.storageProfile");
        var osDisk = Body.Obj(storage, "osDisk", "properties.storageProfile.osDisk");
        var diskId = Body.Str(Body.Obj(osDisk, "managedDisk", "properties.storageProfile.osDisk.managedDisk"), "id", DiskTarget);
        if (string.IsNullOrWhiteSpace(sourceId) && string.IsNullOrWhiteSpace(diskId))
        {
            throw ArmErrors.InvalidParameter(
                $"Required parameter '{SourceTarget}' is missing (null). The emulator creates managed images from a virtual machine or from a managed OS disk ('{DiskTarget}').", SourceTarget);
        }

        var sourceKey = string.IsNullOrWhiteSpace(sourceId) ? diskId! : sourceId;
        var existing = rg.Images.Get(name);
        if (existing is not null)
        {
            Body.RequireSameLocation(existing.Location, location, name, rg.Name);
            var existingSource = existing.CapturedFromVm ? existing.SourceVmId : existing.OsDiskId;
            if (!string.Equals(existingSource.Trim('/'), sourceKey.Trim().Trim('/'), StringComparison.OrdinalIgnoreCase))
            {
                var property = existing.CapturedFromVm ? "sourceVirtualMachine.id" : "storageProfile.osDisk.managedDisk.id";
                throw new ArmException(409, "PropertyChangeNotAllowed", $"Changing property '{property}' is not allowed.", property);
            }

            existing.Tags = Body.Tags(body) ?? existing.Tags;
            return ArmResult.Ok(ToJson(existing));
        }

        if (string.IsNullOrWhiteSpace(sourceId))
        {
            return PutFromDisk(request, rg, name, location, body, storage, osDisk, diskId!);
        }

        if (ImageSources.Resolve(store, sourceId) is not ImageSource.Vm { State: var vm })
        {
            throw ImageSources.NotFound(sourceId, SourceTarget);
        }

        if (vm.SecurityType != "Standard")
        {
            throw ArmErrors.OperationNotAllowed($"Creation of managed images are not supported for virtual machine with {vm.SecurityType} security type.");
        }

        if (vm.OsState != "generalized")
        {
            throw ArmErrors.OperationNotAllowed($"The operation 'Create Image' requires the Virtual Machine '{vm.Name}' to be Generalized.");
        }

        var generation = Body.Enum(Body.Str(p, "hyperVGeneration", "properties.hyperVGeneration"), ["V1", "V2"], "properties.hyperVGeneration", vm.HyperVGeneration);
        if (generation != vm.HyperVGeneration)
        {
            throw ArmErrors.InvalidParameter(
                $"The hyperVGeneration '{generation}' does not match the source virtual machine '{vm.Name}', which is '{vm.HyperVGeneration}'.", "properties.hyperVGeneration");
        }

        var image = new ManagedImageState(rg, name, location)
        {
            SourceVmId = vm.ResourceId,
            Lineage = ImageLineage.FromVm(vm),
            HyperVGeneration = generation,
            OsDiskId = vm.OsDiskId,
            StorageAccountType = vm.OsDiskStorageAccountType,
            ZoneResilient = Body.Bool(Body.Obj(p, "storageProfile", "properties.storageProfile"), "zoneResilient", "properties.storageProfile.zoneResilient") ?? false,
            Tags = Body.Tags(body) ?? new(StringComparer.Ordinal),
        };
        image.MarkBusy("Creating", store.Clock.After(Durations.ManagedImageCreate));
        rg.Images.Add(name, image);
        var op = operations.Start(request, rg.Subscription.Id, location, image.ResourceId, "createImage", Durations.ManagedImageCreate, _ => { });
        var result = ArmResult.Created(ToJson(image));
        operations.AddPollingHeaders(result, request, op, LroHeaders.AsyncOperationOnly);
        return result;
    }

    /// <summary>
    /// An image from a managed OS disk: the disk must exist in the subscription; osType and osState are required and
    /// osType must match the disk. The image inherits the guest of the VM the disk belongs to (that VM must not be
    /// running), or, for an unattached disk, the guest of the VM it was detached from.
    /// </summary>
    private ArmResult PutFromDisk(ArmRequest request, ResourceGroupState rg, string name, string location, JsonObject body, JsonObject? storage, JsonObject? osDisk, string diskId)
    {
        var s = diskId.Trim().Trim('/').Split('/');
        bool Is(int i, string literal) => s.Length > i && string.Equals(s[i], literal, StringComparison.OrdinalIgnoreCase);
        var disk = s.Length == 8 && Is(0, "subscriptions") && Is(2, "resourceGroups") && Is(4, "providers") && Is(5, "Microsoft.Compute") && Is(6, "disks")
            ? store.FindSubscription(s[1])?.ResourceGroups.Get(s[3])?.Disks.Get(s[7])
            : null;
        if (disk is null || disk.Deleting)
        {
            throw ImageSources.NotFound(diskId, DiskTarget);
        }

        var osType = Body.Enum(Body.Str(osDisk, "osType", "properties.storageProfile.osDisk.osType"), ["Windows", "Linux"], "properties.storageProfile.osDisk.osType");
        var osState = Body.Enum(Body.Str(osDisk, "osState", "properties.storageProfile.osDisk.osState"), ["Generalized", "Specialized"], "properties.storageProfile.osDisk.osState");
        if (osType != disk.OsType)
        {
            throw ArmErrors.InvalidParameter(
                $"The osType '{osType}' does not match the managed disk '{disk.Name}', which is '{disk.OsType}'.", "properties.storageProfile.osDisk.osType");
        }

        ImageLineage guest;
        if (disk.ManagedBy is { } vmId && ImageSources.Resolve(store, vmId) is ImageSource.Vm { State: var vm })
        {
            if (vm.IsAllocated && vm.PowerState != "stopped")
            {
                throw ArmErrors.OperationNotAllowed(
                    $"The managed disk '{disk.Name}' is attached to the running virtual machine '{vm.Name}'. Stop or deallocate the VM and retry.");
            }

            guest = ImageLineage.FromVm(vm);
        }
        else
        {
            guest = disk.DetachedGuest ?? throw ArmErrors.OperationNotAllowed(
                $"The managed disk '{disk.Name}' has no known guest: the emulator creates images only from OS disks of VMs it created or loaded.");
        }

        var generalized = osState == "Generalized";
        var lineage = guest with
        {
            OsState = osState,
            GeneralizedWithPreparedGuest = generalized ? guest.GeneralizedWithPreparedGuest ?? false : null,
            OsDiskSizeGB = disk.SizeGB,
        };
        var generation = Body.Enum(Body.Str(Body.Obj(body, "properties", "properties"), "hyperVGeneration", "properties.hyperVGeneration"), ["V1", "V2"],
            "properties.hyperVGeneration", disk.HyperVGeneration);
        var image = new ManagedImageState(rg, name, location)
        {
            SourceVmId = guest.SourceVmId,
            CapturedFromVm = false,
            Lineage = lineage,
            HyperVGeneration = generation,
            OsDiskId = disk.ResourceId,
            StorageAccountType = null,
            ZoneResilient = Body.Bool(storage, "zoneResilient", "properties.storageProfile.zoneResilient") ?? false,
            Tags = Body.Tags(body) ?? new(StringComparer.Ordinal),
        };
        image.MarkBusy("Creating", store.Clock.After(Durations.ManagedImageCreate));
        rg.Images.Add(name, image);
        var op = operations.Start(request, rg.Subscription.Id, location, image.ResourceId, "createImage", Durations.ManagedImageCreate, _ => { });
        var result = ArmResult.Created(ToJson(image));
        operations.AddPollingHeaders(result, request, op, LroHeaders.AsyncOperationOnly);
        return result;
    }

    private ArmResult Delete(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var image = rg.Images.Get(request["imageName"]);
        if (image is null)
        {
            return ArmResult.NoContent();
        }

        image.MarkBusy("Deleting", DateTimeOffset.MaxValue);
        return operations.Begin(request, rg.Subscription.Id, image.Location, image.ResourceId, "deleteImage", Durations.ManagedImageDelete,
            _ => rg.Images.Remove(image.Name), LroHeaders.Location);
    }

    private JsonObject ToJson(ManagedImageState image)
    {
        var json = new JsonObject
        {
            ["id"] = image.ResourceId,
            ["name"] = image.Name,
            ["type"] = Type,
            ["location"] = image.Location,
        };
        if (image.Tags.Count > 0)
        {
            json["tags"] = Json.Tags(image.Tags);
        }

        var osDisk = new JsonObject
        {
            ["osType"] = image.Lineage.OsType,
            ["osState"] = image.Lineage.OsState,
            ["managedDisk"] = new JsonObject { ["id"] = image.OsDiskId },
            ["caching"] = "ReadWrite",
        };
        if (image.StorageAccountType is not null)
        {
            osDisk["storageAccountType"] = image.StorageAccountType;
        }

        osDisk["diskSizeGB"] = image.Lineage.OsDiskSizeGB;
        json["properties"] = new JsonObject
        {
            ["storageProfile"] = new JsonObject
            {
                ["osDisk"] = osDisk,
                ["dataDisks"] = new JsonArray(),
                ["zoneResilient"] = image.ZoneResilient,
            },
            ["provisioningState"] = image.ProvisioningStateAt(Now),
            ["hyperVGeneration"] = image.HyperVGeneration,
        };
        if (image.CapturedFromVm)
        {
            ((JsonObject)json["properties"]!).Insert(0, "sourceVirtualMachine", new JsonObject { ["id"] = image.SourceVmId });
        }

        return json;
    }
}
