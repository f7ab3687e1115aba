using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Validation;

namespace GenImage.Core.Recipes;

/// <summary>
/// Validate: <see cref="DeploymentValidator"/> deploys a test VM from the version (never from latest) in each
/// validation region, waits for it and its agent, runs the probe, reads the serial log and removes what it made.
/// A failed boot or probe is the verdict that ends the run ValidationFailed.
/// </summary>
public sealed class ValidateStep : RecipeStep
{
    public override string Name => RecipeSteps.Validate;
    public override int Order => 500;

    public override RecipePlanStep Describe(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        return new RecipePlanStep
        {
            Name = Name,
            Target = plan.VersionId,
            Description = spec.Validation.Enabled
                ? $"Validate {plan.VersionName} by deploying a test VM ({spec.Validation.VmSize ?? "default size"}) in {string.Join(", ", Regions(spec))}"
                : "Skip validation: disabled in the recipe",
        };
    }

    public override IDictionary<string, string> Inputs(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["versionId"] = plan.VersionId,
            ["regions"] = string.Join(",", Regions(spec)),
        };
        if (spec.Validation.VmSize != null)
        {
            inputs["vmSize"] = spec.Validation.VmSize;
        }

        return inputs;
    }

    /// <summary>The regions to validate in: the recipe's, else the first target region.</summary>
    public static IList<string> Regions(RecipeSpec spec) =>
        spec.Validation.Regions.Count > 0 ? spec.Validation.Regions : spec.Publishing.TargetRegions.Take(1).Select(r => r.Name).ToList();

    public override IEnumerable<Authorization.PermissionNeed> Permissions(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        if (!spec.Validation.Enabled)
        {
            yield break;
        }

        var group = plan.DefinitionId.Substring(0, plan.DefinitionId.IndexOf("/providers/", StringComparison.OrdinalIgnoreCase));
        var vms = group + "/providers/Microsoft.Compute/virtualMachines/" + DeploymentValidator.NamePrefix + "*";
        yield return Need("Microsoft.Compute/virtualMachines/write", vms, "create the test VM");
        yield return Need("Microsoft.Compute/virtualMachines/read", vms, "wait for the test VM and its agent");
        yield return Need("Microsoft.Compute/virtualMachines/delete", vms, "delete the test VM");
        yield return Need("Microsoft.Compute/disks/delete", group + "/providers/Microsoft.Compute/disks/" + DeploymentValidator.NamePrefix + "*", "delete the test VM's OS disk");
        yield return Need("Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action", vms, "read the serial log", required: false);
        if (spec.Validation.ProbeScript != null)
        {
            yield return Need("Microsoft.Compute/virtualMachines/runCommand/action", vms, "run the probe");
        }

        if (spec.Validation.SubnetId != null)
        {
            var nics = group + "/providers/Microsoft.Network/networkInterfaces/" + DeploymentValidator.NamePrefix + "*";
            yield return Need("Microsoft.Network/networkInterfaces/write", nics, "create the test VM's NIC");
            yield return Need("Microsoft.Network/networkInterfaces/delete", nics, "delete the test VM's NIC");
            yield return Need("Microsoft.Network/virtualNetworks/subnets/join/action", spec.Validation.SubnetId, "attach the NIC to the subnet");
        }
    }

    public override async Task<StepOutcome> ExecuteAsync(RunContext run, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        var spec = run.Spec;
        if (!spec.Validation.Enabled)
        {
            return StepOutcome.Skipped("Validation is disabled in the recipe (spec.validation.enabled: false): the version was not test-deployed.");
        }
        string? probe = null;
        if (spec.Validation.ProbeScript != null)
        {
            try
            {
                probe = File.ReadAllText(spec.Validation.ProbeScript);
            }
            catch (Exception ex) when (IoErrors.IsIoFailure(ex))
            {
                throw IoErrors.Translate(ex, "read the probe script (spec.validation.probeScript)", spec.Validation.ProbeScript);
            }
        }

        var validator = new DeploymentValidator(run.Engines.Deployments, run.Log);
        // The version as this run's publish last read it (replication done) and the definition as the run read it;
        // a resumed run reads them.
        var image = run.Facts.Version is { } published && run.Facts.Definition is { } definition
            ? ValidationImage.FromVersion(published, definition)
            : await validator.GetImageAsync(plan.VersionId, cancellationToken).ConfigureAwait(false);
        var records = new List<ValidationRecord>();
        var unjudged = new List<string>();
        foreach (var region in Regions(spec))
        {
            var (result, verdict, reason, attempts) = await ValidateRegionAsync(run, validator, image, region, probe, cancellationToken).ConfigureAwait(false);
            var record = Record(image, result);
            if (verdict == ValidationVerdictKind.Transient || verdict == ValidationVerdictKind.NotJudged)
            {
                record.Status = "Inconclusive";
                record.Message = $"Not judged after {attempts} attempt(s): {reason}. " + record.Message;
                unjudged.Add($"{region}: {reason}" + (verdict == ValidationVerdictKind.Transient ? $" (transient, {attempts} attempt(s))" : string.Empty));
            }
            records.Add(record);
        }

        var outcome = new StepOutcome { Validation = records };
        if (unjudged.Count > 0)
        {
            // Azure failed, not the image: the run ends Failed and resumable, never ValidationFailed.
            outcome.Status = StepStatus.Failed;
            outcome.ErrorId = RecipeErrorIds.ValidationInconclusive;
            outcome.Message = $"Validation of {plan.VersionName} could not judge the image in {string.Join("; ", unjudged)}. " +
                "The version stays excluded from latest; continue with -Resume once Azure recovers (or the cause is fixed): the version is not published again.";
            return outcome;
        }
        var failed = records.Where(r => !r.Passed).ToList();
        if (failed.Count > 0 || records.Count == 0)
        {
            outcome.Status = StepStatus.Failed;
            outcome.FailedValidation = true;
            outcome.ErrorId = RecipeErrorIds.ValidationFailed;
            outcome.Message = records.Count == 0
                ? $"No validation result came back; {plan.VersionName} stays excluded from latest."
                : $"Validation failed in {string.Join(", ", failed.Select(f => $"{f.Region} ({f.Message})"))}; {plan.VersionName} stays excluded from latest and is not promoted.";
            return outcome;
        }
        outcome.Message = $"Test VM booted from {plan.VersionName} in {string.Join(", ", records.Select(r => r.Region))}.";
        return outcome;
    }

    /// <summary>
    /// One region: a deployment, tried again after a transient Azure failure up to spec.validation.retries times.
    /// Every attempt names its test VM, disk and NIC in the journal before it creates them.
    /// </summary>
    private async Task<(ValidationResult Result, ValidationVerdictKind Verdict, string Reason, int Attempts)> ValidateRegionAsync(
        RunContext run, DeploymentValidator validator, ValidationImage image, string region, string? probe, CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var budget = spec.Validation.Retries + 1;
        for (var attempt = 1; ; attempt++)
        {
            var options = new DeploymentValidationOptions
            {
                Region = region,
                ResourceGroupName = image.ResourceGroupName,
                SubscriptionId = run.Engines.SubscriptionId,
                SubnetId = spec.Validation.SubnetId,
                RequireSubnet = run.Engines.RequireSubnet,
                ProbeScript = probe,
                ProvisionTimeout = TimeSpan.FromMinutes(spec.Validation.TimeoutMinutes),
                TimeoutParameterName = RecipeTimeoutKeys.Validation,
                ShortId = ValidationCredentials.ShortId(),
                // The run records every region's outcome on the version at its Evidence step, in one update.
                RecordOnImage = false,
                // The whole serial log is streamed once, straight into the run's evidence bundle; memory keeps the excerpt.
                SerialLogPath = EvidenceBundleWriter.SerialLogPath(Path.Combine(run.Journal.Folder, EvidenceStep.BundleFolder), region),
            };
            if (spec.Validation.VmSize != null)
            {
                options.VmSize = spec.Validation.VmSize;
            }
            // Write-ahead: the test VM, its disk and NIC are named and journaled before the create, so a run killed
            // at any instant finds and deletes them on -Resume.
            var names = DeploymentValidator.BuildSpec(image, options);
            var intended = new List<JournalResource>
            {
                new JournalResource { Kind = "virtualMachine", Id = names.VmId, Purpose = "validation" },
                new JournalResource { Kind = "disk", Id = names.OsDiskId, Purpose = "validation" },
            };
            if (names.NicId != null)
            {
                intended.Add(new JournalResource { Kind = "networkInterface", Id = names.NicId, Purpose = "validation" });
            }

            run.Intend(Name, intended.ToArray());

            ValidationResult result;
            try
            {
                result = await validator.ValidateAsync(image, options, cancellationToken).ConfigureAwait(false);
            }
            catch (GenImageException ex) when (ValidationVerdicts.IsTransient(ex))
            {
                // Refused or dropped by Azure before there was anything to judge (the validator cleaned up).
                result = new ValidationResult
                {
                    ImageId = image.Id, Region = region, VmName = names.Name, VmId = names.VmId, VmSize = names.VmSize,
                    Outcome = DeploymentValidator.OutcomeFailed, ErrorCode = ex.ArmErrorCode ?? ex.ErrorId, ErrorMessage = ex.Message,
                };
            }
            if (result.ResourcesLeftBehind.Count > 0)
            {
                // The validator's clean-up failed (a transient error, a VM still changing): the run owns these, try once more.
                var left = await DeleteOwnedAsync(run.Engines.Deployments, result.ResourcesLeftBehind.Select(id => new JournalResource
                {
                    Id = id, Kind = id.Contains("/virtualMachines/", StringComparison.OrdinalIgnoreCase) ? "virtualMachine" : "resource", Purpose = "validation",
                }).ToList(), cancellationToken).ConfigureAwait(false);
                if (left.Deleted.Count > 0)
                {
                    run.Log.Warning($"The run deleted on a second attempt what the validation's clean-up could not: {string.Join(", ", left.Deleted)}; nothing needs deleting by hand.");
                }
                foreach (var id in left.Failed)
                {
                    run.Log.Warning($"The validation left {id} behind ({result.CleanupError}). -Resume of an unfinished run deletes it; otherwise delete it by hand.");
                }
            }

            var (verdict, reason) = ValidationVerdicts.Judge(result);
            if (verdict != ValidationVerdictKind.Transient || attempt >= budget)
            {
                return (result, verdict, reason, attempt);
            }

            var wait = TimeSpan.FromTicks(run.Engines.PollingInterval.Ticks * 6 * attempt);
            run.Log.Warning($"Validation in {region} met a transient Azure failure ({reason}); trying again ({attempt + 1} of {budget}) in {wait.TotalSeconds:0.#} s. The image was not judged.");
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The test VMs (and their disks and NICs) of interrupted attempts are the run's own and no longer needed: those
    /// that still exist are deleted, the VM first.
    /// </summary>
    public override async Task<IReadOnlyList<string>> ReconcileAsync(RunContext run, CancellationToken cancellationToken)
    {
        var owned = run.Intents(Name).Where(r => r.Purpose == "validation").ToList();
        var (deleted, failed) = await DeleteOwnedAsync(run.Engines.Deployments, owned, cancellationToken).ConfigureAwait(false);
        if (failed.Count > 0)
        {
            throw new GenImageException(ValidationErrorIds.CleanupFailed, GenImageErrorKind.InvalidOperation,
                $"The test resources an interrupted validation left could not be deleted: {string.Join(", ", failed)}. Delete them, or continue with -Resume to try again.")
            { Target = failed[0] };
        }
        return deleted.Select(id => $"deleted {id.Substring(id.LastIndexOf('/') + 1)}, which an interrupted validation left").ToList();
    }

    /// <summary>Deletes the test resources the run owns that still exist (VMs first); returns what it deleted and what it could not.</summary>
    private static async Task<(List<string> Deleted, List<string> Failed)> DeleteOwnedAsync(IDeploymentOperations ops, IList<JournalResource> owned, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        var failed = new List<string>();
        foreach (var resource in owned.OrderBy(r => r.Kind == "virtualMachine" ? 0 : 1))
        {
            try
            {
                if (resource.Kind == "virtualMachine")
                {
                    if (!(await ops.GetVmStatusAsync(resource.Id, cancellationToken).ConfigureAwait(false)).Exists)
                    {
                        continue;
                    }

                    await DeleteVmAsync(ops, resource.Id, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    if (!await ops.ResourceExistsAsync(resource.Id, cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }

                    await ops.DeleteResourceAsync(resource.Id, cancellationToken).ConfigureAwait(false);
                }
                deleted.Add(resource.Id);
            }
            catch (GenImageException)
            {
                failed.Add(resource.Id);
            }
        }
        return (deleted, failed);
    }

    /// <summary>Deletes a VM; a VM still being created or changed answers Conflict until that ends, so that is waited out.</summary>
    private static async Task DeleteVmAsync(IDeploymentOperations ops, string vmId, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await ops.DeleteVmAsync(vmId, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (GenImageException ex) when (ex.HttpStatus == 409 || string.Equals(ex.ArmErrorCode, "Conflict", StringComparison.OrdinalIgnoreCase))
            {
                await Task.Delay(ops.PollingInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A validation result as the run and the evidence record it.</summary>
    private static ValidationRecord Record(ValidationImage image, ValidationResult result)
    {
        var excerpt = result.SerialLogExcerpt.Count > 0 ? string.Join("\n", result.SerialLogExcerpt) : null;
        return new ValidationRecord
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
            SerialLogFile = result.SerialLogPath,
            SerialLogBytes = result.SerialLogPath != null ? result.SerialLogBytes : null,
            SerialLogSha256 = result.SerialLogSha256,
            Duration = result.Duration,
            RecordedAt = result.StartedAt + result.Duration,
            CorrelationId = result.CorrelationId,
            DiagnosisId = result.DiagnosisId,
            Source = "Run",
        };
    }

    private static string LastLine(string text)
    {
        var lines = text.Replace("\r", string.Empty).Split('\n').Where(l => l.Trim().Length > 0).ToList();
        return lines.Count == 0 ? string.Empty : lines[lines.Count - 1].Trim();
    }
}
