using GenImage.Emulator.State;
using GenImage.Emulator.World;

namespace GenImage.Emulator.Resources.Galleries;

/// <summary>Creates the galleries and image definitions a world file declares (already provisioned).</summary>
internal static class GalleryLoader
{
    public static void AddGalleries(ResourceGroupState rg, IEnumerable<GalleryDefinition> galleries, DateTimeOffset now)
    {
        foreach (var def in galleries)
        {
            var location = def.Location ?? rg.Location;
            var gallery = new GalleryState(rg, def.Name, location) { Description = def.Description };
            gallery.MarkBusy("Creating", now);
            foreach (var imageDef in def.Images)
            {
                var image = new GalleryImageState(gallery, imageDef.Name, location)
                {
                    OsType = imageDef.OsType,
                    OsState = imageDef.OsState,
                    HyperVGeneration = imageDef.HyperVGeneration,
                    Publisher = imageDef.Publisher,
                    Offer = imageDef.Offer,
                    Sku = imageDef.Sku,
                    Architecture = imageDef.Architecture,
                    Description = imageDef.Description,
                    PurchasePlan = imageDef.PurchasePlan is { } plan
                        ? new System.Text.Json.Nodes.JsonObject { ["name"] = plan.Name, ["publisher"] = plan.Publisher, ["product"] = plan.Product }
                        : null,
                };
                if (imageDef.SecurityType is { } security)
                {
                    image.Features.Add(new KeyValuePair<string, string>("SecurityType", security));
                }

                image.MarkBusy("Creating", now);
                gallery.Images.Add(image.Name, image);
            }

            rg.Galleries.Add(gallery.Name, gallery);
        }
    }
}
