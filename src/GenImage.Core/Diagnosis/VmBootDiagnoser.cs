using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Logging;
using GenImage.Core.Validation;

namespace GenImage.Core.Diagnosis;

/// <summary>What to diagnose.</summary>
public sealed class BootDiagnosisRequest
{
    public string VmId { get; set; } = string.Empty;
    /// <summary>Read the screenshot too (for -ScreenshotPath and bundles).</summary>
    public bool Screenshot { get; set; }
    /// <summary>The serial log's last lines kept in the diagnosis (capped at <see cref="SerialLogLimits.MaxTailLines"/> lines and <see cref="SerialLogLimits.ExcerptMaxBytes"/> bytes).</summary>
    public int SerialLogTailLines { get; set; } = 30;
    /// <summary>The file the whole serial log is streamed to (once; a bundle's attachments/serial.log); null: read, not saved.</summary>
    public string? SerialLogPath { get; set; }
    /// <summary>How far before the failure the Activity Log is read (and one hour after it).</summary>
    public TimeSpan ActivityLogWindow { get; set; } = TimeSpan.FromHours(24);
    public string? DiagnosedBy { get; set; }
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>The diagnosis and the raw boot diagnostics it was made from (for the bundle; not part of the object).</summary>
public sealed class BootDiagnosisOutcome
{
    public BootDiagnosisOutcome(VmBootDiagnosis diagnosis, string? serialLogFile, byte[]? screenshot)
    {
        Diagnosis = diagnosis;
        SerialLogFile = serialLogFile;
        Screenshot = screenshot;
    }

    public VmBootDiagnosis Diagnosis { get; }
    /// <summary>The file the whole serial log was streamed to (<see cref="BootDiagnosisRequest.SerialLogPath"/>); null when it was not saved.</summary>
    public string? SerialLogFile { get; }
    public byte[]? Screenshot { get; }
}

/// <summary>
/// Diagnoses why a VM did not boot: reads the VM, its boot diagnostics, the image it came from (and how that image was
/// made and validated) and the Activity Log around the failure, and matches the facts against the boot-failure
/// catalogue. Read-only. Every source it cannot read becomes an explicit gap; only the VM itself must exist.
/// </summary>
public sealed class VmBootDiagnoser
{
    private static readonly string[] GeneralizeOperations =
    {
        "/runCommand/action", "/runCommands/write", "/generalize/action", "/deallocate/action", "/powerOff/action", "/galleries/images/versions/write", "/images/write",
    };

    private readonly IBootDiagnosisSource _source;
    private readonly IGenImageLog _log;

    public VmBootDiagnoser(IBootDiagnosisSource source, IGenImageLog? log = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _log = log ?? NullLog.Instance;
    }

