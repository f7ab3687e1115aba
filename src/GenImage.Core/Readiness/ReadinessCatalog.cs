using System;
using System.Collections.Generic;
using System.Linq;

namespace GenImage.Core.Readiness;

/// <summary>
/// The readiness rule catalogue: the stable ids, default severities and the operator-facing text of
/// every rule. The rules' logic lives in the category classes (SourceRules, DefinitionRules, ...); the
/// engine pairs each id here with its logic. A rule may report a lower severity than its catalogue
/// severity for one finding (for example GI4003 reports an Error for an invalid count and a Warning for
/// a merely unusual one); the catalogue lists the highest severity a rule can report.
/// </summary>
public static class ReadinessCatalog
{
    public const string Source = "Source";
    public const string Definition = "Definition";
    public const string Version = "Version";
    public const string Regions = "Regions";
    public const string Guest = "Guest";
    public const string Operations = "Operations";

    /// <summary>The categories in catalogue order.</summary>
    public static IReadOnlyList<string> Categories { get; } = new[] { Source, Definition, Version, Regions, Guest, Operations };

    private static ReadinessRuleInfo R(string id, string category, FindingSeverity severity, string title, string inspects, string why, string fix) =>
        new ReadinessRuleInfo
        {
            Id = id,
            Category = category,
            Severity = severity,
            Title = title,
            Inspects = inspects,
            Why = why,
            Fix = fix,
            HelpUri = "docs/rules/" + id + ".md",
        };

