using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Gallery;
using GenImage.Core.Logging;
using GenImage.Core.Readiness;
using GenImage.Core.Validation;
using GenImage.Core.Vm;

namespace GenImage.Core.Recipes;

/// <summary>
/// The recipe steps over the module's own engines: <see cref="ReadinessChecker"/>, <see cref="Generalizer"/>,
/// <see cref="DefinitionCatalog"/>, <see cref="GalleryPublisher"/> and the gallery operations, against ARM.
/// </summary>
public sealed class ArmRecipeBackend : IRecipeBackend
{
    private readonly GenImageConnection _connection;
    private readonly IGenImageLog _log;
    private readonly ArmVmOperations _vms;
    private readonly ArmGalleryOperations _galleries;
    private readonly Func<RecipeValidationRequest, IGenImageLog, CancellationToken, Task<IReadOnlyList<ValidationRecord>>>? _validate;
    private IList<string> _exclude = new List<string>();
    private IList<RecipeSuppression> _suppressions = new List<RecipeSuppression>();

    /// <param name="connection">The session's connection.</param>
    /// <param name="log">Where the engines report.</param>
    /// <param name="validate">Deploys and checks a test VM from a version; null when no deployment test is available (the step then fails with the reason).</param>
    public ArmRecipeBackend(GenImageConnection connection, IGenImageLog log,
        Func<RecipeValidationRequest, IGenImageLog, CancellationToken, Task<IReadOnlyList<ValidationRecord>>>? validate = null)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _log = log ?? NullLog.Instance;
        _vms = new ArmVmOperations(connection);
        _galleries = new ArmGalleryOperations(connection);
        _validate = validate;
        Evidence = new ArmEvidenceSource(connection, _galleries, _vms);
    }

    public string SubscriptionId => _connection.SubscriptionId;
    public string? Principal => _connection.Context.Account;
    public TimeSpan PollingInterval => _connection.PollingInterval;
    public IEvidenceSource Evidence { get; }

    public async Task<SourceVm?> GetVmAsync(string vmId, CancellationToken cancellationToken)
    {
        try
        {
            return await _vms.GetAsync(vmId, cancellationToken).ConfigureAwait(false);
        }
        catch (GenImageException ex) when (ex.ErrorId == ErrorIds.ResourceNotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<ReadinessFinding>> CheckReadinessAsync(RecipeReadinessRequest request, CancellationToken cancellationToken)
    {
        var spec = request.Recipe.Spec;
        _exclude = request.Exclude.ToList();
        _suppressions = spec.Readiness.Suppressions.ToList();
        var options = new ReadinessCheckOptions
        {
            VmId = request.SourceVmId,
            GalleryResourceGroupName = spec.Gallery.ResourceGroup,
            GalleryName = spec.Gallery.Name,
            DefinitionName = spec.Definition.Name,
            VersionName = request.VersionName,
            WillGeneralize = request.WillGeneralize,
            ExcludeFromLatest = spec.Publishing.ExcludeFromLatest,
            RequireExcludeFromLatest = spec.Promotion.Policy == "afterValidation" && spec.Validation.Enabled,
            EndOfLifeDate = spec.Publishing.EndOfLife,
        };
        foreach (var r in spec.Publishing.TargetRegions)
        {
            options.TargetRegions.Add(r);
        }

        foreach (var e in request.Exclude)
        {
            options.Selection.Exclude.Add(e);
        }

        var checker = new ReadinessChecker(_vms, new ArmReadinessSources(_connection), _log);
        var existing = await _galleries.GetDefinitionAsync(spec.Gallery.ResourceGroup, spec.Gallery.Name, spec.Definition.Name, cancellationToken).ConfigureAwait(false);
        if (existing != null)
        {
            return (await checker.CheckAsync(options, cancellationToken).ConfigureAwait(false)).Findings;
        }

        // The definition does not exist yet (the Definition step creates it): read the source and the guest, then
        // evaluate the whole catalogue against the definition the recipe will create.
        options.GalleryName = null;
        options.DefinitionName = null;
        options.VersionName = null;
        var report = await checker.CheckAsync(options, cancellationToken).ConfigureAwait(false);
        var input = report.Input;
        var d = spec.Definition;
        input.Definition = new GalleryImageDefinition
        {
            Id = $"/subscriptions/{SubscriptionId}/resourceGroups/{spec.Gallery.ResourceGroup}/providers/Microsoft.Compute/galleries/{spec.Gallery.Name}/images/{d.Name}",
            SubscriptionId = SubscriptionId,
            ResourceGroupName = spec.Gallery.ResourceGroup,
            GalleryName = spec.Gallery.Name,
            Name = d.Name,
            OsType = d.OsType ?? string.Empty,
            OsState = d.OsState,
            HyperVGeneration = d.HyperVGeneration,
            SecurityType = d.SecurityType,
            Architecture = d.Architecture,
            Publisher = d.Publisher ?? string.Empty,
            Offer = d.Offer ?? string.Empty,
            Sku = d.Sku ?? string.Empty,
        };
        input.VersionName = request.VersionName;
        return ReadinessEngine.Evaluate(input, options.Selection);
    }

    public async Task<GeneralizeResult> GeneralizeAsync(string vmId, bool prepare, CancellationToken cancellationToken)
    {
        var generalizer = new Generalizer(_vms, _log);
        var options = new GeneralizeOptions { Prepare = prepare, Timeout = TimeSpan.FromHours(1), TimeoutParameterName = "-TimeoutSec" };
        var plan = await generalizer.PlanAsync(vmId, options, cancellationToken).ConfigureAwait(false);
        foreach (var warning in plan.Warnings)
        {
            _log.Warning(warning);
        }

        return await generalizer.ExecuteAsync(plan, options, cancellationToken).ConfigureAwait(false);
    }

    public Task<GalleryImageDefinition?> GetDefinitionAsync(string definitionId, CancellationToken cancellationToken)
    {
        var id = new ResourceIdentifier(definitionId);
        return _galleries.GetDefinitionAsync(id.ResourceGroupName ?? string.Empty, id.Parent?.Name ?? string.Empty, id.Name, cancellationToken);
    }

    public async Task<GalleryImageDefinition> CreateDefinitionAsync(GalleryImageDefinition definition, CancellationToken cancellationToken)
    {
        var catalog = new DefinitionCatalog(_galleries, _log);
        var plan = await catalog.PlanCreateAsync(definition, true, cancellationToken).ConfigureAwait(false);
        _log.Verbose(plan.Describe());
        return await catalog.CreateAsync(plan, cancellationToken).ConfigureAwait(false);
    }

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

    public Task<GalleryImageVersion?> GetVersionAsync(string versionId, CancellationToken cancellationToken) =>
        _galleries.GetVersionAsync(versionId, true, cancellationToken);

    public async Task<GalleryImageVersion> PublishAsync(RecipePublishRequest request, CancellationToken cancellationToken)
    {
        var address = GalleryIds.ParseVersion(request.VersionId);
        var options = new PublishOptions
        {
            ResourceGroupName = address.ResourceGroupName,
            GalleryName = address.GalleryName,
            DefinitionName = address.DefinitionName,
            SourceId = request.SourceId,
            VersionName = address.VersionName,
            ExcludeFromLatest = request.ExcludeFromLatest,
            EndOfLifeDate = request.EndOfLifeDate,
            Timeout = request.Timeout,
        };
        foreach (var r in request.TargetRegions)
        {
            options.TargetRegions.Add(r);
        }

        foreach (var t in request.Tags)
        {
            options.Tags[t.Key] = t.Value;
        }

        var publisher = new GalleryPublisher(_galleries, _vms, _log, Preflight);
        var plan = await publisher.PlanAsync(options, cancellationToken).ConfigureAwait(false);
        return await publisher.ExecuteAsync(plan, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The publishing pre-flight with the recipe's exclusions and suppressions, as the readiness step applied them.</summary>
    private IReadOnlyList<ReadinessFinding> Preflight(ReadinessInput input)
    {
        var selection = new ReadinessSelection();
        foreach (var e in _exclude)
        {
            selection.Exclude.Add(e);
        }

        var findings = ReadinessEngine.Evaluate(input, selection);
        foreach (var f in findings)
        {
            var s = _suppressions.FirstOrDefault(x => string.Equals(x.Rule, f.RuleId, StringComparison.OrdinalIgnoreCase));
            if (s != null && f.Status == FindingStatus.Fail)
            {
                f.Suppressed = true;
                f.SuppressionJustification = $"{s.Justification} (approved by {s.Approver})";
            }
        }
        return findings;
    }

    public Task<IReadOnlyList<ValidationRecord>> ValidateAsync(RecipeValidationRequest request, CancellationToken cancellationToken) =>
        _validate != null ? _validate(request, _log, cancellationToken) : DeployAsync(request, cancellationToken);

    /// <summary>One validation deployment per region through <see cref="DeploymentValidator"/> (which removes what it creates).</summary>
    private async Task<IReadOnlyList<ValidationRecord>> DeployAsync(RecipeValidationRequest request, CancellationToken cancellationToken)
    {
        var validator = new DeploymentValidator(new ArmDeploymentOperations(_connection), _log);
        var image = await validator.GetImageAsync(request.VersionId, cancellationToken).ConfigureAwait(false);
        var records = new List<ValidationRecord>();
        foreach (var region in request.Regions)
        {
            var options = new DeploymentValidationOptions
            {
                Region = region,
                ResourceGroupName = image.ResourceGroupName,
                SubscriptionId = SubscriptionId,
                SubnetId = request.SubnetId,
                RequireSubnet = !_connection.Context.IsEmulator,
                ProbeScript = request.ProbeScript,
                ProvisionTimeout = request.Timeout,
                TimeoutParameterName = "spec.validation.timeoutMinutes",
            };
            if (request.VmSize != null)
            {
                options.VmSize = request.VmSize;
            }

            var result = await validator.ValidateAsync(image, options, cancellationToken).ConfigureAwait(false);
            var excerpt = result.SerialLogExcerpt.Count > 0 ? string.Join("\n", result.SerialLogExcerpt) : null;
            records.Add(new ValidationRecord
            {
                Region = result.Region,
                VmSize = result.VmSize,
                Status = result.Succeeded ? "Passed" : "Failed",
                Message = result.Succeeded
                    ? $"A VM from {image.Name} provisioned" + (result.TimeToAgentReady.HasValue ? $" and its agent was Ready after {result.TimeToAgentReady.Value.TotalSeconds:0} s" : string.Empty) + "; it was removed."
                    : $"{result.Outcome}: {result.ErrorCode} {result.ErrorMessage}".Trim() + (result.Explanation != null ? " " + result.Explanation : string.Empty),
                TestVmId = result.VmId,
                ImageReference = result.ImageId,
                ProbeResult = result.ProbeSucceeded == null ? null : (result.ProbeSucceeded.Value ? "succeeded" : "failed") + (string.IsNullOrEmpty(result.ProbeOutput) ? string.Empty : ": " + LastLine(result.ProbeOutput!)),
                SerialLogExcerpt = excerpt,
                SerialLog = excerpt,
                Duration = result.Duration,
            });
            foreach (var left in result.ResourcesLeftBehind)
            {
                _log.Warning($"The validation left {left} behind: {result.CleanupError ?? "kept"}. Delete it by hand.");
            }
        }
        return records;
    }

    private static string LastLine(string text)
    {
        var lines = text.Replace("\r", string.Empty).Split('\n').Where(l => l.Trim().Length > 0).ToList();
        return lines.Count == 0 ? string.Empty : lines[lines.Count - 1].Trim();
    }

    public Task<GalleryImageVersion> SetExcludeFromLatestAsync(string versionId, bool exclude, CancellationToken cancellationToken) =>
        _galleries.UpdateVersionAsync(versionId, new VersionUpdateRequest { ExcludeFromLatest = exclude }, cancellationToken);

    public async Task DeleteVmAsync(string vmId, CancellationToken cancellationToken)
    {
        try
        {
            var vm = _connection.Client.GetVirtualMachineResource(ResourceIds.ParseVirtualMachine(vmId));
            var operation = await vm.DeleteAsync(WaitUntil.Started, null, cancellationToken).ConfigureAwait(false);
            await operation.WaitForCompletionResponseAsync(_connection.PollingInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "delete", vmId);
        }
    }

    public Task DeleteVersionAsync(string versionId, CancellationToken cancellationToken) =>
        _galleries.DeleteVersionAsync(versionId, cancellationToken);
}
