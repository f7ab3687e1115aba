namespace GenImage.Core.Tests.Diagnosis;

/// <summary>
/// Serial logs as real guests print them (the lines come from the public threads and documents cited on each
/// docs/diagnoses page), with ordinary boot noise around them.
/// </summary>
internal static class BootLogs
{
    private const string LinuxStart =
        "[    0.000000] Linux version 5.15.0-1057-azure (buildd@lcy02-amd64-033) #65-Ubuntu SMP\n" +
        "[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-5.15.0-1057-azure root=PARTUUID=1b5a07b5-01 ro console=tty1 console=ttyS0 earlyprintk=ttyS0\n" +
        "[    1.204113] hv_vmbus: registering driver hv_storvsc\n" +
        "[    2.104512] EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.\n" +
        "[    4.882913] systemd[1]: Detected virtualization microsoft.\n";

    private const string WindowsSac =
        "Computer is booting, SAC started and initialized.\n" +
        "\n" +
        "Use the \"ch -?\" command for information about using channels.\n" +
        "Use the \"?\" command for general help.\n" +
        "\n" +
        "SAC>\n" +
        "EVENT: The CMD command is now available.\n" +
        "SAC>\n";

    public const string LinuxHealthy = LinuxStart +
        "[   11.204411] cloud-init[612]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 running 'init' at Mon, 12 Feb 2024 10:00:11 +0000. Up 11.20 seconds.\n" +
        "[   19.332100] cloud-init[1021]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 finished at Mon, 12 Feb 2024 10:00:19 +0000. Datasource DataSourceAzure [seed=/dev/sr0].  Up 19.33 seconds\n" +
        "2024-02-12T10:00:21.000000Z INFO Daemon Azure Linux Agent Version: 2.9.1.1\n" +
        "\n" +
        "Ubuntu 22.04.4 LTS vm-app-01 ttyS0\n" +
        "\n" +
        "vm-app-01 login:\n";

    public const string WindowsHealthy = WindowsSac;

    public const string KernelPanic = LinuxStart +
        "[    3.395796] /dev/root: Can't open blockdev\n" +
        "[    3.396053] VFS: Cannot open root device \"PARTUUID=1b5a07b5-01\" or unknown-block(0,0): error -6\n" +
        "[    3.396640] Please append a correct \"root=\" boot option; here are the available partitions:\n" +
        "[    3.398872] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n" +
        "[    3.399335] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 5.15.0-1057-azure #65-Ubuntu\n" +
        "[    3.408647] ---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---\n";

    public const string Fstab = LinuxStart +
        "         A start job is running for dev-disk-by\\x2duuid-3b4a6f0e\\x2d4d3c.device (1min 29s / 1min 30s)\n" +
        "[ TIME ] Timed out waiting for device dev-disk-by\\x2duuid-3b4a6f0e\\x2d4d3c.device.\n" +
        "[DEPEND] Dependency failed for /datadrive.\n" +
        "[DEPEND] Dependency failed for Local File Systems.\n" +
        "You are in emergency mode. After logging in, type \"journalctl -xb\" to view\n" +
        "system logs, \"systemctl reboot\" to reboot, \"systemctl default\" or \"exit\"\n" +
        "to boot into default mode.\n" +
        "Give root password for maintenance\n" +
        "(or press Control-D to continue):\n";

    public const string SecureBoot =
        "Booting `Ubuntu'\n" +
        "Verification failed: (0x1A) Security Violation\n" +
        "error: bad shim signature.\n" +
        "error: you need to load the kernel first.\n" +
        "Press any key to continue...\n";

    public const string GenerationMismatchLinux =
        "Boot Failed. EFI SCSI Device.\n" +
        "Boot Failed. EFI Network.\n" +
        "No operating system was loaded. Press a key to retry the boot sequence...\n";

    public const string InaccessibleBootDevice =
        "Your PC ran into a problem and needs to restart. We're just collecting some error info, and then we'll restart for you.\n" +
        "Stop code: INACCESSIBLE_BOOT_DEVICE\n";

