using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Logging;
using GenImage.Core.Operations;
using GenImage.Core.Readiness;
using GenImage.Core.Vm;

namespace GenImage.Core.Gallery;

/// <summary>Options of one New-GalleryImageVersion run.</summary>
public sealed class PublishOptions
{
    public string ResourceGroupName { get; set; } = string.Empty;
    public string GalleryName { get; set; } = string.Empty;
    public string DefinitionName { get; set; } = string.Empty;
    /// <summary>The VM, managed image or gallery image version to publish.</summary>
    public string SourceId { get; set; } = string.Empty;
    /// <summary>The version to create; when null, <see cref="Increment"/> computes it.</summary>
    public string? VersionName { get; set; }
    public VersionIncrement Increment { get; set; } = VersionIncrement.Patch;
    /// <summary>Parsed target regions; empty means "the source region only".</summary>
    public IList<TargetRegion> TargetRegions { get; set; } = new List<TargetRegion>();
    public int ReplicaCount { get; set; } = 1;
    public string StorageAccountType { get; set; } = "Standard_LRS";
    public bool ExcludeFromLatest { get; set; }
    public DateTimeOffset? EndOfLifeDate { get; set; }
    /// <summary>safetyProfile: allowDeletionOfReplicatedLocations and blockDeletionBeforeEndOfLife (null: Azure's defaults).</summary>
    public GallerySafetyProfile Safety { get; set; } = new GallerySafetyProfile();
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    public bool SkipPreflight { get; set; }
    /// <summary>The release policy wants new versions excluded from latest (GI3005 warns otherwise).</summary>
    public bool RequireExcludeFromLatest { get; set; }
    public bool NoWait { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(3);
    public string TimeoutParameterName { get; set; } = "-TimeoutSec";
    /// <summary>The definition as the caller read it moments ago (a recipe run); null: the pre-flight reads it.</summary>
    public GalleryImageDefinition? KnownDefinition { get; set; }
    /// <summary>The source VM as the caller knows it (a recipe run: as its generalize left it); null: the pre-flight reads it.</summary>
    public SourceVm? KnownSourceVm { get; set; }
    /// <summary>The definition's versions as the caller listed them in this run; null: the pre-flight lists them.</summary>
    public IReadOnlyList<GalleryImageVersion>? KnownVersions { get; set; }
}

/// <summary>What a publish run will do, worked out (and pre-flighted) before anything is written.</summary>
public sealed class PublishPlan
{
    internal PublishPlan(GalleryImageDefinition definition, string versionName, string sourceId, SourceKind sourceKind, string? sourceLocation,
        IList<TargetRegion> regions, IReadOnlyList<ReadinessFinding> findings, IReadOnlyList<string> warnings, bool preflightSkipped)
    {
        Definition = definition;
        VersionName = versionName;
        SourceId = sourceId;
        SourceKind = sourceKind;
        SourceLocation = sourceLocation;
        TargetRegions = regions;
        Findings = findings;
        Warnings = warnings;
        PreflightSkipped = preflightSkipped;
    }

    public GalleryImageDefinition Definition { get; }
    public string VersionName { get; }
    public string VersionId => Definition.Id + "/versions/" + VersionName;
    public string SourceId { get; }
    public SourceKind SourceKind { get; }
    public string? SourceLocation { get; }
    /// <summary>The regions the PUT will ask for (the source region included).</summary>
    public IList<TargetRegion> TargetRegions { get; }
    /// <summary>Every pre-flight finding (empty when the pre-flight was skipped).</summary>
    public IReadOnlyList<ReadinessFinding> Findings { get; }
    /// <summary>What the operator must know before confirming (pre-flight warnings, the added source region).</summary>
    public IReadOnlyList<string> Warnings { get; }
    public bool PreflightSkipped { get; }
    /// <summary>The versions the pre-flight listed; with the new one they say whether it is latest, without listing again.</summary>
    internal IReadOnlyList<GalleryImageVersion>? ExistingVersions { get; set; }
    /// <summary>
    /// The marketplace base of the source, read in the pre-flight (a VM's imageReference, a source version's
    /// genimage.base.* tags) and written on the version as <see cref="BaseImageTags"/>; null when the source has none.
    /// </summary>
    public MarketplaceImage? SourceBase { get; internal set; }
    /// <summary>Why <see cref="SourceBase"/> is null (e.g. "not a marketplace image: …"); null when a base was found.</summary>
    public string? SourceBaseNote { get; internal set; }

