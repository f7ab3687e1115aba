using System.Text.Json.Serialization;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.Disks;

/// <summary>A managed disk (Microsoft.Compute/disks): the OS disks of VMs, kept after a VM is deleted unless deleted with it.</summary>
internal sealed class DiskState(ResourceGroupState group, string name, string location)
{
    [JsonConstructor]
    private DiskState()
        : this(null!, "", "")
    {
    }

    /// <summary>The parent; set again on load.</summary>
    [JsonIgnore]
    public ResourceGroupState Group { get; internal set; } = group;
    public string Name { get; } = name;
    public string Location { get; } = location;
    public required string OsType { get; init; }
    public required string HyperVGeneration { get; init; }
    public required int SizeGB { get; init; }
    public required string StorageAccountType { get; init; }
    public required DateTimeOffset TimeCreated { get; init; }
    public string? SecurityType { get; init; }

    /// <summary>FromImage (a VM's OS disk) with the image it came from, if known.</summary>
    public string? ImageReferenceId { get; init; }

    /// <summary>The VM the disk is attached to; null when unattached.</summary>
    public string? ManagedBy { get; set; }

    /// <summary>
    /// The guest of the VM the disk belonged to, captured when the VM was deleted and the disk detached; what a managed
    /// image made from the unattached disk inherits. Null while attached (the VM's guest is used) or when unknown.
    /// </summary>
    public ImageLineage? DetachedGuest { get; set; }

    public bool Deleting { get; set; }
    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
    public string UniqueId { get; init; } = Guid.NewGuid().ToString("D");
    public string ResourceId => $"{Group.ResourceId}/providers/Microsoft.Compute/disks/{Name}";
    public string AttachState => ManagedBy is null ? "Unattached" : "Attached";
}
