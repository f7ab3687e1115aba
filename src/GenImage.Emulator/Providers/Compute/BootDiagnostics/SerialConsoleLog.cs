using System.Globalization;
using System.Text;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Providers.Compute.BootDiagnostics;

/// <summary>
/// The serial console log of a VM: the boot story so far, in the words an operator knows from real boot diagnostics.
/// Lines appear as the scaled clock reaches them.
/// </summary>
internal static class SerialConsoleLog
{
    public static string Build(VirtualMachineState vm, ScaledClock clock)
    {
        var now = clock.Now;
        var lines = new List<(DateTimeOffset Time, string Text)>();
        var start = vm.Lineage is null ? vm.StatusTime : vm.TimeCreated;
        void At(double azureSeconds, string text) => lines.Add((start + clock.ToReal(azureSeconds), text));

        var outcome = vm.Lineage?.Outcome ?? (vm.Guest.AgentStatus == "Ready" ? BootOutcome.Provisions : BootOutcome.AgentNotReporting);
        var generalized = vm.Lineage?.OsState == "Generalized";
        var boot = vm.BootAzureSeconds ?? 0;
        if (vm.IsWindows)
        {
            Windows(vm, At, outcome, generalized, boot);
        }
        else
        {
            Linux(vm, At, outcome, generalized, boot);
        }

        if (vm.Lineage is null && !vm.IsAllocated)
        {
            lines.Add((vm.StatusTime, "The virtual machine is deallocated; this is the log of its last boot."));
        }

        var sb = new StringBuilder();
        foreach (var (time, text) in lines.Where(l => l.Time <= now).OrderBy(l => l.Time))
        {
            sb.Append(time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append("  ").Append(text).Append('\n');
        }

        return sb.ToString();
    }

    private static void Windows(VirtualMachineState vm, Action<double, string> at, BootOutcome outcome, bool generalized, double boot)
    {
        var build = vm.OsVersion.Replace("Microsoft Windows NT ", "", StringComparison.Ordinal);
        at(0, "Windows Boot Manager");
        at(1, $"Booting {vm.OsName} ({build}) from the OS disk");
        at(3, "Starting Windows...");
        if (vm.Lineage is null)
        {
            at(20, $"Windows is ready; computer name {vm.ComputerName}.");
            AgentLines(vm, at, 25, outcome);
            return;
        }

        if (generalized && outcome == BootOutcome.OsProvisioningTimedOut)
        {
            at(boot * 0.5, "Windows Setup is starting services. The image was not prepared with Sysprep (no /generalize /oobe pass).");
            at(boot * 0.8, "Windows could not complete the installation. To install Windows on this computer, restart the installation.");
            at(boot, "OOBE waiting for user input: no unattended provisioning pass runs, so the guest never reports that it is ready.");
            at(Durations.OsProvisioningTimeout, "Provisioning timed out: Azure stopped waiting for the guest (OSProvisioningTimedOut).");
            return;
        }

        if (generalized)
        {
            at(boot * 0.3, "Sysprep specialize: applying the specialize pass (machine SID, drivers for this hardware).");
            at(boot * 0.6, "OOBE: applying the unattended answer file from the Azure provisioning media.");
            at(boot * 0.9, $"OOBE complete; computer name set to {vm.ComputerName}, administrator account {vm.AdminUsername} created.");
        }
        else
        {
            at(boot * 0.8, $"Windows is ready (specialized image); computer name {vm.ComputerName}.");
        }

        AgentLines(vm, at, boot, outcome);
    }

    private static void Linux(VirtualMachineState vm, Action<double, string> at, BootOutcome outcome, bool generalized, double boot)
    {
        at(0, "[    0.000000] Linux version 5.15.0-1057-azure (buildd@lcy02-amd64-033) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0) #65-Ubuntu SMP");
        at(0.1, "[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-5.15.0-1057-azure root=PARTUUID=1b5a07b5-01 ro console=tty1 console=ttyS0 earlyprintk=ttyS0 panic=-1");
        at(2, "[    2.104512] EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.");
        at(4, "[    4.882913] systemd[1]: Detected virtualization microsoft.");
        if (vm.Lineage is null)
        {
            at(10, $"{vm.OsName} {vm.ComputerName} ttyS0");
            AgentLines(vm, at, 15, outcome);
            return;
        }

        if (generalized && outcome == BootOutcome.OsProvisioningTimedOut)
        {
            if (vm.Guest.CloudInit)
            {
                at(boot * 0.5, "cloud-init[612]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 running 'init' : found an existing instance; not running first-boot modules (the image was not deprovisioned).");
            }

            at(boot * 0.7, "waagent[845]: Provisioning already completed, skipping.");
            at(boot, $"{vm.OsName} {vm.Lineage.SourceVmId.Split('/')[^1]} ttyS0  (host name and SSH host keys of the source machine)");
            at(Durations.OsProvisioningTimeout, "waagent[845]: Provisioning failed: the guest never reported ready to Azure; provisioning timed out (OSProvisioningTimedOut).");
            return;
        }

        if (generalized)
        {
            if (vm.Guest.CloudInit)
            {
                at(boot * 0.4, "cloud-init[612]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 running 'init' at first boot: new instance.");
                at(boot * 0.6, $"cloud-init[612]: ci-info: set hostname {vm.ComputerName}; created user {vm.AdminUsername}; generating SSH host keys.");
                at(boot * 0.8, "cloud-init[1021]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 finished. Datasource DataSourceAzure [seed=/dev/sr0].");
            }
            else
            {
                at(boot * 0.6, $"waagent[845]: Provisioning: set hostname {vm.ComputerName}; created user {vm.AdminUsername}; regenerated SSH host keys.");
            }
        }

        at(boot, $"{vm.OsName} {vm.ComputerName} ttyS0");
        AgentLines(vm, at, boot, outcome);
    }

    private static void AgentLines(VirtualMachineState vm, Action<double, string> at, double boot, BootOutcome outcome)
    {
        var agent = vm.IsWindows ? "WindowsAzureGuestAgent" : "waagent";
        switch (vm.Guest.AgentStatus)
        {
            case "Missing":
                at(boot + 5, vm.IsWindows
                    ? "No WindowsAzureGuestAgent service is installed; nothing reports the VM's status to Azure."
                    : "No Azure Linux agent (waagent) is installed; nothing reports the VM's status to Azure.");
                break;
            case "NotReady":
                at(boot + 5, $"{agent}: cannot reach the Azure wire server (168.63.129.16); status not reported.");
                break;
            default:
                at(boot + Durations.AgentReadyAfterBoot, $"{agent} {vm.Guest.AgentVersion}: Guest Agent ready; provisioning complete.");
                break;
        }

        if (outcome == BootOutcome.AgentNotReporting && vm.Lineage is not null)
        {
            at(boot + Durations.AgentStatusTimeout, "Azure stopped waiting for the VM agent to report status (VMAgentStatusCommunicationError).");
        }
    }
}
