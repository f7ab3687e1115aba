using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Connection;
using GenImage.Core.Vm;

namespace GenImage.Core.Recipes
{
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
                step.Description = "Skip generalization: the definition is Specialized";
            else if (plan.SourceVm != null && plan.SourceVm.IsGeneralized)
                step.Description = "Nothing to do: the VM is already generalized";
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

        public override async Task<StepOutcome> ExecuteAsync(RunContext run, CancellationToken cancellationToken)
        {
            var spec = run.Spec;
            if (spec.Definition.IsSpecialized)
            {
                return StepOutcome.Skipped("The definition is Specialized: the source keeps its identity and is not generalized.");
            }
            var generalizer = new Generalizer(run.Engines.Vms, run.Log);
            var options = Options(spec, run.Journal);
            int attempt = run.Step(Name).Attempts;
            // Each finished sub-step is journaled at once: a run killed after Sysprep shut the guest down proves on
            // -Resume that this run prepared the (now stopped) guest.
            options.StepDone = s => run.Record(new JournalEvent
            {
                Type = JournalEventTypes.StepProgress, Step = Name, Attempt = attempt,
                CorrelationId = CallScope.Current?.CorrelationId, GeneralizeSteps = new List<StepRecord> { s },
            });
            var plan = await generalizer.PlanAsync(run.Plan.SourceVmId, options, cancellationToken).ConfigureAwait(false);
            if (plan.AlreadyGeneralized)
            {
                return StepOutcome.Succeeded($"VM {plan.Vm.Name} is already generalized; nothing was done.");
            }
            foreach (var warning in plan.Warnings) run.Log.Warning(warning);
            var result = await generalizer.ExecuteAsync(plan, options, cancellationToken).ConfigureAwait(false);
            var outcome = new StepOutcome
            {
                Message = $"VM {result.Name}: {result.Status} ({result.PowerStateBefore} -> {result.PowerStateAfter}, OS state {result.OsStateAfter})" +
                    (result.Prepared ? ", guest prepared" : spec.Source.AssumePrepared ? $", guest assumed prepared (approved by {spec.Source.Approver}: {spec.Source.Justification})" : string.Empty) + ".",
                GeneralizeSteps = result.Steps.ToList(),
            };
            outcome.Outputs["generalized"] = "true";
            return outcome;
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
}
