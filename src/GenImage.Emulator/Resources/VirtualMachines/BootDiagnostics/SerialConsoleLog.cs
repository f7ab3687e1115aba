using System.Globalization;
using System.Text;
using GenImage.Emulator.Providers.Compute;
using GenImage.Emulator.State;
using GenImage.Emulator.World;

namespace GenImage.Emulator.Resources.VirtualMachines.BootDiagnostics;

/// <summary>
/// The serial console log of a VM: the boot story so far, in the words an operator knows from real boot diagnostics.
/// Lines appear as the scaled clock reaches them.
/// </summary>
internal static class SerialConsoleLog
{
    /// <summary>The log as text (small logs; tests). Large logs are served with <see cref="Compose"/>.</summary>
    public static string Build(VirtualMachineState vm, ScaledClock clock, SerialLogPadding? worldPadding = null)
    {
        using var memory = new MemoryStream();
        Compose(vm, clock, worldPadding).WriteToAsync(memory, CancellationToken.None).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(memory.ToArray());
    }

    /// <summary>
    /// The log as of now: its few story lines, and the padding the world asks for (the VM's boot.serialLog, else the
    /// root serialLog for a VM made from an image), generated as it is written.
    /// </summary>
    public static SerialLogBody Compose(VirtualMachineState vm, ScaledClock clock, SerialLogPadding? worldPadding = null)
    {
        var now = clock.Now;
        var lines = new List<(DateTimeOffset Time, string Text)>();
        if (vm.BootFailure is { } key)
        {
            var (failureLines, padding) = FailureLines(vm, clock, BootFailures.Get(key), worldPadding);
            return new SerialLogBody(failureLines, padding, now, vm.IsWindows);
        }

        var start = vm.Lineage is null ? vm.StatusTime : vm.TimeCreated;
        void At(double azureSeconds, string text) => lines.Add((start + clock.ToReal(azureSeconds), text));

        var generalized = vm.Lineage?.OsState == "Generalized";
        var boot = vm.BootAzureSeconds ?? 0;
        if (vm.IsWindows)
        {
            Windows(vm, At, generalized, boot);
        }
        else
        {
            Linux(vm, At, generalized, boot);
        }

        if (vm.Lineage is null && !vm.IsAllocated)
        {
            lines.Add((vm.StatusTime, "The virtual machine is deallocated; this is the log of its last boot."));
        }

        var pad = Padding(vm, worldPadding);
        return new SerialLogBody(lines, pad is null ? null : (start + clock.ToReal(0.5), pad), now, vm.IsWindows);
    }

    /// <summary>The padding of the VM's log: its own boot.serialLog, else the world's for a VM made from an image.</summary>
    private static SerialLogPadding? Padding(VirtualMachineState vm, SerialLogPadding? worldPadding)
    {
        if (vm.WorldBoot is { SerialLogBytes: > 0 } boot)
        {
            return new SerialLogPadding { Bytes = boot.SerialLogBytes, Line = boot.SerialLogLine };
        }

        return vm.Lineage is not null && worldPadding is { Bytes: > 0 } ? worldPadding : null;
    }