    /// <summary>One line for ShouldProcess and -WhatIf.</summary>
    public string Describe() =>
        $"Create image version {VersionName} of {Definition.GalleryName}/{Definition.Name} from {SourceKindName(SourceKind)} '{SourceId}', " +
        "replicated to " + string.Join(", ", TargetRegions.Select(r => r.ToString()));

    internal static string SourceKindName(SourceKind kind) => kind switch
    {
        SourceKind.VirtualMachine => "VM",
        SourceKind.ManagedImage => "managed image",
        SourceKind.GalleryImageVersion => "gallery image version",
        _ => "source",
    };
}

/// <summary>
/// Publishes a source to an Azure Compute Gallery image version: works out the version and the regions,
/// runs the readiness pre-flight (the same rules as Test-ImageReadiness) before any write, sends the PUT,
/// and follows replication region by region until every region completed.
/// </summary>
public sealed class GalleryPublisher
{
    /// <summary>What -SkipPreflight leaves unchecked, said in the warning.</summary>
    public const string SkippedChecks =
        "OS type (GI2001), OS state (GI1002/GI2002), Hyper-V generation (GI2003), security type (GI2004), architecture (GI2005), " +
        "version format, uniqueness and order (GI3001-GI3003), end of life (GI3004), regions, replica counts and storage types (GI4001-GI4005)";

    private readonly IGalleryOperations _galleries;
    private readonly IVmOperations _vms;
    private readonly IGenImageLog _log;
    private readonly Func<ReadinessInput, IReadOnlyList<ReadinessFinding>> _preflight;

    public GalleryPublisher(IGalleryOperations galleries, IVmOperations vms, IGenImageLog log,
        Func<ReadinessInput, IReadOnlyList<ReadinessFinding>>? preflight = null)
    {
        _galleries = galleries ?? throw new ArgumentNullException(nameof(galleries));
        _vms = vms ?? throw new ArgumentNullException(nameof(vms));
        _log = log ?? NullLog.Instance;
        _preflight = preflight ?? ReadinessEngine.Preflight;
    }

    /// <summary>Waits between two replication polls (a seam for tests that record the waits).</summary>
    internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (delay, ct) => Task.Delay(delay, ct);

