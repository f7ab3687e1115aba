using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Logging;

namespace GenImage.Core.Evidence;

/// <summary>An Activity Log query: events of some resources and correlation ids within a window.</summary>
public sealed class ActivityLogQuery
{
    public DateTimeOffset From { get; set; }
    public DateTimeOffset To { get; set; }
    public IList<string> ResourceIds { get; set; } = new List<string>();
    public IList<string> CorrelationIds { get; set; } = new List<string>();
}

/// <summary>
/// Where evidence is read from. The ARM implementation reads the gallery, the VM, the Activity Log and role
/// assignments; tests use fakes. Get methods return null for a resource that does not exist; a source that
/// cannot be read throws <see cref="GenImageException"/> (it becomes a gap, never a silent omission).
/// </summary>
public interface IEvidenceSource
{
    Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken);
    Task<GalleryImageDefinition?> GetDefinitionAsync(string definitionId, CancellationToken cancellationToken);
    Task<SourceVm?> GetVmAsync(string vmId, CancellationToken cancellationToken);
    Task<IReadOnlyList<ActivityLogEntry>> GetActivityLogAsync(ActivityLogQuery query, CancellationToken cancellationToken);
    Task<IReadOnlyList<RoleAssignmentEntry>> GetRoleAssignmentsAsync(string scope, CancellationToken cancellationToken);
}

/// <summary>What to collect evidence about, and what a run already knows.</summary>
public sealed class EvidenceRequest
{
    /// <summary>The gallery image version; null when the run published nothing.</summary>
    public string? VersionId { get; set; }
    /// <summary>The source VM (read from the version when not given).</summary>
    public string? SourceVmId { get; set; }
    public TimeSpan ActivityLogWindow { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Window end; defaults to now.</summary>
    public DateTimeOffset? ActivityLogTo { get; set; }
    public IList<string> CorrelationIds { get; set; } = new List<string>();
    public IList<ReadinessFinding> Readiness { get; set; } = new List<ReadinessFinding>();
    public IList<ValidationRecord> Validation { get; set; } = new List<ValidationRecord>();
    /// <summary>True when validation was meant to run (its absence is then a gap).</summary>
    public bool ValidationExpected { get; set; }
    public ImageRecipe? Recipe { get; set; }
    public string? RunId { get; set; }
    public IList<RecipeStepRecord> Steps { get; set; } = new List<RecipeStepRecord>();
    public IList<StepRecord> GeneralizeSteps { get; set; } = new List<StepRecord>();
    public string? GeneralizeCorrelationId { get; set; }
    public string? CollectedBy { get; set; }
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>The version's definition as the caller (a recipe run) read or created it; null: it is read.</summary>
    public GalleryImageDefinition? KnownDefinition { get; set; }
    /// <summary>The source VM as the caller (a recipe run) knows it; null, or another VM than the source: it is read.</summary>
    public SourceVm? KnownSourceVm { get; set; }
}

/// <summary>Collects the evidence for an image version; every source it cannot read becomes an explicit gap.</summary>
public sealed class EvidenceCollector
{
    /// <summary>How far back the Activity Log keeps events.</summary>
    public static readonly TimeSpan ActivityLogRetention = TimeSpan.FromDays(90);

    private readonly IEvidenceSource _source;
    private readonly IGenImageLog _log;

    public EvidenceCollector(IEvidenceSource source, IGenImageLog log)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _log = log ?? NullLog.Instance;
    }

