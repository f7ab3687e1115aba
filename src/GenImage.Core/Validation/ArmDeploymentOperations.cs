using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Vm;

namespace GenImage.Core.Validation;

/// <summary><see cref="IDeploymentOperations"/> over the Azure SDK.</summary>
public sealed class ArmDeploymentOperations : IDeploymentOperations
{
    private readonly GenImageConnection _connection;
    private readonly ArmGalleryOperations _galleries;
    private readonly ArmVmOperations _vms;
    private readonly ConcurrentDictionary<string, ArmOperation<VirtualMachineResource>> _creates =
        new ConcurrentDictionary<string, ArmOperation<VirtualMachineResource>>(StringComparer.OrdinalIgnoreCase);
    // Image id -> the definition's purchase plan ("publisher/product/name", "" for none), as read by GetImageAsync.
    private readonly ConcurrentDictionary<string, string> _purchasePlans = new ConcurrentDictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public ArmDeploymentOperations(GenImageConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _galleries = new ArmGalleryOperations(connection);
        _vms = new ArmVmOperations(connection);
    }

    public TimeSpan PollingInterval => _connection.PollingInterval;

    private VirtualMachineResource Vm(string vmId) => _connection.Client.GetVirtualMachineResource(ResourceIds.ParseVirtualMachine(vmId));

    public async Task<ValidationImage> GetImageAsync(string imageId, CancellationToken cancellationToken)
    {
        GalleryIds.RequireImage(imageId);
        var id = new ResourceIdentifier(imageId);
        var type = id.ResourceType.ToString();
        if (string.Equals(type, "Microsoft.Compute/galleries/images/versions", StringComparison.OrdinalIgnoreCase))
        {
            var version = await _galleries.GetVersionAsync(imageId, true, cancellationToken).ConfigureAwait(false)
                ?? throw NotFound(imageId, "image version");
            var definition = await _galleries.GetDefinitionAsync(version.ResourceGroupName, version.GalleryName, version.DefinitionName, cancellationToken).ConfigureAwait(false)
                ?? throw NotFound(version.DefinitionId, "image definition");
            var image = ValidationImage.FromVersion(version, definition);
            var plan = image.PurchasePlan ?? string.Empty;
            _purchasePlans[imageId] = plan;
            _purchasePlans[version.Id] = plan;
            return image;
        }
        if (string.Equals(type, "Microsoft.Compute/images", StringComparison.OrdinalIgnoreCase))
        {
            var managed = await _galleries.GetManagedImageAsync(imageId, cancellationToken).ConfigureAwait(false)
                ?? throw NotFound(imageId, "managed image");
            var location = TargetRegions.NormalizeName(managed.Location);
            var image = new ValidationImage
            {
                Id = managed.Id,
                Kind = "ManagedImage",
                Name = managed.Name,
                ResourceGroupName = managed.ResourceGroupName,
                Location = location,
                OsType = managed.OsType ?? string.Empty,
                OsState = managed.OsState ?? "Generalized",
                HyperVGeneration = managed.HyperVGeneration,
                SecurityType = "Standard",
            };
            image.RegionStates[location] = managed.ProvisioningState ?? "Unknown";
            if (string.Equals(managed.ProvisioningState, "Succeeded", StringComparison.OrdinalIgnoreCase))
            {
                image.AvailableRegions.Add(location);
            }

            return image;
        }
        throw new GenImageException(ErrorIds.InvalidResourceId, GenImageErrorKind.InvalidArgument,
            $"'{imageId}' is neither a gallery image version nor a managed image; Test-ImageDeployment deploys from those.")
        { Target = imageId };
    }