    private static void Windows(VirtualMachineState vm, Action<double, string> at, bool generalized, double boot)
    {
        var build = vm.OsVersion.Replace("Microsoft Windows NT ", "", StringComparison.Ordinal);
        at(0, "Windows Boot Manager");
        at(1, $"Booting {vm.OsName} ({build}) from the OS disk");
        at(3, "Starting Windows...");
        if (vm.Lineage is null)
        {
            at(20, $"Windows is ready; computer name {vm.ComputerName}.");
            AgentLines(vm, at, 25);
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

        AgentLines(vm, at, boot);
    }

    private static void Linux(VirtualMachineState vm, Action<double, string> at, bool generalized, double boot)
    {
        LinuxKernelStart(at);
        at(2, "[    2.104512] EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.");
        at(4, "[    4.882913] systemd[1]: Detected virtualization microsoft.");
        if (vm.Lineage is null)
        {
            at(10, $"{vm.OsName} {vm.ComputerName} ttyS0");
            AgentLines(vm, at, 15);
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
        AgentLines(vm, at, boot);
    }

    private static void LinuxKernelStart(Action<double, string> at)
    {
        at(0, "[    0.000000] Linux version 5.15.0-1057-azure (buildd@lcy02-amd64-033) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0) #65-Ubuntu SMP");
        at(0.1, "[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-5.15.0-1057-azure root=PARTUUID=1b5a07b5-01 ro console=tty1 console=ttyS0 earlyprintk=ttyS0 panic=-1");
    }

    private static void AgentLines(VirtualMachineState vm, Action<double, string> at, double boot)
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
    }

    /// <summary>
    /// The log of a VM that fails to boot, in the words the guest prints (Windows: its Special Administration Console and
    /// the words on its console screen). Padding lines of an ordinary boot come before the failure when the world asks
    /// for a log of a given size; the world's own lines come last.
    /// </summary>
    private static (List<(DateTimeOffset Time, string Text)> Lines, (DateTimeOffset At, SerialLogPadding Padding)? Padding) FailureLines(
        VirtualMachineState vm, ScaledClock clock, BootFailure failure, SerialLogPadding? worldPadding)
    {
        var lines = new List<(DateTimeOffset Time, string Text)>();
        var boot = vm.BootAzureSeconds ?? (vm.IsWindows ? Durations.BootGeneralizedWindows : Durations.BootGeneralizedLinux);
        var failAfter = failure.FailAfter(boot);
        var start = vm.Lineage is null && vm.FailedAt is { } failedAt ? failedAt - clock.ToReal(failAfter) : vm.TimeCreated;
        void At(double azureSeconds, string text) => lines.Add((start + clock.ToReal(azureSeconds), text));

        var sourceHost = vm.Lineage?.SourceVmId.Split('/')[^1] ?? vm.ComputerName;
        var admin = vm.AdminUsername.Length > 0 ? vm.AdminUsername : "azureadmin";
        switch (failure.Key)
        {
            case "generationMismatch" when vm.IsWindows:
                At(2, "Your PC ran into a problem and needs to restart. We're just collecting some error info, and then we'll restart for you.");
                At(2.1, "Stop code: INACCESSIBLE_BOOT_DEVICE");
                break;
            case "generationMismatch":
                At(1, "Boot Failed. EFI SCSI Device.");
                At(2, "Boot Failed. EFI Network.");
                At(3, "No operating system was loaded. Press a key to retry the boot sequence...");
                break;
            case "secureBootRejected":
                At(1, "Loading Linux 6.8.0-1003-custom ...");
                At(1.2, "error: bad shim signature.");
                At(1.3, "Loading initial ramdisk ...");
                At(1.5, "error: you need to load the kernel first.");
                At(2, "Press any key to continue...");
                break;
            case "kernelPanic":
                LinuxKernelStart(At);
                At(1.2, "[    1.204113] hv_vmbus: Vmbus version:5.3");
                At(3.3, "[    3.395796] /dev/root: Can't open blockdev");
                At(3.31, "[    3.396053] VFS: Cannot open root device \"PARTUUID=1b5a07b5-01\" or unknown-block(0,0): error -6");
                At(3.32, "[    3.396640] Please append a correct \"root=\" boot option; here are the available partitions:");
                At(3.33, "[    3.398872] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)");
                At(3.34, "[    3.399335] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 5.15.0-1057-azure #65-Ubuntu");
                At(3.35, "[    3.408647] ---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---");
                break;
            case "fstabMissingDisk":
                LinuxStarted(At);
                At(10, "         A start job is running for dev-disk-by\\x2duuid-3b4a6f0e\\x2d4d3c\\x2d4f4e\\x2d9c3e\\x2d1d5b2b7e9a11.device (1min 29s / 1min 30s)");
                At(100, "[ TIME ] Timed out waiting for device dev-disk-by\\x2duuid-3b4a6f0e\\x2d4d3c\\x2d4f4e\\x2d9c3e\\x2d1d5b2b7e9a11.device.");
                At(100.1, "[DEPEND] Dependency failed for /datadrive.");
                At(100.2, "[DEPEND] Dependency failed for Local File Systems.");
                At(101, "You are in emergency mode. After logging in, type \"journalctl -xb\" to view");
                At(101.01, "system logs, \"systemctl reboot\" to reboot, \"systemctl default\" or \"exit\"");
                At(101.02, "to boot into default mode.");
                At(101.03, "Give root password for maintenance");
                At(101.04, "(or press Control-D to continue):");
                break;
            case "cloudInitNoDatasource":
                LinuxStarted(At);
                At(boot * 0.2, "[   11.204411] cloud-init[612]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 running 'init' at Mon, 12 Feb 2024 10:00:11 +0000. Up 11.20 seconds.");
                At(boot * 0.3, "[   11.901220] cloud-init[612]: 2024-02-12 10:00:11,901 - util.py[WARNING]: No instance datasource found! Likely bad things to come!");
                At(boot * 0.9, "**************************************************************************");
                At(boot * 0.91, "# A new feature in cloud-init identified possible datasources for        #");
                At(boot * 0.92, "# this system as:                                                        #");
                At(boot * 0.93, "#   []                                                                   #");
                At(boot * 0.94, "# However, the datasource used was: None                                 #");
                At(boot * 0.95, "**************************************************************************");
                At(boot, $"{vm.OsName} localhost ttyS0");
                break;
            case "diskFull":
                LinuxStarted(At);
                At(6, "[    6.120031] systemd-journald[412]: Failed to open system journal: No space left on device");
                At(boot * 0.2, "[   11.204411] cloud-init[612]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 running 'init' at Mon, 12 Feb 2024 10:00:11 +0000. Up 11.20 seconds.");
                At(boot * 0.3, "[   12.771052] cloud-init[612]: OSError: [Errno 28] No space left on device: '/var/lib/cloud/instances/9f6b40a1/obj.pkl'");
                At(boot * 0.31, "[FAILED] Failed to start Initial cloud-init job (metadata service crawler).");
                break;
            case "noNetwork":
                LinuxStarted(At);
                At(9.5, "[    9.551200] dhclient[588]: No DHCPOFFERS received.");
                At(130, "[  130.102311] systemd-networkd-wait-online[560]: Timeout occurred while waiting for network connectivity.");
                At(130.1, "[FAILED] Failed to start Wait for Network to be Configured.");
                At(140, "2024-02-12 10:02:20,923 - azure.py[WARNING]: failed to register with Azure and fetch GoalState XML: HTTPConnectionPool(host='168.63.129.16', port=80): Max retries exceeded with url: /machine/?comp=goalstate (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f74a62afe50>: Failed to establish a new connection: [Errno 101] Network is unreachable'))");
                break;
            case "notDeprovisioned":
                LinuxStarted(At);
                At(boot * 0.6, $"waagent[845]: INFO Daemon Azure Linux Agent Version: {vm.Guest.AgentVersion}");
                At(boot * 0.7, "waagent[845]: INFO Daemon Provisioning already completed, skipping.");
                At(boot, $"{vm.OsName} {sourceHost} ttyS0");
                break;
            case "provisioningClientError" when !vm.IsWindows:
                LinuxStarted(At);
                At(boot * 0.6, $"waagent[845]: INFO Daemon Azure Linux Agent Version: {vm.Guest.AgentVersion}");
                At(boot + 20, $"waagent[845]: ERROR Daemon Provisioning failed: [ProvisionError] [000007] Failed to create user account:{admin}, retcode:9, output:useradd: user '{admin}' already exists");
                break;
            case "agentNotReporting" when !vm.IsWindows:
                LinuxStarted(At);
                At(boot * 0.8, "[   19.332100] cloud-init[1021]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 finished at Mon, 12 Feb 2024 10:00:19 +0000. Datasource DataSourceAzure [seed=/dev/sr0].  Up 19.33 seconds");
                At(boot, $"waagent[845]: INFO Daemon Azure Linux Agent Version: {vm.Guest.AgentVersion}");
                At(boot + 1, "waagent[845]: INFO Daemon Wire server endpoint:168.63.129.16");
                At(boot + 60, "waagent[845]: WARNING Daemon Fetch failed: [HttpError] [HTTP Failed] GET http://168.63.129.16/machine/?comp=goalstate -- IOError timed out -- 6 attempts made");
                At(boot + 63, "waagent[845]: INFO Daemon WireServer is not responding. Reset endpoint");
                break;
            case "agentMissing" when !vm.IsWindows:
                LinuxStarted(At);
                At(boot * 0.8, "[   19.332100] cloud-init[1021]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 finished at Mon, 12 Feb 2024 10:00:19 +0000. Datasource DataSourceAzure [seed=/dev/sr0].  Up 19.33 seconds");
                At(boot, $"{vm.OsName} {vm.ComputerName} ttyS0");
                At(boot + 0.1, $"{vm.ComputerName} login:");
                break;
            case "sysprepedAsSpecialized":
                Sac(At, boot);
                At(boot * 0.8, "Customize settings");
                At(boot * 0.81, "Type a password for the built-in administrator account that you can use to sign in to this computer.");
                break;
            case "windowsSetupFailed":
                Sac(At, boot);
                At(boot * 0.5, "Windows could not parse or process unattend answer file [C:\\Windows\\Panther\\unattend.xml] for pass [specialize]. A component or setting specified in the answer file does not exist.");
                At(boot * 0.6, "Windows could not complete the installation. To install Windows on this computer, restart the installation.");
                break;
            default:
                // notSysprepped, and the Windows cases of provisioningClientError, agentNotReporting and agentMissing: Windows
                // boots to its sign-in screen; the console shows the Special Administration Console and nothing more.
                Sac(At, boot);
                break;
        }

        if (vm.WorldBoot is { } world)
        {
            var end = start + clock.ToReal(failAfter);
            for (var i = 0; i < world.SerialLogLines.Count; i++)
            {
                lines.Add((end + TimeSpan.FromTicks(i + 1), world.SerialLogLines[i]));
            }
        }

        var pad = Padding(vm, worldPadding);
        return (lines, pad is null ? null : (start + clock.ToReal(0.5), pad));
    }

    /// <summary>A Linux boot as far as the root file system and systemd.</summary>
    private static void LinuxStarted(Action<double, string> at)
    {
        LinuxKernelStart(at);
        at(1.2, "[    1.204113] hv_vmbus: registering driver hv_storvsc");
        at(2, "[    2.104512] EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.");
        at(4, "[    4.882913] systemd[1]: Detected virtualization microsoft.");
    }

    /// <summary>Windows with Emergency Management Services: what its Special Administration Console writes to COM1.</summary>
    private static void Sac(Action<double, string> at, double boot)
    {
        at(3, "Computer is booting, SAC started and initialized.");
        at(3.1, "Use the \"ch -?\" command for information about using channels.");
        at(3.2, "Use the \"?\" command for general help.");
        at(3.3, "SAC>");
        at(boot * 0.6, "EVENT: The CMD command is now available.");
        at(boot * 0.61, "SAC>");
    }
}

/// <summary>
/// A serial log ready to serve: its story lines (sorted, up to now) and the padding, at its moment in the boot, written
/// line by line through a 64 KiB buffer so that a log of hundreds of MiB never exists whole in memory.
/// </summary>
internal sealed class SerialLogBody
{
    /// <summary>Each line's time stamp, two blanks and newline, counted with its text.</summary>
    private const int Overhead = 26;

