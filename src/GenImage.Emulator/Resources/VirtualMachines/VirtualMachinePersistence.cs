using GenImage.Emulator.Persistence;
using GenImage.Emulator.Resources.RunCommands;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.VirtualMachines;

/// <summary>
/// Virtual machines at save. A VM saved during a power operation is saved as that operation would leave it
/// (deallocating → deallocated, stopping → stopped, starting → running); a VM being created is saved as its creation
/// would end (running and Succeeded, or Failed with its provisioning error); a VM being deleted is saved as deleted; a
/// Run Command in progress is dropped (its effect never happens). Its managed run commands follow
/// <see cref="RunCommandPersistence"/>.
/// </summary>
internal static class VirtualMachinePersistence
{
    public static void Settle(ResourceGroupState saved, ResourceGroupState live, DateTimeOffset now)
    {
        SectionSupport.RemoveWhere(saved.VirtualMachines, vm => vm.Lifecycle == "Deleting");
        foreach (var vm in saved.VirtualMachines.All)
        {
            var liveVm = live.VirtualMachines.Get(vm.Name)!;
            if (vm.Lifecycle == "Creating" || liveVm.PendingPowerOperation is not null)
            {
                vm.StatusTime = now;
            }

            vm.PowerState = vm.PowerState switch
            {
                "deallocating" => "deallocated",
                "stopping" => "stopped",
                "starting" => "running",
                var p => p,
            };
            if (vm.Lifecycle == "Creating")
            {
                SettleCreation(vm, now);
            }

            RunCommandPersistence.Settle(vm, liveVm, now);
        }
    }

    private static void SettleCreation(VirtualMachineState vm, DateTimeOffset now)
    {
        vm.BootCompletedAt ??= now;
        if (BootFailures.Find(vm.Lineage?.Failure) is { } failure)
        {
            vm.Lifecycle = "Failed";
            vm.ProvisioningError = new(failure.ArmCode, failure.Message(vm));
            return;
        }

        vm.Lifecycle = null;
        vm.AgentReadyAt = now;
        vm.AgentReadyAzureSeconds = (vm.BootAzureSeconds ?? 0) + Providers.Compute.Durations.AgentReadyAfterBoot;
    }
}
