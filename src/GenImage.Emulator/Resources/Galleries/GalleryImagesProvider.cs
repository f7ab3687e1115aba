using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Providers;
using GenImage.Emulator.Providers.Compute;
using GenImage.Emulator.State;
using GenImage.Emulator.World;

namespace GenImage.Emulator.Resources.Galleries;

/// <summary>
/// Microsoft.Compute/galleries/images (2022-03-03): image definitions. Publisher/offer/SKU are unique per gallery;
/// osType, osState, hyperVGeneration, identifier, architecture and the SecurityType feature cannot change.
/// </summary>
internal sealed partial class GalleryImagesProvider(WorldStore store, OperationStore operations) : IResourceProvider
{
    private const string Type = GalleryJson.ImageType;
    private const string Collection = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries/{galleryName}/images";
    private const string Item = Collection + "/{galleryImageName}";

    private static readonly string[] OsTypes = ["Windows", "Linux"];
    private static readonly string[] Generations = ["V1", "V2"];

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

    /// <summary>
    /// Finds the definition of the request (a missing gallery is <c>ParentResourceNotFound</c>); a missing definition is
    /// <c>ResourceNotFound</c>, or <c>ParentResourceNotFound</c> when <paramref name="asParent"/> (the request is about a version).
    /// </summary>
    public static GalleryImageState Find(WorldStore store, ArmRequest request, bool asParent = false)
    {
        var gallery = GalleriesProvider.FindParent(store, request["subscriptionId"], request["resourceGroupName"], request["galleryName"]);
        if (gallery.Images.Get(request["galleryImageName"]) is { Deleting: false } image)
        {
            return image;
        }

        throw asParent
            ? ArmErrors.ParentResourceNotFound($"{gallery.Name}/{request["galleryImageName"]}")
            : ArmErrors.ResourceNotFound($"{GalleryJson.GalleryType}/{gallery.Name}/images", request["galleryImageName"], gallery.Group.Name);
    }

    private ArmResult List(ArmRequest request)
    {
        var gallery = GalleriesProvider.FindParent(store, request["subscriptionId"], request["resourceGroupName"], request["galleryName"]);
        return Paging.Page(request, gallery.Images.All, i => GalleryJson.Image(i, Now), Paging.GalleryPageSize);
    }

    private ArmResult Get(ArmRequest request) => ArmResult.Ok(GalleryJson.Image(Find(store, request), Now));

    private ArmResult Put(ArmRequest request)
    {
        var gallery = GalleriesProvider.FindParent(store, request["subscriptionId"], request["resourceGroupName"], request["galleryName"]);
        var name = request["galleryImageName"];
        if (!ImageName().IsMatch(name))
        {
            throw ArmErrors.InvalidParameter(
                $"The gallery image name '{name}' is invalid. It must be 1-80 characters: letters, digits, periods, underscores and hyphens, starting with a letter or digit.", "galleryImageName");
        }

        var body = Body.Object(request, "galleryImage");
        var location = Body.Location(body);
        var p = Body.Obj(body, "properties", "properties")
            ?? throw ArmErrors.InvalidParameter("Required parameter 'properties' is missing (null).", "properties");
        var identifier = Body.Obj(p, "identifier", "properties.identifier");
        var requested = new GalleryImageState(gallery, name, location)
        {
            OsType = Body.Enum(Body.Str(p, "osType", "osType"), OsTypes, "osType"),
            OsState = Body.Enum(Body.Str(p, "osState", "osState"), WorldLoader.GalleryOsStates, "osState"),
            HyperVGeneration = Body.Enum(Body.Str(p, "hyperVGeneration", "hyperVGeneration"), Generations, "hyperVGeneration", "V1"),
            Publisher = Required(Body.Str(identifier, "publisher", "identifier.publisher"), "identifier.publisher"),
            Offer = Required(Body.Str(identifier, "offer", "identifier.offer"), "identifier.offer"),
            Sku = Required(Body.Str(identifier, "sku", "identifier.sku"), "identifier.sku"),
            Architecture = Body.Enum(Body.Str(p, "architecture", "architecture"), WorldLoader.Architectures, "architecture", "x64"),
        };
        ApplyMutable(requested, p);
        requested.Tags = Body.Tags(body) ?? new(StringComparer.Ordinal);
        ValidateSecurity(requested);

        var existing = gallery.Images.Get(name);
        if (existing is { Deleting: true })
        {
            throw ArmErrors.Conflict($"The gallery image '{name}' is being deleted. Retry after the deletion completes.");
        }

        var duplicate = gallery.Images.All.FirstOrDefault(i => !ReferenceEquals(i, existing)
            && string.Equals(i.Publisher, requested.Publisher, StringComparison.OrdinalIgnoreCase)
            && string.Equals(i.Offer, requested.Offer, StringComparison.OrdinalIgnoreCase)
            && string.Equals(i.Sku, requested.Sku, StringComparison.OrdinalIgnoreCase));
        if (duplicate is not null)
        {
            throw ArmErrors.Conflict(
                $"The gallery image identifier (publisher '{requested.Publisher}', offer '{requested.Offer}', sku '{requested.Sku}') is already used by the image definition '{duplicate.Name}' in gallery '{gallery.Name}'. Publisher, offer and sku must be unique within a gallery.");
        }

        if (existing is null)
        {
            requested.MarkBusy("Creating", store.Clock.After(Durations.GalleryImageWrite));
            gallery.Images.Add(name, requested);
            return Lro(request, 201, requested, "createGalleryImage");
        }

        Body.RequireSameLocation(existing.Location, location, name, gallery.Group.Name);
        RejectImmutableChanges(existing, requested.OsType, requested.OsState, requested.HyperVGeneration, requested.Publisher, requested.Offer,
            requested.Sku, requested.Architecture, requested.SecurityType, securityGiven: true);
        ApplyMutable(existing, p);
        existing.Features = requested.Features;
        existing.Tags = requested.Tags;
        existing.MarkBusy("Updating", store.Clock.After(Durations.GalleryImageWrite));
        return Lro(request, 200, existing, "updateGalleryImage");
    }

