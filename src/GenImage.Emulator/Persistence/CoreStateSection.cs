using System.Text.Json;
using System.Text.Json.Nodes;
using GenImage.Emulator.State;
using GenImage.Emulator.World;

namespace GenImage.Emulator.Persistence;

/// <summary>
/// Subscriptions, resource groups and virtual machines (with their guests, vmId, timeCreated and, for VMs created
/// through PUT, their image lineage and creation details). A VM saved during a power operation is saved as that
/// operation would leave it (deallocating → deallocated, stopping → stopped, starting → running); a VM being created
/// is saved as its creation would end (running and Succeeded, or Failed with its provisioning error); a VM being
/// deleted is saved as deleted; a Run Command in progress is dropped.
/// </summary>
internal sealed class CoreStateSection : IStateSection
{
    public string Name => "core";

    public JsonNode? Save(WorldStore store)
    {
        var subs = store.Subscriptions.All.Select(s => new SubscriptionRecord(
            s.Id,
            s.DisplayName,
            s.ResourceGroups.All.Where(rg => !rg.Deleting).Select(rg => new ResourceGroupRecord(
                rg.Name,
                rg.Location,
                new Dictionary<string, string>(rg.Tags),
                rg.VirtualMachines.All.Where(vm => vm.Lifecycle != "Deleting").Select(vm => ToRecord(vm, store.Clock.Now)).ToList())).ToList())).ToList();
        return JsonSerializer.SerializeToNode(subs, StateFile.JsonOptions);
    }

    public void Load(WorldStore store, JsonNode data)
    {
        var subs = data.Deserialize<List<SubscriptionRecord>>(StateFile.JsonOptions) ?? [];
        var now = store.Clock.Now;
        foreach (var s in subs)
        {
            var sub = new SubscriptionState(s.Id, s.DisplayName, store.TenantId);
            foreach (var g in s.ResourceGroups)
            {
                var rg = new ResourceGroupState(sub, g.Name, g.Location, g.Tags);
                foreach (var v in g.VirtualMachines)
                {
                    var vm = v.Created is { } created
                        ? new VirtualMachineState(rg, ToCreation(v, created), now)
                        : VirtualMachineState.FromDefinition(rg, ToDefinition(v), now);
                    Restore(vm, v);
                    rg.VirtualMachines.Add(vm.Name, vm);
                }

                sub.ResourceGroups.Add(rg.Name, rg);
            }

            store.Subscriptions.Add(sub.Id, sub);
        }
    }

    /// <summary>What a loaded VM takes from its record beyond what its constructor sets.</summary>
    private static void Restore(VirtualMachineState vm, VmRecord v)
    {
        vm.Guest = new GuestState(GuestOf(v)) { BootedAfterPrepare = v.BootedAfterPrepare };
        vm.Guest.ScriptsRun.AddRange(v.ScriptsRun);
        vm.GeneralizedWithPreparedGuest = v.GeneralizedWithPreparedGuest;
        vm.VmId = v.VmId ?? vm.VmId;
        vm.TimeCreated = v.TimeCreated ?? vm.TimeCreated;
        vm.StatusTime = v.StatusTime ?? vm.StatusTime;
        vm.BootDiagnosticsEnabled = v.BootDiagnosticsEnabled ?? vm.BootDiagnosticsEnabled;
        if (v.Created is not { } c)
        {
            vm.ImageReferenceId = v.WorldImageReferenceId;
            vm.ResolvedImageVersionId = v.WorldResolvedImageVersionId;
            vm.HasOsProfile = v.WorldHasOsProfile ?? true;
            vm.NetworkProfile = v.WorldNetworkProfile?.DeepClone().AsObject();
            vm.ApplyWorldBoot(v.WorldBoot, v.WorldBootFailure, vm.StatusTime, v.FailedAt);
            return;
        }

        vm.FailedAt = v.FailedAt;

        vm.PowerState = v.PowerState;
        vm.OsState = v.OsState;
        vm.Lifecycle = c.ProvisioningErrorCode is null ? null : "Failed";
        vm.ProvisioningError = c.ProvisioningErrorCode is { } code ? (code, c.ProvisioningErrorMessage ?? "") : null;
        vm.ResolvedImageVersionId = c.ResolvedImageVersionId;
        vm.BootCompletedAt = c.BootCompletedAt;
        vm.AgentReadyAt = c.AgentReadyAt;
        vm.BootAzureSeconds = c.BootAzureSeconds;
        vm.AgentReadyAzureSeconds = c.AgentReadyAzureSeconds;
    }

