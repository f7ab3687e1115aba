using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace GenImage.Core.Diagnosis;

/// <summary>
/// The boot-failure catalogue: GI7001–GI7014 (the image is at fault), GI7101–GI7104 (the deployment is), and
/// GI7900 (a failure no signature explains). One catalogue for Test-ImageDeployment's validation VMs and for
/// Get-VmBootDiagnosis on any VM. The serial-log patterns are the words real guests print; the docs page of each
/// id cites where they come from.
/// </summary>
public static class BootSignatureCatalog
{
    public const string WindowsNotSysprepped = "GI7001";
    public const string SysprepedPublishedSpecialized = "GI7002";
    public const string ProvisioningDataRejected = "GI7003";
    public const string AgentCannotReachHost = "GI7004";
    public const string GenerationMismatch = "GI7005";
    public const string SecureBootRejected = "GI7006";
    public const string KernelPanicNoRoot = "GI7007";
    public const string FstabMissingDisk = "GI7008";
    public const string CloudInitNoDatasource = "GI7009";
    public const string AgentNotInstalled = "GI7010";
    public const string DiskFull = "GI7011";
    public const string NoNetwork = "GI7012";
    public const string LinuxNotDeprovisioned = "GI7013";
    public const string WindowsSetupFailed = "GI7014";
    public const string AllocationFailed = "GI7101";
    public const string SizeNotAvailable = "GI7102";
    public const string ImageNotInRegion = "GI7103";
    public const string ParametersRefused = "GI7104";
    public const string Unrecognized = "GI7900";

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    private static Regex[] P(params string[] patterns) => patterns.Select(p => new Regex(p, Options)).ToArray();

    /// <summary>Any line that says an agent started: its absence is evidence that none runs.</summary>
    private static readonly Regex[] AgentStarted =
        P(@"Azure Linux Agent Version", @"WALinuxAgent", @"\bwaagent\b", @"WindowsAzureGuestAgent", @"\bRdAgent\b", @"Guest Agent");

    private static bool LogShowsAgent(BootFacts f) => f.SerialLog.Matching(AgentStarted).Any();

    private static bool AgentProblem(BootFacts f) =>
        f.CodeIs("VMAgentStatusCommunicationError") ||
        (f.ErrorCode == null && f.AgentStatus != null && !f.AgentReady && f.Running && !f.ProvisioningFailed);