    private readonly List<string> _before = new();
    private readonly List<string> _after = new();
    private readonly string? _padStamp;
    private readonly SerialLogPadding? _padding;
    private readonly long _padTarget;
    private readonly bool _windows;

    public SerialLogBody(List<(DateTimeOffset Time, string Text)> lines, (DateTimeOffset At, SerialLogPadding Padding)? padding, DateTimeOffset now, bool windows)
    {
        _windows = windows;
        var size = lines.Sum(l => (long)Encoding.UTF8.GetByteCount(l.Text) + Overhead);
        var shown = lines.Where(l => l.Time <= now).OrderBy(l => l.Time).ToList();
        if (padding is { } p && p.At <= now)
        {
            _padding = p.Padding;
            _padStamp = Stamp(p.At);
            _padTarget = p.Padding.Bytes - size;
            // Padding lines come after the lines of the same moment (as a stable sort of them added last would).
            _before.AddRange(shown.Where(l => l.Time <= p.At).Select(l => Stamp(l.Time) + "  " + l.Text + "\n"));
            _after.AddRange(shown.Where(l => l.Time > p.At).Select(l => Stamp(l.Time) + "  " + l.Text + "\n"));
        }
        else
        {
            _before.AddRange(shown.Select(l => Stamp(l.Time) + "  " + l.Text + "\n"));
        }
    }