    private static GenImageException NotFound(string id, string what) =>
        new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound, $"The {what} '{id}' was not found.") { Target = id };

    public Task<string?> GetResourceGroupLocationAsync(string resourceGroup, CancellationToken cancellationToken) =>
        _galleries.GetResourceGroupLocationAsync(resourceGroup, cancellationToken);

    public async Task BeginCreateVmAsync(ValidationVmSpec spec, CancellationToken cancellationToken)
    {
        var data = new VirtualMachineData(new AzureLocation(spec.Location))
        {
            HardwareProfile = new VirtualMachineHardwareProfile { VmSize = new VirtualMachineSizeType(spec.VmSize) },
            StorageProfile = new VirtualMachineStorageProfile
            {
                ImageReference = new ImageReference { Id = new ResourceIdentifier(spec.ImageId) },
                OSDisk = new VirtualMachineOSDisk(DiskCreateOptionType.FromImage)
                {
                    Name = spec.OsDiskName,
                    DeleteOption = DiskDeleteOptionType.Delete,
                    ManagedDisk = new VirtualMachineManagedDisk { StorageAccountType = new StorageAccountType(spec.OsDiskStorageAccountType) },
                },
            },
            BootDiagnostics = new BootDiagnostics { Enabled = true },
        };
        if (spec.WithOsProfile)
        {
            var os = new VirtualMachineOSProfile { ComputerName = spec.ComputerName, AdminUsername = spec.AdminUsername, AdminPassword = spec.AdminPassword };
            if (string.Equals(spec.OsType, "Linux", StringComparison.OrdinalIgnoreCase) && spec.SshPublicKey != null)
            {
                os.LinuxConfiguration = new LinuxConfiguration { IsPasswordAuthenticationDisabled = spec.AdminPassword == null };
                os.LinuxConfiguration.SshPublicKeys.Add(new SshPublicKeyConfiguration { Path = $"/home/{spec.AdminUsername}/.ssh/authorized_keys", KeyData = spec.SshPublicKey });
            }
            data.OSProfile = os;
        }
        if (!string.Equals(spec.SecurityType, "Standard", StringComparison.OrdinalIgnoreCase))
        {
            data.SecurityProfile = new SecurityProfile
            {
                SecurityType = new SecurityType(spec.SecurityType),
                UefiSettings = new UefiSettings { IsSecureBootEnabled = true, IsVirtualTpmEnabled = true },
            };
            if (string.Equals(spec.SecurityType, "ConfidentialVM", StringComparison.OrdinalIgnoreCase))
            {
                data.StorageProfile.OSDisk.ManagedDisk.SecurityProfile = new VirtualMachineDiskSecurityProfile { SecurityEncryptionType = SecurityEncryptionType.VmGuestStateOnly };
            }
        }
        if (spec.SubnetId != null)
        {
            var nic = new VirtualMachineNetworkInterfaceConfiguration(spec.NicName) { Primary = true, DeleteOption = ComputeDeleteOption.Delete };
            nic.IPConfigurations.Add(new VirtualMachineNetworkInterfaceIPConfiguration("ipconfig1") { SubnetId = new ResourceIdentifier(spec.SubnetId) });
            data.NetworkProfile = new VirtualMachineNetworkProfile { NetworkApiVersion = NetworkApiVersion.TwoThousandTwenty1101 };
            data.NetworkProfile.NetworkInterfaceConfigurations.Add(nic);
        }
        foreach (var tag in spec.Tags)
        {
            data.Tags[tag.Key] = tag.Value;
        }
        // ARM refuses a VM from an image whose definition has a purchase plan unless the request carries that plan.
        data.Plan = PlanOf(spec.PurchasePlan ?? await PurchasePlanAsync(spec.ImageId, cancellationToken).ConfigureAwait(false));

        var group = _connection.Client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(spec.SubscriptionId, spec.ResourceGroupName));
        try
        {
            var operation = await group.GetVirtualMachines().CreateOrUpdateAsync(WaitUntil.Started, spec.Name, data, cancellationToken: cancellationToken).ConfigureAwait(false);
            _creates[spec.VmId] = operation;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "create the validation VM", spec.VmId);
        }
    }

    /// <summary>The purchase plan of the image's definition ("publisher/product/name"), "" when it has none or the image is no gallery version.</summary>
    private async Task<string> PurchasePlanAsync(string imageId, CancellationToken cancellationToken)
    {
        if (_purchasePlans.TryGetValue(imageId, out var known))
        {
            return known;
        }

        if (GalleryIds.KindOf(imageId) != SourceKind.GalleryImageVersion)
        {
            return string.Empty;
        }

        var address = GalleryIds.ParseVersion(imageId);
        var definition = await _galleries.GetDefinitionAsync(address.ResourceGroupName, address.GalleryName, address.DefinitionName, cancellationToken).ConfigureAwait(false);
        var plan = definition?.PurchasePlan ?? string.Empty;
        _purchasePlans[imageId] = plan;
        return plan;
    }

    /// <summary>The VM's top-level plan for a "publisher/product/name" purchase plan; null for none.</summary>
    internal static ComputePlan? PlanOf(string purchasePlan)
    {
        var parts = purchasePlan.Split('/');
        if (parts.Length != 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            return null;
        }

        return new ComputePlan { Publisher = parts[0].Trim(), Product = parts[1].Trim(), Name = parts[2].Trim() };
    }

    public async Task WaitForCreateAsync(string vmId, CancellationToken cancellationToken)
    {
        if (!_creates.TryGetValue(vmId, out var operation))
        {
            throw new InvalidOperationException($"No create of '{vmId}' was started.");
        }

        try
        {
            await operation.WaitAsync(PollingInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "provision the validation VM", vmId);
        }
    }

    public async Task<ValidationVmStatus> GetVmStatusAsync(string vmId, CancellationToken cancellationToken)
    {
        try
        {
            var vm = await _vms.GetAsync(vmId, cancellationToken).ConfigureAwait(false);
            return new ValidationVmStatus
            {
                Exists = true,
                ProvisioningState = vm.ProvisioningState,
                PowerState = vm.PowerState,
                AgentStatus = vm.AgentStatus,
                AgentVersion = vm.AgentVersion,
                OsDiskId = vm.OsDiskId,
            };
        }
        catch (GenImageException ex) when (ex.Kind == GenImageErrorKind.ObjectNotFound)
        {
            return new ValidationVmStatus { Exists = false };
        }
    }

    public async Task<System.IO.Stream?> OpenSerialLogAsync(string vmId, CancellationToken cancellationToken)
    {
        var blobs = await new Diagnosis.BootDiagnosticsReader(_connection).ReadAsync(vmId, serialLog: true, screenshot: false, cancellationToken).ConfigureAwait(false);
        return blobs.SerialLog;
    }

    public Task<RunCommandOutput> RunCommandAsync(string vmId, string commandId, IReadOnlyList<string> script, CancellationToken cancellationToken) =>
        _vms.RunCommandAsync(vmId, commandId, script, cancellationToken);

    public async Task DeleteVmAsync(string vmId, CancellationToken cancellationToken)
    {
        try
        {
            var operation = await Vm(vmId).DeleteAsync(WaitUntil.Started, cancellationToken: cancellationToken).ConfigureAwait(false);
            await operation.WaitAsync(PollingInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "delete the validation VM", vmId);
        }
    }

    public async Task DeleteResourceAsync(string resourceId, CancellationToken cancellationToken)
    {
        try
        {
            var id = new ResourceIdentifier(resourceId);
            ArmOperation operation;
            if (string.Equals(id.ResourceType.ToString(), "Microsoft.Compute/disks", StringComparison.OrdinalIgnoreCase))
            {
                operation = await _connection.Client.GetManagedDiskResource(id).DeleteAsync(WaitUntil.Started, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                operation = await _connection.Client.GetGenericResource(id).DeleteAsync(WaitUntil.Started, cancellationToken).ConfigureAwait(false);
            }

            await operation.WaitAsync(PollingInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "delete", resourceId);
        }
    }

    public async Task RecordOnImageAsync(string imageId, KeyValuePair<string, string> tag, CancellationToken cancellationToken)
    {
        var version = await _galleries.GetVersionAsync(imageId, false, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound(imageId, "image version");
        var merged = ValidationTags.Merge(version.Tags, tag, out var refused)
            ?? throw new GenImageException(ErrorIds.ArmRequestFailed, GenImageErrorKind.LimitsExceeded,
                $"The validation outcome was not recorded on '{imageId}': {refused}.")
            { Target = imageId };
        await _galleries.UpdateVersionAsync(imageId, new VersionUpdateRequest { Tags = merged }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ResourceExistsAsync(string resourceId, CancellationToken cancellationToken)
    {
        try
        {
            var id = new ResourceIdentifier(resourceId);
            if (string.Equals(id.ResourceType.ToString(), "Microsoft.Compute/disks", StringComparison.OrdinalIgnoreCase))
            {
                await _connection.Client.GetManagedDiskResource(id).GetAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _connection.Client.GetGenericResource(id).GetAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read", resourceId);
        }
    }
}