    private static readonly BootSignature[] Table =
    {
        new BootSignature(WindowsNotSysprepped, "WindowsNotSysprepped", BootCause.Image, "Windows",
            "Windows image generalized without Sysprep",
            "The VM booted but never finished OS provisioning: the image was generalized without Sysprep, so Windows started as the source machine (its name, SID and accounts) and never ran the setup pass that applies the new VM's name and administrator and reports ready to Azure. Azure gave up waiting (OSProvisioningTimedOut).",
            "Prepare the source with Invoke-GeneralizeVm -Prepare (Sysprep /generalize /oobe /mode:vm, then generalize) and publish a new version; exclude this version from latest (Set-GalleryImageVersion -ExcludeFromLatest) until then.")
        {
            ArmCodes = new[] { "OSProvisioningTimedOut" },
            Context = P(@"SAC started", @"Computer is booting", @"CMD command is now available", @"OOBE", @"unattend", @"sysprep", @"Provisioning timed out", @"sign in", @"Ctrl\+Alt\+Del"),
            StateMatch = f => f.CodeIs("OSProvisioningTimedOut") && f.IsWindows && !f.DeployedSpecialized,
            StateReason = f => "ARM ended provisioning with OSProvisioningTimedOut on a Windows VM created from a generalized image, and the serial log shows no Windows Setup failure: the guest never ran its provisioning pass.",
        },
        new BootSignature(SysprepedPublishedSpecialized, "SysprepedPublishedSpecialized", BootCause.Image, null,
            "Generalized (Sysprep'd) guest published or deployed as specialized",
            "The guest was prepared for imaging (Sysprep'd or deprovisioned) but the image was captured into a Specialized definition, or deployed without an osProfile: the VM came up waiting in the out-of-box experience (OOBE) for answers no one gives, and Azure gave up waiting (OSProvisioningTimedOut).",
            "Publish the prepared source to a Generalized definition (New-GalleryImageDefinition -OsState Generalized) and create VMs with an admin account; keep Specialized definitions for VMs that were not Sysprep'd.")
        {
            ArmCodes = new[] { "OSProvisioningTimedOut" },
            Context = P(@"OOBE", @"Windows Setup", @"unattend", @"cloud-init", @"provision"),
            StateMatch = f => f.CodeIs("OSProvisioningTimedOut") && f.DeployedSpecialized,
            StateReason = f => "ARM ended provisioning with OSProvisioningTimedOut on a VM " + (f.DeployedGeneralized == false ? "created without an osProfile (as specialized)" : "from a Specialized image") + ": the guest waited for provisioning data it never got.",
        },
        new BootSignature(ProvisioningDataRejected, "ProvisioningDataRejected", BootCause.Image, null,
            "The guest rejected the provisioning data",
            "The guest ran its provisioning step and failed it: the administrator name already exists in the image (a leftover account or group), is reserved by the distribution, or the password breaks a password policy baked into the image. ARM reports OSProvisioningClientError with the guest's own message.",
            "Read the message: remove leftover local accounts from the source (waagent -deprovision+user, or delete the account before Sysprep), relax the image's password policy, or choose another admin name and password; then publish a new version.")
        {
            ArmCodes = new[] { "OSProvisioningClientError" },
            Evidence = P(@"Failed to create user account", @"useradd: (user|group) .*exists", @"\[ProvisionError\]", @"password does not meet", @"could not set the password"),
            Context = P(@"Provision", @"useradd", @"password", @"user account"),
            StateMatch = f => f.CodeIs("OSProvisioningClientError"),
            StateReason = f => "ARM ended provisioning with OSProvisioningClientError: " + (f.ErrorMessage ?? "the guest reported a provisioning error."),
            Stage = 90,
        },
        new BootSignature(AgentCannotReachHost, "AgentCannotReachHost", BootCause.Image, null,
            "The VM agent cannot reach the Azure host",
            "The guest booted and its Azure VM agent runs, but it never got its goal state from the wire server 168.63.129.16: a firewall rule, a proxy, a static route or a broken network configuration in the image blocks it, so Azure never heard from the agent (VMAgentStatusCommunicationError).",
            "Allow outbound HTTP to 168.63.129.16 (ports 80 and 32526) in the image's firewall and proxy settings (for a proxy, add it to the no-proxy list), remove static routes or DNS settings from the source, and publish a new version.")
        {
            ArmCodes = new[] { "VMAgentStatusCommunicationError" },
            Evidence = P(@"Wire ?server is not responding", @"Fetch failed.*168\.63\.129\.16", @"\[HTTP Failed\] (GET|POST|PUT) http://168\.63\.129\.16", @"No route exists to 168\.63\.129\.16", @"Protocol endpoint not found", @"failed to register with Azure and fetch GoalState"),
            Context = P(@"168\.63\.129\.16", @"goal ?state", @"Azure Linux Agent Version", @"WindowsAzureGuestAgent", @"Network is unreachable"),
            StateMatch = f => AgentProblem(f) && (!f.AgentNeverReported || LogShowsAgent(f)),
            StateReason = f => $"The agent ({f.AgentVersion ?? "version unknown"}) reports '{f.AgentStatus ?? "nothing"}'" + (f.ErrorCode != null ? $" and ARM ended provisioning with {f.ErrorCode}" : string.Empty) + ": it runs but does not get through to Azure.",
            Stage = 95,
        },
        new BootSignature(GenerationMismatch, "GenerationMismatch", BootCause.Image, null,
            "Hyper-V generation mismatch: the firmware finds no bootable disk",
            "The OS disk was built for one Hyper-V generation and the VM runs as the other: a BIOS (MBR, generation 1) disk in a generation 2 (UEFI) definition, or the reverse, or a Windows disk without the Hyper-V storage drivers set to start at boot. The firmware finds no boot loader (\"Boot Failed. EFI SCSI Device\") or Windows stops with INACCESSIBLE_BOOT_DEVICE (0x7B).",
            "Publish the disk to a definition of its own generation (New-GalleryImageDefinition -HyperVGeneration V1 for a BIOS/MBR disk), or convert the source (MBR2GPT, a UEFI boot loader) before capturing; for INACCESSIBLE_BOOT_DEVICE make storvsc/storflt boot-start drivers in the source.")
        {
            Evidence = P(@"INACCESSIBLE_BOOT_DEVICE", @"0x0000007B", @"Boot Failed\. EFI SCSI Device", @"No operating system was loaded", @"No bootable device"),
            Context = P(@"Your PC ran into a problem", @"Stop code", @"EFI", @"Press a key to retry"),
            Stage = 20,
        },
        new BootSignature(SecureBootRejected, "SecureBootRejected", BootCause.Image, null,
            "Secure Boot refused the boot loader or kernel",
            "The VM runs with Trusted Launch (Secure Boot on) and the firmware or shim refused to start an unsigned or wrongly signed boot loader or kernel (a custom kernel, a self-built GRUB, a shim without SBAT, or a boot loader revoked by the dbx). Nothing after the refusal runs, so provisioning times out.",
            "Install the distribution's signed shim, GRUB and kernel in the source (or sign your own and enroll the key in the image's MOK list), then publish a new version; until then deploy with -SecurityType Standard only if the definition allows it (TrustedLaunchSupported).")
        {
            Evidence = P(@"Verification failed: \(0x1A\) Security Violation", @"bad shim signature", @"prohibited by secure boot policy", @"Secure Boot Violation", @"Invalid signature detected", @"Bootloader has not verified loaded image"),
            Context = P(@"you need to load the kernel first", @"shim", @"Secure Boot", @"EFI"),
            Stage = 10,
        },
        new BootSignature(KernelPanicNoRoot, "KernelPanicNoRootDevice", BootCause.Image, "Linux",
            "Linux kernel panic: the root device is not found",
            "The Linux kernel started but could not mount its root file system and panicked (\"VFS: Unable to mount root fs\"): the initramfs lacks the Hyper-V storage drivers (hv_vmbus, hv_storvsc), the root= device name or UUID in the boot loader does not exist on Azure, or the initramfs is missing for this kernel.",
            "In the source, add the Hyper-V drivers to the initramfs (dracut --add-drivers \"hv_vmbus hv_storvsc hv_netvsc\" -f, or update-initramfs -u with them in /etc/initramfs-tools/modules), use root=UUID= or PARTUUID= in GRUB, regenerate the GRUB config, then publish a new version.")
        {
            Evidence = P(@"Kernel panic - not syncing: VFS: Unable to mount root fs", @"VFS: Cannot open root device", @"Gave up waiting for root (file system )?device", @"ALERT!\s+\S+\s+does not exist\.\s+Dropping to a shell", @"Unable to mount root fs on unknown-block"),
            Context = P(@"Please append a correct ""root="" boot option", @"Kernel panic", @"root=", @"initramfs", @"end Kernel panic", @"Command line:"),
            Stage = 30,
        },
        new BootSignature(FstabMissingDisk, "FstabWaitsForMissingDisk", BootCause.Image, "Linux",
            "/etc/fstab waits for a disk that is not there",
            "The image's /etc/fstab mounts a disk that a new VM does not have (a data disk of the source, a device name such as /dev/sdc that changed, a wrong UUID): systemd waited for it, gave up, and dropped into emergency mode, so the guest never provisioned.",
            "Remove data-disk entries from the source's /etc/fstab or mark them nofail (and x-systemd.device-timeout=10), use UUID= for the OS partitions, and publish a new version.")
        {
            Evidence = P(@"Timed out waiting for device", @"Dependency failed for (/\S*|Local File Systems)", @"You are in emergency mode", @"Give root password for maintenance"),
            Context = P(@"A start job is running for", @"Control-D", @"fstab", @"dev-disk-by", @"Failed to mount", @"journalctl -xb"),
            Stage = 40,
        },
        new BootSignature(CloudInitNoDatasource, "CloudInitNoDatasource", BootCause.Image, "Linux",
            "cloud-init found no datasource",
            "cloud-init ran but could not find the Azure datasource (it was disabled, removed from datasource_list, or ds-identify ruled it out), so it fell back to no datasource: no host name, no admin account, no ready report to Azure.",
            "In the source, let cloud-init use Azure: datasource_list: [ Azure ] in /etc/cloud/cloud.cfg.d/90_dpkg.cfg (or remove the override), remove /etc/cloud/cloud-init.disabled, run cloud-init clean --logs, then publish a new version.")
        {
            Evidence = P(@"No instance datasource found", @"the datasource used was: None", @"Datasource DataSourceNone", @"No Datasource found"),
            Context = P(@"datasource", @"ds-identify", @"cloud-init"),
            Stage = 70,
        },
        new BootSignature(AgentNotInstalled, "AgentNotInstalled", BootCause.Image, null,
            "The VM agent is not installed or not enabled",
            "The guest booted, but no Azure VM agent ever reported: the agent is missing from the image, or its service is disabled, so Azure never got a status (VMAgentStatusCommunicationError) and extensions and Run Command cannot work.",
            "Install and enable the agent in the source (Linux: the walinuxagent/WALinuxAgent package, systemctl enable waagent; Windows: the Windows Azure VM Agent MSI, service WindowsAzureGuestAgent set to Automatic) and publish a new version.")
        {
            ArmCodes = new[] { "VMAgentStatusCommunicationError" },
            Context = P(@"cloud-init.*finished", @"Cloud-init v\..* finished", @"login:", @"ttyS0", @"Windows is ready", @"agent"),
            StateMatch = f => AgentProblem(f) && f.AgentNeverReported && !LogShowsAgent(f),
            StateReason = f => "No agent version was ever reported" + (f.SerialLog.IsEmpty ? string.Empty : " and nothing in the serial log shows an agent starting") + (f.ErrorCode != null ? $"; ARM ended provisioning with {f.ErrorCode}." : "."),
            Stage = 96,
        },
        new BootSignature(DiskFull, "DiskFullAtFirstBoot", BootCause.Image, null,
            "The OS disk is full at first boot",
            "The guest ran out of space on its OS disk while it booted (\"No space left on device\"): the source's file system was full or nearly full when it was captured (logs, caches, a swap file on the OS disk), so the first-boot steps could not write and provisioning never finished.",
            "Free space in the source (journalctl --vacuum-size, package caches, old kernels, files left in /tmp or /var) or grow its OS disk, and publish a new version; a VM can also be created with a larger OS disk (diskSizeGB) and the partition grown.")
        {
            Evidence = P(@"No space left on device", @"\[Errno 28\]", @"ENOSPC"),
            Context = P(@"Failed to open system journal", @"cloud-init", @"disk", @"Failed to start"),
            Stage = 50,
        },
        new BootSignature(NoNetwork, "NoNetworkAtFirstBoot", BootCause.Image, "Linux",
            "No network at first boot (DHCP)",
            "The guest's network did not come up at first boot: no DHCP lease (\"No DHCPOFFERS received\"), the network wait timed out or the interface configuration failed (a static IP, a MAC address or persistent udev rule of the source machine, NetworkManager or netplan left from another platform), so the guest could not reach Azure to provision.",
            "Configure the source's primary interface for DHCP with no MAC address pinned (remove /etc/udev/rules.d/70-persistent-net.rules, static netplan/ifcfg files), let cloud-init or waagent manage networking, and publish a new version.")
        {
            Evidence = P(@"No DHCPOFFERS received", @"Timeout occurred while waiting for network connectivity", @"Failed to start (Wait for Network to be Configured|Raise network interfaces|Network Manager Wait Online)", @"/proc/net/route contains no routes", @"DHCP.*(timed out|failed)"),
            Context = P(@"dhclient", @"DHCP", @"eth0", @"Network is unreachable", @"168\.63\.129\.16", @"wait-online"),
            Stage = 60,
        },
        new BootSignature(LinuxNotDeprovisioned, "LinuxNotDeprovisioned", BootCause.Image, "Linux",
            "Linux image generalized without deprovisioning",
            "The Linux guest booted as the source machine: the image was generalized without waagent -deprovision (or cloud-init clean), so the agent believed provisioning had already happened, skipped it, and never reported the new VM ready (OSProvisioningTimedOut). The VM also carries the source's host name and SSH host keys.",
            "Prepare the source with Invoke-GeneralizeVm -Prepare (waagent -force -deprovision+user, cloud-init clean) and publish a new version.")
        {
            ArmCodes = new[] { "OSProvisioningTimedOut" },
            Evidence = P(@"Provisioning already completed, skipping", @"found an existing instance; not running first-boot modules"),
            Context = P(@"ttyS0", @"host name", @"SSH host key", @"Provisioning", @"cloud-init"),
            Stage = 80,
        },
        new BootSignature(WindowsSetupFailed, "WindowsSetupFailed", BootCause.Image, "Windows",
            "Windows Setup failed during the specialize or OOBE pass",
            "Windows Setup stopped while it applied the answer file at first boot (\"Windows could not parse or process unattend answer file\", \"Windows could not complete the installation\"): an answer file left in the image (C:\\Windows\\Panther\\unattend.xml, C:\\unattend.xml) holds a setting that does not exist or fails, or Sysprep left the image half-prepared.",
            "Remove leftover answer files from the source (C:\\Windows\\Panther\\unattend.xml, Sysprep\\unattend.xml), check C:\\Windows\\Panther\\setuperr.log, run Sysprep again with Invoke-GeneralizeVm -Prepare, and publish a new version.")
        {
            Evidence = P(@"Windows could not parse or process (the )?unattend(ed)? answer file", @"Windows could not complete the installation", @"The computer restarted unexpectedly or encountered an unexpected error"),
            Context = P(@"Panther", @"unattend", @"specialize", @"oobeSystem", @"setuperr", @"restart the installation"),
            Stage = 85,
        },
        new BootSignature(AllocationFailed, "AllocationFailed", BootCause.Deployment, null,
            "Azure had no capacity for the size",
            "Azure could not allocate the VM size in this region or zone (AllocationFailed); the image is not at fault.",
            "Retry later, choose another size (-VmSize) or another zone or region.")
        {
            ArmCodes = new[] { "AllocationFailed", "ZonalAllocationFailed", "OverconstrainedAllocationRequest", "OverconstrainedZonalAllocationRequest" },
            StateMatch = f => true,
            StateReason = f => $"ARM refused the VM with {f.ErrorCode}.",
        },
        new BootSignature(SizeNotAvailable, "SizeNotAvailable", BootCause.Deployment, null,
            "The VM size is not offered here",
            "The VM size is not offered in this region (or to this subscription, or with this security type); the image is not at fault.",
            "Choose a size the region offers (Get-AzComputeResourceSku, az vm list-skus -l REGION) with -VmSize.")
        {
            ArmCodes = new[] { "SkuNotAvailable", "InvalidTemplateDeployment" },
            StateMatch = f => true,
            StateReason = f => $"ARM refused the VM with {f.ErrorCode}.",
        },
        new BootSignature(ImageNotInRegion, "ImageNotInRegion", BootCause.Deployment, null,
            "The image is not available in the region",
            "The image version is not replicated to this region (or its replication has not completed, or it failed there); no VM was created.",
            "Add the region to the version's target regions (Set-GalleryImageVersion -TargetRegion) and wait until its replication is Completed, or deploy in a region the version is replicated to.")
        {
            ArmCodes = new[] { "GalleryImageNotFound", "ImageNotInRegion", "ImageNotFound" },
            StateMatch = f => true,
            StateReason = f => $"{f.ErrorCode}: " + (f.ErrorMessage ?? "the image is not available in the region."),
        },
        new BootSignature(ParametersRefused, "ParametersRefused", BootCause.Deployment, null,
            "Azure refused the VM's parameters",
            "Azure refused the create request; the message names the parameter. For a security-type mismatch, the definition's security type does not fit the VM's (Trusted Launch needs a generation 2 image); for a purchase plan, the request lacks the image's plan.",
            "Change the parameter the message names (security type, size, disk size, plan) and deploy again.")
        {
            ArmCodes = new[] { "InvalidParameter", "VMMarketplaceInvalidInput", "BadRequest" },
            StateMatch = f => true,
            StateReason = f => $"{f.ErrorCode}: " + (f.ErrorMessage ?? "ARM refused a parameter."),
        },
    };

