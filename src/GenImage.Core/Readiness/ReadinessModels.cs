using System;
using System.Collections.Generic;
using GenImage.Core.Guest;

namespace GenImage;

/// <summary>How serious a failed rule is.</summary>
public enum FindingSeverity : long
{
    Error,
    Warning,
    Information,
}

/// <summary>Outcome of one rule for one target.</summary>
public enum FindingStatus : long
{
    Pass,
    Fail,
    Skipped,
}

/// <summary>A rule of the readiness catalogue (what Get-ImageReadinessRule lists).</summary>
public sealed class ReadinessRuleInfo
{
    /// <summary>Stable id, e.g. GI1001. Tests and suppressions use it, never the wording.</summary>
    public string Id { get; set; } = string.Empty;
    /// <summary>Source, Definition, Version, Regions, Guest or Operations.</summary>
    public string Category { get; set; } = string.Empty;
    public FindingSeverity Severity { get; set; }
    public string Title { get; set; } = string.Empty;
    /// <summary>What the rule inspects.</summary>
    public string Inspects { get; set; } = string.Empty;
    /// <summary>Why it matters.</summary>
    public string Why { get; set; } = string.Empty;
    /// <summary>How to fix a failure.</summary>
    public string Fix { get; set; } = string.Empty;
    /// <summary>Relative path of the rule's page, docs/rules/GI1001.md.</summary>
    public string HelpUri { get; set; } = string.Empty;
}

/// <summary>One rule evaluated against one target.</summary>
public sealed class ReadinessFinding
{
    public string RuleId { get; set; } = string.Empty;
    public string Category { get; set; } = string.Empty;
    public FindingSeverity Severity { get; set; }
    public FindingStatus Status { get; set; }
    public string Title { get; set; } = string.Empty;
    /// <summary>The resource the finding is about (a VM id, a version id, a region).</summary>
    public string Target { get; set; } = string.Empty;
    /// <summary>What was found, in an operator's words.</summary>
    public string Message { get; set; } = string.Empty;
    /// <summary>How to fix it; empty on Pass.</summary>
    public string Remediation { get; set; } = string.Empty;
    /// <summary>Why the rule was skipped (missing input), when Status is Skipped.</summary>
    public string? SkipReason { get; set; }
    /// <summary>The facts the rule looked at.</summary>
    public IDictionary<string, object?> Evidence { get; set; } = new Dictionary<string, object?>(StringComparer.Ordinal);
    /// <summary>True when a recipe suppression (with justification and approver) turned a failure into a non-blocking one.</summary>
    public bool Suppressed { get; set; }
    public string? SuppressionJustification { get; set; }
    public bool IsBlocking => Status == FindingStatus.Fail && Severity == FindingSeverity.Error && !Suppressed;
}

/// <summary>
/// Everything the rules may look at. Rules whose inputs are missing report Skipped with the reason,
/// so the same catalogue serves a bare VM check, a publishing pre-flight, and a version check.
/// </summary>
public sealed class ReadinessInput
{
    /// <summary>The resource id of the source (VM, managed image or gallery image version).</summary>
    public string? SourceId { get; set; }
    /// <summary>The source VM, when the source is a VM.</summary>
    public SourceVm? SourceVm { get; set; }
    /// <summary>The source when it is a gallery image version (copying a version).</summary>
    public GalleryImageVersion? SourceVersion { get; set; }
    /// <summary>Facts from the guest inspection script, when it ran.</summary>
    public GuestFacts? Guest { get; set; }
    /// <summary>The VM is about to be generalized by this run (so "running" is expected).</summary>
    public bool WillGeneralize { get; set; }
    /// <summary>The definition the version will be published to.</summary>
    public GalleryImageDefinition? Definition { get; set; }
    /// <summary>The version name to be created (Major.Minor.Patch).</summary>
    public string? VersionName { get; set; }
    /// <summary>The versions that already exist under the definition.</summary>
    public IList<GalleryImageVersion> ExistingVersions { get; set; } = new List<GalleryImageVersion>();
    /// <summary>An existing version to check (Test-ImageReadiness on a version).</summary>
    public GalleryImageVersion? Version { get; set; }
    public IList<TargetRegion> TargetRegions { get; set; } = new List<TargetRegion>();
    public DateTimeOffset? EndOfLifeDate { get; set; }
    public bool? ExcludeFromLatest { get; set; }
    /// <summary>The release policy requires new versions to start excluded from latest.</summary>
    public bool RequireExcludeFromLatest { get; set; }
    /// <summary>Regions ARM accepts (lower-case names); empty means "use the built-in list".</summary>
    public ISet<string> KnownRegions { get; set; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    /// <summary>Tag names that must be present on the source (e.g. owner).</summary>
    public IList<string> RequiredTags { get; set; } = new List<string> { "owner" };
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// The run will prepare the guest (Sysprep / waagent deprovision) before capture. Null means "the same as
    /// <see cref="WillGeneralize"/>". Decides whether provisioning leftovers (GI5002-GI5006) are Warnings
    /// (preparation removes them) or Errors (nothing will).
    /// </summary>
    public bool? WillPrepare { get; set; }
    /// <summary>The caller read the source and it exists (for a managed image, which has no model here).</summary>
    public bool SourceResolved { get; set; }
    /// <summary>Why the source could not be read (e.g. "ResourceNotFound: ..."); GI1001 fails with it.</summary>
    public string? SourceLookupError { get; set; }
    /// <summary>Windows or Linux, when the source is not a VM (a managed image or a version); otherwise from the VM.</summary>
    public string? SourceOsType { get; set; }
    /// <summary>V1 or V2, when the source is not a VM; otherwise from the VM.</summary>
    public string? SourceHyperVGeneration { get; set; }
    /// <summary>x64 or Arm64; when null, inferred from an Arm64 VM size (Standard_D2ps_v5).</summary>
    public string? SourceArchitecture { get; set; }
    /// <summary>The source's marketplace plan "publisher/product/name"; empty string: the source has no plan; null: not known (GI2007 is skipped).</summary>
    public string? SourcePurchasePlan { get; set; }
    /// <summary>The image serves scale sets, where more than 20 replicas per region can pay off (GI4003).</summary>
    public bool ForScaleSet { get; set; }
    /// <summary>Why <see cref="Guest"/> is null (the VM is not running, Run Command failed, ...); Guest rules report it as their skip reason.</summary>
    public string? GuestUnavailableReason { get; set; }
}
