using System;
using System.Collections.Generic;

namespace GenImage;

/// <summary>
/// What Test-ImageDeployment found in one region: the outcome of booting a validation VM from the image,
/// how long it took, why it failed in an operator's words, and every resource it created and removed.
/// </summary>
public sealed class ValidationResult
{
    /// <summary>The image the VM was made from: a gallery image version id or a managed image id (never "latest").</summary>
    public string ImageId { get; set; } = string.Empty;
    /// <summary>The version id, named for the pipeline (same as <see cref="ImageId"/> for a version).</summary>
    public string VersionId => ImageId;
    /// <summary>GalleryImageVersion or ManagedImage.</summary>
    public string ImageKind { get; set; } = string.Empty;
    /// <summary>The version name (1.2.3), or the managed image name.</summary>
    public string ImageName { get; set; } = string.Empty;
    public string Region { get; set; } = string.Empty;
    /// <summary>Succeeded, Failed, TimedOut or Cancelled.</summary>
    public string Outcome { get; set; } = string.Empty;
    public bool Succeeded => string.Equals(Outcome, "Succeeded", StringComparison.Ordinal);
    public string VmName { get; set; } = string.Empty;
    public string VmId { get; set; } = string.Empty;
    public string ResourceGroupName { get; set; } = string.Empty;
    public string VmSize { get; set; } = string.Empty;
    public string OsType { get; set; } = string.Empty;
    /// <summary>The security type the VM was created with (from the definition).</summary>
    public string SecurityType { get; set; } = "Standard";
    /// <summary>From the create request until ARM reported the VM provisioned.</summary>
    public TimeSpan? TimeToProvisioned { get; set; }
    /// <summary>From the create request until the guest agent reported Ready.</summary>
    public TimeSpan? TimeToAgentReady { get; set; }
    /// <summary>The ARM error code of the failure (OSProvisioningTimedOut, VMAgentStatusCommunicationError, ...).</summary>
    public string? ErrorCode { get; set; }
    /// <summary>ARM's own message.</summary>
    public string? ErrorMessage { get; set; }
    /// <summary>What the failure means for the image, in an operator's words.</summary>
    public string? Explanation { get; set; }
    /// <summary>The boot-failure diagnosis (GI7xxx, docs/diagnoses), when the validation failed and one applies.</summary>
    public string? DiagnosisId { get; set; }
    /// <summary>The diagnosis in a few words.</summary>
    public string? DiagnosisTitle { get; set; }
    /// <summary>The guest agent's status when the validation ended (Ready, Not Ready), when it was read.</summary>
    public string? AgentStatus { get; set; }
    /// <summary>The agent version the instance view reported ("Unknown" when no agent ever reported), when it was read.</summary>
    public string? AgentVersion { get; set; }
    /// <summary>The serial-log lines that support the explanation.</summary>
    public IList<string> SupportingLogLines { get; set; } = new List<string>();
    /// <summary>The same lines with their line numbers in the serial log, and whether each proves the diagnosis.</summary>
    public IList<SerialLogLine> MatchedLogLines { get; set; } = new List<SerialLogLine>();
    /// <summary>
    /// The last lines of the boot-diagnostics serial log (at most 40 lines of at most 1,024 characters, 16 KiB in all);
    /// empty when it could not be fetched.
    /// </summary>
    public IList<string> SerialLogExcerpt { get; set; } = new List<string>();
    /// <summary>The whole serial log's size in bytes, when it was read.</summary>
    public long? SerialLogBytes { get; set; }
    /// <summary>The whole serial log's number of lines, when it was read.</summary>
    public int? SerialLogLineCount { get; set; }
    /// <summary>The file the whole serial log was streamed to (a recipe run's evidence bundle); null when it was not saved.</summary>
    public string? SerialLogPath { get; set; }
    /// <summary>SHA256 of <see cref="SerialLogPath"/> (lowercase hex).</summary>
    public string? SerialLogSha256 { get; set; }
    /// <summary>Why there is no serial log, when there is none.</summary>
    public string? SerialLogError { get; set; }
    /// <summary>Whether the probe script ran and reported success; null when no probe was given or it did not run.</summary>
    public bool? ProbeSucceeded { get; set; }
    /// <summary>The probe's standard output (last 4,096 bytes, as Run Command returns it).</summary>
    public string? ProbeOutput { get; set; }
    /// <summary>The ARM error code when the probe Run Command itself could not run (the VM had booted): a failed attempt, not a verdict on the image.</summary>
    public string? ProbeErrorCode { get; set; }
    /// <summary>Every resource id this run created.</summary>
    public IList<string> ResourcesCreated { get; set; } = new List<string>();
    /// <summary>Every resource id this run deleted (and verified gone).</summary>
    public IList<string> ResourcesRemoved { get; set; } = new List<string>();
    /// <summary>Resources that still exist after the run: kept with -KeepVm, or left behind because clean-up failed.</summary>
    public IList<string> ResourcesLeftBehind { get; set; } = new List<string>();
    /// <summary>The VM was kept for troubleshooting (-KeepVm).</summary>
    public bool Kept { get; set; }
    /// <summary>Why clean-up failed, when it did.</summary>
    public string? CleanupError { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public TimeSpan Duration { get; set; }
    /// <summary>The x-ms-correlation-request-id sent with every ARM call of this run.</summary>
    public string? CorrelationId { get; set; }
    /// <summary>The outcome was recorded on the version's tags (genimage.validation.REGION).</summary>
    public bool RecordedOnImage { get; set; }
    /// <summary>Why it could not be recorded, when it could not.</summary>
    public string? RecordError { get; set; }

    public override string ToString() => $"{Region}: {Outcome}";
}