    private static readonly BootSignature UnrecognizedSignature = new BootSignature(Unrecognized, "Unrecognized", BootCause.Unknown, null,
        "A failure no signature explains",
        "The VM failed, but neither the ARM error nor the serial log matches a known failure.",
        "Read the serial log and the screenshot (boot diagnostics), the instance view's statuses and the Activity Log; if the failure is new, add the lines that identify it to a catalogue entry.");

    /// <summary>Every signature in id order (GI7900 last).</summary>
    /// <summary>
    /// One pattern matching any line that proves a signature or shows an agent: a streamed serial log keeps these lines
    /// (with their numbers), so matching it gives what matching every line would.
    /// </summary>
    internal static Regex EvidencePattern { get; } = Combine(AgentStarted.Concat(Table.Concat(new[] { UnrecognizedSignature }).SelectMany(s => s.Evidence)));

    /// <summary>One pattern matching any line of context (lines that support a diagnosis once made).</summary>
    internal static Regex ContextPattern { get; } = Combine(Table.Concat(new[] { UnrecognizedSignature }).SelectMany(s => s.Context));

    private static Regex Combine(IEnumerable<Regex> patterns) =>
        new Regex(string.Join("|", patterns.Select(r => "(?:" + r + ")").Distinct()), Options | RegexOptions.Compiled);