    private static VmCreation ToCreation(VmRecord v, CreatedVmRecord c) => new()
    {
        Name = v.Name,
        Location = v.Location,
        Size = v.Size,
        Lineage = c.Lineage,
        ImageReferenceId = c.ImageReferenceId,
        PlatformImage = c.PlatformImage is { } p
            ? new ImageReferenceDefinition { Publisher = p.Publisher, Offer = p.Offer, Sku = p.Sku, Version = p.Version }
            : null,
        SecurityType = v.SecurityType,
        ComputerName = v.ComputerName,
        AdminUsername = v.AdminUsername,
        HasOsProfile = c.HasOsProfile,
        OsDiskName = v.OsDiskName,
        OsDiskSizeGB = v.OsDiskSizeGB,
        StorageAccountType = v.OsDiskStorageAccountType,
        OsDiskDeleteOption = c.OsDiskDeleteOption,
        BootDiagnosticsEnabled = v.BootDiagnosticsEnabled ?? false,
        NetworkProfile = c.NetworkProfile?.DeepClone().AsObject(),
        DiskControllerType = c.DiskControllerType,
        Plan = v.Plan,
        Tags = new Dictionary<string, string>(v.Tags),
    };

    /// <summary>A VM created through PUT, as its creation leaves it (applied to a VM still being created at save).</summary>
    private static CreatedVmRecord? CreatedRecord(VirtualMachineState vm, DateTimeOffset now)
    {
        if (vm.Lineage is not { } lineage || (vm.ImageReferenceId ?? vm.PlatformImageId) is not { } imageId)
        {
            return null;
        }

        var record = new CreatedVmRecord
        {
            Lineage = lineage,
            ImageReferenceId = imageId,
            PlatformImage = vm.PlatformImageId is null ? null : new ImageRecord(vm.Image.Publisher, vm.Image.Offer, vm.Image.Sku, vm.Image.Version),
            ResolvedImageVersionId = vm.ResolvedImageVersionId,
            HasOsProfile = vm.HasOsProfile,
            OsDiskDeleteOption = vm.OsDiskDeleteOption,
            NetworkProfile = vm.NetworkProfile?.DeepClone().AsObject(),
            DiskControllerType = vm.DiskControllerType,
            ProvisioningErrorCode = vm.ProvisioningError?.Code,
            ProvisioningErrorMessage = vm.ProvisioningError?.Message,
            BootCompletedAt = vm.BootCompletedAt,
            AgentReadyAt = vm.AgentReadyAt,
            BootAzureSeconds = vm.BootAzureSeconds,
            AgentReadyAzureSeconds = vm.AgentReadyAzureSeconds,
        };
        if (vm.Lifecycle != "Creating")
        {
            return record;
        }

        var failure = BootFailures.Find(lineage.Failure);
        var boot = vm.BootAzureSeconds ?? 0;
        record = record with { BootCompletedAt = vm.BootCompletedAt ?? now };
        if (failure is null)
        {
            return record with { AgentReadyAt = now, AgentReadyAzureSeconds = boot + Providers.Compute.Durations.AgentReadyAfterBoot };
        }

        return record with { ProvisioningErrorCode = failure.ArmCode, ProvisioningErrorMessage = failure.Message(vm) };
    }

