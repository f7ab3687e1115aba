using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Vm;

namespace GenImage.Core.Validation;

/// <summary>The image a validation VM is made from, as far as the validation needs it.</summary>
public sealed class ValidationImage
{
    public string Id { get; set; } = string.Empty;
    /// <summary>GalleryImageVersion or ManagedImage.</summary>
    public string Kind { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    /// <summary>Resource group of the gallery or the managed image.</summary>
    public string ResourceGroupName { get; set; } = string.Empty;
    /// <summary>The image's own region (a version's location, a managed image's location).</summary>
    public string Location { get; set; } = string.Empty;
    public string OsType { get; set; } = string.Empty;
    /// <summary>Generalized or Specialized.</summary>
    public string OsState { get; set; } = "Generalized";
    public string? HyperVGeneration { get; set; }
    /// <summary>The definition's security type (Standard, TrustedLaunch, TrustedLaunchSupported, ConfidentialVM, ...).</summary>
    public string SecurityType { get; set; } = "Standard";
    /// <summary>Regions where a VM can be made from the image (replication Completed; for a managed image its location).</summary>
    public IList<string> AvailableRegions { get; set; } = new List<string>();
    /// <summary>Regions the image targets, with their replication state, for messages.</summary>
    public IDictionary<string, string> RegionStates { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    /// <summary>The definition's purchase plan ("publisher/product/name", "" for none); null when not known (it is read at the VM's create).</summary>
    public string? PurchasePlan { get; set; }

    /// <summary>A gallery image version as the validation sees it, from the version and its definition as they were read.</summary>
    public static ValidationImage FromVersion(GalleryImageVersion version, GalleryImageDefinition definition)
    {
        if (version == null)
        {
            throw new ArgumentNullException(nameof(version));
        }

        if (definition == null)
        {
            throw new ArgumentNullException(nameof(definition));
        }

        var image = new ValidationImage
        {
            Id = version.Id,
            Kind = "GalleryImageVersion",
            Name = version.Name,
            ResourceGroupName = version.ResourceGroupName,
            Location = Gallery.TargetRegions.NormalizeName(version.Location),
            OsType = definition.OsType,
            OsState = definition.OsState,
            HyperVGeneration = definition.HyperVGeneration,
            SecurityType = definition.SecurityType,
            PurchasePlan = definition.PurchasePlan ?? string.Empty,
        };
        foreach (var region in version.Regions)
        {
            var name = Gallery.TargetRegions.NormalizeName(region.Region);
            image.RegionStates[name] = region.State;
            if (string.Equals(region.State, "Completed", StringComparison.OrdinalIgnoreCase))
            {
                image.AvailableRegions.Add(name);
            }
        }
        return image;
    }
}

/// <summary>Everything the create request of a validation VM carries. Holds the admin password only in memory.</summary>
public sealed class ValidationVmSpec
{
    public string SubscriptionId { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    public string VmSize { get; set; } = "Standard_D2s_v5";
    public string ImageId { get; set; } = string.Empty;
    /// <summary>The image's purchase plan when the image says it (<see cref="ValidationImage.PurchasePlan"/>); null: read at the create.</summary>
    public string? PurchasePlan { get; set; }
    public string OsType { get; set; } = string.Empty;
    /// <summary>False for a Specialized image, which is created without an osProfile.</summary>
    public bool WithOsProfile { get; set; } = true;
    public string ComputerName { get; set; } = string.Empty;
    public string AdminUsername { get; set; } = string.Empty;
    /// <summary>Never logged, never part of a result.</summary>
    public string? AdminPassword { get; set; }
    public string? SshPublicKey { get; set; }
    /// <summary>Standard, TrustedLaunch or ConfidentialVM.</summary>
    public string SecurityType { get; set; } = "Standard";
    public string OsDiskName { get; set; } = string.Empty;
    public string OsDiskStorageAccountType { get; set; } = "StandardSSD_LRS";
    /// <summary>The subnet of the NIC; null: no network profile is sent (the emulator needs none).</summary>
    public string? SubnetId { get; set; }
    public string NicName { get; set; } = string.Empty;
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The VM's resource id.</summary>
    public string VmId => ResourceIds.VirtualMachine(SubscriptionId, ResourceGroupName, Name);

    /// <summary>The OS disk's resource id.</summary>
    public string OsDiskId => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroupName}/providers/Microsoft.Compute/disks/{OsDiskName}";

    /// <summary>The NIC's resource id, when a subnet is given.</summary>
    public string? NicId => SubnetId == null ? null : $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroupName}/providers/Microsoft.Network/networkInterfaces/{NicName}";
}

/// <summary>The state of a validation VM as its instance view reports it.</summary>
public sealed class ValidationVmStatus
{
    public bool Exists { get; set; }
    public string? ProvisioningState { get; set; }
    public string? PowerState { get; set; }
    /// <summary>Ready, Not Ready, or null.</summary>
    public string? AgentStatus { get; set; }
    /// <summary>The agent version the instance view reports; "Unknown" or null when no agent ever reported.</summary>
    public string? AgentVersion { get; set; }
    /// <summary>The OS disk id the VM reports.</summary>
    public string? OsDiskId { get; set; }
}

/// <summary>
/// The ARM calls of a deployment validation. The ARM implementation wraps the Azure SDK; tests use fakes.
/// Every method throws <see cref="Errors.GenImageException"/> for ARM failures (with the ARM error code).
/// </summary>
public interface IDeploymentOperations
{
    TimeSpan PollingInterval { get; }

    /// <summary>The image with what the VM needs (OS type, security type, regions); throws ResourceNotFound when it does not exist.</summary>
    Task<ValidationImage> GetImageAsync(string imageId, CancellationToken cancellationToken);

    /// <summary>The location of a resource group; null when it does not exist.</summary>
    Task<string?> GetResourceGroupLocationAsync(string resourceGroup, CancellationToken cancellationToken);

    /// <summary>Sends the PUT and returns once ARM accepted it (the VM and its disk exist from here on).</summary>
    Task BeginCreateVmAsync(ValidationVmSpec spec, CancellationToken cancellationToken);

    /// <summary>Waits until the create operation ends; throws with the ARM error code when provisioning failed.</summary>
    Task WaitForCreateAsync(string vmId, CancellationToken cancellationToken);

    Task<ValidationVmStatus> GetVmStatusAsync(string vmId, CancellationToken cancellationToken);

    /// <summary>
    /// The boot-diagnostics serial console log as a stream from its blob, to read once (the caller disposes it); null
    /// when there is none.
    /// </summary>
    Task<System.IO.Stream?> OpenSerialLogAsync(string vmId, CancellationToken cancellationToken);

    Task<RunCommandOutput> RunCommandAsync(string vmId, string commandId, IReadOnlyList<string> script, CancellationToken cancellationToken);

    /// <summary>Deletes the VM and waits; succeeds when it does not exist.</summary>
    Task DeleteVmAsync(string vmId, CancellationToken cancellationToken);

    /// <summary>Deletes a disk (or NIC) by id and waits; succeeds when it does not exist.</summary>
    Task DeleteResourceAsync(string resourceId, CancellationToken cancellationToken);

    /// <summary>True when the resource (a disk or a NIC) exists.</summary>
    Task<bool> ResourceExistsAsync(string resourceId, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="tag"/> to the gallery image version's tags (the others kept, within Azure's limits; see
    /// <see cref="ValidationTags.Merge"/>). Throws when the version cannot be updated or has no room for it.
    /// </summary>
    Task RecordOnImageAsync(string imageId, KeyValuePair<string, string> tag, CancellationToken cancellationToken);
}