    private static readonly ReadinessRuleInfo[] Table =
    {
        R("GI1001", Source, FindingSeverity.Error,
            "The source exists and is a supported kind",
            "The source resource id: its kind (virtual machine, managed image or gallery image version) and whether it could be read.",
            "An image version can only be made from a VM, a managed image or another gallery image version; anything else, or a source that does not exist, fails the publish after the version resource has been created.",
            "Pass the id of an existing virtual machine (Microsoft.Compute/virtualMachines), managed image (Microsoft.Compute/images) or gallery image version (Microsoft.Compute/galleries/images/versions)."),
        R("GI1002", Source, FindingSeverity.Error,
            "The source VM's OS state fits the definition",
            "The VM's OS state (generalized or not) from the instance view, whether this run will generalize it, and the definition's OS state.",
            "A Generalized definition needs a generalized VM; a VM captured without generalizing boots with the old identity or times out at first boot (OSProvisioningTimedOut). A Specialized definition needs a VM that was NOT generalized.",
            "For a Generalized definition run Invoke-GeneralizeVm -Prepare first (or publish with -Generalize). For a Specialized definition use a VM that has not been generalized, or publish to a Generalized definition."),
        R("GI1003", Source, FindingSeverity.Warning,
            "A generalized VM is not reused by mistake",
            "Whether the VM is already generalized while this run would prepare it again, and whether the VM is already the source of an existing version of the definition.",
            "A generalized VM cannot be started or prepared again; capturing it a second time publishes the same content under a new version number, which usually means a build step was skipped.",
            "Build a new source VM for a new version, or publish the existing version to more regions instead of capturing the same VM again."),
        R("GI1004", Source, FindingSeverity.Error,
            "The OS disk type and size are within limits",
            "The OS disk size (GB) and storage account type of the source.",
            "Azure Compute Gallery accepts OS disks up to 4,095 GB (2,048 GB for Hyper-V generation 1 images); an unknown disk type points at an unsupported source (for example an ultra or unmanaged disk).",
            "Shrink the OS disk below the limit (or use a Gen2 definition for disks above 2,048 GB), and use a Standard_LRS, StandardSSD_LRS/ZRS or Premium_LRS/ZRS managed OS disk."),
        R("GI2001", Definition, FindingSeverity.Error,
            "The OS type matches the definition",
            "The source's OS type and the definition's OS type.",
            "Azure refuses a Windows source for a Linux definition and the other way round, after the version resource has been created.",
            "Publish to a definition with the source's OS type, or create one with New-GalleryImageDefinition -OsType."),
        R("GI2002", Definition, FindingSeverity.Error,
            "The definition's OS state fits this kind of publish",
            "The definition's OS state, the source kind and whether this run generalizes the source.",
            "Generalizing a VM and publishing it to a Specialized definition (or publishing a managed image, which is always generalized, to one) makes an image whose VMs fail to provision.",
            "Publish generalized sources to a Generalized definition, and specialized (not generalized) VMs to a Specialized definition."),
        R("GI2003", Definition, FindingSeverity.Error,
            "The Hyper-V generation matches the definition",
            "The source VM's Hyper-V generation (V1/V2) and the definition's.",
            "A Gen2 (UEFI) disk in a V1 definition, or a Gen1 disk in a V2 definition, does not boot; Azure refuses the version or the VMs made from it never start.",
            "Publish to a definition with the source's Hyper-V generation (-HyperVGeneration V1|V2)."),
        R("GI2004", Definition, FindingSeverity.Error,
            "The security type is compatible with the definition",
            "The source VM's security type (Standard, TrustedLaunch, ConfidentialVM) and Hyper-V generation, and the definition's SecurityType feature.",
            "TrustedLaunch and ConfidentialVM definitions need a Gen2 source of a compatible security type, and Azure refuses a Trusted Launch VM as the source of a definition that is not Trusted Launch.",
            "Publish Trusted Launch VMs to a TrustedLaunch (or TrustedLaunchSupported) definition; publish Standard VMs to a Standard or a *Supported definition; ConfidentialVM sources need a ConfidentialVM definition."),
        R("GI2005", Definition, FindingSeverity.Error,
            "The CPU architecture matches the definition",
            "The source's architecture (inferred from an Arm64 VM size such as Standard_D2ps_v5, when not given) and the definition's architecture.",
            "An Arm64 disk in an x64 definition (or the reverse) produces an image no VM can boot.",
            "Publish to a definition whose -Architecture matches the source."),
        R("GI2006", Definition, FindingSeverity.Warning,
            "The disk controller fits the definition",
            "Whether the source VM size only supports NVMe (v6 sizes) and whether the definition declares NVMe in DiskControllerTypes.",
            "An image from an NVMe-only size in a definition that only declares SCSI cannot be deployed to the size it was built on, and deploys of NVMe sizes are refused.",
            "Add the DiskControllerTypes feature 'SCSI, NVMe' to the definition (the guest must have the NVMe driver), or build the source on a SCSI size."),
        R("GI2007", Definition, FindingSeverity.Error,
            "The purchase plan is carried by the definition",
            "The source's marketplace purchase plan and the definition's purchase plan.",
            "A source made from a marketplace image with a plan needs the same plan on the definition; without it, deployments fail with a missing-plan error.",
            "Create the definition with -PurchasePlan publisher/product/name matching the source's plan."),
        R("GI3001", Version, FindingSeverity.Error,
            "The version name is Major.Minor.Patch",
            "The version name.",
            "Azure only accepts versions of three 32-bit integers (1.0.0, 2024.6.17).",
            "Use a name like 1.2.3 where each part is a whole number from 0 to 2147483647, without leading zeros."),
        R("GI3002", Version, FindingSeverity.Error,
            "The version does not exist yet",
            "The version name and the versions already under the definition.",
            "Creating a version that exists overwrites nothing but fails, or with -Force replaces a version VMs may be using.",
            "Pick the next version number (Get-GalleryImageVersion lists the existing ones)."),
        R("GI3003", Version, FindingSeverity.Warning,
            "The version is higher than the current latest",
            "The version name and the highest existing version.",
            "'latest' resolves to the highest version number, not the newest; a lower number will never be picked as latest.",
            "Use a version number above the current highest, or publish with -ExcludeFromLatest deliberately."),
        R("GI3004", Version, FindingSeverity.Error,
            "The end-of-life date is in the future",
            "The end-of-life date of the version.",
            "A version whose end-of-life date has passed is published already expired; tooling and policies treat it as retired.",
            "Give an end-of-life date after today, or none."),
        R("GI3005", Version, FindingSeverity.Warning,
            "Exclude-from-latest follows the release policy",
            "Whether the version is excluded from latest and whether the release policy requires new versions to start excluded.",
            "A policy of staged rollout publishes new versions excluded from latest and promotes them after validation; a version published as latest skips that gate.",
            "Publish with -ExcludeFromLatest and promote the version after Test-ImageDeployment succeeds."),
        R("GI4001", Regions, FindingSeverity.Error,
            "The target region names are valid",
            "Every target region name.",
            "An unknown region name fails the whole publish after the version resource is created.",
            "Use ARM region names (westeurope, eastus2); Get-AzLocation or az account list-locations lists them."),
        R("GI4002", Regions, FindingSeverity.Warning,
            "The source region is among the target regions",
            "The source's region and the target regions.",
            "Azure always keeps a replica in the source region; GenImage adds it when it is missing, which may not be what the list intended.",
            "Add the source region to -TargetRegion explicitly."),
        R("GI4003", Regions, FindingSeverity.Error,
            "Replica counts are valid and sensible",
            "The replica count of every target region.",
            "Azure accepts 1 to 100 replicas per region; more than 20 replicas per region only pays off for large scale-set deployments (one replica per 20 concurrent creations) and costs storage.",
            "Use 1 to 100 replicas; keep to 20 or fewer per region unless the image serves large scale sets."),
        R("GI4004", Regions, FindingSeverity.Error,
            "The replica storage account type is valid",
            "The storage account type of every target region.",
            "Gallery replicas are stored as Standard_LRS, Standard_ZRS or Premium_LRS; any other value is refused.",
            "Use Standard_LRS, Standard_ZRS or Premium_LRS."),
        R("GI4005", Regions, FindingSeverity.Warning,
            "Zone-redundant storage is only asked where zones exist",
            "Regions with Standard_ZRS storage and whether they have availability zones.",
            "Standard_ZRS in a region without availability zones is refused or falls back; the replica is not zone redundant.",
            "Use Standard_LRS in regions without availability zones."),
        R("GI5001", Guest, FindingSeverity.Error,
            "The Azure guest agent is installed and ready",
            "The guest agent facts from the inspection script (installed, version, service status) and the agent status in the VM's instance view.",
            "Preparation runs through Run Command, which needs the agent; an image without a working agent fails to provision with VMAgentStatusCommunicationError or OSProvisioningTimedOut.",
            "Install or repair the Azure VM agent (WindowsAzureGuestAgent / walinuxagent) and start it before generalizing."),
        R("GI5002", Guest, FindingSeverity.Error,
            "No SSH host keys are left in the image",
            "The /etc/ssh/ssh_host_*_key files the Linux inspection found.",
            "Host keys copied into an image make every VM share the same SSH identity.",
            "Run Invoke-GeneralizeVm -Prepare (waagent -deprovision+user removes them), or delete /etc/ssh/ssh_host_* before capture."),
        R("GI5003", Guest, FindingSeverity.Error,
            "The machine-id is empty",
            "Whether /etc/machine-id has content.",
            "A machine-id copied into an image gives every VM the same id (DHCP client ids, journald, systemd).",
            "Run Invoke-GeneralizeVm -Prepare, or truncate /etc/machine-id before capture."),
        R("GI5004", Guest, FindingSeverity.Error,
            "No provisioned admin user or home directory is left",
            "Interactive accounts (uid 1000+) and their home directories.",
            "The admin user and its home (with keys and history) end up in every VM made from the image.",
            "Run Invoke-GeneralizeVm -Prepare (waagent -deprovision+user deletes the last provisioned user), or remove the account before capture."),
        R("GI5005", Guest, FindingSeverity.Error,
            "No shell history is left",
            "Shell history files (.bash_history) of root and the home directories.",
            "Shell history leaks commands (and sometimes secrets) into every VM made from the image.",
            "Run Invoke-GeneralizeVm -Prepare, or empty the history files before capture."),
        R("GI5006", Guest, FindingSeverity.Error,
            "No cloud-init or waagent state is left",
            "Files under /var/lib/cloud/instances and /var/lib/waagent left from this VM's provisioning.",
            "Left-over provisioning state makes cloud-init or waagent skip provisioning on the new VM, which then times out (OSProvisioningTimedOut) or keeps the old settings.",
            "Run Invoke-GeneralizeVm -Prepare (cloud-init clean and waagent -deprovision), or clean them before capture."),
        R("GI5007", Guest, FindingSeverity.Error,
            "No answer files with credentials are left",
            "Unattend/sysprep answer files under Panther and Sysprep folders that contain a password.",
            "Answer files with passwords are copied into every VM made from the image.",
            "Delete the listed answer files (C:\\Windows\\Panther\\unattend.xml and similar) before generalizing."),
        R("GI5008", Guest, FindingSeverity.Error,
            "No per-user AppX packages block Sysprep",
            "AppX packages installed for a user but not provisioned for all users.",
            "Sysprep /generalize stops with 'package was installed for a user, but not provisioned for all users'; the VM is left half-prepared.",
            "Remove the listed packages for every user (Remove-AppxPackage -AllUsers) or provision them, then generalize."),
        R("GI5009", Guest, FindingSeverity.Error,
            "BitLocker is off on the OS volume",
            "BitLocker protection status of the OS volume.",
            "Sysprep refuses to generalize an encrypted OS volume, and an encrypted disk cannot be captured as a usable image.",
            "Decrypt the OS volume (Disable-BitLocker -MountPoint C:) and wait until decryption completes."),
        R("GI5010", Guest, FindingSeverity.Error,
            "No reboot is pending",
            "Pending-reboot markers: component servicing, Windows Update, pending file rename operations.",
            "Sysprep fails or the image boots into unfinished servicing when a reboot is pending.",
            "Restart the VM, let servicing finish, and inspect again."),
        R("GI5011", Guest, FindingSeverity.Warning,
            "The DVD-ROM driver is enabled",
            "Whether the cdrom service is disabled.",
            "Provisioning reads the answer media from the virtual DVD drive; with the driver disabled, VMs from the image can time out at first boot.",
            "Set HKLM\\SYSTEM\\CurrentControlSet\\Services\\cdrom Start to 1 and restart."),
        R("GI5012", Guest, FindingSeverity.Warning,
            "The VM is not domain joined",
            "Whether the VM is joined to a domain.",
            "Generalizing removes the machine's domain trust; VMs from a domain-joined image come up unjoined or with a stale computer account.",
            "Leave the domain before generalizing and join new VMs at deployment time."),
        R("GI6001", Operations, FindingSeverity.Warning,
            "The source has the required tags",
            "The source's tags and the tags the policy requires (owner by default).",
            "Without an owner, nobody can be asked about an image or the VM it came from.",
            "Add the tag (Update-AzTag -ResourceId ... -Tag @{owner='team'} -Operation Merge)."),
        R("GI6002", Operations, FindingSeverity.Warning,
            "The source VM is not left running after capture",
            "The power state of the source VM (for a version: the VM it was made from).",
            "A VM left running after capture costs money and, if specialized, may drift from the published image.",
            "Stop and deallocate (or delete) the source VM once the version is published."),
    };