    private ArmResult Patch(ArmRequest request)
    {
        var image = Find(store, request);
        var body = Body.Object(request, "galleryImage");
        var p = Body.Obj(body, "properties", "properties") ?? new JsonObject();
        var identifier = Body.Obj(p, "identifier", "properties.identifier");
        var features = p.ContainsKey("features") ? ReadFeatures(p) : null;
        var securityGiven = features is not null;
        RejectImmutableChanges(image,
            Body.Str(p, "osType", "osType") is { } os ? Body.Enum(os, OsTypes, "osType") : image.OsType,
            Body.Str(p, "osState", "osState") is { } st ? Body.Enum(st, WorldLoader.GalleryOsStates, "osState") : image.OsState,
            Body.Str(p, "hyperVGeneration", "hyperVGeneration") is { } g ? Body.Enum(g, Generations, "hyperVGeneration") : image.HyperVGeneration,
            Body.Str(identifier, "publisher", "identifier.publisher") ?? image.Publisher,
            Body.Str(identifier, "offer", "identifier.offer") ?? image.Offer,
            Body.Str(identifier, "sku", "identifier.sku") ?? image.Sku,
            Body.Str(p, "architecture", "architecture") is { } a ? Body.Enum(a, WorldLoader.Architectures, "architecture") : image.Architecture,
            features?.FirstOrDefault(f => string.Equals(f.Key, "SecurityType", StringComparison.OrdinalIgnoreCase)).Value,
            securityGiven);
        ApplyMutable(image, p);
        if (features is not null)
        {
            image.Features = features;
        }

        image.Tags = Body.Tags(body) ?? image.Tags;
        image.MarkBusy("Updating", store.Clock.After(Durations.GalleryImageWrite));
        return Lro(request, 200, image, "updateGalleryImage");
    }

    private ArmResult Lro(ArmRequest request, int status, GalleryImageState image, string name)
    {
        var op = operations.Start(request, image.Gallery.Group.Subscription.Id, image.Location, image.ResourceId, name, Durations.GalleryImageWrite, _ => { }, OperationKind.Gallery);
        var result = new ArmResult(status, GalleryJson.Image(image, Now));
        operations.AddPollingHeaders(result, request, op, LroHeaders.AsyncOperationOnly);
        return result;
    }

    private ArmResult Delete(ArmRequest request)
    {
        var gallery = GalleriesProvider.FindParent(store, request["subscriptionId"], request["resourceGroupName"], request["galleryName"]);
        var image = gallery.Images.Get(request["galleryImageName"]);
        if (image is null)
        {
            return ArmResult.NoContent();
        }

        if (image.Versions.Count > 0)
        {
            throw GalleriesProvider.NestedResources(image.Versions.All.Select(v => $"Microsoft.Compute/galleries/{gallery.Name}/images/{image.Name}/versions/{v.Name}"));
        }

        image.Deleting = true;
        return operations.Begin(request, gallery.Group.Subscription.Id, image.Location, image.ResourceId, "deleteGalleryImage", Durations.GalleryImageWrite,
            _ => gallery.Images.Remove(image.Name), LroHeaders.Location, OperationKind.Gallery);
    }

