using System;
using System.Collections.Generic;

namespace GenImage;

/// <summary>One line of a boot-diagnostics serial log, with its number in the log as downloaded.</summary>
public sealed class SerialLogLine
{
    /// <summary>1-based line number in the serial log blob.</summary>
    public int LineNumber { get; set; }
    public string Text { get; set; } = string.Empty;
    /// <summary>The diagnosis id the line belongs to (GI7xxx), when it was matched.</summary>
    public string? SignatureId { get; set; }
    /// <summary>True when the line proves the diagnosis on its own; false for a line of context.</summary>
    public bool IsEvidence { get; set; }
    public override string ToString() => $"{LineNumber,6}: {Text}";
}

/// <summary>What boot diagnostics gave for a VM: whether they are on, the serial log's matched lines and tail, the screenshot.</summary>
public sealed class BootDiagnosticsReport
{
    /// <summary>Boot diagnostics are enabled on the VM.</summary>
    public bool Enabled { get; set; }
    /// <summary>Managed (Azure's storage) or the custom storage account's blob endpoint.</summary>
    public string? Storage { get; set; }
    public bool SerialLogRead { get; set; }
    public int SerialLogLineCount { get; set; }
    public long SerialLogBytes { get; set; }
    /// <summary>The file the whole serial log was streamed to (a bundle's attachments/serial.log); null when it was not saved.</summary>
    public string? SerialLogPath { get; set; }
    /// <summary>SHA256 of <see cref="SerialLogPath"/> (lowercase hex).</summary>
    public string? SerialLogSha256 { get; set; }
    /// <summary>The lines that prove or support the diagnosis, with their line numbers.</summary>
    public IList<SerialLogLine> MatchedLines { get; set; } = new List<SerialLogLine>();
    /// <summary>The last lines of the serial log (each at most 1,024 characters; 16 KiB in all).</summary>
    public IList<SerialLogLine> Tail { get; set; } = new List<SerialLogLine>();
    public bool ScreenshotRead { get; set; }
    /// <summary>Where the screenshot was saved (-ScreenshotPath, or the bundle's attachments).</summary>
    public string? ScreenshotPath { get; set; }
    /// <summary>Why there is no serial log or screenshot, when there is none.</summary>
    public string? Gap { get; set; }
    /// <summary>The command that turns boot diagnostics on, when they are off.</summary>
    public string? EnableCommand { get; set; }
}

/// <summary>
/// Where the VM's image came from: its image reference and, for a gallery image, the version it got, how that was
/// made (source, generalize record, readiness at publish) and every validation recorded for it.
/// </summary>
public sealed class BootImageLineage
{
    /// <summary>GalleryImageVersion, GalleryImageLatest, ManagedImage, Marketplace, SharedGallery, or None (attached disk).</summary>
    public string Kind { get; set; } = "None";
    /// <summary>The image reference as the VM shows it (an id, or publisher:offer:sku:version).</summary>
    public string? ImageReference { get; set; }
    /// <summary>The version the reference asked for ("latest" or a number), for marketplace and gallery images.</summary>
    public string? RequestedVersion { get; set; }
    /// <summary>The version the VM got (imageReference.exactVersion), when ARM reports it.</summary>
    public string? ExactVersion { get; set; }
    /// <summary>The gallery image version id the VM was made from (a "latest" resolved).</summary>
    public string? VersionId { get; set; }
    public string? DefinitionId { get; set; }
    public GalleryImageVersion? Version { get; set; }
    public GalleryImageDefinition? Definition { get; set; }
    public ManagedImage? ManagedImage { get; set; }
    /// <summary>What the version (or managed image) was captured from.</summary>
    public string? SourceId { get; set; }
    /// <summary>The source VM as it is now, when it still exists.</summary>
    public SourceVm? SourceVm { get; set; }
    /// <summary>How the source was prepared and generalized, in words, from the Activity Log and the source's state.</summary>
    public string? Preparation { get; set; }
    /// <summary>The Activity Log events of the source and the version around publishing (run command, generalize, version write).</summary>
    public IList<ActivityLogEntry> GeneralizeRecord { get; set; } = new List<ActivityLogEntry>();
    /// <summary>The readiness findings recorded on the version when it was published (tag genimage.readiness).</summary>
    public string? ReadinessAtPublish { get; set; }
    /// <summary>Every validation recorded for the version (Test-ImageDeployment, recipe runs).</summary>
    public IList<ValidationRecord> Validations { get; set; } = new List<ValidationRecord>();
    /// <summary>How this VM differs from what was validated and from the definition (region, size, security type, generation).</summary>
    public IList<string> Differences { get; set; } = new List<string>();
    public override string ToString() => $"{Kind}: {VersionId ?? ImageReference}";
}

