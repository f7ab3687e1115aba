using System;
using System.Collections.Generic;
using GenImage.Core.Validation;

namespace GenImage.Core.Gallery;

/// <summary>
/// The marketplace base of an image version, recorded on the version as tags at publish:
/// <c>genimage.base.publisher</c>, <c>genimage.base.offer</c>, <c>genimage.base.sku</c> and <c>genimage.base.version</c>
/// (the source VM's <c>imageReference</c>, its <c>exactVersion</c> when the VM asked for "latest"). A version made from a
/// gallery image, a managed image or a VM of a custom image carries none: it has no marketplace base of its own.
/// </summary>
public static class BaseImageTags
{
    public const string Prefix = "genimage.base.";
    public const string Publisher = Prefix + "publisher";
    public const string Offer = Prefix + "offer";
    public const string Sku = Prefix + "sku";
    public const string Version = Prefix + "version";

    /// <summary>Writes the base's tags unless the tags already name a base or no room is left (Azure allows 50 tags).</summary>
    /// <returns>True when the tags were written.</returns>
    public static bool Write(IDictionary<string, string> tags, MarketplaceImage? image)
    {
        if (tags == null)
        {
            throw new ArgumentNullException(nameof(tags));
        }

        if (image == null || tags.ContainsKey(Publisher))
        {
            return false;
        }

        var needed = image.Version == null ? 3 : 4;
        if (tags.Count + needed > ValidationTags.MaxTagsPerResource)
        {
            return false;
        }

        tags[Publisher] = Clip(image.Publisher);
        tags[Offer] = Clip(image.Offer);
        tags[Sku] = Clip(image.Sku);
        if (image.Version != null)
        {
            tags[Version] = Clip(image.Version);
        }

        return true;
    }

    /// <summary>The base the tags record; null when they name none (publisher, offer and sku are all needed).</summary>
    public static MarketplaceImage? Parse(IDictionary<string, string>? tags)
    {
        if (tags == null ||
            !tags.TryGetValue(Publisher, out var publisher) || string.IsNullOrWhiteSpace(publisher) ||
            !tags.TryGetValue(Offer, out var offer) || string.IsNullOrWhiteSpace(offer) ||
            !tags.TryGetValue(Sku, out var sku) || string.IsNullOrWhiteSpace(sku))
        {
            return null;
        }

        tags.TryGetValue(Version, out var version);
        return new MarketplaceImage
        {
            Publisher = publisher.Trim(),
            Offer = offer.Trim(),
            Sku = sku.Trim(),
            Version = string.IsNullOrWhiteSpace(version) ? null : version.Trim(),
        };
    }

    private static string Clip(string value) =>
        value.Length <= ValidationTags.MaxValueLength ? value : value.Substring(0, ValidationTags.MaxValueLength);
}
