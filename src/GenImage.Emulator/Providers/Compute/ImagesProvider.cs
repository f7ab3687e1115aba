using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Providers.Compute;

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

    public void Register(RouteTable routes)
    {
        var v = ApiVersions.Compute;
        routes.Add("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/images", Type, v, ListBySubscription);
        routes.Add("GET", ByGroup, Type, v, ListByGroup);
        routes.Add("GET", Item, Type, v, Get);
        routes.Add("PUT", Item, Type, v, Put);
        routes.Add("DELETE", Item, Type, v, Delete);
    }

    private DateTimeOffset Now => store.Clock.Now;

    private ArmResult ListBySubscription(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        return ArmResult.Ok(Json.List(sub.ResourceGroups.All.SelectMany(rg => rg.Images.All).Select(ToJson)));
    }

    private ArmResult ListByGroup(ArmRequest request)
        => ArmResult.Ok(Json.List(Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]).Images.All.Select(ToJson)));

    private ArmResult Get(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var image = rg.Images.Get(request["imageName"]) ?? throw ArmErrors.ResourceNotFound(Type, request["imageName"], rg.Name);
        return ArmResult.Ok(ToJson(image));
    }

    private ArmResult Put(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var name = request["imageName"];
        var body = Body.Object(request, "parameters");
        var location = Body.Location(body);
        var p = Body.Obj(body, "properties", "properties");
        var sourceId = Body.Str(Body.Obj(p, "sourceVirtualMachine", "properties.sourceVirtualMachine"), "id", SourceTarget);
        if (string.IsNullOrWhiteSpace(sourceId))
        {
            throw ArmErrors.InvalidParameter(
                $"Required parameter '{SourceTarget}' is missing (null). The emulator creates managed images from a virtual machine only.", SourceTarget);
        }

        var existing = rg.Images.Get(name);
        if (existing is not null)
        {
            Body.RequireSameLocation(existing.Location, location, name, rg.Name);
            if (!string.Equals(existing.SourceVmId, sourceId.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                throw new ArmException(409, "PropertyChangeNotAllowed", "Changing property 'sourceVirtualMachine.id' is not allowed.", "sourceVirtualMachine.id");
            }

            existing.Tags = Body.Tags(body) ?? existing.Tags;
            return ArmResult.Ok(ToJson(existing));
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
        image.MarkBusy("Creating", Now + store.Clock.ToReal(Durations.ManagedImageCreate));
        rg.Images.Add(name, image);
        var op = operations.Start(request, rg.Subscription.Id, location, image.ResourceId, "createImage", Durations.ManagedImageCreate, _ => { });
        var result = ArmResult.Created(ToJson(image));
        operations.AddPollingHeaders(result, request, op);
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
            _ => rg.Images.Remove(image.Name));
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
            ["osState"] = "Generalized",
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
            ["sourceVirtualMachine"] = new JsonObject { ["id"] = image.SourceVmId },
            ["storageProfile"] = new JsonObject
            {
                ["osDisk"] = osDisk,
                ["dataDisks"] = new JsonArray(),
                ["zoneResilient"] = image.ZoneResilient,
            },
            ["provisioningState"] = image.ProvisioningStateAt(Now),
            ["hyperVGeneration"] = image.HyperVGeneration,
        };
        return json;
    }
}