    /// <summary>Reads the definition, the source and the existing versions and runs the pre-flight. Sends no write.</summary>
    public async Task<PublishPlan> PlanAsync(PublishOptions options, CancellationToken cancellationToken)
    {
        if (options == null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var definition = options.KnownDefinition
            ?? await _galleries.GetDefinitionAsync(options.ResourceGroupName, options.GalleryName, options.DefinitionName, cancellationToken).ConfigureAwait(false)
            ?? throw DefinitionMissing(options.ResourceGroupName, options.GalleryName, options.DefinitionName);

        var input = new ReadinessInput
        {
            SourceId = options.SourceId,
            WillGeneralize = false,
            Definition = definition,
            EndOfLifeDate = options.EndOfLifeDate,
            ExcludeFromLatest = options.ExcludeFromLatest,
            RequireExcludeFromLatest = options.RequireExcludeFromLatest,
        };
        var kind = GalleryIds.KindOf(options.SourceId);
        var sourceLocation = kind == SourceKind.VirtualMachine && options.KnownSourceVm is { } knownVm
            ? UseVm(knownVm, input)
            : await ReadSourceAsync(kind, options.SourceId, input, options.SkipPreflight, cancellationToken).ConfigureAwait(false);

        var existing = options.KnownVersions
            ?? await _galleries.ListVersionsAsync(options.ResourceGroupName, options.GalleryName, options.DefinitionName, cancellationToken).ConfigureAwait(false);
        foreach (var v in existing)
        {
            input.ExistingVersions.Add(v);
        }

        var versionName = options.VersionName ?? ImageVersionNumber.Next(existing.Select(v => v.Name), options.Increment).ToString();
        input.VersionName = versionName;
        if (options.VersionName == null)
        {
            _log.Verbose($"Version {versionName}: {options.Increment} increment over {(existing.Count == 0 ? "no existing version" : "the highest of " + string.Join(", ", existing.Select(v => v.Name)))}.");
        }

        var regions = options.TargetRegions.Select(Copy).ToList();
        if (regions.Count == 0)
        {
            var home = sourceLocation ?? definition.Location;
            regions.Add(new TargetRegion { Name = TargetRegions.NormalizeName(home), ReplicaCount = options.ReplicaCount, StorageAccountType = options.StorageAccountType });
        }
        foreach (var r in regions)
        {
            input.TargetRegions.Add(r);
        }

        var warnings = new List<string>();
        IReadOnlyList<ReadinessFinding> findings = Array.Empty<ReadinessFinding>();
        var versionId = definition.Id + "/versions/" + versionName;
        if (options.SkipPreflight)
        {
            warnings.Add("-SkipPreflight: the publishing pre-flight did not run. Not checked: " + SkippedChecks +
                         ". Azure may refuse the version only after the PUT or hours into replication.");
            if (kind == SourceKind.Unknown)
            {
                throw new GenImageException(GalleryErrorIds.UnsupportedSource, GenImageErrorKind.InvalidArgument,
                    $"'{options.SourceId}' is not a VM, managed image or gallery image version id.")
                { Target = options.SourceId };
            }
            ImageVersionNumber.Parse(versionName);
        }
        else
        {
            findings = _preflight(input);
            if (findings.Any(f => f.IsBlocking))
            {
                throw new PreflightException(versionId, findings);
            }

            foreach (var f in findings.Where(f => f.Status == FindingStatus.Fail && !f.IsBlocking && f.RuleId != "GI4002"))
            {
                warnings.Add($"{f.RuleId} {f.Title}: {f.Message}");
            }
        }

        if (sourceLocation != null)
        {
            var source = TargetRegions.NormalizeName(sourceLocation);
            if (!regions.Any(r => string.Equals(r.Name, source, StringComparison.OrdinalIgnoreCase)))
            {
                regions.Insert(0, new TargetRegion { Name = source, ReplicaCount = options.ReplicaCount, StorageAccountType = options.StorageAccountType });
                warnings.Add($"GI4002 Source region included: the source is in {source}, which -TargetRegion does not list. " +
                             $"Azure requires the source region among the target regions, so {source}={options.ReplicaCount}={options.StorageAccountType} was added.");
            }
        }
        var (sourceBase, baseNote) = SourceBase(kind, input);
        return new PublishPlan(definition, versionName, options.SourceId, kind, sourceLocation, regions, findings, warnings, options.SkipPreflight)
        {
            ExistingVersions = existing,
            SourceBase = sourceBase,
            SourceBaseNote = baseNote,
        };
    }

    private static string UseVm(SourceVm vm, ReadinessInput input)
    {
        input.SourceVm = vm;
        input.SourceResolved = true;
        input.SourcePurchasePlan = vm.PurchasePlan ?? string.Empty;
        return vm.Location;
    }

    /// <summary>The source's marketplace base from what the pre-flight read (no call of its own), or why there is none.</summary>
    internal static (MarketplaceImage? Base, string? Note) SourceBase(SourceKind kind, ReadinessInput input)
    {
        switch (kind)
        {
            case SourceKind.VirtualMachine when input.SourceVm != null:
                return input.SourceVm.BaseImage != null ? (input.SourceVm.BaseImage, null)
                    : (null, "not a marketplace image: the source VM was made from " + (input.SourceVm.ImageReferenceId ?? "an image without a marketplace reference"));
            case SourceKind.GalleryImageVersion when input.SourceVersion != null:
                var recorded = BaseImageTags.Parse(input.SourceVersion.Tags);
                return recorded != null ? (recorded, null) : (null, "not a marketplace image: the source gallery image version records no marketplace base");
            case SourceKind.ManagedImage:
                return (null, "not a marketplace image: the source is a managed image");
            default:
                return (null, "the source could not be read");
        }
    }

    private async Task<string?> ReadSourceAsync(SourceKind kind, string sourceId, ReadinessInput input, bool skipPreflight, CancellationToken ct)
    {
        try
        {
            switch (kind)
            {
                case SourceKind.VirtualMachine:
                    return UseVm(await _vms.GetAsync(sourceId, ct).ConfigureAwait(false), input);
                case SourceKind.ManagedImage:
                    var image = await _galleries.GetManagedImageAsync(sourceId, ct).ConfigureAwait(false);
                    if (image == null)
                    {
                        input.SourceLookupError = $"ResourceNotFound: the managed image '{sourceId}' does not exist.";
                        if (skipPreflight)
                        {
                            throw SourceMissing(sourceId, "managed image");
                        }

                        return null;
                    }
                    input.SourceResolved = true;
                    input.SourceOsType = image.OsType;
                    input.SourceHyperVGeneration = image.HyperVGeneration ?? "V1";
                    return image.Location;
                case SourceKind.GalleryImageVersion:
                    var version = await _galleries.GetVersionAsync(sourceId, false, ct).ConfigureAwait(false);
                    if (version == null)
                    {
                        input.SourceLookupError = $"ResourceNotFound: the gallery image version '{sourceId}' does not exist.";
                        if (skipPreflight)
                        {
                            throw SourceMissing(sourceId, "gallery image version");
                        }

                        return null;
                    }
                    input.SourceVersion = version;
                    input.SourceResolved = true;
                    var address = GalleryIds.ParseVersion(sourceId);
                    var sourceDefinition = await _galleries.GetDefinitionAsync(address.ResourceGroupName, address.GalleryName, address.DefinitionName, ct).ConfigureAwait(false);
                    if (sourceDefinition != null)
                    {
                        input.SourceOsType = sourceDefinition.OsType;
                        input.SourceHyperVGeneration = sourceDefinition.HyperVGeneration;
                        input.SourceArchitecture = sourceDefinition.Architecture;
                        // A version carries its definition's plan (a managed image's plan is not visible through ARM: GI2007 skips).
                        input.SourcePurchasePlan = sourceDefinition.PurchasePlan ?? string.Empty;
                    }
                    return version.Location;
                default:
                    return null;
            }
        }
        catch (GenImageException ex) when (!skipPreflight && ex.Kind == GenImageErrorKind.ObjectNotFound)
        {
            // GI1001 reports a missing source together with every other finding.
            input.SourceLookupError = ex.ErrorId + ": " + ex.Message;
            return null;
        }
    }

    /// <summary>Sends the PUT and, unless -NoWait, follows replication until every region completed. Writes.</summary>
    public async Task<GalleryImageVersion> ExecuteAsync(PublishPlan plan, PublishOptions options, CancellationToken cancellationToken)
    {
        if (plan == null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        var versionId = plan.VersionId;
        var request = new VersionCreateRequest
        {
            Location = plan.Definition.Location,
            SourceId = plan.SourceId,
            ReplicaCount = options.ReplicaCount,
            StorageAccountType = options.StorageAccountType,
            ExcludeFromLatest = options.ExcludeFromLatest,
            EndOfLifeDate = options.EndOfLifeDate,
            Safety = options.Safety,
            Tags = new Dictionary<string, string>(options.Tags, StringComparer.OrdinalIgnoreCase),
        };
        // What the pre-flight found, kept on the version so that evidence and boot diagnoses read it later.
        if (!request.Tags.ContainsKey(Validation.ValidationTags.ReadinessTag) && request.Tags.Count < Validation.ValidationTags.MaxTagsPerResource)
        {
            request.Tags[Validation.ValidationTags.ReadinessTag] = Validation.ValidationTags.ReadinessValue(plan.Findings, plan.PreflightSkipped);
        }
        // The marketplace base the source came from, so that the inventory can tell how far behind the platform it is.
        if (BaseImageTags.Write(request.Tags, plan.SourceBase))
        {
            _log.Verbose($"Marketplace base {plan.SourceBase}: recorded as {BaseImageTags.Prefix}* tags.");
        }
        else if (plan.SourceBase == null && plan.SourceBaseNote != null)
        {
            _log.Verbose($"No marketplace base recorded: {plan.SourceBaseNote}.");
        }

        foreach (var r in plan.TargetRegions)
        {
            request.TargetRegions.Add(Copy(r));
        }

        using var deadline = new Deadline(options.Timeout, options.TimeoutParameterName, cancellationToken);
        var watch = Stopwatch.StartNew();
        GalleryImageVersion? last = null;
        var regionBars = false;
        var activity = $"Publishing {plan.Definition.GalleryName}/{plan.Definition.Name} {plan.VersionName}";
        try
        {
            _log.Progress(new ProgressInfo(GalleryProgress.Publish, activity, "Creating the image version") { PercentComplete = 0, CurrentOperation = versionId });
            var retryAfter = await _galleries.BeginCreateVersionAsync(versionId, request, deadline.Token).ConfigureAwait(false);
            _log.Verbose($"ARM accepted image version {plan.VersionName}; replication to {plan.TargetRegions.Count} region(s) started.");

            if (options.NoWait)
            {
                var current = await _galleries.GetVersionAsync(versionId, true, deadline.Token).ConfigureAwait(false);
                return current ?? throw VersionMissing(versionId);
            }

            while (true)
            {
                var delay = Max(_galleries.PollingInterval, retryAfter);
                if (retryAfter != null && retryAfter > _galleries.PollingInterval)
                {
                    _log.Debug($"Retry-After {retryAfter.Value.TotalSeconds:0.###} s: waiting before the next replication poll.");
                }

                await Delay(delay, deadline.Token).ConfigureAwait(false);
                var poll = await _galleries.PollVersionAsync(versionId, deadline.Token).ConfigureAwait(false);
                last = poll.Version;
                retryAfter = poll.RetryAfter;
                ReportProgress(activity, plan, last);
                regionBars = true;
                if (IsFailed(last))
                {
                    throw Failed(last);
                }

                if (IsDone(last))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            throw deadline.Check($"waiting for image version {plan.VersionName} to replicate ({Summary(last, plan)})", versionId)!;
        }
        finally
        {
            CompleteProgress(activity, plan, regionBars);
        }

        // Latest from the pre-flight's list plus the version just written: listing again would only read back our own write.
        var versions = plan.ExistingVersions != null
            ? (IReadOnlyList<GalleryImageVersion>)plan.ExistingVersions.Where(v => !string.Equals(v.Id, last.Id, StringComparison.OrdinalIgnoreCase)).Append(last).ToList()
            : await _galleries.ListVersionsAsync(plan.Definition.ResourceGroupName, plan.Definition.GalleryName, plan.Definition.Name, cancellationToken).ConfigureAwait(false);
        var latest = LatestVersion.Resolve(versions);
        last.IsLatest = latest != null && string.Equals(latest.Id, last.Id, StringComparison.OrdinalIgnoreCase);
        _log.Verbose($"Image version {plan.VersionName} replicated to {last.Regions.Count} region(s) in {watch.Elapsed.TotalSeconds:0.#} s; latest resolves to {latest?.Name ?? "no version"}.");
        return last;
    }

    private static bool IsDone(GalleryImageVersion v) =>
        string.Equals(v.ProvisioningState, "Succeeded", StringComparison.OrdinalIgnoreCase) &&
        (string.Equals(v.ReplicationState, "Completed", StringComparison.OrdinalIgnoreCase) ||
         (v.Regions.Count > 0 && v.Regions.All(r => string.Equals(r.State, "Completed", StringComparison.OrdinalIgnoreCase))));

    private static bool IsFailed(GalleryImageVersion v) =>
        string.Equals(v.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(v.ReplicationState, "Failed", StringComparison.OrdinalIgnoreCase) ||
        v.Regions.Any(r => string.Equals(r.State, "Failed", StringComparison.OrdinalIgnoreCase));

    private static GenImageException Failed(GalleryImageVersion v)
    {
        var failed = v.Regions.Where(r => string.Equals(r.State, "Failed", StringComparison.OrdinalIgnoreCase)).ToList();
        if (failed.Count > 0)
        {
            return new GenImageException(GalleryErrorIds.ReplicationFailed, GenImageErrorKind.InvalidOperation,
                $"Replication of image version {v.Name} failed in {string.Join(", ", failed.Select(r => r.Region + (r.Details == null ? string.Empty : " (" + r.Details + ")")))}. " +
                "Fix the cause, then Set-GalleryImageVersion -TargetRegion without the failed region, or remove the version and publish again.")
            { Target = v.Id };
        }
        return new GenImageException(GalleryErrorIds.VersionProvisioningFailed, GenImageErrorKind.InvalidOperation,
            $"Image version {v.Name} ended in provisioning state {v.ProvisioningState} (replication {v.ReplicationState}). Remove it and publish again.")
        { Target = v.Id };
    }

    private void ReportProgress(string activity, PublishPlan plan, GalleryImageVersion v)
    {
        var count = Math.Max(1, v.Regions.Count);
        var total = v.Regions.Sum(r => Clamp(r.Progress, r.State));
        var percent = total / count;
        var done = $"{v.Regions.Count(r => string.Equals(r.State, "Completed", StringComparison.OrdinalIgnoreCase))}/{v.Regions.Count} regions completed";
        _log.Progress(new ProgressInfo(GalleryProgress.Publish, activity, $"{v.ProvisioningState}, replication {v.ReplicationState}: {done}")
        {
            // 100 only once ARM says the version succeeded; replication can read 100 % a poll earlier.
            PercentComplete = string.Equals(v.ProvisioningState, "Succeeded", StringComparison.OrdinalIgnoreCase) ? 100 : Math.Min(99, percent),
            CurrentOperation = v.Id,
        });
        for (var i = 0; i < plan.TargetRegions.Count && i < GalleryProgress.MaxRegionBars; i++)
        {
            var name = plan.TargetRegions[i].Name;
            var region = v.Regions.FirstOrDefault(r => string.Equals(r.Region, name, StringComparison.OrdinalIgnoreCase));
            var state = region?.State ?? "Unknown";
            var progress = region == null ? 0 : Clamp(region.Progress, region.State);
            _log.Progress(new ProgressInfo(GalleryProgress.RegionBase + i, "Replicating to " + name, $"{state} {progress}%")
            {
                ParentActivityId = GalleryProgress.Publish,
                PercentComplete = progress,
                CurrentOperation = region?.Details,
            });
        }
    }

    private void CompleteProgress(string activity, PublishPlan plan, bool regionBars)
    {
        for (var i = 0; regionBars && i < plan.TargetRegions.Count && i < GalleryProgress.MaxRegionBars; i++)
        {
            _log.Progress(new ProgressInfo(GalleryProgress.RegionBase + i, "Replicating to " + plan.TargetRegions[i].Name, "Done")
            {
                ParentActivityId = GalleryProgress.Publish,
                Completed = true,
            });
        }
        _log.Progress(new ProgressInfo(GalleryProgress.Publish, activity, "Done") { Completed = true });
    }

    private static int Clamp(int progress, string state) =>
        string.Equals(state, "Completed", StringComparison.OrdinalIgnoreCase) ? 100 : Math.Max(0, Math.Min(100, progress));

    private static string Summary(GalleryImageVersion? v, PublishPlan plan)
    {
        if (v == null)
        {
            return "no replication status read yet";
        }

        return "state " + v.ProvisioningState + "; " + string.Join(", ", v.Regions.Select(r => $"{r.Region} {r.State} {r.Progress.ToString(CultureInfo.InvariantCulture)}%"));
    }

    private static TimeSpan Max(TimeSpan interval, TimeSpan? retryAfter) =>
        retryAfter != null && retryAfter.Value > interval ? retryAfter.Value : interval;

    private static TargetRegion Copy(TargetRegion r) =>
        new TargetRegion { Name = r.Name, ReplicaCount = r.ReplicaCount, StorageAccountType = r.StorageAccountType, ExcludeFromLatest = r.ExcludeFromLatest };

    public static GenImageException DefinitionMissing(string resourceGroup, string gallery, string definition) =>
        new GenImageException(GalleryErrorIds.DefinitionNotFound, GenImageErrorKind.ObjectNotFound,
            $"The image definition '{definition}' does not exist in gallery '{gallery}' of resource group '{resourceGroup}'. " +
            "Create it with New-GalleryImageDefinition (add -CreateGallery when the gallery does not exist either).")
        { Target = $"{resourceGroup}/{gallery}/{definition}" };

    public static GenImageException VersionMissing(string versionId) =>
        new GenImageException(GalleryErrorIds.VersionNotFound, GenImageErrorKind.ObjectNotFound,
            $"The image version '{versionId}' does not exist.")
        { Target = versionId };

    private static GenImageException SourceMissing(string sourceId, string what) =>
        new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
            $"The {what} '{sourceId}' does not exist.")
        { Target = sourceId };
}
