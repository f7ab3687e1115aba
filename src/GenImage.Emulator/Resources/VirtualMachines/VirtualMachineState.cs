using System.Text.Json.Serialization;
using GenImage.Emulator.Resources.Disks;
using GenImage.Emulator.Resources.RunCommands;
using GenImage.Emulator.State;
using GenImage.Emulator.World;

namespace GenImage.Emulator.Resources.VirtualMachines;

/// <summary>One emulated virtual machine: its ARM model plus the power state and the guest behind it.</summary>
internal sealed class VirtualMachineState : IJsonOnDeserialized
{
    private static readonly string[] WindowsServerYears = ["2016", "2019", "2022", "2025"];

#pragma warning disable CS8618 // The state file sets every stored property (see Persistence/StateJson).
    [JsonConstructor]
    private VirtualMachineState()
    {
    }
#pragma warning restore CS8618

    private VirtualMachineState(ResourceGroupState group, VirtualMachineDefinition def, DateTimeOffset now)
    {
        Group = group;
        Name = def.Name;
        Location = def.Location ?? group.Location;
        Size = def.Size;
        PowerState = def.PowerState;
        OsState = def.OsState;
        OsType = def.OsType;
        OsName = def.OsName;
        OsVersion = def.OsVersion;
        ComputerName = def.ComputerName;
        HyperVGeneration = def.HyperVGeneration;
        SecurityType = def.SecurityType;
        AdminUsername = def.AdminUsername;
        OsDiskName = def.OsDiskName ?? $"{def.Name}_OsDisk_1_{Guid.NewGuid():N}";
        OsDiskSizeGB = def.OsDiskSizeGB;
        OsDiskStorageAccountType = def.OsDiskStorageAccountType;
        Image = def.Image ?? DefaultImage(def);
        OsDiskDeleteOption = def.OsDiskDeleteOption;
        Plan = def.Plan;
        Tags = new Dictionary<string, string>(def.Tags, StringComparer.Ordinal);
        VmId = Guid.NewGuid().ToString("D");
        TimeCreated = now.AddDays(-def.AgeDays);
        StatusTime = now;
        Guest = new GuestState(def.Guest);
        if (OsState is not null)
        {
            GeneralizedWithPreparedGuest = Guest.Prepared;
        }

        group.Disks.Add(OsDiskName, new DiskState(group, OsDiskName, Location)
        {
            OsType = OsType,
            HyperVGeneration = HyperVGeneration,
            SizeGB = OsDiskSizeGB,
            StorageAccountType = OsDiskStorageAccountType,
            TimeCreated = TimeCreated,
            SecurityType = SecurityType == "Standard" ? null : SecurityType,
            ImageReferenceId = def.Image?.Id,
            ManagedBy = ResourceId,
        });
    }

    /// <summary>A VM created through PUT from an image; it starts in provisioningState Creating.</summary>
    public VirtualMachineState(ResourceGroupState group, VmCreation c, DateTimeOffset now)
    {
        Group = group;
        Name = c.Name;
        Location = c.Location;
        Size = c.Size;
        PowerState = "starting";
        OsType = c.Lineage.OsType;
        OsName = c.Lineage.OsName;
        OsVersion = c.Lineage.OsVersion;
        ComputerName = c.ComputerName;
        HyperVGeneration = c.Lineage.HyperVGeneration;
        SecurityType = c.SecurityType;
        AdminUsername = c.AdminUsername;
        OsDiskName = c.OsDiskName;
        OsDiskSizeGB = c.OsDiskSizeGB;
        OsDiskStorageAccountType = c.StorageAccountType;
        OsDiskDeleteOption = c.OsDiskDeleteOption;
        Image = c.PlatformImage ?? new ImageReferenceDefinition();
        ImageReferenceId = c.PlatformImage is null ? c.ImageReferenceId : null;
        PlatformImageId = c.PlatformImage is null ? null : c.ImageReferenceId;
        Plan = c.Plan;
        Tags = new Dictionary<string, string>(c.Tags, StringComparer.Ordinal);
        VmId = Guid.NewGuid().ToString("D");
        TimeCreated = now;
        StatusTime = now;
        Lineage = c.Lineage;
        HasOsProfile = c.HasOsProfile;
        BootDiagnosticsEnabled = c.BootDiagnosticsEnabled;
        NetworkProfile = c.NetworkProfile;
        DiskControllerType = c.DiskControllerType;
        Lifecycle = "Creating";
        BootFailure = c.Lineage.Failure;
        Guest = new GuestState(new GuestDefinition
        {
            AgentVersion = c.Lineage.AgentVersion,
            AgentStatus = BootFailure is { } failure ? BootFailures.Get(failure).AgentStatus : c.Lineage.AgentStatus,
            CloudInit = c.Lineage.CloudInit,
            SysprepBlockers = c.Lineage.SysprepBlockers.ToList(),
            Leftovers = c.Lineage.Leftovers.ToList(),
            DvdRomDisabled = c.Lineage.DvdRomDisabled,
            Domain = c.Lineage.Domain,
        });
    }

