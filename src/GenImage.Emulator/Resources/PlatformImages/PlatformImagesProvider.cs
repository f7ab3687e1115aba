using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Providers;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.PlatformImages;

/// <summary>
/// Microsoft.Compute marketplace image versions (VirtualMachineImages_List and VirtualMachineImages_Get, ComputeRP),
/// read-only, from the world's <c>platformImages</c>. The list is a bare JSON array of <c>{location, name, id}</c>
/// (no <c>value</c>, no <c>nextLink</c>), oldest version first, with <c>$top</c> and <c>$orderby=name [asc|desc]</c>. An
/// image the region does not offer, or a version it does not have, is 404 <c>NotFound</c> "Artifact: VMImage was not found."
/// </summary>
internal sealed class PlatformImagesProvider(WorldStore store) : IResourceProvider
{
    public const string Type = "Microsoft.Compute/locations/publishers/artifacttypes/offers/skus/versions";
    private const string Versions = "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/publishers/{publisherName}/artifacttypes/vmimage/offers/{offer}/skus/{skus}/versions";

    public void Register(RouteTable routes)
    {
        routes.Add("GET", Versions, Type, ApiVersions.Compute, List);
        routes.Add("GET", Versions + "/{version}", Type, ApiVersions.Compute, Get);
    }

    private ArmResult List(ArmRequest request)
    {
        var (sub, entry) = Find(request);
        IEnumerable<string> versions = entry.Versions;
        var orderBy = request.QueryValue("$orderby");
        if (orderBy is not null && orderBy.Trim().EndsWith(" desc", StringComparison.OrdinalIgnoreCase))
        {
            versions = versions.Reverse();
        }

        if (request.QueryValue("$top") is { } topText && int.TryParse(topText, out var top) && top >= 0)
        {
            versions = versions.Take(top);
        }

        var array = new JsonArray();
        foreach (var version in versions)
        {
            array.Add(new JsonObject
            {
                ["location"] = request["location"],
                ["name"] = version,
                ["id"] = Id(sub, request, entry, version),
            });
        }

        return ArmResult.Ok(array);
    }

    private ArmResult Get(ArmRequest request)
    {
        var (sub, entry) = Find(request);
        var version = entry.Versions.FirstOrDefault(v => string.Equals(v, request["version"], StringComparison.OrdinalIgnoreCase))
            ?? throw NotFound();
        return ArmResult.Ok(new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["hyperVGeneration"] = entry.HyperVGeneration,
                ["architecture"] = "x64",
                ["replicaType"] = "Managed",
                ["disallowed"] = new JsonObject { ["vmDiskType"] = "Unmanaged" },
                ["automaticOSUpgradeProperties"] = new JsonObject { ["automaticOSUpgradeSupported"] = false },
                ["imageDeprecationStatus"] = new JsonObject { ["imageState"] = "Active" },
                ["features"] = new JsonArray(),
                ["osDiskImage"] = new JsonObject { ["operatingSystem"] = entry.OsType, ["sizeInGb"] = entry.OsType == "Windows" ? 127 : 30 },
                ["dataDiskImages"] = new JsonArray(),
            },
            ["location"] = request["location"],
            ["name"] = version,
            ["id"] = Id(sub, request, entry, version),
        });
    }

    private (SubscriptionState Subscription, PlatformImageEntry Entry) Find(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        var entry = store.PlatformImages.Find(request["location"], request["publisherName"], request["offer"], request["skus"]) ?? throw NotFound();
        return (sub, entry);
    }

    /// <summary>ARM's id of a platform image version: capitalised segments, the path's location and names as declared.</summary>
    private static string Id(SubscriptionState sub, ArmRequest request, PlatformImageEntry entry, string version) =>
        $"/Subscriptions/{sub.Id}/Providers/Microsoft.Compute/Locations/{request["location"]}/Publishers/{entry.Publisher}/ArtifactTypes/VMImage/Offers/{entry.Offer}/Skus/{entry.Sku}/Versions/{version}";

    private static ArmException NotFound() => new(404, "NotFound", "Artifact: VMImage was not found.");
}
