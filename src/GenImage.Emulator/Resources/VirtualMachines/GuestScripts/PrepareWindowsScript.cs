using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GenImage.Emulator.Providers.Compute;

namespace GenImage.Emulator.Resources.VirtualMachines.GuestScripts;

/// <summary>
/// <c>prepare-windows</c>: checks Sysprep blockers, runs Sysprep (/oobe /generalize /quit /mode:vm) and schedules a
/// shutdown. With blockers, Sysprep fails and nothing changes.
/// </summary>
internal sealed class PrepareWindowsScript : IGuestScript
{
    public string Name => "prepare-windows";
    public string OsType => "Windows";
    public double AzureSeconds => Durations.PrepareWindows;

    public GuestScriptOutput Run(GuestScriptContext context)
    {
        var vm = context.Vm;
        var guest = vm.Guest;
        var output = new StringBuilder();
        output.AppendLine(CultureInfo.InvariantCulture, $"genimage {Name}/{context.Version} on {vm.ComputerName} ({vm.OsName}, {vm.OsVersion})");
        output.AppendLine(CultureInfo.InvariantCulture, $"Checking Sysprep blockers: {(guest.SysprepBlockers.Count == 0 ? "none found." : $"{guest.SysprepBlockers.Count} found.")}");
        foreach (var blocker in guest.SysprepBlockers)
        {
            output.AppendLine(CultureInfo.InvariantCulture, $"  {blocker}");
        }

        output.AppendLine(@"Running C:\Windows\System32\Sysprep\sysprep.exe /oobe /generalize /quiet /quit /mode:vm");
        if (guest.SysprepBlockers.Count > 0)
        {
            var message = "Sysprep was not able to validate your Windows installation: " + SysprepBlockers.Describe(guest.SysprepBlockers[0])
                + @" Review C:\Windows\System32\Sysprep\Panther\setupact.log for details.";
            output.AppendLine(@"sysprep.exe exited with code 1; see C:\Windows\System32\Sysprep\Panther\setuperr.log");
            output.AppendLine("ImageState: IMAGE_STATE_COMPLETE");
            var blockers = new JsonArray();
            foreach (var b in guest.SysprepBlockers)
            {
                blockers.Add(b);
            }

            output.Append(ResultLine.Build(new JsonObject
            {
                ["script"] = Name,
                ["status"] = "failed",
                ["message"] = message,
                ["imageState"] = "IMAGE_STATE_COMPLETE",
                ["blockers"] = blockers,
            }));
            return new GuestScriptOutput(output.ToString(), "", "failed");
        }

        output.AppendLine("ImageState: IMAGE_STATE_UNDEPLOYABLE");
        output.AppendLine("ImageState: IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE");
        output.AppendLine("Shutdown scheduled so that Run Command can return first.");
        output.Append(ResultLine.Build(new JsonObject
        {
            ["script"] = Name,
            ["status"] = "succeeded",
            ["message"] = "Sysprep reached IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE; shutting down.",
            ["imageState"] = "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE",
        }));
        guest.Prepared = true;
        GuestShutdown.Schedule(context, Durations.GuestShutdownAfterPrepare);
        return new GuestScriptOutput(output.ToString(), "", "succeeded");
    }
}