    public async Task<ImageEvidence> CollectAsync(EvidenceRequest request, CancellationToken cancellationToken)
    {
        if (request == null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var vmSubject = request.VersionId == null && request.RunId == null && request.Recipe == null && request.SourceVmId != null;
        var subject = vmSubject ? "VM" : "version";
        var e = new ImageEvidence
        {
            GeneratedAt = request.Now,
            GeneratedBy = request.CollectedBy,
            Subject = request.VersionId ?? request.SourceVmId ?? string.Empty,
            SubjectKind = vmSubject ? ImageEvidence.SubjectVm : request.RunId != null ? ImageEvidence.SubjectRun : ImageEvidence.SubjectVersion,
            RunId = request.RunId,
        };
        foreach (var f in request.Readiness)
        {
            e.Readiness.Add(f);
        }

        foreach (var v in request.Validation)
        {
            e.Validation.Add(v);
        }

        foreach (var s in request.Steps)
        {
            e.Steps.Add(s);
        }

        e.Source.GeneralizeSteps = request.GeneralizeSteps.ToList();
        e.Source.GeneralizeCorrelationId = request.GeneralizeCorrelationId;

        if (request.Recipe != null)
        {
            e.Recipe = new EvidenceRecipe { Name = request.Recipe.Name, Path = request.Recipe.Path, Sha256 = request.Recipe.ContentSha256, Owner = request.Recipe.Owner };
            foreach (var a in request.Recipe.Spec.Approvals)
            {
                e.Approvals.Add(a);
            }

            if (e.Approvals.Count == 0)
            {
                Gap(e, "Approvals", "The recipe records no approval.");
            }
        }
        else
        {
            Gap(e, "Recipe", $"No recipe or run is linked to this {subject}: evidence was collected from the resources alone, so approvals, readiness findings and the journal are not part of it.");
        }

        var resources = new List<string>();
        var sourceId = request.SourceVmId;
        if (request.VersionId != null)
        {
            _log.Verbose($"Evidence: reading image version {request.VersionId}");
            e.Version = await Read(e, "Version", () => _source.GetVersionAsync(request.VersionId, cancellationToken)).ConfigureAwait(false);
            if (e.Version == null && !e.Gaps.Any(g => g.Section == "Version"))
            {
                Gap(e, "Version", $"The image version {request.VersionId} does not exist.");
            }

            resources.Add(request.VersionId);
            var definitionId = DefinitionOf(request.VersionId);
            e.Definition = request.KnownDefinition != null && string.Equals(request.KnownDefinition.Id, definitionId, StringComparison.OrdinalIgnoreCase)
                ? request.KnownDefinition
                : await Read(e, "Definition", () => _source.GetDefinitionAsync(definitionId, cancellationToken)).ConfigureAwait(false);
            resources.Add(definitionId);
            if (e.Version != null)
            {
                sourceId ??= e.Version.SourceId;
                foreach (var tag in e.Version.Tags)
                {
                    e.Tags[tag.Key] = tag.Value;
                }

                AddRecordedValidations(e, e.Version);
            }
        }
        else
        {
            Gap(e, "Version", vmSubject
                ? "The evidence is about a VM: no image version is part of it (Get-ImageEvidence -VersionId gives a version's evidence; Get-VmBootDiagnosis traces a VM to the version it was made from)."
                : "No image version was published by this run.");
        }

        e.Source.SourceId = sourceId;
        if (sourceId != null)
        {
            resources.Add(sourceId);
            if (sourceId.IndexOf("/virtualMachines/", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                e.Source.Vm = request.KnownSourceVm != null && string.Equals(request.KnownSourceVm.Id, sourceId, StringComparison.OrdinalIgnoreCase)
                    ? request.KnownSourceVm
                    : await Read(e, "SourceVm", () => _source.GetVmAsync(sourceId, cancellationToken)).ConfigureAwait(false);
                if (e.Source.Vm == null && !e.Gaps.Any(g => g.Section == "SourceVm"))
                {
                    Gap(e, "SourceVm", vmSubject
                        ? $"The VM {sourceId} does not exist."
                        : $"The source VM {sourceId} no longer exists (deleted by clean-up or by hand); its state is known only from the journal.");
                }
            }
        }
        else
        {
            Gap(e, "SourceVm", "The source of the version is unknown.");
        }

        if (vmSubject && e.Source.Vm != null)
        {
            foreach (var tag in e.Source.Vm.Tags)
            {
                e.Tags[tag.Key] = tag.Value;
            }
        }
        DescribeBase(e, sourceId);
        e.Owner = e.Tags.TryGetValue("owner", out var owner) ? owner
            : e.Source.Vm != null && e.Source.Vm.Tags.TryGetValue("owner", out var vmOwner) ? vmOwner
            : request.Recipe?.Owner;
        if (!e.Tags.ContainsKey("owner"))
        {
            Gap(e, "Tags", $"The {subject} carries no owner tag" + (e.Owner != null ? $"; the owner '{e.Owner}' comes from the {(e.Source.Vm?.Tags.ContainsKey("owner") == true ? "source VM's tags" : "recipe")}." : "."));
        }

        if (request.Readiness.Count == 0)
        {
            Gap(e, "Readiness", vmSubject
                ? "No readiness findings are recorded for this VM (run Test-ImageReadiness -VmId for them)."
                : "No readiness findings are recorded for this version (run Test-ImageReadiness, or build it with Invoke-ImageRecipe).");
        }

        CollectValidationGaps(e, request, vmSubject);

        // Activity Log: by resource and by correlation id, in the window.
        var to = request.ActivityLogTo ?? request.Now;
        var from = to - request.ActivityLogWindow;
        e.ActivityLogFrom = from;
        e.ActivityLogTo = to;
        if (from < request.Now - ActivityLogRetention)
        {
            Gap(e, "ActivityLog", $"The window starts {from:yyyy-MM-dd}, beyond the Activity Log's 90-day retention: events before {(request.Now - ActivityLogRetention):yyyy-MM-dd} are gone. Export the Activity Log to a workspace to keep them.");
            from = request.Now - ActivityLogRetention;
            e.ActivityLogFrom = from;
        }
        var query = new ActivityLogQuery { From = from, To = to, ResourceIds = resources.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), CorrelationIds = request.CorrelationIds.Distinct(StringComparer.OrdinalIgnoreCase).ToList() };
        var events = await Read(e, "ActivityLog", async () => (IReadOnlyList<ActivityLogEntry>?)await _source.GetActivityLogAsync(query, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (events != null)
        {
            foreach (var ev in events.OrderBy(x => x.Timestamp))
            {
                e.ActivityLog.Add(ev);
            }

            if (events.Count == 0)
            {
                Gap(e, "ActivityLog", $"No Activity Log event was found for these resources between {from:u} and {to:u}.");
            }
        }

        // Role assignments at the gallery scope (for a VM: at the VM, inherited ones included).
        var galleryScope = request.VersionId != null ? GalleryOf(request.VersionId) : vmSubject ? request.SourceVmId : null;
        e.RoleAssignmentScope = galleryScope;
        if (galleryScope != null)
        {
            var assignments = await Read(e, "RoleAssignments", async () => (IReadOnlyList<RoleAssignmentEntry>?)await _source.GetRoleAssignmentsAsync(galleryScope, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            if (assignments != null)
            {
                foreach (var a in assignments)
                {
                    e.RoleAssignments.Add(a);
                }

                var unread = assignments.Where(a => !a.PermissionsRead).ToList();
                if (unread.Count > 0)
                {
                    Gap(e, "RoleAssignments", $"The role definitions of {unread.Count} assignment(s) could not be read ({string.Join(", ", unread.Select(a => EvidenceReport.Short(a.RoleDefinitionId)).Distinct())}): what they allow is unknown.");
                }

                if (assignments.Count > 0 && assignments.Any(a => a.PrincipalDisplayName == null))
                {
                    Gap(e, "PrincipalNames", "Principals are listed by object id: GenImage reads role assignments through ARM and does not read the directory (Microsoft Graph) for display names. Look them up with Get-AzADUser -ObjectId / az ad sp show --id.");
                }
            }
        }
        else
        {
            Gap(e, "RoleAssignments", "No gallery scope to read role assignments at.");
        }

        Summarize(e);
        return e;
    }

    private static void CollectValidationGaps(ImageEvidence e, EvidenceRequest request, bool vmSubject)
    {
        if (e.Validation.Count == 0)
        {
            Gap(e, "Validation", vmSubject
                ? "A VM is not validated by a test deployment: validations are recorded on image versions (Get-ImageEvidence -VersionId)."
                : request.ValidationExpected
                    ? "Validation was expected but no deployment result is recorded."
                    : "The version was not validated by a test deployment: no run journal and no genimage.validation.* tag records one.");
            return;
        }
        foreach (var v in e.Validation.Where(v => v.Source != "VersionTags"))
        {
            if (v.SerialLogExcerpt == null && v.SerialLogFile == null)
            {
                Gap(e, "SerialLog", $"No serial log for the validation in {v.Region}: boot diagnostics were not available on the test VM.");
            }
        }
        if (e.Validation.Any(v => v.Source == "VersionTags"))
        {
            Gap(e, "SerialLog", "Validations recorded on the version's tags keep their outcome, region, size, time, correlation id and diagnosis, not the serial log (a run's journal keeps it).");
        }
    }

    /// <summary>The validations recorded on the version (Test-ImageDeployment, recipe runs) that the request does not already hold.</summary>
    /// <summary>
    /// The marketplace base: the version's genimage.base.* tags (written at publish), else the source VM's imageReference
    /// as it reads now; a source made from a custom image, a managed image or a gallery version has none.
    /// </summary>
    private static void DescribeBase(ImageEvidence e, string? sourceId)
    {
        var recorded = e.Version != null ? Gallery.BaseImageTags.Parse(e.Version.Tags) : null;
        var vm = e.Source.Vm;
        if (recorded != null)
        {
            e.Source.BaseImage = recorded;
            e.Source.BaseImageNote = "recorded on the version at publish (genimage.base.* tags)";
        }
        else if (vm?.BaseImage != null)
        {
            e.Source.BaseImage = vm.BaseImage;
            e.Source.BaseImageNote = e.Version != null
                ? "read from the source VM's imageReference (the version carries no genimage.base.* tags)"
                : "read from the VM's imageReference";
        }
        else if (vm?.ImageReferenceId != null)
        {
            e.Source.BaseImageNote = $"not a marketplace image: the {(e.Version != null ? "source VM" : "VM")} was made from {vm.ImageReferenceId}";
        }
        else if (vm != null)
        {
            e.Source.BaseImageNote = $"not a marketplace image: the {(e.Version != null ? "source VM" : "VM")} has no image reference (it was created from an attached OS disk)";
        }
        else if (sourceId != null && Gallery.GalleryIds.KindOf(sourceId) == Gallery.SourceKind.ManagedImage)
        {
            e.Source.BaseImageNote = "not a marketplace image: the source is a managed image";
        }
        else if (sourceId != null && Gallery.GalleryIds.KindOf(sourceId) == Gallery.SourceKind.GalleryImageVersion)
        {
            e.Source.BaseImageNote = "not a marketplace image: the source is a gallery image version that records no marketplace base";
        }
        else if (e.Version != null)
        {
            e.Source.BaseImageNote = "unknown: the version records no marketplace base and its source VM cannot be read";
            Gap(e, "BaseImage", "The marketplace base is unknown: the version carries no genimage.base.* tags (published before GenImage recorded them, or by another tool) and the source VM cannot be read.");
        }
    }

    private static void AddRecordedValidations(ImageEvidence e, GalleryImageVersion version)
    {
        var known = new HashSet<string>(e.Validation.Select(v => v.CorrelationId).Where(c => c != null).Select(c => c!), StringComparer.OrdinalIgnoreCase);
        foreach (var v in Validation.ValidationTags.Parse(version.Tags))
        {
            if (v.CorrelationId != null && known.Contains(v.CorrelationId))
            {
                continue;
            }

            if (v.CorrelationId == null && e.Validation.Any(x => string.Equals(x.Region, v.Region, StringComparison.OrdinalIgnoreCase) && x.Source != "VersionTags"))
            {
                continue;
            }

            e.Validation.Add(v);
        }
    }

    private async Task<T?> Read<T>(ImageEvidence e, string section, Func<Task<T?>> read) where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (GenImageException ex)
        {
            var reason = ex.Kind == GenImageErrorKind.PermissionDenied
                ? $"No permission to read it ({ex.ArmErrorCode ?? ex.ErrorId}): {ex.Message}"
                : $"It could not be read ({ex.ErrorId}): {ex.Message}";
            _log.Warning($"Evidence gap in {section}: {reason}");
            Gap(e, section, reason);
            return null;
        }
    }

    private static void Summarize(ImageEvidence e)
    {
        var s = e.Summary;
        if (e.Version != null)
        {
            s.Built = $"{e.Version.GalleryName}/{e.Version.DefinitionName}/{e.Version.Name}" + (e.Definition != null ? $" ({e.Definition.OsType}, {e.Definition.OsState}, {e.Definition.HyperVGeneration}, {e.Definition.SecurityType})" : string.Empty);
            s.ExcludedFromLatest = e.Version.ExcludeFromLatest;
            foreach (var r in e.Version.Regions)
            {
                s.ReplicatedIn.Add($"{r.Region} ({r.State}, {r.ReplicaCount} x {r.StorageAccountType})");
            }
        }
        s.From = e.Source.Vm != null ? $"{e.Source.Vm.Name} ({e.Source.Vm.OsName ?? e.Source.Vm.OsType})" : EvidenceReport.Short(e.Source.SourceId);
        var writers = e.ActivityLog.Where(a => a.OperationName.EndsWith("/write", StringComparison.OrdinalIgnoreCase) || a.OperationName.EndsWith("/action", StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Caller).Where(c => !string.IsNullOrEmpty(c)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        s.By = writers.Count > 0 ? string.Join(", ", writers) : e.GeneratedBy;
        s.Booted = e.Validation.Count == 0 ? (bool?)null : e.Validation.All(v => v.Passed);
        s.GapCount = e.Gaps.Count;
    }

    private static void Gap(ImageEvidence e, string section, string reason) => e.Gaps.Add(new EvidenceGap { Section = section, Reason = reason });

    /// <summary>…/galleries/G/images/D from …/galleries/G/images/D/versions/V.</summary>
    internal static string DefinitionOf(string versionId)
    {
        var i = versionId.LastIndexOf("/versions/", StringComparison.OrdinalIgnoreCase);
        return i < 0 ? versionId : versionId.Substring(0, i);
    }

    /// <summary>…/galleries/G from any id under a gallery.</summary>
    internal static string? GalleryOf(string id)
    {
        var i = id.IndexOf("/galleries/", StringComparison.OrdinalIgnoreCase);
        if (i < 0)
        {
            return null;
        }

        var end = id.IndexOf('/', i + "/galleries/".Length);
        return end < 0 ? id : id.Substring(0, end);
    }
}
