using System.Text.RegularExpressions;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Providers;
using GenImage.Emulator.Providers.Compute;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Galleries;

/// <summary>Microsoft.Compute/galleries (2022-03-03): create or update, get, list, update, delete.</summary>
internal sealed partial class GalleriesProvider(WorldStore store, OperationStore operations) : IResourceProvider
{
    private const string Type = GalleryJson.GalleryType;
    private const string ByGroup = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries";
    private const string Item = ByGroup + "/{galleryName}";

    public void Register(RouteTable routes)
    {
        var v = ApiVersions.Gallery;
        routes.Add("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/galleries", Type, v, ListBySubscription);
        routes.Add("GET", ByGroup, Type, v, ListByGroup);
        routes.Add("GET", Item, Type, v, Get);
        routes.Add("PUT", Item, Type, v, Put);
        routes.Add("PATCH", Item, Type, v, Patch);
        routes.Add("DELETE", Item, Type, v, Delete);
    }

    private DateTimeOffset Now => store.Clock.Now;

    /// <summary>Finds a gallery or throws ARM's 404.</summary>
    public static GalleryState Find(WorldStore store, string subscriptionId, string resourceGroup, string name)
    {
        var rg = Lookup.ResourceGroup(store, subscriptionId, resourceGroup);
        return rg.Galleries.Get(name) is { Deleting: false } g ? g : throw ArmErrors.ResourceNotFound(Type, name, rg.Name);
    }

    /// <summary>Finds a gallery as the parent of a nested resource, or throws ARM's 404 <c>ParentResourceNotFound</c>.</summary>
    public static GalleryState FindParent(WorldStore store, string subscriptionId, string resourceGroup, string name)
    {
        var rg = Lookup.ResourceGroup(store, subscriptionId, resourceGroup);
        return rg.Galleries.Get(name) is { Deleting: false } g ? g : throw ArmErrors.ParentResourceNotFound(name);
    }

    private ArmResult ListBySubscription(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        return Paging.Page(request, sub.ResourceGroups.All.SelectMany(rg => rg.Galleries.All), g => GalleryJson.Gallery(g, Now), Paging.GalleryPageSize);
    }

    private ArmResult ListByGroup(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        return Paging.Page(request, rg.Galleries.All, g => GalleryJson.Gallery(g, Now), Paging.GalleryPageSize);
    }

    private ArmResult Get(ArmRequest request)
        => ArmResult.Ok(GalleryJson.Gallery(Find(store, request["subscriptionId"], request["resourceGroupName"], request["galleryName"]), Now));

    private ArmResult Put(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var name = request["galleryName"];
        var body = Body.Object(request, "gallery");
        var location = Body.Location(body);
        var properties = Body.Obj(body, "properties", "properties");
        var description = Body.Str(properties, "description", "properties.description");
        var tags = Body.Tags(body);
        if (!GalleryName().IsMatch(name))
        {
            throw ArmErrors.InvalidParameter(
                $"The gallery name '{name}' is invalid. The gallery name must be 1-80 alphanumeric characters, with underscores and periods allowed in the middle.", "galleryName");
        }

        var existing = rg.Galleries.Get(name);
        if (existing is { Deleting: true })
        {
            throw ArmErrors.Conflict($"The gallery '{name}' is being deleted. Retry after the deletion completes.");
        }

        int status;
        GalleryState gallery;
        if (existing is not null)
        {
            Body.RequireSameLocation(existing.Location, location, name, rg.Name);
            gallery = existing;
            gallery.Description = description;
            gallery.Tags = tags ?? gallery.Tags;
            status = 200;
            gallery.MarkBusy("Updating", store.Clock.After(Durations.GalleryWrite));
        }
        else
        {
            gallery = new GalleryState(rg, name, location) { Description = description, Tags = tags ?? new(StringComparer.Ordinal) };
            gallery.MarkBusy("Creating", store.Clock.After(Durations.GalleryWrite));
            rg.Galleries.Add(name, gallery);
            status = 201;
        }

        return Lro(request, status, gallery, Durations.GalleryWrite, status == 201 ? "createGallery" : "updateGallery");
    }

    private ArmResult Patch(ArmRequest request)
    {
        var gallery = Find(store, request["subscriptionId"], request["resourceGroupName"], request["galleryName"]);
        var body = Body.Object(request, "gallery");
        var properties = Body.Obj(body, "properties", "properties");
        if (properties?.ContainsKey("description") == true)
        {
            gallery.Description = Body.Str(properties, "description", "properties.description");
        }

        gallery.Tags = Body.Tags(body) ?? gallery.Tags;
        gallery.MarkBusy("Updating", store.Clock.After(Durations.GalleryWrite));
        return Lro(request, 200, gallery, Durations.GalleryWrite, "updateGallery");
    }

    private ArmResult Lro(ArmRequest request, int status, GalleryState gallery, double seconds, string name)
    {
        var op = operations.Start(request, gallery.Group.Subscription.Id, gallery.Location, gallery.ResourceId, name, seconds, _ => { }, OperationKind.Gallery);
        var result = new ArmResult(status, GalleryJson.Gallery(gallery, Now));
        operations.AddPollingHeaders(result, request, op, LroHeaders.AsyncOperationOnly);
        return result;
    }

    private ArmResult Delete(ArmRequest request)
    {
        var rg = Lookup.ResourceGroup(store, request["subscriptionId"], request["resourceGroupName"]);
        var gallery = rg.Galleries.Get(request["galleryName"]);
        if (gallery is null)
        {
            return ArmResult.NoContent();
        }

        if (gallery.Images.Count > 0)
        {
            throw NestedResources(gallery.Images.All.Select(i => $"Microsoft.Compute/galleries/{gallery.Name}/images/{i.Name}"));
        }

        gallery.Deleting = true;
        return operations.Begin(request, rg.Subscription.Id, gallery.Location, gallery.ResourceId, "deleteGallery", Durations.GalleryWrite,
            _ => rg.Galleries.Remove(gallery.Name), LroHeaders.Location, OperationKind.Gallery);
    }

    /// <summary>ARM's refusal to delete a parent that still has children (wording as seen from Azure in 2024).</summary>
    public static ArmException NestedResources(IEnumerable<string> nestedIds) => new(409, "CannotDeleteResource",
        $"Cannot delete resource while nested resources exist. Some existing nested resource IDs include: '{string.Join("', '", nestedIds.Take(3))}'. Please delete all nested resources before deleting this resource.");

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.]{0,78}[A-Za-z0-9_]$|^[A-Za-z0-9_]$")]
    private static partial Regex GalleryName();
}