    private static VmRecord ToRecord(VirtualMachineState vm, DateTimeOffset now) => new()
    {
        VmId = vm.VmId,
        TimeCreated = vm.TimeCreated,
        StatusTime = vm.Lifecycle == "Creating" || vm.PendingPowerOperation is not null ? now : vm.StatusTime,
        BootDiagnosticsEnabled = vm.BootDiagnosticsEnabled,
        DvdRomDisabled = vm.Guest.DvdRomDisabled,
        Domain = vm.Guest.Domain,
        Created = CreatedRecord(vm, now),
        Name = vm.Name,
        Location = vm.Location,
        Size = vm.Size,
        PowerState = vm.PowerState switch
        {
            "deallocating" => "deallocated",
            "stopping" => "stopped",
            "starting" => "running",
            var p => p,
        },
        OsState = vm.OsState,
        GeneralizedWithPreparedGuest = vm.GeneralizedWithPreparedGuest,
        OsType = vm.OsType,
        OsName = vm.OsName,
        OsVersion = vm.OsVersion,
        ComputerName = vm.ComputerName,
        HyperVGeneration = vm.HyperVGeneration,
        SecurityType = vm.SecurityType,
        AdminUsername = vm.AdminUsername,
        OsDiskName = vm.OsDiskName,
        OsDiskSizeGB = vm.OsDiskSizeGB,
        OsDiskStorageAccountType = vm.OsDiskStorageAccountType,
        Image = new ImageRecord(vm.Image.Publisher, vm.Image.Offer, vm.Image.Sku, vm.Image.Version),
        OsDiskDeleteOption = vm.OsDiskDeleteOption,
        Plan = vm.Plan,
        Tags = new Dictionary<string, string>(vm.Tags),
        AgentVersion = vm.Guest.AgentVersion,
        AgentStatus = vm.Guest.AgentStatus,
        Prepared = vm.Guest.Prepared,
        CloudInit = vm.Guest.CloudInit,
        SysprepBlockers = vm.Guest.SysprepBlockers.ToList(),
        Leftovers = vm.Guest.Leftovers.ToList(),
        ScriptsRun = vm.Guest.ScriptsRun.ToList(),
        BootedAfterPrepare = vm.Guest.BootedAfterPrepare,
        FailedAt = vm.FailedAt,
        WorldBoot = vm.Lineage is null ? vm.WorldBoot : null,
        WorldBootFailure = vm.Lineage is null ? vm.BootFailure : null,
        WorldImageReferenceId = vm.Lineage is null ? vm.ImageReferenceId : null,
        WorldResolvedImageVersionId = vm.Lineage is null ? vm.ResolvedImageVersionId : null,
        WorldHasOsProfile = vm.Lineage is null && !vm.HasOsProfile ? false : null,
        WorldNetworkProfile = vm.Lineage is null ? vm.NetworkProfile?.DeepClone().AsObject() : null,
    };

    private static VirtualMachineDefinition ToDefinition(VmRecord v) => new()
    {
        Name = v.Name,
        Location = v.Location,
        Size = v.Size,
        PowerState = v.PowerState,
        OsState = v.OsState,
        OsType = v.OsType,
        OsName = v.OsName,
        OsVersion = v.OsVersion,
        ComputerName = v.ComputerName,
        HyperVGeneration = v.HyperVGeneration,
        SecurityType = v.SecurityType,
        AdminUsername = v.AdminUsername,
        OsDiskName = v.OsDiskName,
        OsDiskSizeGB = v.OsDiskSizeGB,
        OsDiskStorageAccountType = v.OsDiskStorageAccountType,
        Image = v.Image is null ? null : new ImageReferenceDefinition { Publisher = v.Image.Publisher, Offer = v.Image.Offer, Sku = v.Image.Sku, Version = v.Image.Version },
        OsDiskDeleteOption = v.OsDiskDeleteOption ?? "Delete",
        Plan = v.Plan,
        Tags = new Dictionary<string, string>(v.Tags),
        Guest = GuestOf(v),
    };

    private static GuestDefinition GuestOf(VmRecord v) => new()
    {
        AgentVersion = v.AgentVersion,
        AgentStatus = v.AgentStatus,
        Prepared = v.Prepared,
        CloudInit = v.CloudInit,
        SysprepBlockers = v.SysprepBlockers.ToList(),
        Leftovers = v.Leftovers.ToList(),
        DvdRomDisabled = v.DvdRomDisabled,
        Domain = v.Domain,
    };

    internal sealed record SubscriptionRecord(string Id, string DisplayName, List<ResourceGroupRecord> ResourceGroups);

