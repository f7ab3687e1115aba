using System;
using System.Linq;
using Azure.Core;
using GenImage.Core.Errors;

namespace GenImage.Core.Gallery;

/// <summary>What a source id points at.</summary>
public enum SourceKind : long
{
    Unknown,
    VirtualMachine,
    ManagedImage,
    GalleryImageVersion,
}

/// <summary>The parts of a gallery image version id.</summary>
public sealed class VersionAddress
{
    public VersionAddress(string subscriptionId, string resourceGroupName, string galleryName, string definitionName, string versionName)
    {
        SubscriptionId = subscriptionId;
        ResourceGroupName = resourceGroupName;
        GalleryName = galleryName;
        DefinitionName = definitionName;
        VersionName = versionName;
    }

    public string SubscriptionId { get; }
    public string ResourceGroupName { get; }
    public string GalleryName { get; }
    public string DefinitionName { get; }
    public string VersionName { get; }
    public string Id => GalleryIds.Version(SubscriptionId, ResourceGroupName, GalleryName, DefinitionName, VersionName);
    public string DefinitionId => GalleryIds.Definition(SubscriptionId, ResourceGroupName, GalleryName, DefinitionName);
}

/// <summary>Builds and parses gallery, definition, version and managed image ids.</summary>
public static class GalleryIds
{
    public const string GalleryType = "Microsoft.Compute/galleries";
    public const string DefinitionType = "Microsoft.Compute/galleries/images";
    public const string VersionType = "Microsoft.Compute/galleries/images/versions";
    public const string ManagedImageType = "Microsoft.Compute/images";

    public static string Gallery(string subscriptionId, string resourceGroup, string gallery) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/galleries/{gallery}";

    public static string Definition(string subscriptionId, string resourceGroup, string gallery, string definition) =>
        Gallery(subscriptionId, resourceGroup, gallery) + "/images/" + definition;

    public static string Version(string subscriptionId, string resourceGroup, string gallery, string definition, string version) =>
        Definition(subscriptionId, resourceGroup, gallery, definition) + "/versions/" + version;

    public static string ManagedImage(string subscriptionId, string resourceGroup, string name) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/images/{name}";

    /// <summary>The kind of resource an id names; Unknown for anything else (read from the path, as ARM routes it).</summary>
    public static SourceKind KindOf(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return SourceKind.Unknown;
        }

        var parts = id!.Trim().Trim('/').Split('/');
        // subscriptions/S/resourceGroups/G/providers/Microsoft.Compute/TYPE/NAME[/images/D/versions/V]
        if (parts.Length < 8 ||
            !parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) ||
            !parts[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase) ||
            !parts[4].Equals("providers", StringComparison.OrdinalIgnoreCase) ||
            !parts[5].Equals("Microsoft.Compute", StringComparison.OrdinalIgnoreCase) ||
            parts.Any(p => p.Length == 0))
        {
            return SourceKind.Unknown;
        }
        var type = parts[6];
        if (parts.Length == 8 && type.Equals("virtualMachines", StringComparison.OrdinalIgnoreCase))
        {
            return SourceKind.VirtualMachine;
        }

        if (parts.Length == 8 && type.Equals("images", StringComparison.OrdinalIgnoreCase))
        {
            return SourceKind.ManagedImage;
        }

        if (parts.Length == 12 && type.Equals("galleries", StringComparison.OrdinalIgnoreCase) &&
            parts[8].Equals("images", StringComparison.OrdinalIgnoreCase) &&
            parts[10].Equals("versions", StringComparison.OrdinalIgnoreCase))
        {
            return SourceKind.GalleryImageVersion;
        }

        return SourceKind.Unknown;
    }

    /// <summary>Checks that <paramref name="id"/> names a gallery image version or a managed image (InvalidResourceId otherwise).</summary>
    public static string RequireImage(string id)
    {
        var kind = KindOf(id);
        if (kind == SourceKind.GalleryImageVersion)
        {
            ParseVersion(id);
            return id;
        }
        if (kind == SourceKind.ManagedImage && TryParse(id, out _))
        {
            return id;
        }

        throw new GenImageException(ErrorIds.InvalidResourceId, GenImageErrorKind.InvalidArgument,
            $"'{id}' is not a gallery image version or managed image id. Expected " +
            "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/galleries/{gallery}/images/{definition}/versions/{version} " +
            "or /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/images/{name}.")
        { Target = id };
    }

    /// <summary>Parses a gallery image version id; a wrong id gets an InvalidResourceId error naming the expected form.</summary>
    public static VersionAddress ParseVersion(string id)
    {
        if (!TryParse(id, out var parsed) ||
            !string.Equals(parsed!.ResourceType.ToString(), VersionType, StringComparison.OrdinalIgnoreCase) ||
            parsed.SubscriptionId == null || parsed.ResourceGroupName == null || parsed.Parent?.Parent is null)
        {
            throw new GenImageException(ErrorIds.InvalidResourceId, GenImageErrorKind.InvalidArgument,
                $"'{id}' is not a gallery image version id. Expected " +
                "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/galleries/{gallery}/images/{definition}/versions/{version}.")
            { Target = id };
        }
        var definition = parsed.Parent;
        var gallery = definition.Parent!;
        return new VersionAddress(parsed.SubscriptionId, parsed.ResourceGroupName, gallery.Name, definition.Name, parsed.Name);
    }

    internal static bool TryParse(string? id, out ResourceIdentifier? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        try
        {
            var candidate = new ResourceIdentifier(id!);
            _ = candidate.ResourceType; // forces parsing
            parsed = candidate;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
