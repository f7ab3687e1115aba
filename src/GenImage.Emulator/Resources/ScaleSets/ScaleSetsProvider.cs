using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Providers;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.ScaleSets;

/// <summary>
/// Microsoft.Compute/virtualMachineScaleSets (2023-07-01), read-only: list (subscription, resource group) and get, so
/// that the image a scale set's model uses can be found. Scale sets come from the world file; instances, PUT and the
/// scale-set actions are not modelled.
/// </summary>
internal sealed class ScaleSetsProvider(WorldStore store) : IResourceProvider
{
    public const string Type = "Microsoft.Compute/virtualMachineScaleSets";
    private const string ByGroup = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachineScaleSets";

    public void Register(RouteTable routes)
    {
        var v = ApiVersions.Compute;
        routes.Add("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/virtualMachineScaleSets", Type, v, ListBySubscription);
        routes.Add("GET", ByGroup, Type, v, ListByGroup);
        routes.Add("GET", ByGroup + "/{vmScaleSetName}", Type, v, Get);
    }

    private ArmResult ListBySubscription(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        return Paging.Page(request, sub.ResourceGroups.All.SelectMany(rg => rg.ScaleSets.All), ToJson, Paging.ComputePageSize);
    }

    private ArmResult ListByGroup(ArmRequest request)
        => Paging.Page(request, Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]).ScaleSets.All, ToJson, Paging.ComputePageSize);

    private ArmResult Get(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var set = rg.ScaleSets.Get(request["vmScaleSetName"]) ?? throw ArmErrors.ResourceNotFound(Type, request["vmScaleSetName"], rg.Name);
        return ArmResult.Ok(ToJson(set));
    }

    /// <summary>The 2023-07-01 shape (VirtualMachineScaleSet_Create_FromAGeneralizedSharedImage's answer), Uniform orchestration.</summary>
    public static JsonObject ToJson(ScaleSetState set)
    {
        var windows = set.OsType == "Windows";
        var json = new JsonObject
        {
            ["sku"] = new JsonObject { ["tier"] = "Standard", ["capacity"] = set.Capacity, ["name"] = set.Size },
            ["name"] = set.Name,
        };
        if (set.Tags.Count > 0)
        {
            json["tags"] = Json.Tags(set.Tags);
        }

        json["properties"] = new JsonObject
        {
            ["singlePlacementGroup"] = true,
            ["orchestrationMode"] = "Uniform",
            ["overprovision"] = true,
            ["uniqueId"] = set.UniqueId,
            ["virtualMachineProfile"] = new JsonObject
            {
                ["storageProfile"] = new JsonObject
                {
                    ["imageReference"] = new JsonObject { ["id"] = set.ImageId },
                    ["osDisk"] = new JsonObject
                    {
                        ["osType"] = set.OsType,
                        ["caching"] = "ReadWrite",
                        ["managedDisk"] = new JsonObject { ["storageAccountType"] = "Premium_LRS" },
                        ["createOption"] = "FromImage",
                    },
                },
                ["osProfile"] = new JsonObject
                {
                    ["computerNamePrefix"] = set.Name.Length > 9 ? set.Name[..9] : set.Name,
                    ["adminUsername"] = "azureadmin",
                    ["secrets"] = new JsonArray(),
                    [windows ? "windowsConfiguration" : "linuxConfiguration"] = windows
                        ? new JsonObject { ["provisionVMAgent"] = true, ["enableAutomaticUpdates"] = true }
                        : new JsonObject { ["disablePasswordAuthentication"] = true, ["provisionVMAgent"] = true },
                },
                ["networkProfile"] = new JsonObject
                {
                    ["networkInterfaceConfigurations"] = new JsonArray(new JsonObject
                    {
                        ["name"] = set.Name,
                        ["properties"] = new JsonObject
                        {
                            ["primary"] = true,
                            ["enableIPForwarding"] = false,
                            ["ipConfigurations"] = new JsonArray(new JsonObject
                            {
                                ["name"] = set.Name,
                                ["properties"] = new JsonObject
                                {
                                    ["subnet"] = new JsonObject { ["id"] = $"{set.Group.ResourceId}/providers/Microsoft.Network/virtualNetworks/{set.Group.Name}-vnet/subnets/default" },
                                    ["privateIPAddressVersion"] = "IPv4",
                                },
                            }),
                        },
                    }),
                },
            },
            ["upgradePolicy"] = new JsonObject { ["mode"] = "Manual" },
            ["provisioningState"] = "Succeeded",
            ["timeCreated"] = Json.Time(set.TimeCreated),
        };
        json["location"] = set.Location;
        json["type"] = Type;
        json["id"] = set.ResourceId;
        return json;
    }
}
