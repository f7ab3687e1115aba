using System;
using System.Linq;

namespace GenImage.Core.Fleet;

/// <summary>What an image reference names, read from its resource id.</summary>
public enum ImageReferenceKind : long
{
    Unknown,
    GalleryDefinition,
    GalleryVersion,
    ManagedImage,
}

/// <summary>Reads resource ids of the fleet view (case-insensitive, as ARM compares them).</summary>
public static class FleetIds
{
    /// <summary>Tags GenImage reads on versions and validation resources.</summary>
    public const string ValidationTag = Validation.DeploymentValidator.TagName;
    public const string ValidationImageTag = "genimage-image";

    /// <summary>Validation VMs are named giv-{8 hex digits}; their disk and NIC add -osdisk and -nic.</summary>
    public const string ValidationPrefix = Validation.DeploymentValidator.NamePrefix;

    /// <summary>An id in a canonical form for comparisons: trimmed, no trailing slash, lower case.</summary>
    public static string Key(string? id) => (id ?? string.Empty).Trim().TrimEnd('/').ToLowerInvariant();

    public static bool Same(string? a, string? b) => a != null && b != null && Key(a) == Key(b);

    /// <summary>The last segment of an id.</summary>
    public static string NameOf(string id) => id.Trim().TrimEnd('/').Split('/').Last();

    /// <summary>The resource group of an id, or "".</summary>
    public static string ResourceGroupOf(string id)
    {
        var parts = id.Trim().Trim('/').Split('/');
        for (var i = 0; i + 1 < parts.Length; i++)
        {
            if (parts[i].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase))
            {
                return parts[i + 1];
            }
        }
        return string.Empty;
    }

    /// <summary>What an image reference id names.</summary>
    public static ImageReferenceKind KindOf(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return ImageReferenceKind.Unknown;
        }

        var p = id!.Trim().Trim('/').Split('/');
        bool Is(int i, string literal) => p.Length > i && p[i].Equals(literal, StringComparison.OrdinalIgnoreCase);
        if (p.Length < 8 || !Is(0, "subscriptions") || !Is(2, "resourceGroups") || !Is(4, "providers") || !Is(5, "Microsoft.Compute"))
        {
            return ImageReferenceKind.Unknown;
        }

        if (p.Length == 8 && Is(6, "images"))
        {
            return ImageReferenceKind.ManagedImage;
        }

        if (Is(6, "galleries") && Is(8, "images"))
        {
            if (p.Length == 10)
            {
                return ImageReferenceKind.GalleryDefinition;
            }

            if (p.Length == 12 && Is(10, "versions"))
            {
                // A reference to version "latest" is a reference to the definition.
                return p[11].Equals("latest", StringComparison.OrdinalIgnoreCase) ? ImageReferenceKind.GalleryDefinition : ImageReferenceKind.GalleryVersion;
            }
        }
        return ImageReferenceKind.Unknown;
    }

    /// <summary>The definition id of a definition or version id (a "/versions/latest" reference included); null otherwise.</summary>
    public static string? DefinitionOf(string? id)
    {
        switch (KindOf(id))
        {
            case ImageReferenceKind.GalleryDefinition:
                var p = id!.Trim().Trim('/').Split('/');
                return "/" + string.Join("/", p.Take(10));
            case ImageReferenceKind.GalleryVersion:
                var v = id!.Trim().Trim('/').Split('/');
                return "/" + string.Join("/", v.Take(10));
            default:
                return null;
        }
    }

    /// <summary>True for the id of a virtual machine.</summary>
    public static bool IsVm(string? id) => Gallery.GalleryIds.KindOf(id) == Gallery.SourceKind.VirtualMachine;

    /// <summary>The version name of a version id; null otherwise.</summary>
    public static string? VersionOf(string? id) => KindOf(id) == ImageReferenceKind.GalleryVersion ? NameOf(id!) : null;
}
