using GenImage.Emulator.Persistence;
using GenImage.Emulator.Resources.VirtualMachines;

namespace GenImage.Emulator.Resources.RunCommands;

/// <summary>
/// Managed run commands at save. An execution still running is saved Canceled (its effect never happens, as with a Run
/// Command in progress); one that a power action preempted is saved Failed; one being deleted is saved as deleted.
/// </summary>
internal static class RunCommandPersistence
{
    public const string CanceledByRestart = "The execution was canceled: the emulator stopped before it completed.";

    public static void Settle(VirtualMachineState saved, VirtualMachineState live, DateTimeOffset now)
    {
        SectionSupport.RemoveWhere(saved.RunCommands, rc => rc.ProvisioningState == "Deleting");
        foreach (var rc in saved.RunCommands.All)
        {
            if (rc.ExecutionState is not ("Running" or "Pending"))
            {
                continue;
            }

            if (live.RunCommands.Get(rc.Name)?.Execution is { Status: "Failed" } failed)
            {
                rc.ExecutionState = "Failed";
                rc.ExecutionMessage = failed.ErrorMessage;
                rc.Error = failed.ErrorMessage ?? "";
                rc.EndTime = failed.EndTime;
                rc.ProvisioningState = "Failed";
                continue;
            }

            rc.ExecutionState = "Canceled";
            rc.ExecutionMessage = CanceledByRestart;
            rc.EndTime = now;
            rc.ProvisioningState = rc.TreatFailureAsDeploymentFailure ? "Failed" : "Succeeded";
        }
    }
}
