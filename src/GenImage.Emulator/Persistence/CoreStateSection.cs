using System.Text.Json;
using System.Text.Json.Nodes;
using GenImage.Emulator.State;
using GenImage.Emulator.World;

namespace GenImage.Emulator.Persistence;

/// <summary>
/// Subscriptions, resource groups and virtual machines (with their guests). A VM saved during a power operation is
/// saved as that operation would leave it (deallocating → deallocated, stopping → stopped, starting → running); a Run
/// Command in progress is dropped.
/// </summary>
internal sealed class CoreStateSection : IStateSection
{
    public string Name => "core";

    public JsonNode? Save(WorldStore store)
    {
        var subs = store.Subscriptions.All.Select(s => new SubscriptionRecord(
            s.Id,
            s.DisplayName,
            s.ResourceGroups.All.Select(rg => new ResourceGroupRecord(
                rg.Name,
                rg.Location,
                new Dictionary<string, string>(rg.Tags),
                rg.VirtualMachines.All.Select(ToRecord).ToList())).ToList())).ToList();
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
                    var vm = VirtualMachineState.FromDefinition(rg, ToDefinition(v), now);
                    vm.GeneralizedWithPreparedGuest = v.GeneralizedWithPreparedGuest;
                    vm.Guest.BootedAfterPrepare = v.BootedAfterPrepare;
                    vm.Guest.ScriptsRun.AddRange(v.ScriptsRun);
                    rg.VirtualMachines.Add(vm.Name, vm);
                }

                sub.ResourceGroups.Add(rg.Name, rg);
            }

            store.Subscriptions.Add(sub.Id, sub);
        }
    }

    private static VmRecord ToRecord(VirtualMachineState vm) => new()
    {
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
        Tags = new Dictionary<string, string>(vm.Tags),
        AgentVersion = vm.Guest.AgentVersion,
        AgentStatus = vm.Guest.AgentStatus,
        Prepared = vm.Guest.Prepared,
        CloudInit = vm.Guest.CloudInit,
        SysprepBlockers = vm.Guest.SysprepBlockers.ToList(),
        Leftovers = vm.Guest.Leftovers.ToList(),
        ScriptsRun = vm.Guest.ScriptsRun.ToList(),
        BootedAfterPrepare = vm.Guest.BootedAfterPrepare,
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
        Tags = new Dictionary<string, string>(v.Tags),
        Guest = new GuestDefinition
        {
            AgentVersion = v.AgentVersion,
            AgentStatus = v.AgentStatus,
            Prepared = v.Prepared,
            CloudInit = v.CloudInit,
            SysprepBlockers = v.SysprepBlockers.ToList(),
            Leftovers = v.Leftovers.ToList(),
        },
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
        public Dictionary<string, string> Tags { get; init; } = new();
        public string AgentVersion { get; init; } = "";
        public string AgentStatus { get; init; } = "Ready";
        public bool Prepared { get; init; }
        public bool CloudInit { get; init; }
        public List<string> SysprepBlockers { get; init; } = new();
        public List<string> Leftovers { get; init; } = new();
        public List<string> ScriptsRun { get; init; } = new();
        public bool BootedAfterPrepare { get; init; }
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
