using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Connection;
using GenImage.Core.Guest;
using GenImage.Core.Vm;

namespace GenImage.Core.Recipes;

/// <summary>
/// Generalize: <see cref="Generalizer"/> over the VM operations — prepare the guest (Sysprep / deprovision), wait for
/// it to shut down, deallocate, generalize, verify. Irreversible. Skipped for a Specialized definition; nothing to
/// do for a VM already generalized. Each finished sub-step is journaled at once (stepProgress).
/// </summary>
public sealed class GeneralizeStep : RecipeStep
{
    public override string Name => RecipeSteps.Generalize;
    public override int Order => 200;

    public override RecipePlanStep Describe(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        var step = new RecipePlanStep { Name = Name, Target = plan.SourceVmId };
        if (spec.Definition.IsSpecialized)
        {
            step.Description = "Skip generalization: the definition is Specialized";
        }
        else if (plan.SourceVm != null && plan.SourceVm.IsGeneralized)
        {
            step.Description = "Nothing to do: the VM is already generalized";
        }
        else
        {
            step.Description = "Generalize the VM (irreversible)" +
                (spec.Source.Prepare ? ": prepare the guest (Sysprep / deprovision), deallocate, generalize"
                    : spec.Source.AssumePrepared ? $": deallocate, generalize (guest assumed prepared, approved by {spec.Source.Approver})"
                    : ": deallocate, generalize");
            step.Irreversible = true;
        }
        return step;
    }

