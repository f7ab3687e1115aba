using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Inspection;
using GenImage.Core.Logging;
using GenImage.Core.Vm;

namespace GenImage.Core.Readiness;

/// <summary>The gallery reads a readiness check needs beyond <see cref="IVmOperations"/> (the VM's plan comes with the VM).</summary>
public interface IReadinessSources
{
    /// <summary>The definition, or null when it does not exist.</summary>
    Task<GalleryImageDefinition?> GetDefinitionAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken);
    Task<IReadOnlyList<GalleryImageVersion>> ListVersionsAsync(string resourceGroup, string gallery, string definition, CancellationToken cancellationToken);
    /// <summary>The version with its replication status, or null when it does not exist.</summary>
    Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken);
}

/// <summary>What Test-ImageReadiness checks: one target plus the publish it is about to take part in.</summary>
public sealed class ReadinessCheckOptions
{
    /// <summary>The source VM (mutually exclusive with <see cref="VersionId"/>).</summary>
    public string? VmId { get; set; }
    /// <summary>An existing gallery image version.</summary>
    public string? VersionId { get; set; }
    /// <summary>Resource group of the gallery; defaults to the VM's resource group.</summary>
    public string? GalleryResourceGroupName { get; set; }
    public string? GalleryName { get; set; }
    public string? DefinitionName { get; set; }
    /// <summary>The version about to be created.</summary>
    public string? VersionName { get; set; }
    public IList<TargetRegion> TargetRegions { get; set; } = new List<TargetRegion>();
    /// <summary>true: inspect the guest; false: never; null: inspect when the VM is running with a Ready agent.</summary>
    public bool? Inspect { get; set; }
    public bool WillGeneralize { get; set; }
    public bool? ExcludeFromLatest { get; set; }
    public bool RequireExcludeFromLatest { get; set; }
    public DateTimeOffset? EndOfLifeDate { get; set; }
    public IList<string>? RequiredTags { get; set; }
    public bool ForScaleSet { get; set; }
    public ReadinessSelection Selection { get; set; } = new ReadinessSelection();
    public DateTimeOffset? Now { get; set; }
    /// <summary>The VM (<see cref="VmId"/>) as the caller has just read it; null: the checker reads it.</summary>
    public SourceVm? KnownVm { get; set; }
    /// <summary>The definition as the caller has just read it; null: the checker reads it.</summary>
    public GalleryImageDefinition? KnownDefinition { get; set; }
    /// <summary>The definition's versions as the caller has just listed them; null: the checker lists them.</summary>
    public IReadOnlyList<GalleryImageVersion>? KnownVersions { get; set; }
}

/// <summary>The findings for one target and what was read to produce them.</summary>
public sealed class ReadinessReport
{
    internal ReadinessReport(string target, ReadinessInput input, IReadOnlyList<ReadinessFinding> findings, GuestInspection? inspection)
    {
        Target = target;
        Input = input;
        Findings = findings;
        Inspection = inspection;
    }

    public string Target { get; }
    public ReadinessInput Input { get; }
    public IReadOnlyList<ReadinessFinding> Findings { get; }
    /// <summary>The guest inspection, when one was attempted.</summary>
    public GuestInspection? Inspection { get; }

    public ReadinessSummary Summarize() => ReadinessSummary.From(Target, Findings);
}

/// <summary>
/// Reads everything a target's rules look at (the VM and its instance view, the guest through the inspection
/// script, the definition and its versions, the version and its source) and evaluates the catalogue.
/// Sends no write; the inspection script only reads the guest.
/// </summary>
public sealed class ReadinessChecker
{
    private readonly IVmOperations _vms;
    private readonly IReadinessSources _sources;
    private readonly IGenImageLog _log;

    public ReadinessChecker(IVmOperations vms, IReadinessSources sources, IGenImageLog? log = null)
    {
        _vms = vms ?? throw new ArgumentNullException(nameof(vms));
        _sources = sources ?? throw new ArgumentNullException(nameof(sources));
        _log = log ?? NullLog.Instance;
    }

