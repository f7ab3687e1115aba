using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Providers;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Subscriptions;

/// <summary>Microsoft.Resources: subscriptions and tenants.</summary>
internal sealed class SubscriptionsProvider(WorldStore store) : IResourceProvider
{
    public void Register(RouteTable routes)
    {
        routes.Add("GET", "/subscriptions", "Microsoft.Resources/subscriptions", ApiVersions.Subscriptions, _ => List());
        routes.Add("GET", "/subscriptions/{subscriptionId}", "Microsoft.Resources/subscriptions", ApiVersions.Subscriptions, Get);
        routes.Add("GET", "/tenants", "Microsoft.Resources/tenants", ApiVersions.Subscriptions, _ => Tenants());
        routes.Add("GET", "/subscriptions/{subscriptionId}/locations", "Microsoft.Resources/subscriptions/locations", ApiVersions.Subscriptions, ListLocations);
    }

    /// <summary>The regions the subscription can use, as ARM lists them (every region the emulator knows).</summary>
    private ArmResult ListLocations(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        return ArmResult.Ok(Json.List(Locations.All.Select(l => new JsonObject
        {
            ["id"] = $"{sub.ResourceId}/locations/{l.Name}",
            ["name"] = l.Name,
            ["type"] = "Region",
            ["displayName"] = l.Display,
            ["regionalDisplayName"] = l.Display,
            ["metadata"] = new JsonObject { ["regionType"] = "Physical", ["regionCategory"] = "Recommended" },
        })));
    }

    private ArmResult List()
    {
        var body = Json.List(store.Subscriptions.All.Select(ToJson));
        body["count"] = new JsonObject { ["type"] = "Total", ["value"] = store.Subscriptions.Count };
        return ArmResult.Ok(body);
    }

    private ArmResult Get(ArmRequest request) => ArmResult.Ok(ToJson(Lookup.Subscription(store, request["subscriptionId"])));

    private ArmResult Tenants() => ArmResult.Ok(Json.List(
    [
        new JsonObject
        {
            ["id"] = $"/tenants/{store.TenantId}",
            ["tenantId"] = store.TenantId,
            ["tenantCategory"] = "Home",
            ["displayName"] = "GenImage Emulator",
            ["defaultDomain"] = "genimage.example",
            ["tenantType"] = "AAD",
        },
    ]));

    private static JsonObject ToJson(SubscriptionState sub) => new()
    {
        ["id"] = sub.ResourceId,
        ["authorizationSource"] = "RoleBased",
        ["managedByTenants"] = new JsonArray(),
        ["subscriptionId"] = sub.Id,
        ["tenantId"] = sub.TenantId,
        ["displayName"] = sub.DisplayName,
        ["state"] = "Enabled",
        ["subscriptionPolicies"] = new JsonObject
        {
            ["locationPlacementId"] = "Public_2014-09-01",
            ["quotaId"] = "PayAsYouGo_2014-09-01",
            ["spendingLimit"] = "Off",
        },
    };
}
