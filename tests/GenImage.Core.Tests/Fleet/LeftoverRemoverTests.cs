using GenImage.Core.Fleet;
using static GenImage.Core.Tests.Fleet.FakeFleetOperations;

namespace GenImage.Core.Tests.Fleet;

public sealed class LeftoverRemoverTests
{
    private readonly FakeFleetOperations _fleet = new();

    private async Task<IReadOnlyList<ImageLeftover>> MarkAsync() =>
        (await new ImageInventory(_fleet).BuildAsync(new InventoryOptions { IncludeLeftovers = true, Now = Now }, default)).Leftovers.ToList();

    [Fact]
    public async Task A_validation_vm_goes_with_its_detached_disk_and_nic()
    {
        var vm = _fleet.AddVm("rg-images", "giv-1a2b3c4d", 12, validation: true, nic: "giv-1a2b3c4d-nic");
        _fleet.AddDisk("rg-images", "giv-1a2b3c4d-osdisk", 12, managedBy: vm.Id);
        var leftover = (await MarkAsync()).Single();

        // Deleting the VM detaches what it used, as Azure does for a disk and NIC without deleteOption Delete.
        _fleet.Disks.Single().ManagedBy = null;
        _fleet.Disks.Single().DiskState = "Unattached";
        _fleet.Nics.Single().VirtualMachineId = null;
        var (result, error) = await new LeftoverRemover(_fleet).RemoveOneAsync(leftover, default);

        Assert.Null(error);
        Assert.Equal(LeftoverRemover.Removed, result.Status);
        Assert.Equal([vm.Id, DiskId("rg-images", "giv-1a2b3c4d-osdisk"), NicId("rg-images", "giv-1a2b3c4d-nic")], result.Deleted);
        Assert.Equal(result.Deleted, _fleet.Deleted);
    }

    [Fact]
    public async Task What_changed_since_the_inventory_is_skipped_and_not_deleted()
    {
        var d = _fleet.AddDefinition("rg-images", "gal", "web");
        var failed = _fleet.AddVersion(d, "1.0.0", 20, state: "Failed");
        _fleet.AddVm("rg-images", "giv-1a2b3c4d", 12, validation: true);
        _fleet.AddDisk("rg-images", "giv-9e8d7c6b-osdisk", 20);
        _fleet.AddDisk("rg-images", "giv-77777777-osdisk", 20);
        var leftovers = await MarkAsync();
        Assert.Equal(4, leftovers.Count);

        failed.ProvisioningState = "Succeeded";                               // a region was retried
        _fleet.Vms.Single().Tags.Remove("genimage-validation");               // someone adopted the VM
        _fleet.Disks[0].ManagedBy = FakeFleetOperations.VmId("rg-images", "vm-other");   // the disk was attached
        _fleet.Disks.RemoveAt(1);                                             // and the other one deleted
        var results = await new LeftoverRemover(_fleet).RemoveAsync(leftovers, 4, default);

        Assert.All(results, r => Assert.Equal(LeftoverRemover.Skipped, r.Result.Status));
        Assert.Empty(_fleet.Deleted);
        Assert.Equal(
        [
            "It no longer carries the tag genimage-validation=true.",
            "It no longer exists.",
            $"It is attached now to {FakeFleetOperations.VmId("rg-images", "vm-other")}.",
            "Its provisioning state is Succeeded now (a region was retried?).",
        ], results.Select(r => r.Result.Detail));
    }

    [Fact]
    public async Task Deletes_run_in_parallel_within_the_limit_and_a_failure_does_not_stop_the_others()
    {
        for (var i = 0; i < 6; i++)
        {
            _fleet.AddDisk("rg-images", $"giv-0000000{i}-osdisk", 20);
        }

        var leftovers = await MarkAsync();
        _fleet.DeleteRendezvous = 3;
        _fleet.FailDeletes.Add(DiskId("rg-images", "giv-00000002-osdisk"));

        var results = await new LeftoverRemover(_fleet).RemoveAsync(leftovers, 3, default);

        Assert.Equal(3, _fleet.MostConcurrentDeletes);
        Assert.Equal(5, results.Count(r => r.Result.Status == LeftoverRemover.Removed));
        var failed = results.Single(r => r.Result.Status == LeftoverRemover.Failed);
        Assert.Equal("giv-00000002-osdisk", failed.Result.Name);
        Assert.Equal("Conflict", failed.Error!.ArmErrorCode);
        Assert.Equal(leftovers.Select(l => l.Id), results.Select(r => r.Result.Id));
    }
}