    public async Task<ReadinessReport> CheckAsync(ReadinessCheckOptions options, CancellationToken cancellationToken)
    {
        if (options == null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if ((options.VmId == null) == (options.VersionId == null))
        {
            throw new ArgumentException("Give either a VM id or a version id.", nameof(options));
        }

        var input = new ReadinessInput
        {
            WillGeneralize = options.WillGeneralize,
            VersionName = options.VersionName,
            ExcludeFromLatest = options.ExcludeFromLatest,
            RequireExcludeFromLatest = options.RequireExcludeFromLatest,
            EndOfLifeDate = options.EndOfLifeDate,
            ForScaleSet = options.ForScaleSet,
            Now = options.Now ?? DateTimeOffset.UtcNow,
        };
        if (options.RequiredTags != null)
        {
            input.RequiredTags.Clear();
            foreach (var t in options.RequiredTags)
            {
                input.RequiredTags.Add(t);
            }
        }
        foreach (var r in options.TargetRegions)
        {
            input.TargetRegions.Add(r);
        }

        GuestInspection? inspection = null;
        string target;
        var galleryGroup = options.GalleryResourceGroupName;
        if (options.VmId != null)
        {
            target = options.VmId;
            input.SourceId = options.VmId;
            var vm = await ReadVmAsync(options.VmId, options.KnownVm, input, cancellationToken).ConfigureAwait(false);
            if (vm != null)
            {
                galleryGroup ??= vm.ResourceGroupName;
                inspection = await InspectAsync(vm, options.Inspect, input, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            target = options.VersionId!;
            var id = options.VersionId!;
            _log.Verbose($"Reading the image version '{id}'.");
            var version = await _sources.GetVersionAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                    $"The image version '{id}' was not found.")
                { Target = id };
            input.Version = version;
            galleryGroup = version.ResourceGroupName;
            options.GalleryName ??= version.GalleryName;
            options.DefinitionName ??= version.DefinitionName;
            if (version.SourceId != null && RuleContext.Classify(version.SourceId) == SourceKind.VirtualMachine)
            {
                try
                {
                    var vm = await _vms.GetAsync(version.SourceId, cancellationToken).ConfigureAwait(false);
                    input.SourceId = vm.Id;
                    input.SourceVm = vm;
                    // The VM read succeeded, so its plan is known: "" says it has none.
                    input.SourcePurchasePlan = vm.PurchasePlan ?? string.Empty;
                }
                catch (GenImageException ex) when (ex.Kind == GenImageErrorKind.ObjectNotFound)
                {
                    _log.Verbose($"The source VM of version {version.Name} no longer exists; the source rules are skipped.");
                }
            }
            else if (version.SourceId != null)
            {
                input.SourceId = version.SourceId;
                input.SourceResolved = true; // ARM accepted it as the version's source
                if (RuleContext.Classify(version.SourceId) == SourceKind.GalleryImageVersion)
                {
                    // A version carries its definition's plan (a managed image's plan is not visible through ARM: GI2007 skips).
                    var address = Gallery.GalleryIds.ParseVersion(version.SourceId);
                    var sourceDefinition = await _sources.GetDefinitionAsync(address.ResourceGroupName, address.GalleryName, address.DefinitionName, cancellationToken).ConfigureAwait(false);
                    if (sourceDefinition != null)
                    {
                        input.SourcePurchasePlan = sourceDefinition.PurchasePlan ?? string.Empty;
                    }
                }
            }
            input.GuestUnavailableReason = "a published version's guest cannot be inspected; Test-ImageDeployment boots it";
        }

        if (options.DefinitionName != null)
        {
            if (options.GalleryName == null || galleryGroup == null)
            {
                throw new GenImageException(ErrorIds.InvalidResourceId, GenImageErrorKind.InvalidArgument,
                    "A definition needs its gallery: give -GalleryName (and -GalleryResourceGroupName when the gallery is not in the VM's resource group).");
            }

            if (options.KnownDefinition == null)
            {
                _log.Verbose($"Reading the image definition '{options.DefinitionName}' of gallery '{options.GalleryName}' in '{galleryGroup}'.");
            }

            input.Definition = options.KnownDefinition
                ?? await _sources.GetDefinitionAsync(galleryGroup, options.GalleryName, options.DefinitionName, cancellationToken).ConfigureAwait(false)
                ?? throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                    $"The image definition '{options.DefinitionName}' was not found in gallery '{options.GalleryName}' (resource group '{galleryGroup}').")
                { Target = $"{galleryGroup}/{options.GalleryName}/{options.DefinitionName}" };
            foreach (var v in options.KnownVersions ?? await _sources.ListVersionsAsync(galleryGroup, options.GalleryName, options.DefinitionName, cancellationToken).ConfigureAwait(false))
            {
                input.ExistingVersions.Add(v);
            }
        }
        else if (options.VersionName != null)
        {
            throw new GenImageException(ErrorIds.InvalidResourceId, GenImageErrorKind.InvalidArgument,
                "A version name needs its definition: give -GalleryName and -DefinitionName too.");
        }

        var findings = ReadinessEngine.Evaluate(input, options.Selection);
        return new ReadinessReport(target, input, findings, inspection);
    }

    private async Task<SourceVm?> ReadVmAsync(string vmId, SourceVm? known, ReadinessInput input, CancellationToken cancellationToken)
    {
        if (known == null)
        {
            _log.Verbose($"Reading the VM '{vmId}' with its instance view.");
        }

        try
        {
            var vm = known ?? await _vms.GetAsync(vmId, cancellationToken).ConfigureAwait(false);
            input.SourceVm = vm;
            input.SourceId = vm.Id;
            // The VM read succeeded, so its plan is known: "" says it has none (GI2007 then passes).
            input.SourcePurchasePlan = vm.PurchasePlan ?? string.Empty;
            return vm;
        }
        catch (GenImageException ex) when (ex.Kind == GenImageErrorKind.ObjectNotFound)
        {
            input.SourceLookupError = ex.Message;
            input.GuestUnavailableReason = "the VM was not found";
            return null;
        }
    }

    private async Task<GuestInspection?> InspectAsync(SourceVm vm, bool? inspect, ReadinessInput input, CancellationToken cancellationToken)
    {
        var running = string.Equals(vm.PowerState, "running", StringComparison.OrdinalIgnoreCase);
        var agentReady = string.Equals(vm.AgentStatus, "Ready", StringComparison.OrdinalIgnoreCase);
        if (inspect == false)
        {
            input.GuestUnavailableReason = "the guest inspection was turned off (-Inspect:$false)";
            return null;
        }
        if (vm.IsGeneralized)
        {
            input.GuestUnavailableReason = "the VM is generalized; its guest can no longer be inspected";
            return null;
        }
        if (!running)
        {
            input.GuestUnavailableReason = $"the VM is {vm.PowerState}; the guest can only be inspected while it runs";
            if (inspect == true)
            {
                _log.Warning($"The guest of '{vm.Name}' was not inspected: {input.GuestUnavailableReason}.");
            }

            return null;
        }
        if (inspect == null && !agentReady)
        {
            input.GuestUnavailableReason = $"the VM agent is '{vm.AgentStatus ?? "not reporting"}', so Run Command cannot inspect the guest";
            return null;
        }
        var inspection = await new GuestInspector(_vms, _log).InspectAsync(vm, cancellationToken).ConfigureAwait(false);
        if (inspection.Facts != null)
        {
            input.Guest = inspection.Facts;
        }
        else
        {
            input.GuestUnavailableReason = "the guest inspection failed: " + inspection.Error;
            _log.Warning($"The guest of '{vm.Name}' could not be inspected: {inspection.Error}");
        }
        return inspection;
    }
}
