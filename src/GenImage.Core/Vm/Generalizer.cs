using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Guest;
using GenImage.Core.Logging;
using GenImage.Core.Operations;

namespace GenImage.Core.Vm;

/// <summary>Options of one generalize run.</summary>
public sealed class GeneralizeOptions
{
    /// <summary>Prepare the guest (Sysprep / waagent deprovision) through Run Command first.</summary>
    public bool Prepare { get; set; }
    /// <summary>Limit for the whole run.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(1);
    /// <summary>The parameter a timeout error names.</summary>
    public string TimeoutParameterName { get; set; } = "-TimeoutSec";
    /// <summary>
    /// The operator asserts that the guest of a stopped VM was prepared (-AssumePrepared, or a recipe's
    /// prepare: assumed with an approver); without it or <see cref="PreparedProof"/> a stopped VM is refused.
    /// </summary>
    public bool AssumePrepared { get; set; }
    /// <summary>Who asserted it and why, for the warning and the record (a recipe's approver and justification).</summary>
    public string? AssumedBy { get; set; }
    /// <summary>Proof that GenImage itself prepared the guest (an earlier attempt of the same run), in words; null when there is none.</summary>
    public string? PreparedProof { get; set; }
    /// <summary>The switch or recipe key that asserts preparation, named by the refusal.</summary>
    public string AssumeParameterName { get; set; } = "-AssumePrepared";
    /// <summary>How long a guest may take to shut down by itself after a preparation Run Command whose answer was lost to a transient error.</summary>
    public TimeSpan PreparationGrace { get; set; } = TimeSpan.FromMinutes(20);
    /// <summary>
    /// Read the VM after generalize to show OSState/generalized as Azure reports it (the Verify OSState step; default).
    /// Off, ARM's synchronous 200 to generalize is taken as the answer and nothing is read back (a recipe run: its
    /// publish names the VM as the source, which Azure refuses unless it is generalized).
    /// </summary>
    public bool ReadBackOsState { get; set; } = true;
    /// <summary>Called after each step of the plan succeeded (a journal records it), on the engine's thread.</summary>
    public Action<StepRecord>? StepDone { get; set; }
}

/// <summary>What a generalize run will do to one VM, worked out before anything is written.</summary>
public sealed class GeneralizePlan
{
    internal GeneralizePlan(SourceVm vm, IReadOnlyList<string> steps, bool alreadyGeneralized, IReadOnlyList<string> warnings)
    {
        Vm = vm;
        Steps = steps;
        AlreadyGeneralized = alreadyGeneralized;
        Warnings = warnings;
    }

    public SourceVm Vm { get; }
    /// <summary>Step names in order; empty when the VM is already generalized.</summary>
    public IReadOnlyList<string> Steps { get; }
    public bool AlreadyGeneralized { get; }
    /// <summary>Things the operator must know before confirming.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>One line for ShouldProcess and -WhatIf.</summary>
    public string Describe() => AlreadyGeneralized
        ? "Nothing to do: the VM is already generalized"
        : "Generalize the VM (irreversible): " + string.Join(" -> ", Steps);
}

/// <summary>
/// Takes a VM to the generalized state: optional guest preparation through Run Command, wait for the
/// guest to shut down, deallocate, generalize, verify OSState/generalized.
/// </summary>
public sealed class Generalizer
{
    private static readonly string[] StoppedOrDeallocated = ["stopped", "deallocated"];

    public const string StepPrepare = "Prepare guest";
    public const string StepWaitForShutdown = "Wait for guest shutdown";
    public const string StepDeallocate = "Deallocate";
    public const string StepGeneralize = "Generalize";
    public const string StepVerify = "Verify OSState";

    private readonly IVmOperations _vms;
    private readonly IGenImageLog _log;

