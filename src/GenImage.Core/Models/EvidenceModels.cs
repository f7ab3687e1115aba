using System;
using System.Collections.Generic;

namespace GenImage;

/// <summary>A test deployment of an image version in one region (what the validation step found).</summary>
public sealed class ValidationRecord
{
    public string Region { get; set; } = string.Empty;
    public string? VmSize { get; set; }
    /// <summary>Passed, Failed or Skipped.</summary>
    public string Status { get; set; } = string.Empty;
    public string Message { get; set; } = string.Empty;
    /// <summary>The test VM (deleted after the check).</summary>
    public string? TestVmId { get; set; }
    /// <summary>The image the test VM was created from (the version id, never "latest").</summary>
    public string? ImageReference { get; set; }
    /// <summary>The probe script's own summary, when one ran.</summary>
    public string? ProbeResult { get; set; }
    /// <summary>
    /// The last lines of the serial console log (at most 40 lines of at most 1,024 characters, 16 KiB in all); null
    /// when boot diagnostics were unavailable. The whole log is a file (<see cref="SerialLogFile"/>), never held here.
    /// </summary>
    public string? SerialLogExcerpt { get; set; }
    /// <summary>
    /// The file of the whole serial log: where the run streamed it to, and in evidence.json its path in the bundle
    /// (attachments/serial-REGION.log); null when it was not saved.
    /// </summary>
    public string? SerialLogFile { get; set; }
    /// <summary>The size of <see cref="SerialLogFile"/> in bytes.</summary>
    public long? SerialLogBytes { get; set; }
    /// <summary>SHA256 of <see cref="SerialLogFile"/> (lowercase hex).</summary>
    public string? SerialLogSha256 { get; set; }
    public TimeSpan Duration { get; set; }
    /// <summary>When the validation ended.</summary>
    public DateTimeOffset? RecordedAt { get; set; }
    /// <summary>The correlation id of the validation's ARM calls (its Activity Log key).</summary>
    public string? CorrelationId { get; set; }
    /// <summary>The boot-failure diagnosis of a failed validation (GI7xxx).</summary>
    public string? DiagnosisId { get; set; }
    /// <summary>Where the record comes from: Run (a recipe run's journal) or VersionTags (the version's genimage.validation.* tags).</summary>
    public string? Source { get; set; }
    public bool Passed => string.Equals(Status, "Passed", StringComparison.OrdinalIgnoreCase);
    public override string ToString() => $"{Region}: {Status}";
}

/// <summary>One Activity Log (management plane) event.</summary>
public sealed class ActivityLogEntry
{
    public DateTimeOffset Timestamp { get; set; }
    /// <summary>The operation, e.g. Microsoft.Compute/galleries/images/versions/write.</summary>
    public string OperationName { get; set; } = string.Empty;
    /// <summary>Started, Accepted, Succeeded, Failed.</summary>
    public string Status { get; set; } = string.Empty;
    /// <summary>Who did it (UPN, app id, managed identity).</summary>
    public string Caller { get; set; } = string.Empty;
    public string ResourceId { get; set; } = string.Empty;
    public string? CorrelationId { get; set; }
    public string? Level { get; set; }
    public override string ToString() => $"{Timestamp:u} {Caller} {OperationName} {Status}";
}

/// <summary>One role assignment at (or inherited by) a scope.</summary>
public sealed class RoleAssignmentEntry
{
    public string PrincipalId { get; set; } = string.Empty;
    /// <summary>User, Group, ServicePrincipal, … when ARM says.</summary>
    public string? PrincipalType { get; set; }
    public string RoleDefinitionId { get; set; } = string.Empty;
    /// <summary>The role's name when known (Owner, Contributor, Reader, Compute Gallery Sharing Admin, …).</summary>
    public string? RoleName { get; set; }
    public string Scope { get; set; } = string.Empty;
    /// <summary>True when the assignment is at a parent of the evidence's scope (inherited), false when at the scope itself.</summary>
    public bool Inherited { get; set; }
    /// <summary>The principal's display name, when the directory was read; null otherwise (see the PrincipalNames gap).</summary>
    public string? PrincipalDisplayName { get; set; }
    /// <summary>True when the role definition's permissions were read; what it allows is unknown otherwise.</summary>
    public bool PermissionsRead { get; set; }
    /// <summary>
    /// What the role allows, from its definition's actions, notActions, dataActions and notDataActions (never from its
    /// name): Publish, DeleteVersions, Read, ReadDiagnostics, RunCommands, ReadStorageBlobs.
    /// </summary>
    public IList<string> Capabilities { get; set; } = new List<string>();
    /// <summary>The headline of <see cref="Capabilities"/>: Publish, Read, Other, or Unknown when the permissions were not read.</summary>
    public string Capability { get; set; } = "Other";
}