    private static readonly Dictionary<string, ReadinessRuleInfo> ById =
        Table.ToDictionary(r => r.Id, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every rule, ordered by id.</summary>
    public static IReadOnlyList<ReadinessRuleInfo> Rules { get; } = Table.OrderBy(r => r.Id, StringComparer.Ordinal).Select(Copy).ToList().AsReadOnly();

    /// <summary>The rule with this id (case-insensitive).</summary>
    /// <exception cref="KeyNotFoundException">No rule has the id; the message lists the ids.</exception>
    public static ReadinessRuleInfo Get(string id)
    {
        if (id != null && ById.TryGetValue(id.Trim(), out var rule))
        {
            return Copy(rule);
        }

        throw new KeyNotFoundException(
            $"There is no readiness rule '{id}'. The rules are: {string.Join(", ", Table.Select(r => r.Id))}.");
    }

    /// <summary>The rules a selection picks, ordered by id.</summary>
    public static IReadOnlyList<ReadinessRuleInfo> Select(ReadinessSelection? selection) =>
        Rules.Where(r => selection == null || selection.Selects(r)).Select(Copy).ToList().AsReadOnly();

    internal static ReadinessRuleInfo Internal(string id) => ById[id];

    // Callers get copies, so a caller that changes a ReadinessRuleInfo cannot change the catalogue.
    private static ReadinessRuleInfo Copy(ReadinessRuleInfo r) => new ReadinessRuleInfo
    {
        Id = r.Id, Category = r.Category, Severity = r.Severity, Title = r.Title,
        Inspects = r.Inspects, Why = r.Why, Fix = r.Fix, HelpUri = r.HelpUri,
    };
}
