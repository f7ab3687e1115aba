using System.Text.Json.Serialization;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.NetworkInterfaces;

/// <summary>A network interface (Microsoft.Network/networkInterfaces): only what tells whether a VM uses it.</summary>
internal sealed class NetworkInterfaceState(ResourceGroupState group, string name, string location)
{
    [JsonConstructor]
    private NetworkInterfaceState()
        : this(null!, "", "")
    {
    }

    /// <summary>The parent; set again on load.</summary>
    [JsonIgnore]
    public ResourceGroupState Group { get; internal set; } = group;
    public string Name { get; } = name;
    public string Location { get; } = location;

    /// <summary>The VM the NIC is attached to; null when it is not attached.</summary>
    public string? VirtualMachineId { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public string ResourceGuid { get; init; } = Guid.NewGuid().ToString("D");

    /// <summary>The NIC's private address (10.0.0.x), fixed at creation.</summary>
    public string PrivateIpAddress { get; init; } = "10.0.0.4";
    public string ResourceId => $"{Group.ResourceId}/providers/Microsoft.Network/networkInterfaces/{Name}";
}
