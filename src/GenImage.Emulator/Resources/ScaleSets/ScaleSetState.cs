using System.Text.Json.Serialization;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.ScaleSets;

/// <summary>A virtual machine scale set (Microsoft.Compute/virtualMachineScaleSets): its model's size, capacity and image.</summary>
internal sealed class ScaleSetState(ResourceGroupState group, string name, string location)
{
    [JsonConstructor]
    private ScaleSetState()
        : this(null!, "", "")
    {
    }

    /// <summary>The parent; set again on load.</summary>
    [JsonIgnore]
    public ResourceGroupState Group { get; internal set; } = group;
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
