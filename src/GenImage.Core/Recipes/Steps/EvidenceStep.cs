using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Gallery;
using GenImage.Core.Validation;

namespace GenImage.Core.Recipes;

/// <summary>
/// Evidence: <see cref="EvidenceCollector"/> reads the version, the source, the Activity Log of the run's
/// correlation ids and the role assignments; <see cref="EvidenceBundleWriter"/> writes the bundle into the run folder.
/// Runs after a failed validation too.
/// </summary>
public sealed class EvidenceStep : RecipeStep
{
    /// <summary>The bundle's folder inside the run folder.</summary>
    public const string BundleFolder = "evidence";

    public override string Name => RecipeSteps.Evidence;
    public override int Order => 700;

    public override RecipePlanStep Describe(RecipePlan plan) => new RecipePlanStep
    {
        Name = Name,
        Target = plan.VersionId,
        Description = plan.Recipe.Spec.Evidence.Store is { Length: > 0 } store
            ? $"Write the evidence bundle and upload it, write-once, under {store}/{plan.Recipe.Name}"
            : $"Write the evidence bundle under {Path.Combine(plan.Recipe.Spec.Evidence.OutputPath, plan.Recipe.Name)}",
    };

    public override IDictionary<string, string> Inputs(RecipePlan plan) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["outputPath"] = plan.Recipe.Spec.Evidence.Store is { Length: > 0 } store ? store : plan.Recipe.Spec.Evidence.OutputPath,
        ["activityLogWindowHours"] = plan.Recipe.Spec.Evidence.ActivityLogWindowHours.ToString(CultureInfo.InvariantCulture),
    };

    public override IEnumerable<Authorization.PermissionNeed> Permissions(RecipePlan plan)
    {
        var subscription = plan.DefinitionId.Substring(0, plan.DefinitionId.IndexOf("/resourceGroups/", StringComparison.OrdinalIgnoreCase));
        var group = plan.DefinitionId.Substring(0, plan.DefinitionId.IndexOf("/providers/", StringComparison.OrdinalIgnoreCase));
        // Without them the bundle records a gap; the run does not fail.
        yield return Need("Microsoft.Insights/eventtypes/values/read", subscription, "read the Activity Log for the evidence", required: false);
        yield return Need("Microsoft.Authorization/roleAssignments/read", group, "record who may publish, in the evidence", required: false);
    }

    public override async Task<StepOutcome> ExecuteAsync(RunContext run, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        var spec = run.Spec;
        var published = run.Succeeded(RecipeSteps.Publish);
        if (published && run.Run.Validation.Count > 0)
        {
            // Kept on the version too, where Get-ImageEvidence -VersionId and Get-VmBootDiagnosis find it without this journal.
            try
            {
                run.Facts.Version = await RecordValidationsAsync(run.Engines.Galleries, plan.VersionId, run.Facts.Version, run.Run.Validation.ToList(), cancellationToken).ConfigureAwait(false);
            }
            catch (GenImageException ex)
            {
                run.Log.Warning($"The validation outcomes could not be recorded on {plan.VersionName}'s tags ({ex.ArmErrorCode ?? ex.ErrorId}): {ex.Message} They stay in this run's journal and evidence.");
            }
        }
        var request = new EvidenceRequest
        {
            VersionId = published ? plan.VersionId : null,
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
            // Known to the run, not read again: the definition as read or created, the source as its generalize left it.
            KnownDefinition = run.Facts.Definition,
            KnownSourceVm = run.Facts.SourceVm,
        };
        var evidence = await new EvidenceCollector(run.Engines.Evidence, run.Log).CollectAsync(request, cancellationToken).ConfigureAwait(false);
        var folder = Path.Combine(run.Journal.Folder, BundleFolder);
        EvidenceBundleWriter.Write(evidence, folder, new EvidenceAttachments { RecipeText = run.Recipe.Content, JournalText = run.Journal.ReadText() });
        // A blob store uploads it write-once; a bundle an earlier attempt of this run uploaded whole is kept as it is.
        var kept = run.Journal.Store.PublishEvidence(run.Journal.RecipeName, run.Journal.StoredRunId, folder);
        if (kept.AlreadyThere)
        {
            run.Log.Warning($"The evidence bundle of run {run.Run.RunId} is already at {kept.Location} (an earlier attempt uploaded it): it is kept, not overwritten.");
        }
        var outcome = StepOutcome.Succeeded(kept.AlreadyThere
            ? $"Evidence bundle kept at {kept.Location} (uploaded by an earlier attempt; never overwritten)."
            : $"Evidence bundle written to {kept.Location} ({evidence.Gaps.Count} gap(s)).");
        outcome.Outputs["evidencePath"] = kept.Location;
        return outcome;
    }

    /// <summary>
    /// Records the run's validation outcomes on the version's tags (genimage.validation.REGION) in one update. The tags
    /// are replaced whole, so they are merged into the tags as Azure last answered them to this run (its publish or
    /// promotion, <paramref name="known"/>), or as read now when the run holds none (a resumed run). Returns the version
    /// as the update answered.
    /// </summary>
    private static async Task<GalleryImageVersion> RecordValidationsAsync(IGalleryOperations galleries, string versionId, GalleryImageVersion? known,
        IReadOnlyList<ValidationRecord> records, CancellationToken cancellationToken)
    {
        var version = known ?? await galleries.GetVersionAsync(versionId, false, cancellationToken).ConfigureAwait(false)
            ?? throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound, $"The image version '{versionId}' was not found.") { Target = versionId };
        var tags = version.Tags;
        foreach (var record in records)
        {
            if (ValidationTags.For(record) is not { } tag)
            {
                continue;
            }

            tags = ValidationTags.Merge(tags, tag, out var refused)
                ?? throw new GenImageException(ErrorIds.ArmRequestFailed, GenImageErrorKind.LimitsExceeded, $"The validation outcomes were not recorded on '{versionId}': {refused}.") { Target = versionId };
        }
        return await galleries.UpdateVersionAsync(versionId, new VersionUpdateRequest { Tags = tags }, cancellationToken).ConfigureAwait(false);
    }
}
