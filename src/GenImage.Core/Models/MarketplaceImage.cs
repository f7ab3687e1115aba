using System;

namespace GenImage;

/// <summary>
/// A marketplace (platform) image: publisher, offer, sku and the exact version a VM was created from
/// (<c>storageProfile.imageReference</c>, its <c>exactVersion</c> when the VM asked for "latest").
/// </summary>
public sealed class MarketplaceImage
{
    public string Publisher { get; set; } = string.Empty;
    public string Offer { get; set; } = string.Empty;
    public string Sku { get; set; } = string.Empty;
    /// <summary>The exact version (e.g. 22.04.202411010); null when it is not known (a VM on "latest" without exactVersion).</summary>
    public string? Version { get; set; }

    /// <summary>"publisher/offer/sku" (without the version).</summary>
    public string Image => $"{Publisher}/{Offer}/{Sku}";

    /// <summary>"publisher/offer/sku/version", the version "unknown" when not known.</summary>
    public override string ToString() => $"{Image}/{Version ?? "unknown"}";

    internal bool SameImage(MarketplaceImage other) =>
        string.Equals(Publisher, other.Publisher, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(Offer, other.Offer, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(Sku, other.Sku, StringComparison.OrdinalIgnoreCase);
}
