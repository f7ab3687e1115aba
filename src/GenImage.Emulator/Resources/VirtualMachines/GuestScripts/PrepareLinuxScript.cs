using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GenImage.Emulator.Providers.Compute;

namespace GenImage.Emulator.Resources.VirtualMachines.GuestScripts;

/// <summary>
/// <c>prepare-linux</c>: <c>waagent -force -deprovision+user</c>, <c>cloud-init clean --logs --seed</c> where cloud-init
/// is present, clears shell history and schedules a shutdown. Removes the leftovers deprovisioning removes.
/// </summary>
internal sealed class PrepareLinuxScript : IGuestScript
{
    private static readonly string[] RemovedLeftovers = ["sshHostKeys", "machineId", "adminHome", "shellHistory", "waagentState"];

    public string Name => "prepare-linux";
    public string OsType => "Linux";
    public double AzureSeconds => Durations.PrepareLinux;

    public GuestScriptOutput Run(GuestScriptContext context)
    {
        var vm = context.Vm;
        var guest = vm.Guest;
        var output = new StringBuilder();
        output.AppendLine(CultureInfo.InvariantCulture, $"genimage {Name}/{context.Version} on {vm.ComputerName} ({vm.OsName})");
        output.AppendLine("WARNING! The waagent service will be stopped.");
        output.AppendLine("WARNING! Cached DHCP leases will be deleted.");
        output.AppendLine("WARNING! root password will be disabled. You will not be able to login as root.");
        output.AppendLine(CultureInfo.InvariantCulture, $"WARNING! {vm.AdminUsername} account and entire home directory will be deleted.");
        output.AppendLine(guest.CloudInit
            ? "cloud-init clean --logs --seed: done"
            : "cloud-init is not installed; skipped.");
        output.AppendLine("Shell history cleared.");
        output.AppendLine("Shutdown scheduled so that Run Command can return first.");
        output.Append(ResultLine.Build(new JsonObject
        {
            ["script"] = Name,
            ["status"] = "succeeded",
            ["message"] = "waagent deprovisioned the guest; shutting down.",
            ["cloudInit"] = guest.CloudInit,
        }));

        guest.Prepared = true;
        guest.Leftovers.RemoveAll(l => RemovedLeftovers.Contains(l, StringComparer.Ordinal) || (guest.CloudInit && l == "cloudInitState"));
        GuestShutdown.Schedule(context, Durations.GuestShutdownAfterPrepare);
        return new GuestScriptOutput(output.ToString(), "", "succeeded");
    }
}