    private static string Required(string? value, string parameter)
        => string.IsNullOrWhiteSpace(value) ? throw ArmErrors.InvalidParameter($"Required parameter '{parameter}' is missing (null).", parameter) : value;

    /// <summary>Copies the properties that may change (description, eula, end of life, recommended, disallowed, purchase plan, features).</summary>
    private static void ApplyMutable(GalleryImageState image, JsonObject p)
    {
        if (p.ContainsKey("description"))
        {
            image.Description = Body.Str(p, "description", "description");
        }

        if (p.ContainsKey("eula"))
        {
            image.Eula = Body.Str(p, "eula", "eula");
        }

        if (p.ContainsKey("endOfLifeDate"))
        {
            image.EndOfLifeDate = Body.Str(p, "endOfLifeDate", "endOfLifeDate");
        }

        if (p.ContainsKey("disallowed"))
        {
            image.Disallowed = Body.Obj(p, "disallowed", "disallowed")?.DeepClone().AsObject();
        }

        if (p.ContainsKey("purchasePlan"))
        {
            image.PurchasePlan = Body.Obj(p, "purchasePlan", "purchasePlan")?.DeepClone().AsObject();
        }

        if (p.ContainsKey("recommended"))
        {
            var recommended = Body.Obj(p, "recommended", "recommended");
            foreach (var key in new[] { "vCPUs", "memory" })
            {
                var range = Body.Obj(recommended, key, $"recommended.{key}");
                var min = Body.Int(range, "min", $"recommended.{key}.min");
                var max = Body.Int(range, "max", $"recommended.{key}.max");
                if (min is < 0 || max is < 0 || (min is { } lo && max is { } hi && lo > hi))
                {
                    throw ArmErrors.InvalidParameter($"The range recommended.{key} is invalid: min must be 0 or more and not greater than max.", $"recommended.{key}");
                }
            }

            image.Recommended = recommended?.DeepClone().AsObject();
        }

        if (p.ContainsKey("features"))
        {
            image.Features = ReadFeatures(p);
        }
    }

    private static List<KeyValuePair<string, string>> ReadFeatures(JsonObject p)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var item in Body.Arr(p, "features", "features") ?? new JsonArray())
        {
            var name = Body.Str(item, "name", "features[].name") ?? throw ArmErrors.InvalidParameter("Every feature needs a 'name'.", "features");
            var value = Body.Str(item, "value", "features[].value") ?? "";
            if (string.Equals(name, "SecurityType", StringComparison.OrdinalIgnoreCase))
            {
                name = "SecurityType";
                value = Body.Enum(value, WorldLoader.GallerySecurityTypes, "features.SecurityType");
            }

            if (list.Any(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw ArmErrors.InvalidParameter($"The feature '{name}' is given more than once.", "features");
            }

            list.Add(new KeyValuePair<string, string>(name, value));
        }

        return list;
    }

    private static void ValidateSecurity(GalleryImageState image)
    {
        if (image.SecurityType is { } security && image.HyperVGeneration == "V1")
        {
            throw ArmErrors.InvalidParameter(
                $"The feature SecurityType '{security}' requires hyperVGeneration 'V2'; this image definition is 'V1'.", "features");
        }
    }

    private static void RejectImmutableChanges(GalleryImageState existing, string osType, string osState, string generation, string publisher,
        string offer, string sku, string architecture, string? securityType, bool securityGiven)
    {
        void Check(string property, string before, string after)
        {
            if (!string.Equals(before, after, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArmException(409, "PropertyChangeNotAllowed", $"Changing property '{property}' is not allowed.", property);
            }
        }

        Check("osType", existing.OsType, osType);
        Check("osState", existing.OsState, osState);
        Check("hyperVGeneration", existing.HyperVGeneration, generation);
        Check("identifier.publisher", existing.Publisher, publisher);
        Check("identifier.offer", existing.Offer, offer);
        Check("identifier.sku", existing.Sku, sku);
        Check("architecture", existing.Architecture, architecture);
        if (securityGiven)
        {
            Check("features.SecurityType", existing.SecurityType ?? "Standard", securityType ?? "Standard");
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")]
    private static partial Regex ImageName();
}
