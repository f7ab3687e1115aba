using GenImage.Emulator.Persistence;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Disks;

/// <summary>
/// Managed disks at save: a disk being deleted is saved deleted; the OS disk of a VM being deleted is saved as that
/// deletion leaves it (deleted with <c>deleteOption</c> Delete, otherwise unattached, keeping the VM's guest).
/// </summary>
internal static class DiskPersistence
{
    public static void Settle(ResourceGroupState saved, ResourceGroupState live)
    {
        SectionSupport.RemoveWhere(saved.Disks, d => d.Deleting);
        foreach (var disk in saved.Disks.All.ToList())
        {
            if (disk.ManagedBy is not { } managedBy
                || live.VirtualMachines.All.FirstOrDefault(vm => string.Equals(vm.ResourceId, managedBy, StringComparison.OrdinalIgnoreCase))
                    is not { Lifecycle: "Deleting" } deleting)
            {
                continue;
            }

            if (deleting.OsDiskDeleteOption == "Delete")
            {
                saved.Disks.Remove(disk.Name);
                continue;
            }

            disk.ManagedBy = null;
            disk.DetachedGuest = ImageLineage.FromVm(deleting);
        }
    }
}
