using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.State;
using GenImage.Emulator.World;

namespace GenImage.Emulator.Providers;

/// <summary>Microsoft.Resources/resourceGroups: list, get, check existence (HEAD), create or update.</summary>
internal sealed class ResourceGroupsProvider(WorldStore store) : IResourceProvider
{
    private const string Type = "Microsoft.Resources/resourceGroups";
    private const string Collection = "/subscriptions/{subscriptionId}/resourcegroups";
    private const string Item = Collection + "/{resourceGroupName}";

    public void Register(RouteTable routes)
    {
        routes.Add("GET", Collection, Type, ApiVersions.ResourceGroups, List);
        routes.Add("GET", Item, Type, ApiVersions.ResourceGroups, Get);
        routes.Add("HEAD", Item, Type, ApiVersions.ResourceGroups, Head);
        routes.Add("PUT", Item, Type, ApiVersions.ResourceGroups, Put);
    }

    private ArmResult List(ArmRequest request)
        => ArmResult.Ok(Json.List(Lookup.Subscription(store, request["subscriptionId"]).ResourceGroups.All.Select(ToJson)));

    private ArmResult Get(ArmRequest request)
        => ArmResult.Ok(ToJson(Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"])));

    private ArmResult Head(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        return sub.ResourceGroups.Get(request["resourceGroupName"]) is null
            ? new ArmResult(404) { SuppressBody = true }
            : ArmResult.NoContent();
    }

    private ArmResult Put(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        var name = request["resourceGroupName"];
        if (request.Body is not JsonObject body)
        {
            throw ArmErrors.InvalidRequestContent("The request body must be a JSON object with a 'location'.");
        }

        var location = body["location"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? body["location"]!.GetValue<string>() : null;
        if (string.IsNullOrWhiteSpace(location))
        {
            throw new ArmException(400, "LocationRequired", "The location property is required for this definition.");
        }

        location = WorldLoader.NormalizeLocation(location);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body["tags"] is JsonObject tagObject)
        {
            foreach (var (k, v) in tagObject)
            {
                tags[k] = v?.ToString() ?? "";
            }
        }

        var existing = sub.ResourceGroups.Get(name);
        if (existing is not null)
        {
            if (!string.Equals(existing.Location, location, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArmException(409, "InvalidResourceGroupLocation",
                    $"Invalid resource group location '{location}'. The Resource group already exists in location '{existing.Location}'.");
            }

            existing.Tags = tags;
            return ArmResult.Ok(ToJson(existing));
        }

        var rg = new ResourceGroupState(sub, name, location, tags);
        sub.ResourceGroups.Add(name, rg);
        return ArmResult.Created(ToJson(rg));
    }

    private static JsonObject ToJson(ResourceGroupState rg)
    {
        var json = new JsonObject
        {
            ["id"] = rg.ResourceId,
            ["name"] = rg.Name,
            ["type"] = Type,
            ["location"] = rg.Location,
        };
        if (rg.Tags.Count > 0)
        {
            json["tags"] = Json.Tags(rg.Tags);
        }

        json["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" };
        return json;
    }
}
