using GenImage.Emulator.Arm;
using GenImage.Emulator.Resources.Galleries;
using GenImage.Emulator.Resources.Images;
using GenImage.Emulator.Resources.VirtualMachines;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Providers.Compute;

/// <summary>What a resource id names, among the things an image or a VM can be made from.</summary>
internal abstract record ImageSource(string Id)
{
    public sealed record Vm(string Id, VirtualMachineState State) : ImageSource(Id);
    public sealed record ManagedImage(string Id, ManagedImageState State) : ImageSource(Id);
    public sealed record Version(string Id, GalleryImageVersionState State) : ImageSource(Id);
    public sealed record Definition(string Id, GalleryImageState State) : ImageSource(Id);
    public sealed record Missing(string Id, string Kind) : ImageSource(Id);
}

/// <summary>Resolves resource ids of VMs, managed images, gallery images and versions (under the world lock).</summary>
internal static class ImageSources
{
    /// <summary>Resolves <paramref name="id"/>; null when it is not an id of one of those types at all.</summary>
    public static ImageSource? Resolve(WorldStore store, string id)
    {
        var s = id.Trim().Trim('/').Split('/');
        bool Is(int i, string literal) => s.Length > i && string.Equals(s[i], literal, StringComparison.OrdinalIgnoreCase);
        if (s.Length < 8 || !Is(0, "subscriptions") || !Is(2, "resourceGroups") || !Is(4, "providers") || !Is(5, "Microsoft.Compute"))
        {
            return null;
        }

        var rg = store.FindSubscription(s[1])?.ResourceGroups.Get(s[3]);
        if (s.Length == 8 && Is(6, "virtualMachines"))
        {
            return rg?.VirtualMachines.Get(s[7]) is { } vm ? new ImageSource.Vm(vm.ResourceId, vm) : new ImageSource.Missing(id, "virtual machine");
        }

        if (s.Length == 8 && Is(6, "images"))
        {
            return rg?.Images.Get(s[7]) is { } image ? new ImageSource.ManagedImage(image.ResourceId, image) : new ImageSource.Missing(id, "image");
        }

        if (Is(6, "galleries") && Is(8, "images"))
        {
            var definition = rg?.Galleries.Get(s[7])?.Images.Get(s.Length > 9 ? s[9] : "");
            if (s.Length == 10)
            {
                return definition is not null ? new ImageSource.Definition(definition.ResourceId, definition) : new ImageSource.Missing(id, "gallery image");
            }

            if (s.Length == 12 && Is(10, "versions"))
            {
                return definition?.Versions.Get(s[11]) is { } version && !version.Deleting
                    ? new ImageSource.Version(version.ResourceId, version)
                    : new ImageSource.Missing(id, "gallery image version");
            }
        }

        return null;
    }

    /// <summary>
    /// "latest": the highest version of <paramref name="image"/> that is not excluded from latest (version-wide or in
    /// <paramref name="region"/>), has provisioningState Succeeded and has completed replication to the region.
    /// </summary>
    public static GalleryImageVersionState? Latest(GalleryImageState image, string region, DateTimeOffset now)
        => image.Versions.All
            .Where(v => !v.Deleting && !v.ExcludeFromLatest && v.ProvisioningStateAt(now) == "Succeeded")
            .Where(v => v.Region(region) is { } r && !r.ExcludeFromLatest && r.StateAt(now) == "Completed")
            .OrderByDescending(v => v.Number)
            .FirstOrDefault();

    /// <summary>Parses Major.Minor.Patch with three 32-bit integers, or returns null.</summary>
    public static (int, int, int)? ParseVersion(string name)
    {
        var parts = name.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        var numbers = new int[3];
        for (var i = 0; i < 3; i++)
        {
            if (parts[i].Length == 0 || !parts[i].All(char.IsAsciiDigit)
                || !int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return (numbers[0], numbers[1], numbers[2]);
    }

    public static ArmException NotFound(string id, string target) => ArmErrors.InvalidParameter(
        $"The resource with id '{id}' could not be found. Check that it exists and that the id is spelled correctly.", target);
}