    /// <summary>The parent; set again on load.</summary>
    [JsonIgnore]
    public ResourceGroupState Group { get; internal set; }

    public string Name { get; }
    public string Location { get; }

    /// <summary><c>hardwareProfile.vmSize</c>; a PUT or PATCH on the VM may change it.</summary>
    public string Size { get; set; }

    /// <summary>running | stopped | deallocated | starting | stopping | deallocating.</summary>
    public string PowerState { get; set; }

    /// <summary>null or "generalized".</summary>
    public string? OsState { get; set; }

    public bool? GeneralizedWithPreparedGuest { get; set; }
    public string OsType { get; }
    public bool IsWindows => OsType == "Windows";
    public string OsName { get; }
    public string OsVersion { get; }
    public string ComputerName { get; }
    public string HyperVGeneration { get; }
    public string SecurityType { get; }
    public string AdminUsername { get; }
    public string OsDiskName { get; }
    public int OsDiskSizeGB { get; }
    public string OsDiskStorageAccountType { get; }
    public ImageReferenceDefinition Image { get; }

    /// <summary>The marketplace purchase plan (top-level <c>plan</c>); null when the VM has none. Fixed at creation, as in ARM.</summary>
    public PlanDefinition? Plan { get; }
    public Dictionary<string, string> Tags { get; }
    /// <summary>Stable for the VM's life, across restarts in persistent mode (the state file restores it).</summary>
    public string VmId { get; internal set; }

    /// <summary>Stable for the VM's life, across restarts in persistent mode (the state file restores it).</summary>
    public DateTimeOffset TimeCreated { get; internal set; }

    /// <summary>When the power state last changed (the time on instance-view statuses).</summary>
    public DateTimeOffset StatusTime { get; set; }

    /// <summary>The guest; replaced only when persistent mode restores the VM.</summary>
    public GuestState Guest { get; internal set; }

    /// <summary>The power operation in progress (deallocate, powerOff, start, restart), if any.</summary>
    [JsonIgnore]
    public string? PendingPowerOperation { get; set; }

    /// <summary>The Run Command in progress, if any.</summary>
    [JsonIgnore]
    public Operations.AsyncOperation? PendingRunCommand { get; set; }

    public bool IsRunning => PowerState is "running";
    public bool IsAllocated => PowerState is not ("deallocated" or "deallocating");

    public string ProvisioningState => Lifecycle ?? (PendingPowerOperation is null ? "Succeeded" : "Updating");

    /// <summary>Creating, Failed or Deleting while that overrides the power-operation view; null otherwise.</summary>
    public string? Lifecycle { get; set; }

    /// <summary>The error that failed provisioning (OSProvisioningTimedOut, VMAgentStatusCommunicationError), if any.</summary>
    public ProvisioningFailure? ProvisioningError { get; set; }

    /// <summary>For a VM created from an image: the image's lineage; null for VMs from the world file.</summary>
    public ImageLineage? Lineage { get; }

    /// <summary>The <c>imageReference.id</c> the VM was created from (gallery version, definition or managed image).</summary>
    public string? ImageReferenceId { get; internal set; }

    /// <summary>How the VM failed to boot (a key of <see cref="BootFailures"/>), or null.</summary>
    public string? BootFailure { get; internal set; }

    /// <summary>When it failed (the instance view's failed status time), for VMs of the world file.</summary>
    public DateTimeOffset? FailedAt { get; internal set; }

    /// <summary>The world file's <c>boot</c> key of this VM (serial log size and lines, screenshot, blobs), if any.</summary>
    public BootDefinition? WorldBoot { get; internal set; }

    /// <summary>Boot diagnostics are enabled but their blobs are gone (a deleted storage container, say).</summary>
    public bool BootDiagnosticsBlobsMissing => WorldBoot?.Diagnostics == "blobMissing";

    /// <summary>False when the guest never got as far as starting an agent: the instance view reports no agent version.</summary>
    public bool AgentEverRan => BootFailure is not { } key || BootFailures.Get(key).AgentEverRan;

    /// <summary>For a VM created through PUT from a marketplace image: the platform image's id (its imageReference shows publisher/offer/sku/version).</summary>
    public string? PlatformImageId { get; }