    public static IReadOnlyList<BootSignature> All { get; } = Table.OrderBy(s => s.Id, StringComparer.Ordinal).Concat(new[] { UnrecognizedSignature }).ToList();

    /// <summary>The signature with this id; null when there is none.</summary>
    public static BootSignature? Get(string? id) =>
        All.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The signature an ARM error code alone points at (the most common one for the code), or null.</summary>
    public static BootSignature? ForCode(string? code, string? osType = null)
    {
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }

        var facts = new BootFacts { ErrorCode = code, OsType = osType, DeployedGeneralized = true, AgentVersion = "Unknown", AgentStatus = "Not Ready", ProvisioningState = "Failed" };
        return Table.Where(s => s.ArmCodes.Any(c => string.Equals(c, code, StringComparison.OrdinalIgnoreCase)))
            .Where(s => s.OsType == null || osType == null || string.Equals(s.OsType, osType, StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.StateMatch != null && s.StateMatch(facts) ? 0 : 1)
            .ThenBy(s => s.OsType != null && osType != null ? 0 : 1)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>
    /// True when the facts say the boot failed: an ARM error, a failed provisioning state, an agent that does not
    /// report Ready on a running VM, or serial-log evidence of a failure.
    /// </summary>
    public static bool ShowsFailure(BootFacts facts)
    {
        if (facts == null)
        {
            throw new ArgumentNullException(nameof(facts));
        }

        if (facts.ErrorCode != null || facts.ProvisioningFailed)
        {
            return true;
        }

        if (facts.Running && facts.AgentStatus != null && !facts.AgentReady)
        {
            return true;
        }

        return Table.Any(s => s.Evidence.Count > 0 && Applies(s, facts) && facts.SerialLog.Matching(s.Evidence).Any());
    }

    /// <summary>
    /// The signature that explains the facts, or null when nothing shows a failure. Serial-log evidence wins over
    /// ARM codes (the log shows what the guest did; the code only that Azure stopped waiting), and among several
    /// signatures with evidence the earliest boot stage is the root cause (no network makes the agent fail too).
    /// A failure nothing explains is <see cref="Unrecognized"/>.
    /// </summary>
    public static BootSignatureMatch? Match(BootFacts facts)
    {
        if (facts == null)
        {
            throw new ArgumentNullException(nameof(facts));
        }

        if (!ShowsFailure(facts))
        {
            return null;
        }

        var withEvidence = Table
            .Where(s => s.Evidence.Count > 0 && Applies(s, facts))
            .Select(s => (Signature: s, Lines: facts.SerialLog.Matching(s.Evidence).Take(10).ToList()))
            .Where(x => x.Lines.Count > 0)
            .OrderBy(x => x.Signature.Stage)
            .ToList();
        if (withEvidence.Count > 0)
        {
            var (signature, lines) = withEvidence[0];
            var match = new BootSignatureMatch(signature) { FromSerialLog = true };
            match.Reasons.Add($"The serial log shows {signature.Title.ToLowerInvariant()}: line {string.Join(", ", lines.Select(l => l.LineNumber))}.");
            if (facts.ErrorCode != null)
            {
                match.Reasons.Add($"ARM ended provisioning with {facts.ErrorCode}.");
            }

            foreach (var other in withEvidence.Skip(1))
            {
                match.Reasons.Add($"Also in the log, later in the boot: {other.Signature.Id} {other.Signature.Title} (line {other.Lines[0].LineNumber}); it follows from the first failure.");
            }

            AddLines(match, facts, lines);
            return match;
        }

        var byState = Table
            .Where(s => s.StateMatch != null && Applies(s, facts) && CodeFits(s, facts) && s.StateMatch(facts))
            .OrderBy(s => s.Stage)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .FirstOrDefault();
        if (byState != null)
        {
            var match = new BootSignatureMatch(byState);
            match.Reasons.Add(byState.StateReason?.Invoke(facts) ?? $"ARM ended provisioning with {facts.ErrorCode}.");
            if (facts.SerialLog.IsEmpty)
            {
                match.Reasons.Add("No serial log was read: the diagnosis rests on ARM's error and the VM's facts.");
            }

            AddLines(match, facts, new List<SerialLogLine>());
            return match;
        }

        var unknown = new BootSignatureMatch(UnrecognizedSignature);
        unknown.Reasons.Add(facts.ErrorCode != null
            ? $"ARM ended provisioning with {facts.ErrorCode}" + (facts.ErrorMessage != null ? $" ({facts.ErrorMessage})" : string.Empty) + ", and no signature fits it."
            : $"Provisioning state {facts.ProvisioningState ?? "unknown"}, agent '{facts.AgentStatus ?? "none"}', and no signature fits.");
        if (facts.SerialLog.IsEmpty)
        {
            unknown.Reasons.Add("No serial log was read, so no guest-side evidence could be matched.");
        }

        return unknown;
    }

    private static bool Applies(BootSignature s, BootFacts facts) =>
        s.OsType == null || facts.OsType == null || string.Equals(s.OsType, facts.OsType, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An ARM code must be one of the signature's; without a code only the agent signatures fit (an agent that
    /// does not report Ready on a VM that provisioned is their case too).
    /// </summary>
    private static bool CodeFits(BootSignature s, BootFacts facts)
    {
        if (s.ArmCodes.Count == 0)
        {
            return true;
        }

        if (facts.ErrorCode != null)
        {
            return s.ArmCodes.Any(c => facts.CodeIs(c));
        }

        return s.Id == AgentCannotReachHost || s.Id == AgentNotInstalled;
    }

    /// <summary>The evidence lines plus the context lines around them (at most 30, log order, no duplicates).</summary>
    private static void AddLines(BootSignatureMatch match, BootFacts facts, List<SerialLogLine> evidence)
    {
        var context = facts.SerialLog.Matching(match.Signature.Context).ToList();
        var byNumber = new SortedDictionary<int, SerialLogLine>();
        foreach (var l in evidence)
        {
            byNumber[l.LineNumber] = new SerialLogLine { LineNumber = l.LineNumber, Text = l.Text, SignatureId = match.Signature.Id, IsEvidence = true };
        }
        // Context closest to the evidence first (or the last lines of the log when there is no evidence).
        var anchor = evidence.Count > 0 ? evidence[0].LineNumber : int.MaxValue;
        foreach (var l in context.OrderBy(l => Math.Abs(l.LineNumber - anchor)).ThenByDescending(l => l.LineNumber))
        {
            if (byNumber.Count >= 30)
            {
                break;
            }

            if (!byNumber.ContainsKey(l.LineNumber))
            {
                byNumber[l.LineNumber] = new SerialLogLine { LineNumber = l.LineNumber, Text = l.Text, SignatureId = match.Signature.Id };
            }
        }
        foreach (var l in byNumber.Values)
        {
            match.Lines.Add(l);
        }
    }
}
