using GenImage.Emulator.Persistence;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Images;

/// <summary>Managed images (Microsoft.Compute/images) at save: an image being created is saved as created; one being deleted as deleted.</summary>
internal static class ManagedImagePersistence
{
    public static void Settle(ResourceGroupState saved, DateTimeOffset now)
    {
        SectionSupport.RemoveWhere(saved.Images, i => SectionSupport.IsBeingDeleted(i, now));
        foreach (var image in saved.Images.All)
        {
            image.BusyUntil = SectionSupport.Settled(image.BusyUntil, now);
        }
    }
}