    /// <summary>The gallery image version actually used (after "latest" resolution), if any.</summary>
    public string? ResolvedImageVersionId { get; set; }

    /// <summary>Delete or Detach: what happens to the OS disk when the VM is deleted.</summary>
    public string OsDiskDeleteOption { get; } = "Delete";

    /// <summary>False for a VM created from a specialized image (no osProfile).</summary>
    public bool HasOsProfile { get; internal set; } = true;
    public bool BootDiagnosticsEnabled { get; set; } = true;
    public System.Text.Json.Nodes.JsonObject? NetworkProfile { get; set; }

    /// <summary><c>storageProfile.diskControllerType</c> (SCSI or NVMe) when the create request set it; null otherwise.</summary>
    public string? DiskControllerType { get; set; }

    /// <summary>When the guest finished booting (PowerState running), for VMs created through PUT.</summary>
    public DateTimeOffset? BootCompletedAt { get; set; }

    /// <summary>When the agent first reported Ready (and provisioning succeeded), for VMs created through PUT.</summary>
    public DateTimeOffset? AgentReadyAt { get; set; }

    /// <summary>Boot duration in Azure seconds (creation request to guest booted).</summary>
    public double? BootAzureSeconds { get; set; }

    /// <summary>Agent-ready time in Azure seconds after the creation request.</summary>
    public double? AgentReadyAzureSeconds { get; set; }

    public ResourceDictionary<RunCommandState> RunCommands { get; } = new();

    public string ResourceId => $"{Group.ResourceId}/providers/Microsoft.Compute/virtualMachines/{Name}";
    public string OsDiskId => $"{Group.ResourceId}/providers/Microsoft.Compute/disks/{OsDiskName}";
    public string NicId => $"{Group.ResourceId}/providers/Microsoft.Network/networkInterfaces/{Name}-nic";

    /// <summary>What the instance view says about the agent now: Ready only while the VM runs and the guest's agent is ready.</summary>
    public string EffectiveAgentStatus => Guest.AgentStatus switch
    {
        "Missing" => "Missing",
        "Ready" when PowerState == "running" && !Guest.BootedAfterPrepare && Lifecycle is not ("Creating" or "Failed") => "Ready",
        _ => "NotReady",
    };

    public void SetPowerState(string state, DateTimeOffset now)
    {
        PowerState = state;
        StatusTime = now;
    }

    public static VirtualMachineState FromDefinition(ResourceGroupState group, VirtualMachineDefinition def, DateTimeOffset now)
        => new(group, def, now);

    /// <summary>
    /// Puts a VM of the world file in the state its <c>boot</c> key describes: provisioning Failed with the failure's ARM
    /// error (or the one the world gives), the agent as the failure leaves it, boot diagnostics on or off.
    /// <paramref name="inheritedFailure"/> is the failure of the image version the VM was made from, used when the VM
    /// names none; <paramref name="failedAt"/> restores a saved time.
    /// </summary>
    public void ApplyWorldBoot(BootDefinition? boot, string? inheritedFailure, DateTimeOffset now, DateTimeOffset? failedAt = null)
    {
        WorldBoot = boot;
        if (boot is not null)
        {
            BootDiagnosticsEnabled = boot.Diagnostics != "disabled";
        }

        var failure = BootFailures.Find(boot?.Failure ?? inheritedFailure);
        var code = boot?.ErrorCode ?? failure?.ArmCode;
        if (failure is null && code is null && boot?.AgentStatus is null)
        {
            return;
        }

        BootFailure = failure?.Key;
        FailedAt = failedAt ?? now - TimeSpan.FromMinutes(boot?.FailedMinutesAgo ?? 20);
        StatusTime = FailedAt.Value;
        Guest.AgentStatus = boot?.AgentStatus ?? failure?.AgentStatus ?? Guest.AgentStatus;
        if (code is not null)
        {
            Lifecycle = "Failed";
            ProvisioningError = new(code, boot?.ErrorMessage ?? (failure is not null && failure.ArmCode == code ? failure.Message(this) : $"VM '{Name}' failed: {code}."));
        }
    }

    void IJsonOnDeserialized.OnDeserialized()
    {
        foreach (var rc in RunCommands.All)
        {
            rc.Vm = this;
        }
    }

