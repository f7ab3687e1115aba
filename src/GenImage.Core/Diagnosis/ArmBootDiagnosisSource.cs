using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Gallery;
using GenImage.Core.Vm;

namespace GenImage.Core.Diagnosis;

/// <summary><see cref="IBootDiagnosisSource"/> over the Azure SDK and the connection's pipeline (read-only calls only).</summary>
public sealed class ArmBootDiagnosisSource : IBootDiagnosisSource
{
    private readonly GenImageConnection _connection;
    private readonly ArmGalleryOperations _galleries;
    private readonly ArmVmOperations _vms;
    private readonly ArmEvidenceSource _evidence;

    public ArmBootDiagnosisSource(GenImageConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _galleries = new ArmGalleryOperations(connection);
        _vms = new ArmVmOperations(connection);
        _evidence = new ArmEvidenceSource(connection, _galleries, _vms);
    }

    public async Task<BootVmFacts> GetVmAsync(string vmId, CancellationToken cancellationToken)
    {
        var id = ResourceIds.ParseVirtualMachine(vmId);
        VirtualMachineData data;
        try
        {
            var response = await _connection.Client.GetVirtualMachineResource(id).GetAsync(InstanceViewType.InstanceView, cancellationToken).ConfigureAwait(false);
            data = response.Value.Data;
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the virtual machine", vmId);
        }
        return From(data);
    }

    /// <summary>The facts of the SDK's VM model.</summary>
    internal static BootVmFacts From(VirtualMachineData data)
    {
        var image = data.StorageProfile?.ImageReference;
        var view = data.InstanceView;
        var statuses = view?.Statuses ?? (IReadOnlyList<InstanceViewStatus>)Array.Empty<InstanceViewStatus>();
        var failed = statuses.FirstOrDefault(s => s.Code != null && s.Code.StartsWith("ProvisioningState/failed", StringComparison.OrdinalIgnoreCase));
        var provisioning = failed ?? statuses.FirstOrDefault(s => s.Code != null && s.Code.StartsWith("ProvisioningState/", StringComparison.OrdinalIgnoreCase));
        var agentStatuses = view?.VmAgent?.Statuses;
        var agent = agentStatuses is { Count: > 0 } ? agentStatuses[0] : null;
        var boot = data.BootDiagnostics;
        string? failedCode = null;
        if (failed?.Code != null)
        {
            var parts = failed.Code.Split('/');
            failedCode = parts.Length >= 3 ? parts[2] : null;
        }
        return new BootVmFacts
        {
            Vm = VmFacts.From(data),
            ImageId = image?.Id?.ToString(),
            ImagePublisher = image?.Publisher,
            ImageOffer = image?.Offer,
            ImageSku = image?.Sku,
            ImageVersion = image?.Version,
            ExactVersion = image?.ExactVersion,
            SharedImageId = image?.SharedGalleryImageUniqueId ?? image?.CommunityGalleryImageId,
            HasOsProfile = data.OSProfile != null,
            BootDiagnosticsEnabled = boot?.Enabled == true,
            BootDiagnosticsStorageUri = boot?.StorageUri?.GetLeftPart(UriPartial.Authority),
            ProvisioningErrorCode = failedCode,
            ProvisioningErrorMessage = failed?.Message,
            ProvisioningStatusTime = provisioning?.Time,
            AgentMessage = agent?.Message,
            AgentStatusTime = agent?.Time,
            TimeCreated = data.TimeCreated,
        };
    }

    public Task<BootDiagnosticsBlobs> GetBootDiagnosticsAsync(string vmId, bool screenshot, CancellationToken cancellationToken) =>
        new BootDiagnosticsReader(_connection).ReadAsync(vmId, serialLog: true, screenshot, cancellationToken);

    public Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken) =>
        _galleries.GetVersionAsync(versionId, true, cancellationToken);

    public Task<GalleryImageDefinition?> GetDefinitionAsync(string definitionId, CancellationToken cancellationToken) =>
        _evidence.GetDefinitionAsync(definitionId, cancellationToken);

    public async Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken)
    {
        var id = new ResourceIdentifier(definitionId);
        try
        {
            return await _galleries.ListVersionsAsync(id.ResourceGroupName ?? string.Empty, id.Parent?.Name ?? string.Empty, id.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (GenImageException ex) when (ex.ErrorId == ErrorIds.ResourceNotFound)
        {
            return Array.Empty<GalleryImageVersion>();
        }
    }

    public Task<ManagedImage?> GetManagedImageAsync(string imageId, CancellationToken cancellationToken) =>
        _galleries.GetManagedImageAsync(imageId, cancellationToken);

    public Task<SourceVm?> GetSourceVmAsync(string vmId, CancellationToken cancellationToken) =>
        _evidence.GetVmAsync(vmId, cancellationToken);

    public Task<IReadOnlyList<ActivityLogEntry>> GetActivityLogAsync(ActivityLogQuery query, CancellationToken cancellationToken) =>
        _evidence.GetActivityLogAsync(query, cancellationToken);
}