    /// <summary>The size in bytes (the padding counted without building it).</summary>
    public long Length
    {
        get
        {
            var length = _before.Sum(l => (long)Encoding.UTF8.GetByteCount(l)) + _after.Sum(l => (long)Encoding.UTF8.GetByteCount(l));
            foreach (var line in PaddingLines())
            {
                length += Encoding.UTF8.GetByteCount(line) + _padStamp!.Length + 3;
            }

            return length;
        }
    }

    public async Task WriteToAsync(Stream body, CancellationToken cancellationToken)
    {
        var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
        foreach (var line in _before)
        {
            await writer.WriteAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        foreach (var line in PaddingLines())
        {
            await writer.WriteAsync(_padStamp.AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync("  ".AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        foreach (var line in _after)
        {
            await writer.WriteAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ordinary boot lines (kernel messages, systemd units), or the world's line, until the log reaches its size.</summary>
    private IEnumerable<string> PaddingLines()
    {
        if (_padding is null)
        {
            yield break;
        }

        long size = 0;
        for (var i = 0; size < _padTarget; i++)
        {
            var text = _padding.Line is { } line
                ? line.Replace("{n}", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                : _windows
                    ? string.Create(CultureInfo.InvariantCulture, $"EVENT: A new channel has been created.  Use \"ch -?\" for channel help. Channel: Cmd{i:D4}")
                    : (i % 3) switch
                    {
                        0 => string.Create(CultureInfo.InvariantCulture, $"[  {i / 100.0,10:0.000000}] hv_netvsc 000d3a1b-{i:x4} eth0: VF slot {i % 8} added"),
                        1 => string.Create(CultureInfo.InvariantCulture, $"[  OK  ] Started Journal Service (instance {i})."),
                        _ => string.Create(CultureInfo.InvariantCulture, $"[  {i / 100.0,10:0.000000}] audit: type=1400 audit({i}.{i % 1000:D3}:{i}): apparmor=\"STATUS\" operation=\"profile_load\" name=\"snap-update-ns.lxd\""),
                    };
            yield return text;
            size += Encoding.UTF8.GetByteCount(text) + Overhead;
        }
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
