namespace GenImage.Emulator.Resources.VirtualMachines.GuestScripts;

/// <summary>A guest that shuts itself down: the VM ends up stopped but still allocated (PowerState/stopped).</summary>
internal static class GuestShutdown
{
    public static void Schedule(GuestScriptContext context, double azureSeconds)
    {
        var vm = context.Vm;
        var due = context.Store.Clock.After(azureSeconds, context.Now);
        context.Store.Scheduler.At(due, () =>
        {
            // Only a guest that is still running can shut itself down; an ARM power operation in between wins.
            if (vm.PowerState == "running" && vm.PendingPowerOperation is null)
            {
                vm.SetPowerState("stopped", due);
            }
        });
    }
}
