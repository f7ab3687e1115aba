using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Evidence;

namespace GenImage.Core.Diagnosis;

/// <summary>A VM as the boot diagnosis reads it: its model and instance view, reduced to GenImage's words.</summary>
public sealed class BootVmFacts
{
    public SourceVm Vm { get; set; } = new SourceVm();
    /// <summary>imageReference.id (a gallery version, a definition = latest, a managed image), when the VM has one.</summary>
    public string? ImageId { get; set; }
    public string? ImagePublisher { get; set; }
    public string? ImageOffer { get; set; }
    public string? ImageSku { get; set; }
    public string? ImageVersion { get; set; }
    public string? ExactVersion { get; set; }
    /// <summary>A shared or community gallery image id (another tenant's gallery).</summary>
    public string? SharedImageId { get; set; }
    /// <summary>The VM has an osProfile (created from a generalized image).</summary>
    public bool HasOsProfile { get; set; }
    public bool BootDiagnosticsEnabled { get; set; }
    /// <summary>The custom storage account's blob endpoint; null for managed boot diagnostics.</summary>
    public string? BootDiagnosticsStorageUri { get; set; }
    /// <summary>The failed provisioning status (ProvisioningState/failed/CODE): its code, message and time.</summary>
    public string? ProvisioningErrorCode { get; set; }
    public string? ProvisioningErrorMessage { get; set; }
    public DateTimeOffset? ProvisioningStatusTime { get; set; }
    public string? AgentMessage { get; set; }
    public DateTimeOffset? AgentStatusTime { get; set; }
    public DateTimeOffset? TimeCreated { get; set; }
}

/// <summary>
/// The boot diagnostics blobs of a VM; each null when it is not there (with the reason). The serial log is a stream to
/// read once (see <see cref="SerialLogReader"/>); whoever receives the blobs disposes it.
/// </summary>
public sealed class BootDiagnosticsBlobs : IDisposable
{
    public System.IO.Stream? SerialLog { get; set; }
    public string? SerialLogProblem { get; set; }
    public byte[]? Screenshot { get; set; }
    public string? ScreenshotProblem { get; set; }

    public void Dispose() => SerialLog?.Dispose();
}

/// <summary>
/// Where the boot diagnosis reads from. The ARM implementation wraps the Azure SDK and the connection's pipeline;
/// tests use fakes. Get methods return null for a resource that does not exist; a source that cannot be read throws
/// <see cref="Errors.GenImageException"/> (it becomes a gap, except for the VM itself).
/// </summary>
public interface IBootDiagnosisSource
{
    /// <summary>The VM with its instance view; throws ResourceNotFound when it does not exist.</summary>
    Task<BootVmFacts> GetVmAsync(string vmId, CancellationToken cancellationToken);

    /// <summary>The serial log and (when asked) the screenshot; throws when boot diagnostics cannot be retrieved.</summary>
    Task<BootDiagnosticsBlobs> GetBootDiagnosticsAsync(string vmId, bool screenshot, CancellationToken cancellationToken);

    Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken);
    Task<GalleryImageDefinition?> GetDefinitionAsync(string definitionId, CancellationToken cancellationToken);
    Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken);
    Task<ManagedImage?> GetManagedImageAsync(string imageId, CancellationToken cancellationToken);

    /// <summary>A VM that may no longer exist (the image's source); null when it is gone.</summary>
    Task<SourceVm?> GetSourceVmAsync(string vmId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ActivityLogEntry>> GetActivityLogAsync(ActivityLogQuery query, CancellationToken cancellationToken);
}