    public VmSnapshot ToSnapshot() => new()
    {
        SubscriptionId = Group.Subscription.Id,
        ResourceGroup = Group.Name,
        Name = Name,
        Id = ResourceId,
        Location = Location,
        Size = Size,
        PowerState = PowerState,
        OsState = OsState,
        ProvisioningState = ProvisioningState,
        OsType = OsType,
        HyperVGeneration = HyperVGeneration,
        SecurityType = SecurityType,
        GuestPrepared = Guest.Prepared,
        GeneralizedWithPreparedGuest = GeneralizedWithPreparedGuest,
        AgentStatus = EffectiveAgentStatus,
        ConfiguredAgentStatus = Guest.AgentStatus,
        CloudInit = Guest.CloudInit,
        SysprepBlockers = Guest.SysprepBlockers.ToArray(),
        Leftovers = Guest.Leftovers.ToArray(),
        ScriptsRun = Guest.ScriptsRun.ToArray(),
        PendingOperation = Lifecycle == "Deleting" ? "delete" : Lifecycle == "Creating" ? "create" : PendingPowerOperation ?? (PendingRunCommand is null ? null : "runCommand"),
        OsDiskName = OsDiskName,
        ImageReferenceId = ImageReferenceId ?? PlatformImageId,
        ResolvedImageVersionId = ResolvedImageVersionId,
        ProvisioningErrorCode = ProvisioningError?.Code,
        BootCompletedAt = BootCompletedAt,
        AgentReadyAt = AgentReadyAt,
        BootDurationAzureSeconds = BootAzureSeconds,
        AgentReadyAzureSeconds = AgentReadyAzureSeconds,
    };

    private static ImageReferenceDefinition DefaultImage(VirtualMachineDefinition def)
    {
        if (def.OsType == "Windows")
        {
            var year = WindowsServerYears.FirstOrDefault(y => def.OsName.Contains(y, StringComparison.Ordinal)) ?? "2022";
            var sku = $"{year}-datacenter{(def.HyperVGeneration == "V2" ? "-g2" : "")}";
            return new ImageReferenceDefinition { Publisher = "MicrosoftWindowsServer", Offer = "WindowsServer", Sku = sku };
        }

        return new ImageReferenceDefinition
        {
            Publisher = "Canonical",
            Offer = "0001-com-ubuntu-server-jammy",
            Sku = def.HyperVGeneration == "V2" ? "22_04-lts-gen2" : "22_04-lts",
        };
    }
}

/// <summary>The error that failed a VM's provisioning (OSProvisioningTimedOut, VMAgentStatusCommunicationError, ...).</summary>
internal sealed record ProvisioningFailure(string Code, string Message);

/// <summary>What is inside the VM: the agent, whether it was prepared for imaging, and what would block or spoil an image.</summary>
internal sealed class GuestState(GuestDefinition def)
{
    [JsonConstructor]
    private GuestState()
        : this(new GuestDefinition())
    {
    }

    public string AgentVersion { get; } = def.AgentVersion;

    /// <summary>Ready | NotReady | Missing, as reported while the VM runs.</summary>
    public string AgentStatus { get; set; } = def.AgentStatus;

    public bool Prepared { get; set; } = def.Prepared;
    public bool CloudInit { get; } = def.CloudInit;
    public List<string> SysprepBlockers { get; } = new(def.SysprepBlockers);
    public List<string> Leftovers { get; } = new(def.Leftovers);
    public List<string> ScriptsRun { get; } = new();
    public bool DvdRomDisabled { get; } = def.DvdRomDisabled;
    public string? Domain { get; } = def.Domain;

    /// <summary>
    /// A prepared guest that is started again boots into OOBE (Windows) or without a provisioned agent (Linux); its
    /// agent never reports Ready.
    /// </summary>
    public bool BootedAfterPrepare { get; set; }
}

/// <summary>What a VM PUT asks for, after validation.</summary>
internal sealed record VmCreation
{
    public required string Name { get; init; }
    public required string Location { get; init; }
    public required string Size { get; init; }
    public required ImageLineage Lineage { get; init; }
    public required string ImageReferenceId { get; init; }

    /// <summary>Set when the image is a marketplace image (publisher/offer/sku/version); <see cref="ImageReferenceId"/> is then its platform id.</summary>
    public ImageReferenceDefinition? PlatformImage { get; init; }

    public required string SecurityType { get; init; }
    public required string ComputerName { get; init; }
    public required string AdminUsername { get; init; }
    public required bool HasOsProfile { get; init; }
    public required string OsDiskName { get; init; }
    public required int OsDiskSizeGB { get; init; }
    public required string StorageAccountType { get; init; }
    public required string OsDiskDeleteOption { get; init; }
    public required bool BootDiagnosticsEnabled { get; init; }
    public System.Text.Json.Nodes.JsonObject? NetworkProfile { get; init; }
    public string? DiskControllerType { get; init; }

    /// <summary>The request's top-level <c>plan</c>, if any.</summary>
    public PlanDefinition? Plan { get; init; }
    public required Dictionary<string, string> Tags { get; init; }
}