    public Generalizer(IVmOperations vms, IGenImageLog log)
    {
        _vms = vms ?? throw new ArgumentNullException(nameof(vms));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>Reads the VM and works out the plan. Sends no write. Throws when the VM cannot be generalized as asked.</summary>
    public async Task<GeneralizePlan> PlanAsync(string vmId, GeneralizeOptions options, CancellationToken cancellationToken)
    {
        var vm = await _vms.GetAsync(vmId, cancellationToken).ConfigureAwait(false);
        return Plan(vm, options);
    }

    /// <summary>The plan for a VM in a known state.</summary>
    public static GeneralizePlan Plan(SourceVm vm, GeneralizeOptions options)
    {
        var warnings = new List<string>();
        if (vm.IsGeneralized)
        {
            return new GeneralizePlan(vm, Array.Empty<string>(), true, warnings);
        }

        var steps = new List<string>();
        switch (vm.PowerState.ToLowerInvariant())
        {
            case "running" when options.PreparedProof != null:
                // The guest was prepared (an earlier attempt's Run Command finished after it was interrupted) and is
                // shutting down: preparing it again would run Sysprep on a sealed guest. Wait for the shutdown.
                steps.Add(StepWaitForShutdown);
                steps.Add(StepDeallocate);
                break;
            case "running":
                if (!options.Prepare)
                {
                    throw new GenImageException(ErrorIds.VmNotPrepared, GenImageErrorKind.InvalidOperation,
                        $"VM '{vm.Name}' is running: its guest has not been shut down by Sysprep (Windows) or waagent deprovisioning (Linux). " +
                        "Generalizing it now would capture an image whose VMs fail with OSProvisioningTimedOut. " +
                        "Run again with -Prepare to have GenImage prepare the guest through Run Command, " +
                        "or prepare the guest yourself and let it shut down.")
                    { Target = vm.Id };
                }
                EnsureSupportedOs(vm);
                steps.Add(StepPrepare);
                steps.Add(StepWaitForShutdown);
                steps.Add(StepDeallocate);
                break;
            case "stopped":
            case "deallocated":
                if (options.PreparedProof != null)
                {
                    // GenImage prepared this guest itself in an earlier attempt: it shut down as preparation ends.
                }
                else if (!options.AssumePrepared)
                {
                    // The top cause of OSProvisioningTimedOut: a VM stopped without Sysprep/deprovisioning, generalized anyway.
                    throw new GenImageException(ErrorIds.PreparationUnproven, GenImageErrorKind.InvalidOperation,
                        $"VM '{vm.Name}' is already {vm.PowerState}, and nothing shows that its guest was prepared (Sysprep on Windows, waagent deprovisioning on Linux) " +
                        "before it stopped. Generalizing an unprepared guest captures an image whose VMs fail with OSProvisioningTimedOut, and it cannot be undone. " +
                        $"Start the VM and generalize it with -Prepare (GenImage prepares the guest itself), or, if you know the guest was prepared, say so with {options.AssumeParameterName}. " +
                        (options.Prepare ? "-Prepare cannot apply to a stopped VM: a guest that Sysprep shut down must not boot again, so GenImage does not start it." : string.Empty))
                    { Target = vm.Id };
                }
                else
                {
                    warnings.Add(
                        $"VM '{vm.Name}' is {vm.PowerState}; its guest is assumed to be prepared ({options.AssumeParameterName}{(options.AssumedBy == null ? string.Empty : ": " + options.AssumedBy)}). " +
                        "GenImage cannot see from outside whether Sysprep or deprovisioning ran; if it did not, VMs created from this image will fail with OSProvisioningTimedOut.");
                }
                if (string.Equals(vm.PowerState, "stopped", StringComparison.OrdinalIgnoreCase))
                {
                    steps.Add(StepDeallocate);
                }

                break;
            default:
                throw new GenImageException("VmBusy", GenImageErrorKind.InvalidOperation,
                    $"VM '{vm.Name}' is {vm.PowerState}. Wait until it is running, stopped or deallocated, then run again.")
                { Target = vm.Id };
        }
        steps.Add(StepGeneralize);
        if (options.ReadBackOsState)
        {
            steps.Add(StepVerify);
        }

        return new GeneralizePlan(vm, steps, false, warnings);
    }

    private static void EnsureSupportedOs(SourceVm vm)
    {
        if (!string.Equals(vm.OsType, "Windows", StringComparison.OrdinalIgnoreCase) &&
            !string.Equals(vm.OsType, "Linux", StringComparison.OrdinalIgnoreCase))
        {
            throw new GenImageException(ErrorIds.UnsupportedOsType, GenImageErrorKind.InvalidArgument,
                $"VM '{vm.Name}' reports OS type '{vm.OsType ?? "none"}'; GenImage prepares Windows and Linux guests only.")
            { Target = vm.Id };
        }
    }

    /// <summary>Carries out a plan. Writes; call only after the operator confirmed.</summary>
    public async Task<GeneralizeResult> ExecuteAsync(GeneralizePlan plan, GeneralizeOptions options, CancellationToken cancellationToken)
    {
        var vm = plan.Vm;
        var watch = Stopwatch.StartNew();
        var result = new GeneralizeResult
        {
            Id = vm.Id,
            Name = vm.Name,
            ResourceGroupName = vm.ResourceGroupName,
            SubscriptionId = vm.SubscriptionId,
            Location = vm.Location,
            OsType = vm.OsType,
            HyperVGeneration = vm.HyperVGeneration,
            SecurityType = vm.SecurityType,
            PowerStateBefore = vm.PowerState,
            PowerStateAfter = vm.PowerState,
            OsStateAfter = vm.OsState,
            CorrelationId = CallScope.Current?.CorrelationId,
        };

        if (plan.AlreadyGeneralized)
        {
            _log.Warning($"VM '{vm.Name}' is already generalized; nothing was changed. A generalized VM cannot be started or generalized again: publish it, or build a new source VM.");
            result.Status = "AlreadyGeneralized";
            result.Duration = watch.Elapsed;
            return result;
        }

        using var deadline = new Deadline(options.Timeout, options.TimeoutParameterName, cancellationToken);
        var current = plan.Steps[0];
        try
        {
            for (var i = 0; i < plan.Steps.Count; i++)
            {
                current = plan.Steps[i];
                Report(vm, current, i, plan.Steps.Count);
                var stepWatch = Stopwatch.StartNew();
                var detail = await RunStepAsync(current, vm, result, options, deadline.Token).ConfigureAwait(false);
                var done = new StepRecord { Name = current, Status = "Succeeded", Detail = detail, Duration = stepWatch.Elapsed };
                result.Steps.Add(done);
                options.StepDone?.Invoke(done);
                _log.Verbose($"{vm.Name}: {current} succeeded{(detail == null ? string.Empty : ": " + detail)} ({stepWatch.ElapsedMilliseconds} ms)");
            }
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            var timeout = deadline.Check($"'{current}' on VM '{vm.Name}' (steps done: {Done(result)})", vm.Id)!;
            if (current == StepWaitForShutdown)
            {
                // The guest script reported success but the guest never powered off.
                throw new GenImageException(timeout.ErrorId, timeout.Kind, timeout.Message +
                    " The guest did not shut down after preparation: on Linux the deferred waagent deprovision may have failed " +
                    "(journalctl -t genimage-prepare); on Windows check C:\\Windows\\System32\\Sysprep\\Panther\\setuperr.log. " +
                    "The VM was not generalized.", timeout)
                { Target = vm.Id };
            }
            throw timeout;
        }
        catch (GenImageException ex) when (ex.Target == null || ex.Target == vm.Id)
        {
            ex.Target = vm.Id;
            throw new GenImageException(ex.ErrorId, ex.Kind, ex.Message + $" Steps done before the failure: {Done(result)}.", ex.InnerException ?? ex)
            {
                Target = vm.Id,
                ArmErrorCode = ex.ArmErrorCode,
                HttpStatus = ex.HttpStatus,
                RequestId = ex.RequestId,
                CorrelationId = ex.CorrelationId,
            };
        }
        finally
        {
            _log.Progress(new ProgressInfo(ProgressActivities.Generalize, "Generalizing " + vm.Name, "Done") { Completed = true });
        }

        result.Status = "Generalized";
        result.Duration = watch.Elapsed;
        return result;
    }

    private static string Done(GeneralizeResult result) =>
        result.Steps.Count == 0 ? "none" : string.Join(", ", System.Linq.Enumerable.Select(result.Steps, s => s.Name));

    private void Report(SourceVm vm, string step, int index, int count)
    {
        _log.Progress(new ProgressInfo(ProgressActivities.Generalize, "Generalizing " + vm.Name, $"{step} ({index + 1}/{count})")
        {
            PercentComplete = index * 100 / count,
            CurrentOperation = vm.Id,
        });
    }

    private async Task<string?> RunStepAsync(string step, SourceVm vm, GeneralizeResult result, GeneralizeOptions options, CancellationToken ct)
    {
        switch (step)
        {
            case StepPrepare:
                return await PrepareAsync(vm, result, options, ct).ConfigureAwait(false);
            case StepWaitForShutdown:
                var state = await WaitForPowerStateAsync(vm.Id, StoppedOrDeallocated, ct).ConfigureAwait(false);
                result.PowerStateAfter = state;
                return "guest shut down (PowerState/" + state + ")";
            case StepDeallocate:
                await _vms.DeallocateAsync(vm.Id, ct).ConfigureAwait(false);
                result.PowerStateAfter = "deallocated";
                return null;
            case StepGeneralize:
                await _vms.GeneralizeAsync(vm.Id, ct).ConfigureAwait(false);
                if (!options.ReadBackOsState)
                {
                    // Generalize is synchronous: its 200 says the OS state is generalized now.
                    result.OsStateAfter = "generalized";
                }

                return null;
            case StepVerify:
                var after = await _vms.GetAsync(vm.Id, ct).ConfigureAwait(false);
                result.PowerStateAfter = after.PowerState;
                result.OsStateAfter = after.OsState;
                if (!after.IsGeneralized)
                {
                    throw new GenImageException(ErrorIds.GeneralizeNotVerified, GenImageErrorKind.InvalidData,
                        $"ARM accepted the generalize call, but the instance view of VM '{vm.Name}' does not show OSState/generalized. " +
                        "Check the VM's instance view before publishing it.")
                    { Target = vm.Id };
                }
                return "OSState/generalized";
            default:
                throw new InvalidOperationException("Unknown step " + step);
        }
    }

    private async Task<string> PrepareAsync(SourceVm vm, GeneralizeResult result, GeneralizeOptions options, CancellationToken ct)
    {
        var script = GuestScripts.ForPreparation(vm.OsType!);
        _log.Verbose($"{vm.Name}: running {script.FileName} through Run Command ({script.CommandId}).");
        RunCommandOutput output;
        try
        {
            output = await _vms.RunCommandAsync(vm.Id, script.CommandId, script.Lines, ct).ConfigureAwait(false);
        }
        catch (GenImageException ex) when (ArmErrors.IsTransient(ex))
        {
            // The answer was lost, not necessarily the work: the preparation scripts shut the guest down only after
            // they succeeded, so a guest that shuts down by itself now was prepared.
            _log.Warning($"The preparation Run Command on '{vm.Name}' ended with a transient error ({ex.ArmErrorCode ?? ex.ErrorId}); " +
                $"waiting up to {options.PreparationGrace.TotalMinutes:0} minutes for the guest to shut down, which the preparation script does only after it succeeded.");
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(ct);
            grace.CancelAfter(options.PreparationGrace);
            string state;
            try
            {
                state = await WaitForPowerStateAsync(vm.Id, StoppedOrDeallocated, grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new GenImageException(ex.ErrorId, ex.Kind, ex.Message + $" The guest did not shut down within {options.PreparationGrace.TotalMinutes:0} minutes, so it was not prepared; run again.", ex)
                { Target = vm.Id, ArmErrorCode = ex.ArmErrorCode, HttpStatus = ex.HttpStatus, RequestId = ex.RequestId, CorrelationId = ex.CorrelationId };
            }
            result.Prepared = true;
            result.PowerStateAfter = state;
            result.PreparationMessage = $"The guest shut down after {script.FileName} ran (its Run Command answer was lost: {ex.ArmErrorCode ?? ex.ErrorId}).";
            return result.PreparationMessage;
        }
        if (!GuestScriptResult.TryParse(output.StdOut, out var parsed, out var error) || parsed == null)
        {
            throw new GenImageException(ErrorIds.GuestPreparationFailed, GenImageErrorKind.InvalidData,
                $"The preparation script {script.FileName} on VM '{vm.Name}' did not report a result ({error}). " +
                $"Standard error: {Tail(output.StdErr)}. The guest may be half-prepared: check it before retrying.")
            { Target = vm.Id };
        }
        result.PreparationMessage = parsed.Message;
        if (!parsed.Succeeded)
        {
            throw new GenImageException(ErrorIds.GuestPreparationFailed, GenImageErrorKind.InvalidOperation,
                $"Preparing the guest of VM '{vm.Name}' failed: {parsed.Message} The VM was left running and was not generalized; fix the guest and run again.")
            { Target = vm.Id };
        }
        result.Prepared = true;
        return parsed.Message;
    }

    private async Task<string> WaitForPowerStateAsync(string vmId, string[] wanted, CancellationToken ct)
    {
        while (true)
        {
            var vm = await _vms.GetAsync(vmId, ct).ConfigureAwait(false);
            foreach (var state in wanted)
            {
                if (string.Equals(vm.PowerState, state, StringComparison.OrdinalIgnoreCase))
                {
                    return state;
                }
            }
            await Task.Delay(_vms.PollingInterval, ct).ConfigureAwait(false);
        }
    }

    private static string Tail(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "(empty)";
        }

        text = text.Trim();
        return text.Length <= 400 ? text : "…" + text.Substring(text.Length - 400);
    }
}