    internal sealed record ResourceGroupRecord(string Name, string Location, Dictionary<string, string> Tags, List<VmRecord> VirtualMachines);

    internal sealed record ImageRecord(string Publisher, string Offer, string Sku, string Version);

    internal sealed record VmRecord
    {
        public string Name { get; init; } = "";
        public string Location { get; init; } = "";
        public string Size { get; init; } = "";
        public string PowerState { get; init; } = "running";
        public string? OsState { get; init; }
        public bool? GeneralizedWithPreparedGuest { get; init; }
        public string OsType { get; init; } = "Windows";
        public string OsName { get; init; } = "";
        public string OsVersion { get; init; } = "";
        public string ComputerName { get; init; } = "";
        public string HyperVGeneration { get; init; } = "V2";
        public string SecurityType { get; init; } = "Standard";
        public string AdminUsername { get; init; } = "";
        public string OsDiskName { get; init; } = "";
        public int OsDiskSizeGB { get; init; }
        public string OsDiskStorageAccountType { get; init; } = "Premium_LRS";
        public ImageRecord? Image { get; init; }

        /// <summary>World VMs: what deleting the VM does to its OS disk (Delete or Detach).</summary>
        public string? OsDiskDeleteOption { get; init; }
        public PlanDefinition? Plan { get; init; }
        public Dictionary<string, string> Tags { get; init; } = new();
        public string AgentVersion { get; init; } = "";
        public string AgentStatus { get; init; } = "Ready";
        public bool Prepared { get; init; }
        public bool CloudInit { get; init; }
        public List<string> SysprepBlockers { get; init; } = new();
        public List<string> Leftovers { get; init; } = new();
        public List<string> ScriptsRun { get; init; } = new();
        public bool BootedAfterPrepare { get; init; }
        public bool DvdRomDisabled { get; init; }
        public string? Domain { get; init; }
        public string? VmId { get; init; }
        public DateTimeOffset? TimeCreated { get; init; }
        public DateTimeOffset? StatusTime { get; init; }
        public bool? BootDiagnosticsEnabled { get; init; }
        public DateTimeOffset? FailedAt { get; init; }

        /// <summary>VMs of the world file: their <c>boot</c> key, the failure they show, and their custom image.</summary>
        public BootDefinition? WorldBoot { get; init; }
        public string? WorldBootFailure { get; init; }
        public string? WorldImageReferenceId { get; init; }
        public string? WorldResolvedImageVersionId { get; init; }
        public bool? WorldHasOsProfile { get; init; }

        /// <summary>World VMs: the network interfaces of the world they use.</summary>
        public JsonObject? WorldNetworkProfile { get; init; }

        /// <summary>Set for VMs created through PUT from an image.</summary>
        public CreatedVmRecord? Created { get; init; }
    }

    internal sealed record CreatedVmRecord
    {
        public required ImageLineage Lineage { get; init; }
        public required string ImageReferenceId { get; init; }
        public ImageRecord? PlatformImage { get; init; }
        public string? ResolvedImageVersionId { get; init; }
        public bool HasOsProfile { get; init; }
        public string OsDiskDeleteOption { get; init; } = "Detach";
        public JsonObject? NetworkProfile { get; init; }
        public string? DiskControllerType { get; init; }
        public string? ProvisioningErrorCode { get; init; }
        public string? ProvisioningErrorMessage { get; init; }
        public DateTimeOffset? BootCompletedAt { get; init; }
        public DateTimeOffset? AgentReadyAt { get; init; }
        public double? BootAzureSeconds { get; init; }
        public double? AgentReadyAzureSeconds { get; init; }
    }
}

/// <summary>The Activity Log's events.</summary>
internal sealed class ActivityLogStateSection(Insights.ActivityLog log) : IStateSection
{
    public string Name => "activityLog";

    public JsonNode? Save(WorldStore store)
    {
        log.Resolve();
        return JsonSerializer.SerializeToNode(log.Snapshot(), StateFile.JsonOptions);
    }

    public void Load(WorldStore store, JsonNode data)
        => log.Replace(data.Deserialize<List<Insights.ActivityEvent>>(StateFile.JsonOptions) ?? []);
}