/// <summary>A source of evidence that could not be read, said explicitly instead of left out.</summary>
public sealed class EvidenceGap
{
    /// <summary>The evidence section (ActivityLog, RoleAssignments, SerialLog, SourceVm, Validation, …).</summary>
    public string Section { get; set; } = string.Empty;
    public string Reason { get; set; } = string.Empty;
    public override string ToString() => $"{Section}: {Reason}";
}

/// <summary>The answer to "what was built, from what, by whom, did it boot, where is it replicated" in one place.</summary>
public sealed class EvidenceSummary
{
    public string? Built { get; set; }
    public string? From { get; set; }
    public string? By { get; set; }
    /// <summary>True when every validation passed, false when one failed, null when none ran.</summary>
    public bool? Booted { get; set; }
    public IList<string> ReplicatedIn { get; set; } = new List<string>();
    public bool ExcludedFromLatest { get; set; }
    public int GapCount { get; set; }
}

/// <summary>The source of the image and what was done to it.</summary>
public sealed class EvidenceSource
{
    public string? SourceId { get; set; }
    /// <summary>The source VM as it is now (null when it no longer exists or cannot be read).</summary>
    public SourceVm? Vm { get; set; }
    /// <summary>The generalize record (steps, correlation id) when a run generalized it.</summary>
    public IList<StepRecord> GeneralizeSteps { get; set; } = new List<StepRecord>();
    public string? GeneralizeCorrelationId { get; set; }
    /// <summary>
    /// The marketplace image the source came from: the version's genimage.base.* tags, else the source VM's
    /// imageReference; null when there is none or it is unknown (<see cref="BaseImageNote"/> says which).
    /// </summary>
    public MarketplaceImage? BaseImage { get; set; }
    /// <summary>Where <see cref="BaseImage"/> comes from, or why there is none (e.g. "not a marketplace image: …").</summary>
    public string? BaseImageNote { get; set; }
}

/// <summary>The recipe a run used, with the hash of its bytes.</summary>
public sealed class EvidenceRecipe
{
    public string Name { get; set; } = string.Empty;
    public string Path { get; set; } = string.Empty;
    public string Sha256 { get; set; } = string.Empty;
    public string? Owner { get; set; }
}

/// <summary>
/// The evidence for one image version (Get-ImageEvidence). With -OutputPath it is written as a bundle:
/// evidence.json, report.md, attachments and SHA256SUMS (docs/evidence.md).
/// </summary>
public sealed class ImageEvidence
{
    public const int CurrentSchemaVersion = 1;

    public const string SubjectVersion = "Version";
    public const string SubjectRun = "Run";
    public const string SubjectVm = "Vm";

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    /// <summary>What the evidence is about: the version id (or the VM id when nothing was published).</summary>
    public string Subject { get; set; } = string.Empty;
    /// <summary>Version, Run or Vm: what <see cref="Subject"/> names.</summary>
    public string SubjectKind { get; set; } = SubjectVersion;
    public DateTimeOffset GeneratedAt { get; set; }
    /// <summary>The principal that collected the evidence.</summary>
    public string? GeneratedBy { get; set; }
    public EvidenceSummary Summary { get; set; } = new EvidenceSummary();
    public GalleryImageVersion? Version { get; set; }
    public GalleryImageDefinition? Definition { get; set; }
    public EvidenceSource Source { get; set; } = new EvidenceSource();
    public IList<ReadinessFinding> Readiness { get; set; } = new List<ReadinessFinding>();
    public IList<ValidationRecord> Validation { get; set; } = new List<ValidationRecord>();
    public DateTimeOffset? ActivityLogFrom { get; set; }
    public DateTimeOffset? ActivityLogTo { get; set; }
    public IList<ActivityLogEntry> ActivityLog { get; set; } = new List<ActivityLogEntry>();
    public string? RoleAssignmentScope { get; set; }
    public IList<RoleAssignmentEntry> RoleAssignments { get; set; } = new List<RoleAssignmentEntry>();
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    public string? Owner { get; set; }
    public EvidenceRecipe? Recipe { get; set; }
    /// <summary>The run that built the version, when known.</summary>
    public string? RunId { get; set; }
    public IList<RecipeStepRecord> Steps { get; set; } = new List<RecipeStepRecord>();
    public IList<RecipeApproval> Approvals { get; set; } = new List<RecipeApproval>();
    public IList<EvidenceGap> Gaps { get; set; } = new List<EvidenceGap>();
    /// <summary>The bundle folder, when one was written.</summary>
    public string? BundlePath { get; set; }
}
