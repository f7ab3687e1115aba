using System.Text.Json;
using System.Text.Json.Nodes;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Persistence;

/// <summary>Network interfaces (and which VM uses each) and scale sets, which only the world file creates.</summary>
internal sealed class FleetStateSection : IStateSection
{
    public string Name => "fleet";

    public JsonNode? Save(WorldStore store)
    {
        var record = new FleetRecord();
        foreach (var rg in SectionSupport.Groups(store))
        {
            record.NetworkInterfaces.AddRange(rg.NetworkInterfaces.All.Select(n => new NicRecord
            {
                Subscription = rg.Subscription.Id,
                ResourceGroup = rg.Name,
                Name = n.Name,
                Location = n.Location,
                VirtualMachineId = n.VirtualMachineId,
                Tags = new Dictionary<string, string>(n.Tags),
                ResourceGuid = n.ResourceGuid,
                PrivateIpAddress = n.PrivateIpAddress,
            }));
            record.ScaleSets.AddRange(rg.ScaleSets.All.Select(s => new ScaleSetRecord
            {
                Subscription = rg.Subscription.Id,
                ResourceGroup = rg.Name,
                Name = s.Name,
                Location = s.Location,
                Size = s.Size,
                Capacity = s.Capacity,
                OsType = s.OsType,
                ImageId = s.ImageId,
                TimeCreated = s.TimeCreated,
                UniqueId = s.UniqueId,
                Tags = new Dictionary<string, string>(s.Tags),
            }));
        }

        return JsonSerializer.SerializeToNode(record, StateFile.JsonOptions);
    }

    public void Load(WorldStore store, JsonNode data)
    {
        var record = data.Deserialize<FleetRecord>(StateFile.JsonOptions) ?? new FleetRecord();
        foreach (var rg in SectionSupport.Groups(store))
        {
            rg.NetworkInterfaces.Clear();
            rg.ScaleSets.Clear();
        }

        foreach (var n in record.NetworkInterfaces)
        {
            var rg = SectionSupport.Group(store, n.Subscription, n.ResourceGroup)
                ?? throw new InvalidDataException($"The state file names network interface '{n.Name}' in resource group '{n.ResourceGroup}', which it does not declare.");
            rg.NetworkInterfaces.Add(n.Name, new NetworkInterfaceState(rg, n.Name, n.Location)
            {
                VirtualMachineId = n.VirtualMachineId,
                Tags = new Dictionary<string, string>(n.Tags, StringComparer.Ordinal),
                ResourceGuid = n.ResourceGuid,
                PrivateIpAddress = n.PrivateIpAddress,
            });
        }

        foreach (var s in record.ScaleSets)
        {
            var rg = SectionSupport.Group(store, s.Subscription, s.ResourceGroup)
                ?? throw new InvalidDataException($"The state file names scale set '{s.Name}' in resource group '{s.ResourceGroup}', which it does not declare.");
            rg.ScaleSets.Add(s.Name, new ScaleSetState(rg, s.Name, s.Location)
            {
                Size = s.Size,
                Capacity = s.Capacity,
                OsType = s.OsType,
                ImageId = s.ImageId,
                TimeCreated = s.TimeCreated,
                UniqueId = s.UniqueId,
                Tags = new Dictionary<string, string>(s.Tags, StringComparer.Ordinal),
            });
        }
    }

    internal sealed record FleetRecord
    {
        public List<NicRecord> NetworkInterfaces { get; init; } = new();
        public List<ScaleSetRecord> ScaleSets { get; init; } = new();
    }

    internal sealed record NicRecord
    {
        public string Subscription { get; init; } = "";
        public string ResourceGroup { get; init; } = "";
        public string Name { get; init; } = "";
        public string Location { get; init; } = "";
        public string? VirtualMachineId { get; init; }
        public Dictionary<string, string> Tags { get; init; } = new();
        public string ResourceGuid { get; init; } = "";
        public string PrivateIpAddress { get; init; } = "10.0.0.4";
    }

    internal sealed record ScaleSetRecord
    {
        public string Subscription { get; init; } = "";
        public string ResourceGroup { get; init; } = "";
        public string Name { get; init; } = "";
        public string Location { get; init; } = "";
        public string Size { get; init; } = "";
        public int Capacity { get; init; }
        public string OsType { get; init; } = "Windows";
        public string ImageId { get; init; } = "";
        public DateTimeOffset TimeCreated { get; init; }
        public string UniqueId { get; init; } = "";
        public Dictionary<string, string> Tags { get; init; } = new();
    }
}