    public const string NoDatasource = LinuxStart +
        "[   11.204411] cloud-init[612]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 running 'init' at Mon, 12 Feb 2024 10:00:11 +0000. Up 11.20 seconds.\n" +
        "[   11.901220] cloud-init[612]: 2024-02-12 10:00:11,901 - util.py[WARNING]: No instance datasource found! Likely bad things to come!\n" +
        "**************************************************************************\n" +
        "# A new feature in cloud-init identified possible datasources for        #\n" +
        "# this system as:                                                        #\n" +
        "#   []                                                                   #\n" +
        "# However, the datasource used was: None                                 #\n" +
        "**************************************************************************\n";

    public const string DiskFull = LinuxStart +
        "[    6.120031] systemd-journald[412]: Failed to open system journal: No space left on device\n" +
        "[   11.204411] cloud-init[612]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 running 'init' at Mon, 12 Feb 2024 10:00:11 +0000. Up 11.20 seconds.\n" +
        "[   12.771052] cloud-init[612]: OSError: [Errno 28] No space left on device: '/var/lib/cloud/instances/9f6b40a1/obj.pkl'\n";

    /// <summary>No DHCP lease: the wire server is unreachable too, but the network is the first failure.</summary>
    public const string NoNetwork = LinuxStart +
        "[    9.551200] dhclient[588]: No DHCPOFFERS received.\n" +
        "[  130.102311] systemd-networkd-wait-online[560]: Timeout occurred while waiting for network connectivity.\n" +
        "[FAILED] Failed to start Wait for Network to be Configured.\n" +
        "2024-02-12 10:02:20,923 - azure.py[WARNING]: failed to register with Azure and fetch GoalState XML: HTTPConnectionPool(host='168.63.129.16', port=80): Max retries exceeded with url: /machine/?comp=goalstate (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f74a62afe50>: Failed to establish a new connection: [Errno 101] Network is unreachable'))\n";

    public const string WireServerBlocked = LinuxStart +
        "[   19.332100] cloud-init[1021]: Cloud-init v. 23.4.4-0ubuntu0~22.04.1 finished at Mon, 12 Feb 2024 10:00:19 +0000. Datasource DataSourceAzure [seed=/dev/sr0].  Up 19.33 seconds\n" +
        "2024/02/12 10:00:21.277623 INFO Daemon Azure Linux Agent Version: 2.9.1.1\n" +
        "2024/02/12 10:00:21.306105 INFO Daemon Wire server endpoint:168.63.129.16\n" +
        "2024/02/12 10:00:24.306105 WARNING Daemon Fetch failed: [HttpError] [HTTP Failed] GET http://168.63.129.16/machine/?comp=goalstate -- IOError timed out -- 6 attempts made\n" +
        "2024/02/12 10:00:27.309915 INFO Daemon WireServer is not responding. Reset endpoint\n";

    public const string NotDeprovisioned = LinuxStart +
        "2024/02/12 10:00:21.000000 INFO Daemon Azure Linux Agent Version: 2.9.1.1\n" +
        "2024/02/12 10:00:21.100000 INFO Daemon Provisioning already completed, skipping.\n" +
        "\n" +
        "Ubuntu 22.04.4 LTS vm-ubuntu-src ttyS0\n";

    public const string UserExists = LinuxStart +
        "2024/02/12 10:00:21.000000 INFO Daemon Azure Linux Agent Version: 2.9.1.1\n" +
        "2024/02/12 10:00:22.000000 ERROR Daemon Provisioning failed: [ProvisionError] [000007] Failed to create user account:azureadmin, retcode:9, output:useradd: user 'azureadmin' already exists\n";

    public const string UnattendFailed = WindowsSac +
        "Windows could not parse or process unattend answer file [C:\\Windows\\Panther\\unattend.xml] for pass [specialize]. A component or setting specified in the answer file does not exist.\n" +
        "Windows could not complete the installation. To install Windows on this computer, restart the installation.\n";
}
