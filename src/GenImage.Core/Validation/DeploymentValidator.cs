using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Diagnosis;
using GenImage.Core.Errors;
using GenImage.Core.Guest;
using GenImage.Core.Logging;
using GenImage.Core.Readiness;

namespace GenImage.Core.Validation;

/// <summary>Options of one validation deployment (one region).</summary>
public sealed class DeploymentValidationOptions
{
    public string Region { get; set; } = string.Empty;
    /// <summary>The resource group the validation VM goes to.</summary>
    public string ResourceGroupName { get; set; } = string.Empty;
    public string SubscriptionId { get; set; } = string.Empty;
    public string VmSize { get; set; } = "Standard_D2s_v5";
    /// <summary>The subnet of the validation VM's NIC; required against Azure (see <see cref="RequireSubnet"/>).</summary>
    public string? SubnetId { get; set; }
    /// <summary>Refuse to run without <see cref="SubnetId"/> (Azure needs a NIC; the emulator does not).</summary>
    public bool RequireSubnet { get; set; }
    public string? AdminUsername { get; set; }
    /// <summary>The admin password; generated in memory when null (and no SSH key is given for Linux). Never logged or returned.</summary>
    public string? AdminPassword { get; set; }
    /// <summary>Linux: an SSH public key instead of a password.</summary>
    public string? SshPublicKey { get; set; }
    /// <summary>Keep the VM (and its disk) for troubleshooting.</summary>
    public bool KeepVm { get; set; }
    /// <summary>A script to run through Run Command once the agent is Ready; a GENIMAGE-RESULT line, when present, decides success.</summary>
    public string? ProbeScript { get; set; }
    /// <summary>RunPowerShellScript or RunShellScript; default by OS type.</summary>
    public string? ProbeCommandId { get; set; }
    public TimeSpan ProvisionTimeout { get; set; } = TimeSpan.FromMinutes(30);
    public TimeSpan AgentReadyTimeout { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>How long clean-up may take; it does not depend on the caller's token, so Ctrl+C still cleans up.</summary>
    public TimeSpan CleanupTimeout { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>The parameter that sets <see cref="ProvisionTimeout"/>, named by timeout messages.</summary>
    public string TimeoutParameterName { get; set; } = "-TimeoutSec";
    /// <summary>The excerpt's lines (the last non-empty lines of the serial log; capped at <see cref="SerialLogLimits.ExcerptMaxBytes"/> bytes).</summary>
    public int SerialLogTailLines { get; set; } = SerialLogLimits.ExcerptLines;
    /// <summary>The file the whole serial log is streamed to (once); null: it is read for the excerpt and the diagnosis, not saved.</summary>
    public string? SerialLogPath { get; set; }
    public string OsDiskStorageAccountType { get; set; } = "StandardSSD_LRS";
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    /// <summary>The short id of the VM name (giv-ID); random when null.</summary>
    public string? ShortId { get; set; }
    /// <summary>Record the outcome on the gallery image version's tags (genimage.validation.REGION) when a VM was made.</summary>
    public bool RecordOnImage { get; set; } = true;
}

/// <summary>
/// Deploys a validation VM from a gallery image version or a managed image in one region, waits for
/// provisioning and for the guest agent, keeps the relevant tail of the serial log, optionally runs a probe,
/// and deletes everything it created. Clean-up runs on success, failure, timeout and cancellation, with its
/// own time limit; resources it cannot remove are named in the result and in a warning.
/// </summary>
public sealed class DeploymentValidator
{
    public const string TagName = "genimage-validation";
    public const string NamePrefix = "giv-";
    public const int ProgressActivityId = 4301;

    public const string OutcomeSucceeded = "Succeeded";
    public const string OutcomeFailed = "Failed";
    public const string OutcomeTimedOut = "TimedOut";
    public const string OutcomeCancelled = "Cancelled";

    private readonly IDeploymentOperations _ops;
    private readonly IGenImageLog _log;

    public DeploymentValidator(IDeploymentOperations operations, IGenImageLog? log = null)
    {
        _ops = operations ?? throw new ArgumentNullException(nameof(operations));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>Reads the image (once for all regions).</summary>
    public Task<ValidationImage> GetImageAsync(string imageId, CancellationToken cancellationToken) =>
        _ops.GetImageAsync(imageId, cancellationToken);

    /// <summary>The create request this validation would send (password left out), for -WhatIf and tests.</summary>
    public static ValidationVmSpec BuildSpec(ValidationImage image, DeploymentValidationOptions options)
    {
        var id = options.ShortId ?? ValidationCredentials.ShortId();
        var name = NamePrefix + id;
        var linux = string.Equals(image.OsType, "Linux", StringComparison.OrdinalIgnoreCase);
        var spec = new ValidationVmSpec
        {
            SubscriptionId = options.SubscriptionId,
            ResourceGroupName = options.ResourceGroupName,
            Name = name,
            Location = KnownRegions.Normalize(options.Region),
            VmSize = options.VmSize,
            ImageId = image.Id,
            PurchasePlan = image.PurchasePlan,
            OsType = image.OsType,
            WithOsProfile = !string.Equals(image.OsState, "Specialized", StringComparison.OrdinalIgnoreCase),
            ComputerName = name,
            AdminUsername = options.AdminUsername ?? ValidationCredentials.DefaultAdminUsername,
            SshPublicKey = linux ? options.SshPublicKey : null,
            SecurityType = VmSecurityType(image.SecurityType),
            OsDiskName = name + "-osdisk",
            OsDiskStorageAccountType = options.OsDiskStorageAccountType,
            SubnetId = options.SubnetId,
            NicName = name + "-nic",
        };
        foreach (var tag in options.Tags)
        {
            spec.Tags[tag.Key] = tag.Value;
        }

        spec.Tags[TagName] = "true";
        spec.Tags["genimage-image"] = image.Id.Length <= 256 ? image.Id : image.Id.Substring(image.Id.Length - 256);
        return spec;
    }

    /// <summary>The security type a VM from a definition of <paramref name="definitionSecurityType"/> is created with.</summary>
    public static string VmSecurityType(string? definitionSecurityType)
    {
        switch ((definitionSecurityType ?? "Standard").ToUpperInvariant())
        {
            case "TRUSTEDLAUNCH":
            case "TRUSTEDLAUNCHSUPPORTED":
            case "TRUSTEDLAUNCHANDCONFIDENTIALVMSUPPORTED":
                return "TrustedLaunch";
            case "CONFIDENTIALVM":
                return "ConfidentialVM";
            default:
                return "Standard";
        }
    }

    /// <summary>Validates the image in one region. Throws <see cref="OperationCanceledException"/> after clean-up when cancelled.</summary>
    public async Task<ValidationResult> ValidateAsync(ValidationImage image, DeploymentValidationOptions options, CancellationToken cancellationToken)
    {
        if (image == null)
        {
            throw new ArgumentNullException(nameof(image));
        }

        if (options == null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (options.RequireSubnet && string.IsNullOrEmpty(options.SubnetId))
        {
            throw new GenImageException(ValidationErrorIds.SubnetRequired, GenImageErrorKind.InvalidArgument,
                "A validation VM in Azure needs a network interface: give -SubnetId (a subnet the VM may use, /subscriptions/…/virtualNetworks/NAME/subnets/NAME).");
        }

        var spec = BuildSpec(image, options);
        var linux = string.Equals(image.OsType, "Linux", StringComparison.OrdinalIgnoreCase);
        if (spec.WithOsProfile && spec.SshPublicKey == null)
        {
            spec.AdminPassword = options.AdminPassword ?? ValidationCredentials.NewPassword();
        }

        var watch = Stopwatch.StartNew();
        var region = spec.Location;
        var result = new ValidationResult
        {
            ImageId = image.Id,
            ImageKind = image.Kind,
            ImageName = image.Name,
            Region = region,
            VmName = spec.Name,
            VmId = spec.VmId,
            ResourceGroupName = spec.ResourceGroupName,
            VmSize = spec.VmSize,
            OsType = image.OsType,
            SecurityType = spec.SecurityType,
            StartedAt = DateTimeOffset.UtcNow,
            CorrelationId = Connection.CallScope.Current?.CorrelationId,
        };

        if (!image.AvailableRegions.Any(r => KnownRegions.Normalize(r) == region))
        {
            var state = image.RegionStates.TryGetValue(region, out var s) ? s : "not a target region";
            result.Outcome = OutcomeFailed;
            result.ErrorCode = ValidationErrorIds.ImageNotInRegion;
            result.DiagnosisId = BootSignatureCatalog.ImageNotInRegion;
            result.DiagnosisTitle = BootSignatureCatalog.Get(BootSignatureCatalog.ImageNotInRegion)!.Title;
            result.Explanation = $"The image is not available in {region} ({state}); no VM was created. Replicate the version to {region} and wait until replication has Completed.";
            result.Duration = watch.Elapsed;
            return result;
        }

        var createAttempted = false;
        var cancelled = false;
        try
        {
            Progress(region, $"Creating {spec.Name} ({spec.VmSize}, {spec.SecurityType})", 5);
            _log.Verbose($"Creating the validation VM '{spec.VmId}' from '{image.Id}' ({spec.VmSize}, security type {spec.SecurityType}).");
            createAttempted = true;
            try
            {
                await _ops.BeginCreateVmAsync(spec, cancellationToken).ConfigureAwait(false);
            }
            catch (GenImageException ex) when (ex.HttpStatus.HasValue && ex.HttpStatus.Value >= 400 && ex.HttpStatus.Value < 500)
            {
                // Refused up front: nothing was created.
                createAttempted = false;
                Fail(result, ex.ArmErrorCode ?? ex.ErrorId, ex.Message, image.OsType);
                return Finish(result, watch);
            }
            result.ResourcesCreated.Add(spec.VmId);
            result.ResourcesCreated.Add(spec.OsDiskId);
            if (spec.NicId != null)
            {
                result.ResourcesCreated.Add(spec.NicId);
            }

            var provisioned = await WaitForProvisioningAsync(spec, result, options, watch, cancellationToken).ConfigureAwait(false);
            var agentReady = provisioned && await WaitForAgentAsync(spec, result, options, watch, cancellationToken).ConfigureAwait(false);
            if (agentReady && options.ProbeScript != null)
            {
                await ProbeAsync(spec, result, options, linux, cancellationToken).ConfigureAwait(false);
            }
            if (result.Outcome.Length == 0)
            {
                result.Outcome = OutcomeSucceeded;
            }

            Progress(region, "Reading the serial log", 80);
            var log = await ReadSerialLogAsync(spec, result, options, cancellationToken).ConfigureAwait(false);
            if (result.Outcome != OutcomeSucceeded)
            {
                await DiagnoseAsync(spec, image, result, log, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
            result.Outcome = OutcomeCancelled;
            result.Explanation = "The validation was stopped (Ctrl+C) before it finished.";
        }
        finally
        {
            if (createAttempted)
            {
                Progress(region, options.KeepVm ? "Keeping the VM" : "Deleting the validation VM and its disk", 90);
                await CleanupAsync(spec, result, options).ConfigureAwait(false);
            }
            spec.AdminPassword = null;
            _log.Progress(new ProgressInfo(ProgressActivityId, "Validating deployment", "Done") { Completed = true });
        }
        if (cancelled)
        {
            throw new OperationCanceledException("The deployment validation was cancelled; its resources were cleaned up.", cancellationToken);
        }

        if (createAttempted && options.RecordOnImage && string.Equals(image.Kind, "GalleryImageVersion", StringComparison.OrdinalIgnoreCase))
        {
            await RecordAsync(image, result, cancellationToken).ConfigureAwait(false);
        }
        return Finish(result, watch);
    }

    /// <summary>
    /// Records the outcome on the version (tag genimage.validation.REGION) so that evidence and boot diagnoses find it
    /// without a run journal. A failure to record is a warning: the validation itself stands.
    /// </summary>
    private async Task RecordAsync(ValidationImage image, ValidationResult result, CancellationToken cancellationToken)
    {
        var tag = ValidationTags.For(result, DateTimeOffset.UtcNow);
        if (tag == null)
        {
            return;
        }

        try
        {
            await _ops.RecordOnImageAsync(image.Id, tag.Value, cancellationToken).ConfigureAwait(false);
            result.RecordedOnImage = true;
            _log.Verbose($"Recorded the validation outcome on {image.Name}: {tag.Value.Key} = {tag.Value.Value}");
        }
        catch (GenImageException ex)
        {
            result.RecordError = ex.Message;
            _log.Warning($"The outcome of the validation in {result.Region} could not be recorded on the version's tags ({ex.ArmErrorCode ?? ex.ErrorId}): {ex.Message} Get-ImageEvidence and Get-VmBootDiagnosis will not see this validation.");
        }
    }

    private static ValidationResult Finish(ValidationResult result, Stopwatch watch)
    {
        result.Duration = watch.Elapsed;
        return result;
    }

    private void Progress(string region, string status, int percent) =>
        _log.Progress(new ProgressInfo(ProgressActivityId, $"Validating deployment in {region}", status) { PercentComplete = percent });

    private static void Fail(ValidationResult result, string? code, string? message, string? osType, string outcome = OutcomeFailed)
    {
        result.Outcome = outcome;
        result.ErrorCode = code;
        result.ErrorMessage = message;
        result.Explanation = FailureExplainer.Explain(code, message, osType);
        var signature = BootSignatureCatalog.ForCode(code, osType);
        result.DiagnosisId = signature?.Id;
        result.DiagnosisTitle = signature?.Title;
    }

    private async Task<bool> WaitForProvisioningAsync(ValidationVmSpec spec, ValidationResult result, DeploymentValidationOptions options, Stopwatch watch, CancellationToken cancellationToken)
    {
        Progress(spec.Location, "Waiting for provisioning", 20);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ProvisionTimeout);
        try
        {
            await _ops.WaitForCreateAsync(spec.VmId, timeout.Token).ConfigureAwait(false);
            result.TimeToProvisioned = watch.Elapsed;
            _log.Verbose($"'{spec.Name}' provisioned after {watch.Elapsed.TotalSeconds:0.0} s.");
            return true;
        }
        catch (GenImageException ex)
        {
            Fail(result, ex.ArmErrorCode ?? ex.ErrorId, ex.Message, spec.OsType);
            _log.Verbose($"'{spec.Name}' failed to provision: {ex.ArmErrorCode}: {ex.Message}");
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result.Outcome = OutcomeTimedOut;
            result.ErrorCode = ValidationErrorIds.ProvisioningTimeout;
            result.Explanation = $"The validation VM did not finish provisioning within {options.ProvisionTimeout.TotalMinutes:0.#} minutes ({options.TimeoutParameterName}). " +
                                 "A generalized image that never completes provisioning was usually captured without Sysprep/deprovisioning; raise the limit if the size is just slow.";
            return false;
        }
    }

    private async Task<bool> WaitForAgentAsync(ValidationVmSpec spec, ValidationResult result, DeploymentValidationOptions options, Stopwatch watch, CancellationToken cancellationToken)
    {
        Progress(spec.Location, "Waiting for the guest agent", 50);
        var deadline = watch.Elapsed + options.AgentReadyTimeout;
        string? last = null;
        while (true)
        {
            var status = await _ops.GetVmStatusAsync(spec.VmId, cancellationToken).ConfigureAwait(false);
            last = status.AgentStatus;
            result.AgentStatus = status.AgentStatus;
            result.AgentVersion = status.AgentVersion;
            if (string.Equals(status.AgentStatus, "Ready", StringComparison.OrdinalIgnoreCase))
            {
                result.TimeToAgentReady = watch.Elapsed;
                _log.Verbose($"The agent of '{spec.Name}' reported Ready after {watch.Elapsed.TotalSeconds:0.0} s.");
                return true;
            }
            if (watch.Elapsed >= deadline)
            {
                break;
            }

            await Task.Delay(_ops.PollingInterval, cancellationToken).ConfigureAwait(false);
        }
        Fail(result, "VMAgentStatusCommunicationError",
            $"The VM provisioned, but its agent reported '{last ?? "nothing"}' for {options.AgentReadyTimeout.TotalMinutes:0.#} minutes.", spec.OsType);
        return false;
    }

    private async Task ProbeAsync(ValidationVmSpec spec, ValidationResult result, DeploymentValidationOptions options, bool linux, CancellationToken cancellationToken)
    {
        Progress(spec.Location, "Running the probe script", 65);
        var commandId = options.ProbeCommandId ?? (linux ? GuestScript.RunShellScript : GuestScript.RunPowerShellScript);
        var lines = GuestScript.SplitLines(options.ProbeScript!);
        try
        {
            var output = await _ops.RunCommandAsync(spec.VmId, commandId, lines, cancellationToken).ConfigureAwait(false);
            result.ProbeOutput = output.StdOut;
            if (GuestScriptResult.TryParse(output.StdOut, out var parsed, out _))
            {
                result.ProbeSucceeded = parsed!.Succeeded;
                if (!parsed.Succeeded)
                {
                    result.Outcome = OutcomeFailed;
                    result.ErrorCode = ValidationErrorIds.ProbeFailed;
                    result.Explanation = "The VM booted, but the probe script reported failure: " + parsed.Message;
                }
            }
            else
            {
                result.ProbeSucceeded = true;
            }
        }
        catch (GenImageException ex)
        {
            result.ProbeSucceeded = false;
            result.ProbeErrorCode = ex.ArmErrorCode ?? ex.ErrorId;
            result.Outcome = OutcomeFailed;
            result.ErrorCode = ValidationErrorIds.ProbeFailed;
            result.ErrorMessage = ex.Message;
            result.Explanation = "The VM booted, but the probe script could not run through Run Command: " + ex.Message;
        }
    }

    private async Task<SerialLogText> ReadSerialLogAsync(ValidationVmSpec spec, ValidationResult result, DeploymentValidationOptions options, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = await _ops.OpenSerialLogAsync(spec.VmId, cancellationToken).ConfigureAwait(false);
            if (stream == null)
            {
                result.SerialLogError = "the VM has no serial log yet";
                return SerialLogText.Empty;
            }
            var capture = await SerialLogReader.ReadAsync(stream, new SerialLogReadOptions
            {
                DestinationPath = options.SerialLogPath,
                TailLines = options.SerialLogTailLines,
                // Only a failed validation is diagnosed from the log.
                ForDiagnosis = result.Outcome != OutcomeSucceeded,
            }, cancellationToken).ConfigureAwait(false);
            foreach (var line in SerialLogLimits.Cap(capture.Text.Tail(options.SerialLogTailLines)))
            {
                result.SerialLogExcerpt.Add(line.Text);
            }

            result.SerialLogBytes = capture.Text.Bytes;
            result.SerialLogLineCount = capture.Text.LineCount;
            result.SerialLogPath = capture.FilePath;
            result.SerialLogSha256 = capture.Sha256;
            return capture.Text;
        }
        catch (GenImageException ex)
        {
            result.SerialLogError = ex.Message;
            _log.Verbose("The serial log could not be read: " + ex.Message);
            return SerialLogText.Empty;
        }
    }

    /// <summary>
    /// Matches the failed validation against the boot-failure catalogue: the ARM code, the agent, how the VM was
    /// created and the serial log. A probe failure is not a boot failure and keeps its own explanation; a timeout of
    /// our own limit keeps its explanation and gains the diagnosis only when the serial log proves one.
    /// </summary>
    private async Task DiagnoseAsync(ValidationVmSpec spec, ValidationImage image, ValidationResult result, SerialLogText log, CancellationToken cancellationToken)
    {
        if (result.ErrorCode == ValidationErrorIds.ProbeFailed)
        {
            return;
        }

        var ownTimeout = result.ErrorCode == ValidationErrorIds.ProvisioningTimeout;
        if (result.AgentStatus == null && !ownTimeout)
        {
            try
            {
                var status = await _ops.GetVmStatusAsync(spec.VmId, cancellationToken).ConfigureAwait(false);
                result.AgentStatus = status.AgentStatus;
                result.AgentVersion = status.AgentVersion;
            }
            catch (GenImageException ex)
            {
                _log.Verbose("The agent status of the failed validation VM could not be read: " + ex.Message);
            }
        }
        var facts = new BootFacts
        {
            OsType = image.OsType,
            ProvisioningState = "Failed",
            ErrorCode = ownTimeout ? null : result.ErrorCode,
            ErrorMessage = result.ErrorMessage,
            AgentStatus = result.AgentStatus,
            AgentVersion = result.AgentVersion,
            PowerState = "running",
            DeployedGeneralized = spec.WithOsProfile,
            ImageOsState = image.OsState,
            SerialLog = log,
        };
        var match = BootSignatureCatalog.Match(facts);
        if (match == null || (ownTimeout && !match.FromSerialLog))
        {
            return;
        }

        if (match.Signature.Id == BootSignatureCatalog.Unrecognized && result.DiagnosisId != null)
        {
            return;
        }

        result.DiagnosisId = match.Signature.Id;
        result.DiagnosisTitle = match.Signature.Title;
        var explanation = match.Signature.Id == BootSignatureCatalog.Unrecognized
            ? result.Explanation ?? match.Signature.Explanation
            : $"{match.Signature.Explanation} {match.Signature.Fix}";
        result.Explanation = ownTimeout ? $"{result.Explanation} The serial log shows why ({match.Signature.Id}): {explanation}" : explanation;
        foreach (var line in match.Lines)
        {
            result.MatchedLogLines.Add(line);
            result.SupportingLogLines.Add(line.Text);
        }
        _log.Verbose($"Diagnosis of '{spec.Name}': {match.Signature.Id} {match.Signature.Title} ({string.Join(" ", match.Reasons)})");
    }

    private async Task CleanupAsync(ValidationVmSpec spec, ValidationResult result, DeploymentValidationOptions options)
    {
        var created = new List<string> { spec.VmId, spec.OsDiskId };
        if (spec.NicId != null)
        {
            created.Add(spec.NicId);
        }

        foreach (var id in created.Where(id => !result.ResourcesCreated.Contains(id)))
        {
            result.ResourcesCreated.Add(id);
        }

        if (options.KeepVm)
        {
            result.Kept = true;
            foreach (var id in created)
            {
                result.ResourcesLeftBehind.Add(id);
            }

            _log.Warning($"-KeepVm: the validation VM was kept for troubleshooting. Delete it when done: {string.Join(", ", created)}.");
            return;
        }

        // Clean-up does not use the caller's token: Ctrl+C must not leave a VM behind.
        using var cts = new CancellationTokenSource(options.CleanupTimeout);
        var token = cts.Token;
        var remaining = new List<string>(created);
        try
        {
            await DeleteVmWithRetryAsync(spec.VmId, token).ConfigureAwait(false);
            remaining.Remove(spec.VmId);
            result.ResourcesRemoved.Add(spec.VmId);
            _log.Verbose($"Deleted the validation VM '{spec.VmId}'.");

            foreach (var id in created.Skip(1))
            {
                // One read when the VM's delete took the resource with it; after our own delete, one more to prove it gone.
                if (await _ops.ResourceExistsAsync(id, token).ConfigureAwait(false))
                {
                    await _ops.DeleteResourceAsync(id, token).ConfigureAwait(false);
                    _log.Verbose($"Deleted '{id}'.");
                    if (await _ops.ResourceExistsAsync(id, token).ConfigureAwait(false))
                    {
                        throw new GenImageException(ValidationErrorIds.CleanupFailed, GenImageErrorKind.InvalidOperation, $"'{id}' still exists after it was deleted.");
                    }
                }

                remaining.Remove(id);
                result.ResourcesRemoved.Add(id);
            }
        }
        catch (Exception ex) when (ex is GenImageException || ex is OperationCanceledException)
        {
            result.CleanupError = ex is OperationCanceledException
                ? $"clean-up did not finish within {options.CleanupTimeout.TotalMinutes:0.#} minutes"
                : ex.Message;
            foreach (var id in remaining)
            {
                result.ResourcesLeftBehind.Add(id);
            }

            _log.Warning($"Clean-up of the validation VM failed ({result.CleanupError}). These resources were left behind and must be deleted by hand: {string.Join(", ", remaining)}.");
        }
    }

    private async Task DeleteVmWithRetryAsync(string vmId, CancellationToken token)
    {
        while (true)
        {
            try
            {
                await _ops.DeleteVmAsync(vmId, token).ConfigureAwait(false);
                return;
            }
            catch (GenImageException ex) when (ex.HttpStatus == 409 || string.Equals(ex.ArmErrorCode, "Conflict", StringComparison.OrdinalIgnoreCase)
                                               || string.Equals(ex.ArmErrorCode, "OperationNotAllowed", StringComparison.OrdinalIgnoreCase))
            {
                // The VM is still being created or changed; ARM accepts the delete once that ends.
                _log.Verbose($"The delete of '{vmId}' has to wait: {ex.ArmErrorCode}. Retrying.");
                await Task.Delay(_ops.PollingInterval, token).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>Stable error ids and codes of the deployment validation.</summary>
public static class ValidationErrorIds
{
    public const string SubnetRequired = "SubnetRequired";
    public const string ImageNotInRegion = "ImageNotInRegion";
    public const string ProvisioningTimeout = "ProvisioningTimeout";
    public const string ProbeFailed = "ProbeFailed";
    public const string CleanupFailed = "CleanupFailed";
    public const string ValidationFailed = "ValidationFailed";
}