    public async Task<BootDiagnosisOutcome> DiagnoseAsync(BootDiagnosisRequest request, CancellationToken cancellationToken)
    {
        if (request == null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        _log.Verbose($"Boot diagnosis: reading the VM {request.VmId}");
        var facts = await _source.GetVmAsync(request.VmId, cancellationToken).ConfigureAwait(false);
        var vm = facts.Vm;
        var d = new VmBootDiagnosis
        {
            Id = vm.Id,
            Name = vm.Name,
            ResourceGroupName = vm.ResourceGroupName,
            SubscriptionId = vm.SubscriptionId,
            Location = vm.Location,
            VmSize = vm.VmSize,
            OsType = vm.OsType,
            OsName = vm.OsName,
            HyperVGeneration = vm.HyperVGeneration,
            SecurityType = vm.SecurityType,
            ProvisioningState = vm.ProvisioningState,
            ProvisioningErrorCode = facts.ProvisioningErrorCode,
            ProvisioningErrorMessage = facts.ProvisioningErrorMessage,
            PowerState = vm.PowerState,
            AgentStatus = vm.AgentStatus,
            AgentVersion = vm.AgentVersion,
            AgentMessage = facts.AgentMessage,
            TimeCreated = facts.TimeCreated,
            DeployedGeneralized = facts.HasOsProfile,
            DiagnosedAt = request.Now,
            DiagnosedBy = request.DiagnosedBy,
        };
        var agentDown = string.Equals(vm.PowerState, "running", StringComparison.OrdinalIgnoreCase) && vm.AgentStatus != null
                         && !string.Equals(vm.AgentStatus, "Ready", StringComparison.OrdinalIgnoreCase);
        d.FailedAt = facts.ProvisioningErrorCode != null ? facts.ProvisioningStatusTime : agentDown ? facts.AgentStatusTime : null;

        // Boot diagnostics.
        var (log, serialFile, screenshot) = await ReadBootDiagnosticsAsync(facts, d, request, cancellationToken).ConfigureAwait(false);

        // The image, before the match: a Specialized image changes what a provisioning timeout means.
        await LineageAsync(facts, d, cancellationToken).ConfigureAwait(false);

        var bootFacts = new BootFacts
        {
            OsType = vm.OsType,
            ProvisioningState = vm.ProvisioningState,
            ErrorCode = facts.ProvisioningErrorCode,
            ErrorMessage = facts.ProvisioningErrorMessage,
            AgentStatus = vm.AgentStatus,
            AgentVersion = vm.AgentVersion,
            PowerState = vm.PowerState,
            DeployedGeneralized = facts.HasOsProfile,
            ImageOsState = d.Image.Definition?.OsState ?? d.Image.ManagedImage?.OsState,
            SerialLog = log,
        };
        var match = BootSignatureCatalog.Match(bootFacts);
        Verdict(d, match, bootFacts);
        foreach (var line in SerialLogLimits.Cap(log.Tail(request.SerialLogTailLines)))
        {
            d.BootDiagnostics.Tail.Add(line);
        }

        await ImageHistoryAsync(d, request, cancellationToken).ConfigureAwait(false);
        Differences(d);
        await ActivityLogAsync(d, request, cancellationToken).ConfigureAwait(false);
        _log.Verbose($"Boot diagnosis of {d.Name}: {(d.DiagnosisId != null ? d.DiagnosisId + " " + d.Title : "no failure found")}; {d.Gaps.Count} gap(s).");
        return new BootDiagnosisOutcome(d, serialFile, screenshot);
    }

    private async Task<(SerialLogText Log, string? SerialFile, byte[]? Screenshot)> ReadBootDiagnosticsAsync(
        BootVmFacts facts, VmBootDiagnosis d, BootDiagnosisRequest request, CancellationToken cancellationToken)
    {
        var b = d.BootDiagnostics;
        b.Enabled = facts.BootDiagnosticsEnabled;
        b.Storage = facts.BootDiagnosticsEnabled ? facts.BootDiagnosticsStorageUri ?? "managed" : null;
        if (!facts.BootDiagnosticsEnabled)
        {
            b.EnableCommand = $"az vm boot-diagnostics enable --resource-group {d.ResourceGroupName} --name {d.Name}";
            b.Gap = "Boot diagnostics are off: there is no serial log and no screenshot to read. Turn them on (managed storage) with " +
                    $"'{b.EnableCommand}' (or Set-AzVMBootDiagnostic -VM $vm -Enable; Update-AzVM); they record from the next boot, so restart the VM or create it again.";
            Gap(d, "BootDiagnostics", b.Gap);
            return (SerialLogText.Empty, null, null);
        }

        BootDiagnosticsBlobs blobs;
        try
        {
            blobs = await _source.GetBootDiagnosticsAsync(d.Id, request.Screenshot, cancellationToken).ConfigureAwait(false);
        }
        catch (GenImageException ex)
        {
            b.Gap = ex.Kind == GenImageErrorKind.PermissionDenied
                ? $"No permission to read the boot diagnostics ({ex.ArmErrorCode ?? ex.ErrorId}): the reader needs Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action. {ex.Message}"
                : $"The boot diagnostics could not be read ({ex.ArmErrorCode ?? ex.ErrorId}): {ex.Message}";
            Gap(d, "BootDiagnostics", b.Gap);
            _log.Warning("Boot diagnostics gap: " + b.Gap);
            return (SerialLogText.Empty, null, null);
        }

        var log = SerialLogText.Empty;
        string? file = null;
        using (blobs)
        {
            if (blobs.SerialLog != null)
            {
                try
                {
                    var capture = await SerialLogReader.ReadAsync(blobs.SerialLog, new SerialLogReadOptions
                    {
                        DestinationPath = request.SerialLogPath,
                        TailLines = request.SerialLogTailLines,
                    }, cancellationToken).ConfigureAwait(false);
                    log = capture.Text;
                    file = capture.FilePath;
                    b.SerialLogSha256 = capture.Sha256;
                }
                catch (Exception ex) when (ex is IOException || ex is System.Net.Http.HttpRequestException)
                {
                    blobs.SerialLogProblem = $"The serial log could not be read to its end ({ex.GetType().Name}).";
                    blobs.SerialLog = null;
                }
            }
            b.SerialLogRead = blobs.SerialLog != null;
            b.SerialLogLineCount = log.LineCount;
            b.SerialLogBytes = log.Bytes;
            b.SerialLogPath = file;
            if (blobs.SerialLog == null)
            {
                b.Gap = blobs.SerialLogProblem ?? "There is no serial log.";
                Gap(d, "SerialLog", b.Gap);
            }
            else if (log.IsEmpty)
            {
                Gap(d, "SerialLog", "The serial log is empty: the guest wrote nothing to its serial console (a Windows guest without Emergency Management Services, or a boot that stopped in the firmware).");
            }
        }
        if (request.Screenshot)
        {
            b.ScreenshotRead = blobs.Screenshot != null;
            if (blobs.Screenshot == null)
            {
                Gap(d, "Screenshot", blobs.ScreenshotProblem ?? "There is no screenshot.");
            }
        }
        return (log, file, blobs.Screenshot);
    }

    private static void Verdict(VmBootDiagnosis d, BootSignatureMatch? match, BootFacts facts)
    {
        d.Checked.Add($"Provisioning state: {d.ProvisioningState ?? "unknown"}" + (d.ProvisioningErrorCode != null ? $" ({d.ProvisioningErrorCode})" : string.Empty) + ".");
        d.Checked.Add($"Power state: {d.PowerState}.");
        d.Checked.Add(d.AgentStatus != null
            ? $"VM agent: {d.AgentStatus}" + (d.AgentVersion != null ? $" (version {d.AgentVersion})" : string.Empty) + (d.AgentMessage != null ? $": {d.AgentMessage}" : ".")
            : "VM agent: the instance view reports none (the VM is not running, or no agent ever reported).");
        d.Checked.Add(d.BootDiagnostics.SerialLogRead
            ? $"Serial log: {d.BootDiagnostics.SerialLogLineCount} lines ({d.BootDiagnostics.SerialLogBytes} bytes) matched against {BootSignatureCatalog.All.Count - 1} failure signatures."
            : $"Serial log: not read ({d.BootDiagnostics.Gap ?? "not available"}).");

        if (match == null)
        {
            d.Verdict = VmBootDiagnosis.VerdictNoFailure;
            d.Explanation = "No failure found: provisioning succeeded, the agent reports Ready (or the VM is not running), and the serial log shows none of the catalogued failures.";
            return;
        }

        var s = match.Signature;
        d.Verdict = s.Id == BootSignatureCatalog.Unrecognized ? VmBootDiagnosis.VerdictUnrecognized : VmBootDiagnosis.VerdictFailure;
        d.DiagnosisId = s.Id;
        d.Title = s.Title;
        d.Cause = s.Cause;
        d.Explanation = s.Explanation;
        d.Fix = s.Fix;
        d.HelpUri = s.HelpUri;
        foreach (var reason in match.Reasons)
        {
            d.Evidence.Add(reason);
        }

        foreach (var line in match.Lines)
        {
            d.BootDiagnostics.MatchedLines.Add(line);
        }
    }

    /// <summary>Kinds of image reference, from the id's shape.</summary>
    internal static string KindOf(string? imageId)
    {
        if (string.IsNullOrEmpty(imageId))
        {
            return "None";
        }

        var id = imageId!;
        var gallery = id.IndexOf("/providers/Microsoft.Compute/galleries/", StringComparison.OrdinalIgnoreCase) >= 0;
        if (gallery && id.IndexOf("/versions/", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return "GalleryImageVersion";
        }

        if (gallery && id.IndexOf("/images/", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return "GalleryImageLatest";
        }

        if (id.IndexOf("/providers/Microsoft.Compute/images/", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return "ManagedImage";
        }

        return "Unknown";
    }

    private async Task LineageAsync(BootVmFacts f, VmBootDiagnosis d, CancellationToken cancellationToken)
    {
        var l = d.Image;
        if (f.SharedImageId != null)
        {
            l.Kind = "SharedGallery";
            l.ImageReference = f.SharedImageId;
            Gap(d, "Image", "The VM was made from a shared or community gallery image: its version, source and validations are in the publisher's tenant, out of reach.");
            return;
        }
        if (f.ImageId == null)
        {
            if (f.ImagePublisher != null)
            {
                l.Kind = "Marketplace";
                l.ImageReference = $"{f.ImagePublisher}:{f.ImageOffer}:{f.ImageSku}:{f.ImageVersion}";
                l.RequestedVersion = f.ImageVersion;
                l.ExactVersion = f.ExactVersion;
                return;
            }
            l.Kind = "None";
            Gap(d, "Image", "The VM has no image reference (it was created from an attached OS disk): there is no image lineage to follow.");
            return;
        }

        l.ImageReference = f.ImageId;
        l.Kind = KindOf(f.ImageId);
        switch (l.Kind)
        {
            case "GalleryImageVersion":
                l.VersionId = f.ImageId;
                l.RequestedVersion = f.ImageId.Substring(f.ImageId.LastIndexOf('/') + 1);
                l.ExactVersion = f.ExactVersion ?? l.RequestedVersion;
                l.DefinitionId = EvidenceCollector.DefinitionOf(f.ImageId);
                break;
            case "GalleryImageLatest":
                l.DefinitionId = f.ImageId.TrimEnd('/');
                l.RequestedVersion = "latest";
                l.ExactVersion = f.ExactVersion;
                if (f.ExactVersion != null)
                {
                    l.VersionId = l.DefinitionId + "/versions/" + f.ExactVersion;
                }
                else
                {
                    var versions = await Read(d, "Image", async () => (IReadOnlyList<GalleryImageVersion>?)await _source.ListVersionsAsync(l.DefinitionId, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                    var latest = versions == null ? null : Gallery.LatestVersion.Resolve(versions);
                    l.VersionId = latest?.Id;
                    Gap(d, "Image", "ARM does not report which version \"latest\" gave this VM (no exactVersion)" +
                        (latest != null ? $"; latest resolves to {latest.Name} now, which may be newer than the VM's." : "; no version resolves as latest now."));
                }
                break;
            case "ManagedImage":
                l.ManagedImage = await Read(d, "Image", () => _source.GetManagedImageAsync(f.ImageId, cancellationToken)).ConfigureAwait(false);
                if (l.ManagedImage == null && !d.Gaps.Any(g => g.Section == "Image"))
                {
                    Gap(d, "Image", $"The managed image {f.ImageId} no longer exists.");
                }

                l.SourceId = l.ManagedImage?.SourceId;
                return;
            default:
                Gap(d, "Image", $"The image reference '{f.ImageId}' is not a gallery image or a managed image.");
                return;
        }

        if (l.DefinitionId != null)
        {
            l.Definition = await Read(d, "Definition", () => _source.GetDefinitionAsync(l.DefinitionId, cancellationToken)).ConfigureAwait(false);
            if (l.Definition == null && !d.Gaps.Any(g => g.Section == "Definition"))
            {
                Gap(d, "Definition", $"The image definition {l.DefinitionId} no longer exists.");
            }
        }
        if (l.VersionId != null)
        {
            l.Version = await Read(d, "Version", () => _source.GetVersionAsync(l.VersionId, cancellationToken)).ConfigureAwait(false);
            if (l.Version == null && !d.Gaps.Any(g => g.Section == "Version"))
            {
                Gap(d, "Version", $"The image version {l.VersionId} no longer exists (deleted after the VM was made): its source, readiness and validations are gone with it.");
            }

            l.SourceId = l.Version?.SourceId;
        }
    }

    /// <summary>The source as it is now, how it was prepared, the readiness at publish and every recorded validation.</summary>
    private async Task ImageHistoryAsync(VmBootDiagnosis d, BootDiagnosisRequest request, CancellationToken cancellationToken)
    {
        var l = d.Image;
        if (l.Version != null)
        {
            l.ReadinessAtPublish = ValidationTags.DescribeReadiness(l.Version.Tags);
            if (l.ReadinessAtPublish == null)
            {
                Gap(d, "Readiness", "The version records no readiness findings (tag genimage.readiness): it was published before GenImage recorded them, or by another tool.");
            }

            foreach (var v in ValidationTags.Parse(l.Version.Tags))
            {
                l.Validations.Add(v);
            }

            if (l.Validations.Count == 0)
            {
                Gap(d, "Validation", $"No validation is recorded for version {l.Version.Name} (tags genimage.validation.*): it was not test-deployed with Test-ImageDeployment or a recipe.");
            }
        }

        if (l.SourceId != null && l.SourceId.IndexOf("/virtualMachines/", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            l.SourceVm = await Read(d, "SourceVm", () => _source.GetSourceVmAsync(l.SourceId, cancellationToken)).ConfigureAwait(false);
        }

        // The generalize record: the source's and the version's events around the publish.
        var published = l.Version?.PublishedDate;
        if (published != null && l.SourceId != null)
        {
            var from = published.Value - TimeSpan.FromDays(1);
            var to = published.Value + TimeSpan.FromHours(1);
            if (from < request.Now - EvidenceCollector.ActivityLogRetention)
            {
                Gap(d, "GeneralizeRecord", $"The version was published {published.Value:yyyy-MM-dd}, beyond the Activity Log's 90-day retention: how its source was prepared and generalized is no longer recorded.");
            }
            else
            {
                var query = new ActivityLogQuery { From = from, To = to };
                query.ResourceIds.Add(l.SourceId);
                if (l.VersionId != null)
                {
                    query.ResourceIds.Add(l.VersionId);
                }

                var events = await Read(d, "GeneralizeRecord", async () => (IReadOnlyList<ActivityLogEntry>?)await _source.GetActivityLogAsync(query, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                if (events != null)
                {
                    foreach (var e in events.Where(e => GeneralizeOperations.Any(op => e.OperationName.EndsWith(op, StringComparison.OrdinalIgnoreCase))).OrderBy(e => e.Timestamp))
                    {
                        l.GeneralizeRecord.Add(e);
                    }
                }
            }
        }
        l.Preparation = Preparation(l);
    }

    private static string? Preparation(BootImageLineage l)
    {
        if (l.Kind == "Marketplace")
        {
            return "A marketplace image, prepared by its publisher.";
        }

        if (l.SourceId == null)
        {
            return null;
        }

        var generalize = l.GeneralizeRecord.Where(e => e.OperationName.EndsWith("/generalize/action", StringComparison.OrdinalIgnoreCase)).OrderBy(e => e.Timestamp).LastOrDefault();
        var prepare = l.GeneralizeRecord.Where(e => e.OperationName.EndsWith("/runCommand/action", StringComparison.OrdinalIgnoreCase) || e.OperationName.EndsWith("/runCommands/write", StringComparison.OrdinalIgnoreCase))
            .Where(e => generalize == null || e.Timestamp <= generalize.Timestamp).OrderBy(e => e.Timestamp).LastOrDefault();
        var source = l.SourceVm;
        var now = source == null ? "the source no longer exists"
            : $"the source is {(source.IsGeneralized ? "generalized" : "not generalized")} and {source.PowerState} now";
        if (generalize == null)
        {
            return $"No generalize of the source is in the Activity Log around the publish ({now}).";
        }

        return prepare != null
            ? $"Prepared through Run Command by {prepare.Caller} at {Time(prepare.Timestamp)}, then generalized by {generalize.Caller} at {Time(generalize.Timestamp)}; {now}."
            : $"Generalized by {generalize.Caller} at {Time(generalize.Timestamp)} with no Run Command (Sysprep or deprovisioning) before it in the Activity Log; {now}.";
    }

    /// <summary>How this VM differs from what was validated and from the definition.</summary>
    private static void Differences(VmBootDiagnosis d)
    {
        var l = d.Image;
        var passed = l.Validations.Where(v => v.Passed).ToList();
        var region = d.Location;
        if (passed.Count > 0)
        {
            var regions = passed.Select(v => v.Region).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var sizes = passed.Select(v => v.VmSize).Where(s => s != null).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (!regions.Contains(region, StringComparer.OrdinalIgnoreCase))
            {
                l.Differences.Add($"Region: the version booted in validation in {string.Join(", ", regions)}; this VM is in {region}.");
            }

            if (d.VmSize != null && sizes.Count > 0 && !sizes.Contains(d.VmSize, StringComparer.OrdinalIgnoreCase))
            {
                l.Differences.Add($"Size: the validation VM was {string.Join(", ", sizes)}; this VM is {d.VmSize}.");
            }
        }
        var def = l.Definition;
        if (def != null)
        {
            if (d.HyperVGeneration != null && !string.Equals(d.HyperVGeneration, def.HyperVGeneration, StringComparison.OrdinalIgnoreCase))
            {
                l.Differences.Add($"Hyper-V generation: the definition is {def.HyperVGeneration}; this VM runs as {d.HyperVGeneration}.");
            }

            var defSecurity = DeploymentValidator.VmSecurityType(def.SecurityType);
            if (!string.Equals(defSecurity, d.SecurityType, StringComparison.OrdinalIgnoreCase))
            {
                l.Differences.Add($"Security type: VMs from the definition ({def.SecurityType}) are validated as {defSecurity}; this VM is {d.SecurityType}.");
            }

            var generalized = string.Equals(def.OsState, "Generalized", StringComparison.OrdinalIgnoreCase);
            if (d.DeployedGeneralized.HasValue && d.DeployedGeneralized.Value != generalized)
            {
                l.Differences.Add($"OS state: the definition is {def.OsState}; this VM was created {(d.DeployedGeneralized.Value ? "with" : "without")} an osProfile.");
            }
        }
        if (passed.Count > 0 && d.FailureFound)
        {
            var first = passed[0];
            var where = $"in {first.Region}" + (first.VmSize != null ? $" with {first.VmSize}" : string.Empty);
            d.Evidence.Add(l.Differences.Count > 0
                ? $"This version booted in validation {where}, but this VM differs ({string.Join(" ", l.Differences.Select(x => x.Substring(0, x.IndexOf(':'))).Select(x => x.ToLowerInvariant()))}): look at the deployment, not only the image."
                : $"This version booted in validation {where}, with the same region, size and security type as this VM.");
        }
    }

    private async Task ActivityLogAsync(VmBootDiagnosis d, BootDiagnosisRequest request, CancellationToken cancellationToken)
    {
        var anchor = d.FailedAt ?? request.Now;
        var from = anchor - request.ActivityLogWindow;
        var to = anchor + TimeSpan.FromHours(1);
        if (to > request.Now)
        {
            to = request.Now;
        }

        if (from < request.Now - EvidenceCollector.ActivityLogRetention)
        {
            Gap(d, "ActivityLog", $"The window starts {from:yyyy-MM-dd}, beyond the Activity Log's 90-day retention; it starts at the retention limit instead.");
            from = request.Now - EvidenceCollector.ActivityLogRetention;
        }
        d.ActivityLogFrom = from;
        d.ActivityLogTo = to;
        var query = new ActivityLogQuery { From = from, To = to };
        query.ResourceIds.Add(d.Id);
        if (d.Image.VersionId != null)
        {
            query.ResourceIds.Add(d.Image.VersionId);
        }
        else if (d.Image.ManagedImage != null)
        {
            query.ResourceIds.Add(d.Image.ManagedImage.Id);
        }

        var events = await Read(d, "ActivityLog", async () => (IReadOnlyList<ActivityLogEntry>?)await _source.GetActivityLogAsync(query, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (events == null)
        {
            return;
        }

        // The VM's writes carry the correlation ids of its deployments: read what else they touched (disks, NICs).
        var correlations = events.Where(e => string.Equals(e.ResourceId, d.Id, StringComparison.OrdinalIgnoreCase) && e.CorrelationId != null)
            .Select(e => e.CorrelationId!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var all = new List<ActivityLogEntry>(events);
        if (correlations.Count > 0)
        {
            var byCorrelation = new ActivityLogQuery { From = from, To = to };
            foreach (var c in correlations)
            {
                byCorrelation.CorrelationIds.Add(c);
            }

            var related = await Read(d, "ActivityLog", async () => (IReadOnlyList<ActivityLogEntry>?)await _source.GetActivityLogAsync(byCorrelation, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            if (related != null)
            {
                all.AddRange(related);
            }
        }
        foreach (var e in all.GroupBy(e => (e.Timestamp, e.OperationName, e.ResourceId, e.Status, e.CorrelationId)).Select(g => g.First()).OrderBy(e => e.Timestamp))
        {
            d.ActivityLog.Add(e);
        }

        if (d.ActivityLog.Count == 0)
        {
            Gap(d, "ActivityLog", $"No Activity Log event of the VM or its image between {from:u} and {to:u}.");
        }
    }

    private async Task<T?> Read<T>(VmBootDiagnosis d, string section, Func<Task<T?>> read) where T : class
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
            _log.Warning($"Boot diagnosis gap in {section}: {reason}");
            Gap(d, section, reason);
            return null;
        }
    }

    private static void Gap(VmBootDiagnosis d, string section, string reason) => d.Gaps.Add(new EvidenceGap { Section = section, Reason = reason });

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
