namespace GenImage.Emulator.State;

/// <summary>A network interface (Microsoft.Network/networkInterfaces): only what tells whether a VM uses it.</summary>
internal sealed class NetworkInterfaceState(ResourceGroupState group, string name, string location)
{
    public ResourceGroupState Group { get; } = group;
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

/// <summary>A virtual machine scale set (Microsoft.Compute/virtualMachineScaleSets): its model's size, capacity and image.</summary>
internal sealed class ScaleSetState(ResourceGroupState group, string name, string location)
{
    public ResourceGroupState Group { get; } = group;
    public string Name { get; } = name;
    public string Location { get; } = location;
    public required string Size { get; init; }
    public required int Capacity { get; init; }
    public required string OsType { get; init; }

    /// <summary><c>virtualMachineProfile.storageProfile.imageReference.id</c>.</summary>
    public required string ImageId { get; init; }
    public required DateTimeOffset TimeCreated { get; init; }
    public string UniqueId { get; init; } = Guid.NewGuid().ToString("D");
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public string ResourceId => $"{Group.ResourceId}/providers/Microsoft.Compute/virtualMachineScaleSets/{Name}";
}
