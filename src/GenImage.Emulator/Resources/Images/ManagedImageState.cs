using System.Text.Json.Serialization;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Images;

/// <summary>A managed image (Microsoft.Compute/images).</summary>
internal sealed class ManagedImageState(ResourceGroupState group, string name, string location) : TimedResource
{
    [JsonConstructor]
    private ManagedImageState()
        : this(null!, "", "")
    {
    }

    /// <summary>The parent; set again on load.</summary>
    [JsonIgnore]
    public ResourceGroupState Group { get; internal set; } = group;
    public string Name { get; } = name;
    public string Location { get; } = location;
    /// <summary>The VM the image was captured from (for an image made from a managed disk: the VM the disk belonged to, if known).</summary>
    public required string SourceVmId { get; init; }

    /// <summary>True when created with <c>sourceVirtualMachine</c>; false when created from a managed disk (<c>storageProfile.osDisk.managedDisk</c>).</summary>
    public bool CapturedFromVm { get; init; } = true;

    public required ImageLineage Lineage { get; init; }
    public required string HyperVGeneration { get; init; }
    public required string OsDiskId { get; init; }
    public string? StorageAccountType { get; init; }
    public bool ZoneResilient { get; init; }
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public string ResourceId => $"{Group.ResourceId}/providers/Microsoft.Compute/images/{Name}";
}
