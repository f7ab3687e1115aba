using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Providers;
using GenImage.Emulator.Providers.Compute;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Disks;

/// <summary>
/// Microsoft.Compute/disks (2023-04-02), minimal: the OS disks of VMs can be read, listed and (when unattached)
/// deleted, so disks left behind by deleted VMs are observable.
/// </summary>
internal sealed class DisksProvider(WorldStore store, OperationStore operations) : IResourceProvider
{
    public const string Type = "Microsoft.Compute/disks";
    private const string ByGroup = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/disks";
    private const string Item = ByGroup + "/{diskName}";

    public void Register(RouteTable routes)
    {
        var v = ApiVersions.Disks;
        routes.Add("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/disks", Type, v, ListBySubscription);
        routes.Add("GET", ByGroup, Type, v, ListByGroup);
        routes.Add("GET", Item, Type, v, Get);
        routes.Add("DELETE", Item, Type, v, Delete);
    }

    private ArmResult ListBySubscription(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        return Paging.Page(request, sub.ResourceGroups.All.SelectMany(rg => rg.Disks.All), ToJson, Paging.ComputePageSize);
    }

    private ArmResult ListByGroup(ArmRequest request)
        => Paging.Page(request, Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]).Disks.All, ToJson, Paging.ComputePageSize);

    private ArmResult Get(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var disk = rg.Disks.Get(request["diskName"]) ?? throw ArmErrors.ResourceNotFound(Type, request["diskName"], rg.Name);
        return ArmResult.Ok(ToJson(disk));
    }

    private ArmResult Delete(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var disk = rg.Disks.Get(request["diskName"]);
        if (disk is null)
        {
            return ArmResult.NoContent();
        }

        if (disk.ManagedBy is { } vmId)
        {
            throw ArmErrors.OperationNotAllowed($"Disk {disk.Name} is attached to VM {vmId}.");
        }

        disk.Deleting = true;
        return operations.Begin(request, rg.Subscription.Id, disk.Location, disk.ResourceId, "deleteDisk", Durations.DiskDelete,
            _ => rg.Disks.Remove(disk.Name), LroHeaders.Location | LroHeaders.RetryAfter, OperationKind.Disk);
    }

    public static JsonObject ToJson(DiskState disk)
    {
        var json = new JsonObject
        {
            ["id"] = disk.ResourceId,
            ["name"] = disk.Name,
            ["type"] = Type,
            ["location"] = disk.Location,
        };
        if (disk.Tags.Count > 0)
        {
            json["tags"] = Json.Tags(disk.Tags);
        }

        if (disk.ManagedBy is not null)
        {
            json["managedBy"] = disk.ManagedBy;
        }

        json["sku"] = new JsonObject
        {
            ["name"] = disk.StorageAccountType,
            ["tier"] = disk.StorageAccountType.StartsWith("Premium", StringComparison.Ordinal) ? "Premium" : "Standard",
        };
        var creation = new JsonObject { ["createOption"] = "FromImage" };
        if (disk.ImageReferenceId is { } imageId)
        {
            creation[imageId.Contains("/galleries/", StringComparison.OrdinalIgnoreCase) ? "galleryImageReference" : "imageReference"] = new JsonObject { ["id"] = imageId };
        }

        var properties = new JsonObject
        {
            ["osType"] = disk.OsType,
            ["hyperVGeneration"] = disk.HyperVGeneration,
            ["creationData"] = creation,
            ["diskSizeGB"] = disk.SizeGB,
            ["diskSizeBytes"] = (long)disk.SizeGB * 1024 * 1024 * 1024,
            ["uniqueId"] = disk.UniqueId,
            ["provisioningState"] = disk.Deleting ? "Deleting" : "Succeeded",
            ["diskState"] = disk.AttachState,
            ["timeCreated"] = Json.Time(disk.TimeCreated),
        };
        if (disk.SecurityType is { } security)
        {
            properties["securityProfile"] = new JsonObject { ["securityType"] = security };
        }

        json["properties"] = properties;
        return json;
    }

    public static DiskSnapshot Snapshot(DiskState disk) => new()
    {
        Id = disk.ResourceId,
        ResourceGroup = disk.Group.Name,
        Name = disk.Name,
        Location = disk.Location,
        OsType = disk.OsType,
        SizeGB = disk.SizeGB,
        ManagedBy = disk.ManagedBy,
        DiskState = disk.AttachState,
    };
}
