using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Providers;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.NetworkInterfaces;

/// <summary>
/// Microsoft.Network/networkInterfaces (2023-09-01), minimal: list (subscription, resource group), get and delete, so
/// that NICs left behind by deleted VMs can be found and removed. NICs come from the world file.
/// </summary>
internal sealed class NetworkInterfacesProvider(WorldStore store) : IResourceProvider
{
    public const string Type = "Microsoft.Network/networkInterfaces";
    private const string ByGroup = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkInterfaces";

    public void Register(RouteTable routes)
    {
        var v = ApiVersions.Network;
        routes.Add("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Network/networkInterfaces", Type, v, ListBySubscription);
        routes.Add("GET", ByGroup, Type, v, ListByGroup);
        routes.Add("GET", ByGroup + "/{networkInterfaceName}", Type, v, Get);
        routes.Add("DELETE", ByGroup + "/{networkInterfaceName}", Type, v, Delete);
    }

    private ArmResult ListBySubscription(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        return Paging.Page(request, sub.ResourceGroups.All.SelectMany(rg => rg.NetworkInterfaces.All), ToJson, Paging.NetworkPageSize);
    }

    private ArmResult ListByGroup(ArmRequest request)
        => Paging.Page(request, Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]).NetworkInterfaces.All, ToJson, Paging.NetworkPageSize);

    private ArmResult Get(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var nic = rg.NetworkInterfaces.Get(request["networkInterfaceName"]) ?? throw ArmErrors.ResourceNotFound(Type, request["networkInterfaceName"], rg.Name);
        return ArmResult.Ok(ToJson(nic));
    }

    /// <summary>
    /// A NIC a VM uses cannot be deleted: 400 <c>NicInUse</c> with ARM's message. Otherwise it is removed at once and the
    /// answer is 200 (Azure answers 202 and runs an operation; the spec allows 200, 202 and 204).
    /// </summary>
    private ArmResult Delete(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        if (rg.NetworkInterfaces.Get(request["networkInterfaceName"]) is not { } nic)
        {
            return ArmResult.NoContent();
        }

        if (nic.VirtualMachineId is { } vmId)
        {
            throw new ArmException(400, "NicInUse",
                $"Network Interface {nic.ResourceId} is used by existing resource {vmId}. In order to delete the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.");
        }

        rg.NetworkInterfaces.Remove(nic.Name);
        return ArmResult.Ok();
    }

    /// <summary>The 2023-09-01 shape (NetworkInterfaceList example): one dynamic IPv4 configuration; <c>virtualMachine</c> when attached.</summary>
    public static JsonObject ToJson(NetworkInterfaceState nic)
    {
        var properties = new JsonObject
        {
            ["provisioningState"] = "Succeeded",
            ["resourceGuid"] = nic.ResourceGuid,
            ["ipConfigurations"] = new JsonArray(new JsonObject
            {
                ["name"] = "ipconfig1",
                ["id"] = $"{nic.ResourceId}/ipConfigurations/ipconfig1",
                ["properties"] = new JsonObject
                {
                    ["provisioningState"] = "Succeeded",
                    ["privateIPAddress"] = nic.PrivateIpAddress,
                    ["privateIPAllocationMethod"] = "Dynamic",
                    ["subnet"] = new JsonObject { ["id"] = $"{nic.Group.ResourceId}/providers/Microsoft.Network/virtualNetworks/{nic.Group.Name}-vnet/subnets/default" },
                    ["primary"] = true,
                    ["privateIPAddressVersion"] = "IPv4",
                },
            }),
            ["dnsSettings"] = new JsonObject { ["dnsServers"] = new JsonArray(), ["appliedDnsServers"] = new JsonArray() },
            ["enableAcceleratedNetworking"] = false,
            ["enableIPForwarding"] = false,
            ["vnetEncryptionSupported"] = false,
        };
        if (nic.VirtualMachineId is { } vmId)
        {
            properties["primary"] = true;
            properties["virtualMachine"] = new JsonObject { ["id"] = vmId };
        }

        var json = new JsonObject { ["name"] = nic.Name, ["id"] = nic.ResourceId, ["location"] = nic.Location };
        if (nic.Tags.Count > 0)
        {
            json["tags"] = Json.Tags(nic.Tags);
        }

        json["properties"] = properties;
        json["type"] = Type;
        return json;
    }
}
