using GenImage.Emulator.Persistence;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Galleries;

/// <summary>
/// Galleries, image definitions and image versions at save. A version that is still replicating is saved as its
/// replication would end: each region that was going to complete is saved Completed, each that was going to fail is
/// saved Failed, both as of the moment of the save (no operation survives a restart, so nothing could be waiting for
/// the rest of the copy); an update in progress is saved done. Resources being created or updated are saved as done;
/// resources being deleted are saved as deleted.
/// </summary>
internal static class GalleryPersistence
{
    public static void Settle(ResourceGroupState saved, DateTimeOffset now)
    {
        SectionSupport.RemoveWhere(saved.Galleries, g => g.Deleting || SectionSupport.IsBeingDeleted(g, now));
        foreach (var gallery in saved.Galleries.All)
        {
            gallery.BusyUntil = SectionSupport.Settled(gallery.BusyUntil, now);
            SectionSupport.RemoveWhere(gallery.Images, i => i.Deleting || SectionSupport.IsBeingDeleted(i, now));
            foreach (var image in gallery.Images.All)
            {
                image.BusyUntil = SectionSupport.Settled(image.BusyUntil, now);
                SectionSupport.RemoveWhere(image.Versions, v => v.Deleting);
                foreach (var version in image.Versions.All)
                {
                    version.UpdatingUntil = SectionSupport.Settled(version.UpdatingUntil, now);
                    foreach (var region in version.Regions)
                    {
                        region.Due = SectionSupport.Settled(region.Due, now);
                        region.Start = region.Start < region.Due ? region.Start : region.Due;
                    }
                }
            }
        }
    }
}
