using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using Azure.ResourceManager.Resources;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Vm;

namespace GenImage.Core.Fleet;

/// <summary>
/// <see cref="IFleetOperations"/> over the Azure SDK (the SDK's pageables follow nextLink). Network interfaces are
/// read and deleted through the ARM client's pipeline (api-version 2023-09-01), as the engine carries no Network SDK.
/// </summary>
public sealed class ArmFleetOperations : IFleetOperations
{
    internal const string NetworkApiVersion = "2023-09-01";

    private readonly GenImageConnection _connection;
    private readonly ArmGalleryOperations _galleries;

    public ArmFleetOperations(GenImageConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _galleries = new ArmGalleryOperations(connection);
    }

    public string SubscriptionId => _connection.SubscriptionId;

    private ArmClient Client => _connection.Client;
    private SubscriptionResource Subscription => Client.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(SubscriptionId));
    private ResourceGroupResource Group(string name) => Client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(SubscriptionId, name));
    private string Scope(string? rg) => rg == null ? $"/subscriptions/{SubscriptionId}" : $"/subscriptions/{SubscriptionId}/resourceGroups/{rg}";

    public async Task<IReadOnlyList<ImageGallery>> ListGalleriesAsync(string? resourceGroup, CancellationToken cancellationToken)
    {
        var list = new List<ImageGallery>();
        try
        {
            var pages = resourceGroup == null ? Subscription.GetGalleriesAsync(cancellationToken) : Group(resourceGroup).GetGalleries().GetAllAsync(cancellationToken);
            await foreach (var gallery in pages.ConfigureAwait(false))
            {
                list.Add(GalleryMapper.Gallery(gallery.Data));
            }
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "list the galleries of", Scope(resourceGroup));
        }
        return list;
    }

    public Task<IReadOnlyList<GalleryImageDefinition>> ListDefinitionsAsync(string resourceGroup, string gallery, CancellationToken cancellationToken) =>
        _galleries.ListDefinitionsAsync(resourceGroup, gallery, cancellationToken);

    public Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken) =>
        _galleries.ListVersionsAsync(resourceGroup, gallery, definition, cancellationToken);

    public Task<GalleryImageVersion?> GetVersionAsync(string versionId, bool withReplicationStatus, CancellationToken cancellationToken) =>
        _galleries.GetVersionAsync(versionId, withReplicationStatus, cancellationToken);

    public async Task<IReadOnlyList<FleetVm>> ListVmsAsync(string? resourceGroup, CancellationToken cancellationToken)
    {
        var list = new List<FleetVm>();
        try
        {
            var pages = resourceGroup == null
                ? Subscription.GetVirtualMachinesAsync(null, null, ExpandTypesForListVm.InstanceView, cancellationToken)
                : Group(resourceGroup).GetVirtualMachines().GetAllAsync(null, GetVirtualMachineExpandType.InstanceView, cancellationToken);
            await foreach (var vm in pages.ConfigureAwait(false))
            {
                list.Add(ToFleetVm(vm.Data));
            }
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "list the virtual machines of", Scope(resourceGroup));
        }
        return list;
    }

    public async Task<IReadOnlyList<string>?> ListPlatformImageVersionsAsync(string location, string publisher, string offer, string sku, CancellationToken cancellationToken)
    {
        var list = new List<string>();
        try
        {
            await foreach (var image in Subscription.GetVirtualMachineImagesAsync(new AzureLocation(location), publisher, offer, sku, null, null, null, cancellationToken).ConfigureAwait(false))
            {
                list.Add(image.Name);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && !string.Equals(ex.ErrorCode, "SubscriptionNotFound", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "list the platform image versions of", $"{publisher}/{offer}/{sku} in {location}");
        }
        return list;
    }

    public async Task<IReadOnlyList<FleetScaleSet>> ListScaleSetsAsync(string? resourceGroup, CancellationToken cancellationToken)
    {
        var list = new List<FleetScaleSet>();
        try
        {
            var pages = resourceGroup == null ? Subscription.GetVirtualMachineScaleSetsAsync(cancellationToken) : Group(resourceGroup).GetVirtualMachineScaleSets().GetAllAsync(cancellationToken);
            await foreach (var set in pages.ConfigureAwait(false))
            {
                var data = set.Data;
                var item = new FleetScaleSet
                {
                    Id = data.Id.ToString(),
                    Name = data.Name,
                    ResourceGroupName = data.Id.ResourceGroupName ?? string.Empty,
                    Location = data.Location.Name,
                    ImageReferenceId = data.VirtualMachineProfile?.StorageProfile?.ImageReference?.Id?.ToString(),
                    Capacity = data.Sku?.Capacity,
                };
                foreach (var tag in data.Tags)
                {
                    item.Tags[tag.Key] = tag.Value;
                }

                list.Add(item);
            }
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "list the scale sets of", Scope(resourceGroup));
        }
        return list;
    }

    public async Task<IReadOnlyList<FleetDisk>> ListDisksAsync(string? resourceGroup, CancellationToken cancellationToken)
    {
        var list = new List<FleetDisk>();
        try
        {
            var pages = resourceGroup == null ? Subscription.GetManagedDisksAsync(cancellationToken) : Group(resourceGroup).GetManagedDisks().GetAllAsync(cancellationToken);
            await foreach (var disk in pages.ConfigureAwait(false))
            {
                list.Add(ToFleetDisk(disk.Data));
            }
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "list the disks of", Scope(resourceGroup));
        }
        return list;
    }

    public async Task<IReadOnlyList<ManagedImage>> ListManagedImagesAsync(string? resourceGroup, CancellationToken cancellationToken)
    {
        var list = new List<ManagedImage>();
        try
        {
            var pages = resourceGroup == null ? Subscription.GetDiskImagesAsync(cancellationToken) : Group(resourceGroup).GetDiskImages().GetAllAsync(cancellationToken);
            await foreach (var image in pages.ConfigureAwait(false))
            {
                list.Add(GalleryMapper.Image(image.Data));
            }
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "list the managed images of", Scope(resourceGroup));
        }
        return list;
    }

    public async Task<IReadOnlyList<FleetNic>> ListNicsAsync(string? resourceGroup, CancellationToken cancellationToken)
    {
        var list = new List<FleetNic>();
        var next = $"{Scope(resourceGroup)}/providers/Microsoft.Network/networkInterfaces?api-version={NetworkApiVersion}";
        while (next != null)
        {
            using var message = await SendAsync(RequestMethod.Get, next, "list the network interfaces of", Scope(resourceGroup), cancellationToken).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(message.Response.Content.ToMemory());
            if (doc.RootElement.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in value.EnumerateArray())
                {
                    list.Add(ToFleetNic(item));
                }
            }
            next = doc.RootElement.TryGetProperty("nextLink", out var link) && link.ValueKind == JsonValueKind.String ? link.GetString() : null;
        }
        return list;
    }

    public async Task<FleetVm?> GetVmAsync(string vmId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Client.GetVirtualMachineResource(ResourceIds.ParseVirtualMachine(vmId)).GetAsync(InstanceViewType.InstanceView, cancellationToken).ConfigureAwait(false);
            return ToFleetVm(response.Value.Data);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the virtual machine", vmId);
        }
    }

    public async Task<FleetDisk?> GetDiskAsync(string diskId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Client.GetManagedDiskResource(new ResourceIdentifier(diskId)).GetAsync(cancellationToken).ConfigureAwait(false);
            return ToFleetDisk(response.Value.Data);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the disk", diskId);
        }
    }

    public async Task<FleetNic?> GetNicAsync(string nicId, CancellationToken cancellationToken)
    {
        using var message = await SendAsync(RequestMethod.Get, $"{nicId}?api-version={NetworkApiVersion}", "read the network interface", nicId, cancellationToken, allow404: true).ConfigureAwait(false);
        if (message.Response.Status == 404)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(message.Response.Content.ToMemory());
        return ToFleetNic(doc.RootElement);
    }

    public Task<ManagedImage?> GetManagedImageAsync(string imageId, CancellationToken cancellationToken) =>
        _galleries.GetManagedImageAsync(imageId, cancellationToken);

    public async Task DeleteAsync(string resourceId, CancellationToken cancellationToken)
    {
        ResourceIdentifier id;
        try
        {
            id = new ResourceIdentifier(resourceId);
            _ = id.ResourceType;
        }
        catch (FormatException ex)
        {
            throw new GenImageException(ErrorIds.InvalidResourceId, GenImageErrorKind.InvalidArgument, $"'{resourceId}' is not a resource id: {ex.Message}", ex) { Target = resourceId };
        }
        var type = id.ResourceType.ToString();
        if (type.Equals("Microsoft.Network/networkInterfaces", StringComparison.OrdinalIgnoreCase))
        {
            await DeleteNicAsync(resourceId, cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            ArmOperation operation;
            if (type.Equals("Microsoft.Compute/virtualMachines", StringComparison.OrdinalIgnoreCase))
            {
                operation = await Client.GetVirtualMachineResource(id).DeleteAsync(WaitUntil.Started, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else if (type.Equals("Microsoft.Compute/disks", StringComparison.OrdinalIgnoreCase))
            {
                operation = await Client.GetManagedDiskResource(id).DeleteAsync(WaitUntil.Started, cancellationToken).ConfigureAwait(false);
            }
            else if (type.Equals("Microsoft.Compute/images", StringComparison.OrdinalIgnoreCase))
            {
                operation = await Client.GetDiskImageResource(id).DeleteAsync(WaitUntil.Started, cancellationToken).ConfigureAwait(false);
            }
            else if (type.Equals(GalleryIds.VersionType, StringComparison.OrdinalIgnoreCase))
            {
                operation = await Client.GetGalleryImageVersionResource(id).DeleteAsync(WaitUntil.Started, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw new GenImageException(ErrorIds.InvalidResourceId, GenImageErrorKind.InvalidArgument,
                    $"'{resourceId}' is a {type}; the fleet view deletes VMs, disks, NICs, managed images and gallery image versions only.")
                { Target = resourceId };
            }

            // LroPolling: the SDK's WaitForCompletionResponseAsync(TimeSpan) would raise the interval to 1 s.
            await operation.WaitAsync(_connection.PollingInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "delete", resourceId);
        }
    }

    /// <summary>DELETE, then (202) polls Azure-AsyncOperation, else Location, at the connection's interval or the answer's Retry-After.</summary>
    private async Task DeleteNicAsync(string nicId, CancellationToken cancellationToken)
    {
        TimeSpan? wait;
        string? status;
        using (var message = await SendAsync(RequestMethod.Delete, $"{nicId}?api-version={NetworkApiVersion}", "delete", nicId, cancellationToken, allow404: true).ConfigureAwait(false))
        {
            var response = message.Response;
            if (response.Status != 202)
            {
                return;
            }

            status = response.Headers.TryGetValue("Azure-AsyncOperation", out var a) ? a : response.Headers.TryGetValue("Location", out var l) ? l : null;
            wait = ArmGalleryOperations.RetryAfter(response);
        }
        while (status != null)
        {
            await Task.Delay(wait ?? _connection.PollingInterval, cancellationToken).ConfigureAwait(false);
            using var pollMessage = await SendAsync(RequestMethod.Get, status, "delete", nicId, cancellationToken).ConfigureAwait(false);
            var poll = pollMessage.Response;
            wait = ArmGalleryOperations.RetryAfter(poll);
            if (poll.Status == 202)
            {
                continue;
            }

            if (poll.Status == 200 && poll.Content.ToMemory().Length > 0)
            {
                using var doc = JsonDocument.Parse(poll.Content.ToMemory());
                var state = doc.RootElement.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                if (state == null || state.Equals("Succeeded", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                if (state.Equals("Failed", StringComparison.OrdinalIgnoreCase) || state.Equals("Canceled", StringComparison.OrdinalIgnoreCase))
                {
                    throw new GenImageException(ErrorIds.ArmRequestFailed, GenImageErrorKind.InvalidOperation, $"Deleting '{nicId}' ended {state}.") { Target = nicId };
                }
                continue;
            }
            return;
        }
    }

    /// <summary>Sends a request through the ARM client's pipeline (authentication, retries, logging); errors become GenImage errors.</summary>
    private async Task<HttpMessage> SendAsync(RequestMethod method, string pathOrUrl, string action, string target, CancellationToken cancellationToken, bool allow404 = false)
    {
        var pipe = new RawPipe(Client);
        var uri = pathOrUrl.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? new Uri(pathOrUrl) : new Uri(pipe.BaseUri, pathOrUrl);
        var message = pipe.Pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add("Accept", "application/json");
        try
        {
            await pipe.Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            message.Dispose();
            throw ArmErrors.TranslateAny(ex, action, target);
        }
        var response = message.Response;
        if (response.Status >= 400 && !(allow404 && response.Status == 404))
        {
            var failure = new RequestFailedException(response);
            message.Dispose();
            throw ArmErrors.Translate(failure, action, target);
        }
        return message;
    }

    internal static FleetVm ToFleetVm(VirtualMachineData data)
    {
        var reference = data.StorageProfile?.ImageReference;
        var statuses = data.InstanceView?.Statuses ?? (IReadOnlyList<InstanceViewStatus>)Array.Empty<InstanceViewStatus>();
        var vm = new FleetVm
        {
            Id = data.Id.ToString(),
            Name = data.Name,
            ResourceGroupName = data.Id.ResourceGroupName ?? string.Empty,
            Location = data.Location.Name,
            ImageReferenceId = reference?.Id?.ToString(),
            ExactVersion = reference?.ExactVersion,
            PlatformImage = reference?.Publisher == null ? null : $"{reference.Publisher}/{reference.Offer}/{reference.Sku}/{reference.ExactVersion ?? reference.Version}",
            OsState = VmFacts.StatusSuffix(statuses, "OSState/"),
            PowerState = VmFacts.StatusSuffix(statuses, "PowerState/"),
            TimeCreated = data.TimeCreated,
            OsDiskId = data.StorageProfile?.OSDisk?.ManagedDisk?.Id?.ToString(),
            OsDiskSizeGB = data.StorageProfile?.OSDisk?.DiskSizeGB,
        };
        if (data.NetworkProfile != null)
        {
            foreach (var nic in data.NetworkProfile.NetworkInterfaces)
            {
                if (nic.Id is ResourceIdentifier nicId)
                {
                    vm.NetworkInterfaceIds.Add(nicId.ToString());
                }
            }
        }
        foreach (var tag in data.Tags)
        {
            vm.Tags[tag.Key] = tag.Value;
        }

        return vm;
    }

    private static FleetDisk ToFleetDisk(ManagedDiskData data)
    {
        var disk = new FleetDisk
        {
            Id = data.Id.ToString(),
            Name = data.Name,
            ResourceGroupName = data.Id.ResourceGroupName ?? string.Empty,
            Location = data.Location.Name,
            ManagedBy = data.ManagedBy?.ToString(),
            DiskState = data.DiskState?.ToString(),
            SizeGB = data.DiskSizeGB,
            StorageAccountType = data.Sku?.Name.ToString(),
            TimeCreated = data.TimeCreated,
            ImageReferenceId = data.CreationData?.GalleryImageReference?.Id?.ToString() ?? data.CreationData?.ImageReference?.Id?.ToString(),
        };
        foreach (var tag in data.Tags)
        {
            disk.Tags[tag.Key] = tag.Value;
        }

        return disk;
    }

    private static FleetNic ToFleetNic(JsonElement item)
    {
        var id = Str(item, "id") ?? string.Empty;
        var nic = new FleetNic
        {
            Id = id,
            Name = Str(item, "name") ?? FleetIds.NameOf(id),
            ResourceGroupName = FleetIds.ResourceGroupOf(id),
            Location = Str(item, "location") ?? string.Empty,
        };
        if (item.TryGetProperty("properties", out var properties) && properties.TryGetProperty("virtualMachine", out var vm) && vm.ValueKind == JsonValueKind.Object)
        {
            nic.VirtualMachineId = Str(vm, "id");
        }
        if (item.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in tags.EnumerateObject())
            {
                if (tag.Value.ValueKind == JsonValueKind.String)
                {
                    nic.Tags[tag.Name] = tag.Value.GetString() ?? string.Empty;
                }
            }
        }
        return nic;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Gives access to the ARM client's pipeline (and endpoint) for requests the engine's SDK has no method for.</summary>
    private sealed class RawPipe : ArmResource
    {
        public RawPipe(ArmClient client)
            : base(client, ResourceIdentifier.Root)
        {
        }

        public new HttpPipeline Pipeline => base.Pipeline;
        public Uri BaseUri => Endpoint;
    }
}
