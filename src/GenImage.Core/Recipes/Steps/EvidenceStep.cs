using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Evidence;

namespace GenImage.Core.Recipes
{
    /// <summary>
    /// Evidence: <see cref="EvidenceCollector"/> reads the version, the source, the Activity Log of the run's
    /// correlation ids and the role assignments; <see cref="EvidenceBundleWriter"/> writes the bundle into the run folder.
    /// Runs after a failed validation too.
    /// </summary>
    public sealed class EvidenceStep : RecipeStep
    {
        public override string Name => RecipeSteps.Evidence;
        public override int Order => 700;

        public override RecipePlanStep Describe(RecipePlan plan) => new RecipePlanStep
        {
            Name = Name,
            Target = plan.VersionId,
            Description = $"Write the evidence bundle under {Path.Combine(plan.Recipe.Spec.Evidence.OutputPath, plan.Recipe.Name)}",
        };

        public override IDictionary<string, string> Inputs(RecipePlan plan) => new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["outputPath"] = plan.Recipe.Spec.Evidence.OutputPath,
            ["activityLogWindowHours"] = plan.Recipe.Spec.Evidence.ActivityLogWindowHours.ToString(CultureInfo.InvariantCulture),
        };

        public override async Task<StepOutcome> ExecuteAsync(RunContext run, CancellationToken cancellationToken)
        {
            var plan = run.Plan;
            var spec = run.Spec;
            var request = new EvidenceRequest
            {
                VersionId = run.Succeeded(RecipeSteps.Publish) ? plan.VersionId : null,
                SourceVmId = plan.SourceVmId,
                ActivityLogWindow = TimeSpan.FromHours(spec.Evidence.ActivityLogWindowHours),
                CorrelationIds = run.Run.Steps.Select(s => s.CorrelationId).Where(c => c != null).Select(c => c!).ToList(),
                Readiness = run.Findings.ToList(),
                Validation = run.Run.Validation.ToList(),
                ValidationExpected = spec.Validation.Enabled,
                Recipe = run.Recipe,
                RunId = run.Run.RunId,
                Steps = run.Run.Steps.ToList(),
                GeneralizeSteps = run.GeneralizeSteps.ToList(),
                GeneralizeCorrelationId = run.GeneralizeCorrelationId,
                CollectedBy = run.Engines.Principal,
            };
            var evidence = await new EvidenceCollector(run.Engines.Evidence, run.Log).CollectAsync(request, cancellationToken).ConfigureAwait(false);
            string folder = Path.Combine(run.Journal.Folder, "evidence");
            EvidenceBundleWriter.Write(evidence, folder, new EvidenceAttachments { RecipeText = run.Recipe.Content, JournalText = run.Journal.ReadText() });
            var outcome = StepOutcome.Succeeded($"Evidence bundle written to {folder} ({evidence.Gaps.Count} gap(s)).");
            outcome.Outputs["evidencePath"] = folder;
            return outcome;
        }
    }
}