    public override IDictionary<string, string> Inputs(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sourceVmId"] = plan.SourceVmId,
            ["prepare"] = spec.Source.AssumePrepared ? "assumed" : spec.Source.Prepare ? "true" : "false",
        };
    }

    public override IEnumerable<Authorization.PermissionNeed> Permissions(RecipePlan plan)
    {
        var spec = plan.Recipe.Spec;
        if (spec.Definition.IsSpecialized || plan.SourceVm?.IsGeneralized == true)
        {
            yield break;
        }

        if (spec.Source.Prepare && plan.SourceVm?.PowerState == "running")
        {
            yield return Need("Microsoft.Compute/virtualMachines/runCommand/action", plan.SourceVmId, "prepare the guest (Sysprep / deprovision)");
        }

        yield return Need("Microsoft.Compute/virtualMachines/deallocate/action", plan.SourceVmId, "deallocate the source VM");
        yield return Need("Microsoft.Compute/virtualMachines/generalize/action", plan.SourceVmId, "generalize the source VM");
    }

    public override async Task<StepOutcome> ExecuteAsync(RunContext run, CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        if (spec.Definition.IsSpecialized)
        {
            return StepOutcome.Skipped("The definition is Specialized: the source keeps its identity and is not generalized.");
        }
        var generalizer = new Generalizer(run.Engines.Vms, run.Log);
        var options = Options(spec, run.Journal);
        var attempt = run.Step(Name).Attempts;
        // Each finished sub-step is journaled at once: a run killed after Sysprep shut the guest down proves on
        // -Resume that this run prepared the (now stopped) guest.
        options.StepDone = s => run.Record(new JournalEvent
        {
            Type = JournalEventTypes.StepProgress, Step = Name, Attempt = attempt,
            CorrelationId = CallScope.Current?.CorrelationId, GeneralizeSteps = new List<StepRecord> { s },
        });
        // The VM as the plan read it, when the guest answered readiness's Run Command since (so it was running after the
        // run was confirmed): the guest is prepared from it, and the read before the irreversible deallocate (Wait for
        // shutdown) follows. Otherwise (no inspection, a VM not running: it would go straight to deallocate) it is read now.
        var known = run.Facts.GuestAnswered ? run.Facts.SourceVm : null;
        var plan = known != null ? Generalizer.Plan(known, options) : null;
        if (plan == null || !plan.Steps.Contains(Generalizer.StepWaitForShutdown))
        {
            plan = await generalizer.PlanAsync(run.Plan.SourceVmId, options, cancellationToken).ConfigureAwait(false);
        }

        if (plan.AlreadyGeneralized)
        {
            run.Facts.SourceVm = plan.Vm;
            return StepOutcome.Succeeded($"VM {plan.Vm.Name} is already generalized; nothing was done.");
        }
        foreach (var warning in plan.Warnings)
        {
            run.Log.Warning(warning);
        }

        var result = await generalizer.ExecuteAsync(plan, options, cancellationToken).ConfigureAwait(false);
        // What the publish pre-flight and the evidence know of the source: the VM as generalize left it.
        run.Facts.SourceVm = After(plan.Vm, result);
        var outcome = new StepOutcome
        {
            Message = $"VM {result.Name}: {result.Status} ({result.PowerStateBefore} -> {result.PowerStateAfter}, OS state {result.OsStateAfter})" +
                (result.Prepared ? ", guest prepared" : spec.Source.AssumePrepared ? $", guest assumed prepared (approved by {spec.Source.Approver}: {spec.Source.Justification})" : string.Empty) + ".",
            GeneralizeSteps = result.Steps.ToList(),
        };
        outcome.Outputs["generalized"] = "true";
        return outcome;
    }

    /// <summary>The VM read before generalizing, in the power and OS state generalize left it.</summary>
    private static SourceVm After(SourceVm vm, GeneralizeResult result)
    {
        var after = new SourceVm
        {
            Id = vm.Id, Name = vm.Name, ResourceGroupName = vm.ResourceGroupName, SubscriptionId = vm.SubscriptionId, Location = vm.Location,
            VmSize = vm.VmSize, OsType = vm.OsType, OsName = vm.OsName, HyperVGeneration = vm.HyperVGeneration, SecurityType = vm.SecurityType,
            PowerState = result.PowerStateAfter, OsState = result.OsStateAfter, ProvisioningState = vm.ProvisioningState,
            AgentStatus = vm.AgentStatus, AgentVersion = vm.AgentVersion, OsDiskId = vm.OsDiskId, OsDiskSizeGB = vm.OsDiskSizeGB,
            OsDiskStorageAccountType = vm.OsDiskStorageAccountType, PurchasePlan = vm.PurchasePlan,
        };
        foreach (var tag in vm.Tags)
        {
            after.Tags[tag.Key] = tag.Value;
        }

        return after;
    }

    /// <summary>
    /// A preparation Run Command of an interrupted attempt that finished meanwhile and reported success proves the
    /// guest was prepared: it is journaled as the Prepare guest sub-step, so the step waits for the shutdown instead
    /// of preparing the guest again. A VM caught between power states is waited for.
    /// </summary>
    public override async Task<IReadOnlyList<string>> ReconcileAsync(RunContext run, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        if (run.Spec.Definition.IsSpecialized || run.Succeeded(Name))
        {
            return notes;
        }

        string? power = null;
        try
        {
            power = (await run.Engines.Vms.GetAsync(run.Plan.SourceVmId, cancellationToken).ConfigureAwait(false)).PowerState;
        }
        catch (Errors.GenImageException ex) when (ex.ErrorId == Errors.ErrorIds.ResourceNotFound)
        {
        }
        if (PreparedProof(run.Journal) == null && FinishedPreparation(run.Operations(Name).Select(o => o.Ended), power) is { } finished)
        {
            run.Record(new JournalEvent
            {
                Type = JournalEventTypes.StepProgress, Step = Name, Attempt = run.Step(Name).Attempts,
                GeneralizeSteps = new List<StepRecord> { new StepRecord { Name = Generalizer.StepPrepare, Status = "Succeeded", Detail = finished + " (finished after the attempt was interrupted)" } },
            });
            notes.Add("the guest preparation of the interrupted attempt finished: it is not repeated");
        }
        var limit = TimeSpan.FromMinutes(run.Spec.Source.TimeoutMinutes);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var waiting = false;
        while (watch.Elapsed < limit)
        {
            SourceVm vm;
            try
            {
                vm = await run.Engines.Vms.GetAsync(run.Plan.SourceVmId, cancellationToken).ConfigureAwait(false);
            }
            catch (Errors.GenImageException ex) when (ex.ErrorId == Errors.ErrorIds.ResourceNotFound)
            {
                break;
            }
            if (!IsTransitional(vm.PowerState))
            {
                break;
            }

            if (!waiting)
            {
                notes.Add($"waited for the source VM to leave {vm.PowerState}");
            }

            waiting = true;
            await Task.Delay(run.Engines.PollingInterval, cancellationToken).ConfigureAwait(false);
        }
        return notes;
    }

    private static bool IsTransitional(string powerState) =>
        powerState == "starting" || powerState == "stopping" || powerState == "deallocating";

    /// <summary>
    /// Proof in a preparation Run Command an interrupted attempt left: it ended Succeeded and reported success; or it
    /// ended with a transient error and the guest is now stopped — the preparation scripts shut the guest down only
    /// after they succeeded. Null when there is none.
    /// </summary>
    private static string? FinishedPreparation(IEnumerable<JournalOperation?> ended, string? powerState)
    {
        foreach (var op in ended)
        {
            if (op == null || !op.Path.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (string.Equals(op.Status, "Succeeded", StringComparison.OrdinalIgnoreCase) && op.Result != null &&
                GuestScriptResult.TryParse(op.Result, out var parsed, out _) && parsed != null && parsed.Succeeded && parsed.Script.StartsWith("prepare", StringComparison.Ordinal))
            {
                return parsed.Message;
            }

            var code = (op.Error ?? string.Empty).Split(':')[0].Trim();
            if (string.Equals(op.Status, "Failed", StringComparison.OrdinalIgnoreCase) && Errors.ArmErrors.IsTransientCode(code) &&
                (powerState == "stopped" || powerState == "deallocated"))
            {
                return $"the preparation Run Command ended with a transient error ({code}) and the guest shut down afterwards, which the preparation script does only after it succeeded";
            }
        }
        return null;
    }

    /// <summary>
    /// Proof for the plan, before the run reconciles: the journal's, or a preparation Run Command of an interrupted
    /// attempt that has finished in Azure meanwhile (read, not waited for).
    /// </summary>
    public static async Task<string?> PlanProofAsync(RunJournal journal, Operations.IOperationMonitor monitor, string? powerState, CancellationToken cancellationToken)
    {
        if (PreparedProof(journal) is { } proof)
        {
            return proof;
        }

        var ended = journal.Events.Where(e => e.Type == JournalEventTypes.OperationEnded && e.Operation != null).Select(e => e.Operation!).ToList();
        foreach (var ev in journal.Events.Where(e => e.Type == JournalEventTypes.OperationStarted && e.Step == RecipeSteps.Generalize && e.Operation != null))
        {
            var op = ev.Operation!;
            if (!op.Path.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var known = ended.LastOrDefault(x => x.SameAs(op));
            if (known == null)
            {
                var state = await monitor.GetAsync(op.ToAccepted(), cancellationToken).ConfigureAwait(false);
                known = new JournalOperation { Path = op.Path, Status = state.Status, Result = state.StdOut, Error = state.Error };
            }
            if (FinishedPreparation(new[] { known }, powerState) is { } message)
            {
                return $"run {journal.RunId}: the preparation Run Command finished ({message})";
            }
        }
        return null;
    }

    /// <summary>How the recipe generalizes: its preparation, limit and assertion, and proof from the run's journal.</summary>
    public static GeneralizeOptions Options(RecipeSpec spec, RunJournal? journal) => new GeneralizeOptions
    {
        Prepare = spec.Source.Prepare,
        Timeout = TimeSpan.FromMinutes(spec.Source.TimeoutMinutes),
        TimeoutParameterName = RecipeTimeoutKeys.Generalize,
        AssumePrepared = spec.Source.AssumePrepared,
        AssumedBy = spec.Source.AssumePrepared ? $"approved by {spec.Source.Approver}: {spec.Source.Justification}" : null,
        AssumeParameterName = "spec.source.prepare: assumed (with an approver and a justification)",
        // The publish that follows names the VM as its source, which Azure refuses unless it is generalized.
        ReadBackOsState = false,
        PreparedProof = journal == null ? null : PreparedProof(journal),
    };

    /// <summary>The guest was prepared by an earlier attempt of this run: its journal records Prepare guest succeeded.</summary>
    public static string? PreparedProof(RunJournal journal)
    {
        var ev = journal.Events.LastOrDefault(e => e.Step == RecipeSteps.Generalize && e.GeneralizeSteps != null &&
            e.GeneralizeSteps.Any(s => s.Name == Generalizer.StepPrepare && s.Status == "Succeeded"));
        return ev == null ? null : $"run {journal.RunId} prepared the guest at {ev.Time:u} (attempt {ev.Attempt})";
    }
}
