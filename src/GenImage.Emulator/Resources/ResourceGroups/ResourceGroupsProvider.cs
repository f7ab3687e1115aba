using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Providers;
using GenImage.Emulator.State;
using GenImage.Emulator.World;

namespace GenImage.Emulator.Resources.ResourceGroups;

/// <summary>
/// Microsoft.Resources/resourceGroups: list, get, check existence (HEAD), create or update, delete (with ARM's
/// <c>operationresults</c> polling).
/// </summary>
internal sealed class ResourceGroupsProvider(WorldStore store, OperationStore operations) : IResourceProvider
{
    private const string Type = "Microsoft.Resources/resourceGroups";
    private const string Collection = "/subscriptions/{subscriptionId}/resourcegroups";
    private const string Item = Collection + "/{resourceGroupName}";

    /// <summary>ARM's resource group deletion, in Azure seconds: a base and a share per resource it deletes.</summary>
    private const double DeleteBase = 45;
    private const double DeletePerResource = 30;

    /// <summary>The <c>Retry-After</c> ARM sends with every 202 of a resource group deletion (Azure seconds), as recorded.</summary>
    private const double DeleteRetryAfter = 15;

    public void Register(RouteTable routes)
    {
        routes.Add("GET", Collection, Type, ApiVersions.ResourceGroups, List);
        routes.Add("GET", Item, Type, ApiVersions.ResourceGroups, Get);
        routes.Add("HEAD", Item, Type, ApiVersions.ResourceGroups, Head);
        routes.Add("PUT", Item, Type, ApiVersions.ResourceGroups, Put);
        routes.Add("DELETE", Item, Type, ApiVersions.ResourceGroups, Delete);
        routes.Add("GET", "/subscriptions/{subscriptionId}/operationresults/{operationId}", "Microsoft.Resources/operationresults",
            ApiVersions.ResourceGroups, OperationResult);
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
            if (existing.Deleting)
            {
                throw BeingDeleted(existing);
            }

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

    /// <summary>
    /// ARM deletes the group and everything in it: 202 with <c>Location</c> (ARM's operationresults URL, polled with
    /// the same api-version) and <c>Retry-After</c>, no <c>Azure-AsyncOperation</c>, as recorded. Until the operation
    /// ends the group reads as Deleting and refuses updates; then it and its resources are gone.
    /// </summary>
    private ArmResult Delete(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var id = OperationId(rg);
        var op = operations.Find(id) is { Kind: OperationKind.Resources, IsTerminal: false } running && rg.Deleting
            ? running
            : operations.Start(request, rg.Subscription.Id, rg.Location, rg.ResourceId, "deleteResourceGroup",
                DeleteBase + (DeletePerResource * ResourceCount(rg)),
                _ =>
                {
                    if (rg.Subscription.ResourceGroups.Get(rg.Name) == rg)
                    {
                        rg.Subscription.ResourceGroups.Remove(rg.Name);
                    }
                },
                OperationKind.Resources, id);
        rg.Deleting = true;
        return Accepted(request, op);
    }

    private ArmResult OperationResult(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        var op = operations.Find(request["operationId"]);
        if (op is null || op.Kind != OperationKind.Resources || !string.Equals(op.SubscriptionId, sub.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmException(404, "NotFound", $"The operation '{request["operationId"]}' could not be found.");
        }

        if (!op.IsTerminal)
        {
            return Accepted(request, op);
        }

        if (op.Status == "Succeeded")
        {
            return ArmResult.Ok();
        }

        throw new ArmException(op.FailureHttpStatus, op.ErrorCode ?? "OperationFailed", op.ErrorMessage ?? "The resource group deletion failed.");
    }

    private ArmResult Accepted(ArmRequest request, AsyncOperation op)
    {
        var result = new ArmResult(202);
        result.Headers["Location"] = OperationStore.ResultsUrl(request.BaseUri, op, request.ApiVersion);
        result.Headers["Retry-After"] = store.Clock.RetryAfterSeconds(DeleteRetryAfter).ToString(CultureInfo.InvariantCulture);
        return result;
    }

    private static ArmException BeingDeleted(ResourceGroupState rg) => new(409, "ResourceGroupBeingDeleted",
        $"The resource group '{rg.Name}' is in deprovisioning state and cannot perform this operation.");

    private static int ResourceCount(ResourceGroupState rg)
        => rg.VirtualMachines.Count + rg.Images.Count + rg.Disks.Count
           + rg.Galleries.All.Sum(g => 1 + g.Images.All.Sum(i => 1 + i.Versions.Count));

    /// <summary>
    /// ARM's operation id for a group deletion: base64url of <c>{"jobId":"RESOURCEGROUPDELETIONJOB-{GROUP}-{LOCATION}","jobLocation":"{location}"}</c>,
    /// with the group's name upper-cased and every other character than a letter or digit written as <c>:XX</c> (hex), as recorded.
    /// </summary>
    private static string OperationId(ResourceGroupState rg)
    {
        static string Escape(string value)
        {
            var builder = new StringBuilder();
            foreach (var c in value.ToUpperInvariant())
            {
                builder.Append(char.IsAsciiLetterOrDigit(c) ? c.ToString() : string.Create(CultureInfo.InvariantCulture, $":{(int)c:X2}"));
            }

            return builder.ToString();
        }

        var job = $"{{\"jobId\":\"RESOURCEGROUPDELETIONJOB-{Escape(rg.Name)}-{Escape(rg.Location)}\",\"jobLocation\":\"{rg.Location}\"}}";
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(job)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
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

        json["properties"] = new JsonObject { ["provisioningState"] = rg.Deleting ? "Deleting" : "Succeeded" };
        return json;
    }
}