/// <summary>
/// Get-VmBootDiagnosis: why a VM did not boot (a GI7xxx diagnosis with explanation and fix, or "no failure found"
/// with what was checked), its state, the boot diagnostics, the image it came from and the Activity Log around it.
/// </summary>
public sealed class VmBootDiagnosis
{
    public const int CurrentSchemaVersion = 1;
    public const string VerdictFailure = "Failure";
    public const string VerdictUnrecognized = "Unrecognized";
    public const string VerdictNoFailure = "NoFailureFound";

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    public string Id { get; set; } = string.Empty;
    /// <summary>The VM id (same as <see cref="Id"/>), named for the pipeline.</summary>
    public string VmId => Id;
    public string Name { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string SubscriptionId { get; set; } = string.Empty;
    public string Location { get; set; } = string.Empty;
    public string? VmSize { get; set; }
    public string? OsType { get; set; }
    public string? OsName { get; set; }
    public string? HyperVGeneration { get; set; }
    public string SecurityType { get; set; } = "Standard";

    /// <summary>Failure (a catalogued diagnosis), Unrecognized (failed, no signature fits), or NoFailureFound.</summary>
    public string Verdict { get; set; } = VerdictNoFailure;
    public bool FailureFound => Verdict != VerdictNoFailure;
    /// <summary>The diagnosis id (GI7001–GI7014, GI7101–GI7104, GI7900), null when no failure was found.</summary>
    public string? DiagnosisId { get; set; }
    public string? Title { get; set; }
    /// <summary>Image, Deployment or Unknown: what the failure points at.</summary>
    public string? Cause { get; set; }
    public string? Explanation { get; set; }
    public string? Fix { get; set; }
    /// <summary>The diagnosis page (docs/diagnoses/GI7xxx.md).</summary>
    public string? HelpUri { get; set; }
    /// <summary>Why the verdict: the ARM code, the facts, the serial-log lines.</summary>
    public IList<string> Evidence { get; set; } = new List<string>();
    /// <summary>What was checked (and found healthy, or not available).</summary>
    public IList<string> Checked { get; set; } = new List<string>();

    public string? ProvisioningState { get; set; }
    public string? ProvisioningErrorCode { get; set; }
    public string? ProvisioningErrorMessage { get; set; }
    public string PowerState { get; set; } = "unknown";
    /// <summary>Ready, Not Ready, or null when the instance view reports no agent.</summary>
    public string? AgentStatus { get; set; }
    public string? AgentVersion { get; set; }
    public string? AgentMessage { get; set; }
    /// <summary>When the failure was reported (the failed provisioning status, else the agent's status).</summary>
    public DateTimeOffset? FailedAt { get; set; }
    public DateTimeOffset? TimeCreated { get; set; }
    /// <summary>True when the VM was created with an osProfile (its image deployed as generalized).</summary>
    public bool? DeployedGeneralized { get; set; }

    public BootDiagnosticsReport BootDiagnostics { get; set; } = new BootDiagnosticsReport();
    public BootImageLineage Image { get; set; } = new BootImageLineage();

    public DateTimeOffset? ActivityLogFrom { get; set; }
    public DateTimeOffset? ActivityLogTo { get; set; }
    /// <summary>The Activity Log of the VM and its image around the failure (by resource and by correlation id).</summary>
    public IList<ActivityLogEntry> ActivityLog { get; set; } = new List<ActivityLogEntry>();
    /// <summary>Sources that could not be read, said explicitly.</summary>
    public IList<EvidenceGap> Gaps { get; set; } = new List<EvidenceGap>();
    public DateTimeOffset DiagnosedAt { get; set; }
    public string? DiagnosedBy { get; set; }
    /// <summary>The bundle folder, when -OutputPath wrote one.</summary>
    public string? BundlePath { get; set; }

    public override string ToString() => DiagnosisId != null ? $"{Name}: {DiagnosisId} {Title}" : $"{Name}: no failure found";
}
