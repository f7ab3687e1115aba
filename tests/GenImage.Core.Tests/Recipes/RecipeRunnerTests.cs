using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Gallery;
using GenImage.Core.Recipes;
using GenImage.Core.Tests.Evidence;

namespace GenImage.Core.Tests.Recipes;

/// <summary>The journaled loop and the real steps, over a <see cref="FakeCloud"/> behind every operation interface.</summary>
public sealed class RecipeRunnerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-run-" + Guid.NewGuid().ToString("N"));
    private static readonly HashSet<string> All = new(RecipeRunner.StepNames);

    public RecipeRunnerTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private ImageRecipe Recipe(string extra = "", string validation = "    regions: [ westeurope ]\n", string cleanup = "", string version = "    increment: patch\n", string source = "")
    {
        var text = $"""
            apiVersion: genimage.dev/v1
            kind: ImageRecipe
            metadata: {"{"} name: ubuntu, owner: platform-team {"}"}
            spec:
              source:
                resourceGroup: rg-images
                vmName: vm-src
            {source}  gallery: {"{"} resourceGroup: rg-images, name: gal_images {"}"}
              definition:
                name: ubuntu
                osType: Linux
                identifier: {"{"} publisher: Contoso, offer: Ubuntu, sku: "22" {"}"}
              version:
            {version}  publishing:
                targetRegions: [ westeurope, northeurope=2 ]
              validation:
            {validation}  evidence:
                outputPath: runs
            {cleanup}{extra}
            """;
        var recipe = RecipeParser.ParseText(text, Path.Combine(_folder, "recipe.yaml"));
        Assert.True(recipe.IsValid, string.Join("\n", recipe.Diagnostics));
        return recipe;
    }

    private static async Task<RecipeRun> Run(FakeCloud cloud, ImageRecipe recipe, RecipeRunOptions? options = null, ISet<string>? confirmed = null, GenImage.Core.Logging.IGenImageLog? log = null, CancellationToken ct = default)
    {
        options ??= new RecipeRunOptions();
        var runner = new RecipeRunner(cloud.Engines(), log ?? NullLogForTests.Instance);
        var plan = await runner.PlanAsync(recipe, options, ct);
        return await runner.RunAsync(plan, options, confirmed ?? All, ct);
    }

    private string OnlyJournal() => Directory.GetFiles(Path.Combine(_folder, "runs"), "journal.jsonl", SearchOption.AllDirectories).Single();

    private static string DefinitionId => GalleryIds.Definition(FakeCloud.Sub, FakeCloud.Rg, FakeCloud.GalleryName, "ubuntu");

    private static string[] Ops(FakeCloud cloud) => cloud.Writes.Select(w => w.Split(' ')[0]).ToArray();

    private const string SuppressGen1 = "  readiness:\n    exclude: [ GI5* ]\n    suppressions:\n      - { rule: GI2003, justification: legacy app, approver: cab@contoso.example }\n";

    [Fact]
    public async Task A_run_walks_the_whole_checklist_through_the_real_engines_and_journals_every_step()
    {
        var cloud = new FakeCloud();
        var run = await Run(cloud, Recipe());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(RecipeRunner.StepNames, run.Steps.Select(s => s.Name));
        Assert.Equal(new[] { StepStatus.Succeeded, StepStatus.Succeeded, StepStatus.Succeeded, StepStatus.Succeeded, StepStatus.Succeeded, StepStatus.Succeeded, StepStatus.Succeeded, StepStatus.Skipped },
            run.Steps.Select(s => s.Status));
        Assert.Equal("1.0.0", run.VersionName);
        Assert.Equal(DefinitionId + "/versions/1.0.0", run.VersionId);
        Assert.True(run.Promoted);
        Assert.False(cloud.Versions[run.VersionId!].ExcludeFromLatest);
        // Generalizer, DefinitionCatalog, GalleryPublisher, DeploymentValidator (with its clean-up), ReleaseChannel,
        // then the Evidence step records the validation outcome on the version's tags.
        Assert.Equal(new[] { "prepare", "deallocate", "generalize", "createDefinition", "publish", "createVm", "deleteVm", "updateVersion", "updateVersion" }, Ops(cloud));
        Assert.Empty(cloud.ValidationLeftovers());
        var recorded = Assert.Single(GenImage.Core.Validation.ValidationTags.Parse(cloud.Versions[run.VersionId!].Tags));
        Assert.True(recorded.Passed);
        Assert.Equal("westeurope", recorded.Region, ignoreCase: true);
        Assert.Equal("Passed", Assert.Single(run.Validation).Status);
        Assert.Contains(DefinitionId, run.Steps.Single(s => s.Name == "Definition").CreatedResourceIds);
        Assert.Contains(run.VersionId, run.Steps.Single(s => s.Name == "Publish").CreatedResourceIds);
        Assert.Equal("ubuntu", cloud.Versions[run.VersionId!].Tags["genimage.recipe"]);
        Assert.Equal(run.RunId, cloud.Versions[run.VersionId!].Tags["genimage.run"]);

        // One correlation id per step, carried by that step's writes.
        var ids = run.Steps.Where(s => s.CorrelationId != null).Select(s => s.CorrelationId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(run.Steps.Single(s => s.Name == "Publish").CorrelationId, cloud.CorrelationIds[Array.IndexOf(Ops(cloud), "publish")]);
        Assert.Equal(run.Steps.Single(s => s.Name == "Generalize").CorrelationId, cloud.CorrelationIds[Array.IndexOf(Ops(cloud), "generalize")]);

        var journal = RunJournal.Open(run.JournalPath);
        Assert.Equal("runStarted", journal.Events[0].Type);
        Assert.Equal("runFinished", journal.Events[^1].Type);
        Assert.Equal(8, journal.Events.Count(e => e.Type == "stepStarted"));
        Assert.All(journal.Events, e => Assert.Equal(2, e.SchemaVersion));
        Assert.False(journal.IsUnfinished);

        Assert.NotNull(run.EvidencePath);
        Assert.Empty(Sha256Sums.Verify(run.EvidencePath!));
        Assert.True(File.Exists(Path.Combine(run.EvidencePath!, "attachments", "journal.jsonl")));
        Assert.Equal(Path.Combine(_folder, "runs", "ubuntu", run.RunId), run.RunPath);
    }

    [Fact]
    public void The_steps_are_found_in_checklist_order_each_in_its_own_class()
    {
        Assert.Equal(new[] { "Readiness", "Generalize", "Definition", "Publish", "Validate", "Promote", "Evidence", "Cleanup" }, RecipeSteps.Names);
        Assert.Equal(RecipeSteps.All.Count, RecipeSteps.All.Select(s => s.GetType()).Distinct().Count());
        Assert.Equal(new[] { "Promote", "Cleanup" }, RecipeSteps.All.Where(s => !s.RunsAfterFailedValidation).Select(s => s.Name));
    }

    [Fact]
    public async Task Increment_continues_from_the_highest_existing_version()
    {
        var cloud = new FakeCloud();
        cloud.AddVersion("ubuntu", "1.2.9");
        cloud.AddVersion("ubuntu", "1.10.0");
        var run = await Run(cloud, Recipe());
        Assert.Equal("1.10.1", run.VersionName);
    }

    [Fact]
    public async Task A_blocking_readiness_error_stops_before_anything_irreversible_with_the_finding_ids()
    {
        var cloud = new FakeCloud();
        cloud.Source.HyperVGeneration = "V1";   // a Gen1 source for a V2 definition: GI2003

        var run = await Run(cloud, Recipe());

        Assert.Equal(RunStatus.Blocked, run.Status);
        Assert.Empty(cloud.Writes);
        Assert.Contains("GI2003", run.BlockingFindings.Select(f => f.RuleId));
        Assert.Contains("GI2003", run.Message);
        Assert.Equal(RecipeErrorIds.ReadinessBlocked, run.Steps.Single(s => s.Name == "Readiness").ErrorId);
        Assert.Equal(StepStatus.Blocked, Assert.Single(run.Steps).Status);
        Assert.False(RunJournal.Open(run.JournalPath).IsUnfinished);
    }

    [Fact]
    public async Task A_suppression_with_justification_and_approver_lets_the_run_through_and_is_recorded()
    {
        var cloud = new FakeCloud();
        cloud.Source.HyperVGeneration = "V1";

        var run = await Run(cloud, Recipe(SuppressGen1));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var journal = RunJournal.Open(run.JournalPath);
        var findings = journal.FinishedSteps()["Readiness"].Findings!;
        Assert.DoesNotContain(findings, f => f.RuleId.StartsWith("GI5", StringComparison.Ordinal));
        var finding = findings.Single(f => f.RuleId == "GI2003");
        Assert.True(finding.Suppressed);
        Assert.Contains("cab@contoso.example", finding.SuppressionJustification);
    }

    [Fact]
    public async Task Suppressions_survive_Resume_the_publishing_preflight_applies_the_recipes_policy_without_the_readiness_step()
    {
        var cloud = new FakeCloud();
        cloud.Source.HyperVGeneration = "V1";
        cloud.FailOnce("publish", FakeCloud.ArmFailure("publish"));
        var recipe = Recipe(SuppressGen1);
        var failed = await Run(cloud, recipe);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("Publish", failed.Steps.Last().Name);

        var resumed = await Run(cloud, recipe, new RecipeRunOptions { Resume = true });

        // Readiness is not repeated; the pre-flight still suppresses GI2003 as the recipe says, so Publish goes on.
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(1, resumed.Steps.Single(s => s.Name == "Readiness").Attempts);
        Assert.Equal(2, resumed.Steps.Single(s => s.Name == "Publish").Attempts);
        Assert.Equal(1, cloud.Count("publish"));
    }

    [Fact]
    public async Task A_version_that_refuses_the_validation_tags_leaves_the_run_succeeded_with_a_warning()
    {
        var cloud = new FakeCloud();
        var updates = 0;
        // The first update promotes; the second, the Evidence step's tag update, is refused.
        cloud.Before = op => op == "updateVersion" && ++updates == 2 ? FakeCloud.ArmFailure("update the version's tags", "AuthorizationFailed", 403) : null;
        var log = new GenImage.Core.Tests.Vm.RecordingLog();
        var recipe = Recipe();
        var runner = new RecipeRunner(cloud.Engines(), log);
        var options = new RecipeRunOptions();
        var run = await runner.RunAsync(await runner.PlanAsync(recipe, options, default), options, All, default);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(StepStatus.Succeeded, run.Steps.Single(s => s.Name == "Evidence").Status);
        Assert.Empty(GenImage.Core.Validation.ValidationTags.Parse(cloud.Versions[run.VersionId!].Tags));
        Assert.Contains(log.Warnings, w => w.Contains("could not be recorded", StringComparison.Ordinal) && w.Contains("AuthorizationFailed", StringComparison.Ordinal));
        Assert.Equal("Passed", Assert.Single(run.Validation).Status);
    }

    [Fact]
    public async Task Failed_validation_stops_before_promotion_and_leaves_the_version_excluded_from_latest()
    {
        var cloud = new FakeCloud { ValidationBoots = false };
        var run = await Run(cloud, Recipe(cleanup: "  cleanup: { deleteSourceVm: true }\n"));

        Assert.Equal(RunStatus.ValidationFailed, run.Status);
        // The one update is the Evidence step recording the failed validation on the version's tags; no promotion.
        Assert.Equal(1, cloud.Count("updateVersion"));
        Assert.True(cloud.SourceExists);
        Assert.True(cloud.Versions[run.VersionId!].ExcludeFromLatest);
        var recorded = Assert.Single(GenImage.Core.Validation.ValidationTags.Parse(cloud.Versions[run.VersionId!].Tags));
        Assert.False(recorded.Passed);
        Assert.Empty(cloud.ValidationLeftovers());
        Assert.Contains("stays excluded from latest", run.Message);
        Assert.Contains("OSProvisioningTimedOut", run.Message);
        Assert.Equal(StepStatus.Failed, run.Steps.Single(s => s.Name == "Validate").Status);
        Assert.Equal(StepStatus.Skipped, run.Steps.Single(s => s.Name == "Promote").Status);
        Assert.Equal(StepStatus.Succeeded, run.Steps.Single(s => s.Name == "Evidence").Status);
        Assert.Equal(StepStatus.Skipped, run.Steps.Single(s => s.Name == "Cleanup").Status);
        Assert.Empty(Sha256Sums.Verify(run.EvidencePath!));
        Assert.False(run.Promoted);
    }

    [Fact]
    public async Task A_test_VM_the_validators_clean_up_could_not_delete_is_deleted_by_the_step_before_it_goes_on()
    {
        var cloud = new FakeCloud();
        cloud.FailOnce("deleteVm", FakeCloud.ArmFailure("delete the test VM"));
        var log = new GenImage.Core.Tests.Vm.RecordingLog();

        var run = await Run(cloud, Recipe(), log: log);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Empty(cloud.ValidationLeftovers());
        Assert.Contains(log.Warnings, w => w.Contains("deleted on a second attempt", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Warnings, w => w.Contains("delete it by hand", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("publish", "Publish", "InternalServerError", 500)]
    [InlineData("createVm", "Validate", "InvalidParameter", 400)]   // refused: not a verdict on the image, and not worth retrying
    [InlineData("updateVersion", "Promote", "InternalServerError", 500)]
    public async Task A_failure_mid_run_then_resume_ends_like_an_uninterrupted_run_and_creates_nothing_twice(string failing, string step, string code, int status)
    {
        var reference = new FakeCloud();
        var clean = await Run(reference, Recipe());

        var cloud = new FakeCloud();
        cloud.FailOnce(failing, FakeCloud.ArmFailure(failing, code, status));
        var recipe = Recipe();
        var failed = await Run(cloud, recipe);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.True(RunJournal.Open(failed.JournalPath).IsUnfinished);

        var resumed = await Run(cloud, recipe, new RecipeRunOptions { Resume = true });

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.True(resumed.Resumed);
        Assert.Equal(failed.RunId, resumed.RunId);
        Assert.Equal(Ops(reference), Ops(cloud));
        Assert.Equal(clean.VersionName, resumed.VersionName);
        Assert.Single(cloud.Versions);
        Assert.Equal(reference.Versions.Values.Single().ExcludeFromLatest, cloud.Versions.Values.Single().ExcludeFromLatest);
        Assert.Empty(cloud.ValidationLeftovers());
        Assert.Equal(clean.Steps.Select(s => s.Status), resumed.Steps.Select(s => s.Status));
        Assert.Equal(2, resumed.Steps.Single(s => s.Name == step).Attempts);
        Assert.Equal(1, resumed.Steps.Single(s => s.Name == "Generalize").Attempts);
        Assert.Empty(Sha256Sums.Verify(resumed.EvidencePath!));
    }

    [Fact]
    public async Task A_publish_that_reached_arm_before_the_failure_is_adopted_on_resume_not_created_again()
    {
        var cloud = new FakeCloud();
        var recipe = Recipe();
        // The version was created, then the run stopped before it could journal the result.
        cloud.Before = op => op == "createVm" ? new OperationCanceledException() : null;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(cloud, recipe));
        cloud.Before = null;
        var journalPath = OnlyJournal();
        var journal = RunJournal.Open(journalPath);
        Assert.Equal(StepStatus.Stopped, journal.FinishedSteps()["Validate"].StepStatus);
        Assert.Equal(RunStatus.Stopped, journal.Finished!.RunStatus);
        // Forget that Publish finished, as if the process died during it.
        var lines = File.ReadAllLines(journalPath).ToList();
        var publishFinished = lines.FindIndex(l => l.Contains("\"stepFinished\"", StringComparison.Ordinal) && l.Contains("\"Publish\"", StringComparison.Ordinal));
        File.WriteAllLines(journalPath, lines.Take(publishFinished));

        var versionId = cloud.Versions.Keys.Single();
        cloud.StillProvisioning(versionId, 3); // the interrupted create is still provisioning
        var readsBefore = cloud.VersionReads;

        var resumed = await Run(cloud, recipe, new RecipeRunOptions { Resume = true });

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(1, cloud.Count("publish"));
        Assert.Contains("not created again", resumed.Steps.Single(s => s.Name == "Publish").Message);
        Assert.True(cloud.VersionReads - readsBefore >= 4, "the resumed publish waits until the version stops Creating");
        Assert.Equal("Succeeded", cloud.Versions.Values.Single().ProvisioningState);
    }

    [Fact]
    public async Task An_unfinished_run_refuses_a_new_run_unless_asked_and_NewRun_abandons_it()
    {
        var cloud = new FakeCloud();
        cloud.FailOnce("publish", FakeCloud.ArmFailure("publish"));
        var recipe = Recipe();
        var failed = await Run(cloud, recipe);

        var refused = await Assert.ThrowsAsync<GenImageException>(() => Run(cloud, recipe));
        Assert.Equal(RecipeErrorIds.UnfinishedRun, refused.ErrorId);
        Assert.Contains("-Resume", refused.Message);
        Assert.Contains("-NewRun", refused.Message);

        var fresh = await Run(cloud, recipe, new RecipeRunOptions { NewRun = true });
        Assert.NotEqual(failed.RunId, fresh.RunId);
        Assert.Equal(RunStatus.Succeeded, fresh.Status);
        Assert.Equal(RunStatus.Abandoned, RunJournal.Open(failed.JournalPath).Finished!.RunStatus);
    }

    [Fact]
    public async Task Resume_without_an_unfinished_run_is_refused()
    {
        var cloud = new FakeCloud();
        var recipe = Recipe();
        await Run(cloud, recipe);
        var ex = await Assert.ThrowsAsync<GenImageException>(() => Run(cloud, recipe, new RecipeRunOptions { Resume = true }));
        Assert.Equal(RecipeErrorIds.NothingToResume, ex.ErrorId);
    }

    [Fact]
    public async Task An_unconfirmed_irreversible_step_stops_the_run_before_it()
    {
        var cloud = new FakeCloud();
        var run = await Run(cloud, Recipe(), confirmed: new HashSet<string> { "Readiness" });

        Assert.Equal(RunStatus.Stopped, run.Status);
        Assert.Empty(cloud.Writes);
        Assert.Equal(StepStatus.Stopped, run.Steps.Single(s => s.Name == "Generalize").Status);
    }

    [Fact]
    public async Task The_plan_marks_irreversible_steps_and_reads_without_writing()
    {
        var cloud = new FakeCloud();
        var recipe = Recipe(cleanup: "  cleanup: { deleteSourceVm: true }\n");
        var plan = await new RecipeRunner(cloud.Engines(), NullLogForTests.Instance).PlanAsync(recipe, new RecipeRunOptions(), CancellationToken.None);

        Assert.Equal(new[] { "Generalize", "Publish", "Cleanup" }, plan.Steps.Where(s => s.Irreversible).Select(s => s.Name));
        Assert.Empty(cloud.Writes);
        Assert.False(Directory.Exists(Path.Combine(_folder, "runs")));
        Assert.Contains("northeurope=2=Standard_LRS", plan.Steps.Single(s => s.Name == "Publish").Description);
    }

    [Fact]
    public async Task Cleanup_deletes_the_source_and_old_versions_but_never_the_new_or_the_latest()
    {
        var cloud = new FakeCloud();
        foreach (var (name, excluded) in new[] { ("0.9.0", false), ("1.0.0", false), ("1.0.1", true) })
        {
            cloud.AddVersion("ubuntu", name, excluded);
        }

        var run = await Run(cloud, Recipe(cleanup: "  cleanup: { deleteSourceVm: true, keepVersions: 2 }\n"));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("1.0.2", run.VersionName);
        Assert.False(cloud.SourceExists);
        // The newest two (1.0.2, the new one, and 1.0.1) stay; after promotion 1.0.2 is latest, so 1.0.0 and 0.9.0 go.
        Assert.Equal(new[] { "1.0.1", "1.0.2" }, cloud.Versions.Values.Select(v => v.Name).OrderBy(n => n));
    }

    [Fact]
    public async Task A_specialized_recipe_is_not_generalized()
    {
        var cloud = new FakeCloud();
        var specialized = RecipeParser.ParseText(Recipe().Content.Replace("    osType: Linux", "    osType: Linux\n    osState: Specialized"), Path.Combine(_folder, "recipe.yaml"));
        Assert.True(specialized.IsValid, string.Join("\n", specialized.Diagnostics));
        Assert.False(specialized.Spec.Source.Prepare);

        var run = await Run(cloud, specialized);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(0, cloud.Count("generalize"));
        Assert.Equal(0, cloud.Count("prepare"));
        Assert.Equal(StepStatus.Skipped, run.Steps.Single(s => s.Name == "Generalize").Status);
        Assert.Null(cloud.Source.OsState);
        Assert.Equal("Specialized", cloud.Definitions.Values.Single().OsState);
    }

    [Fact]
    public async Task A_full_disk_during_a_step_ends_the_run_Failed_and_journaled_and_Resume_continues_it()
    {
        // /dev/full answers every write with ENOSPC, as a full disk does.
        Assert.True(File.Exists("/dev/full"), "This test needs /dev/full (Linux).");
        var cloud = new FakeCloud();
        var recipe = Recipe();
        string? full = null;
        cloud.WhileCollectingEvidence = () =>
        {
            var runFolder = Path.GetDirectoryName(OnlyJournal())!;
            Directory.CreateDirectory(Path.Combine(runFolder, "evidence"));
            full = Path.Combine(runFolder, "evidence", "evidence.json");
            if (!File.Exists(full))
            {
                File.CreateSymbolicLink(full, "/dev/full");
            }
        };

        var failed = await Run(cloud, recipe);

        Assert.Equal(RunStatus.Failed, failed.Status);
        var evidence = failed.Steps.Single(s => s.Name == "Evidence");
        Assert.Equal(StepStatus.Failed, evidence.Status);
        Assert.Equal(ErrorIds.DiskFull, evidence.ErrorId);
        Assert.Contains(Path.GetDirectoryName(full)!, evidence.Message);
        var journal = RunJournal.Open(failed.JournalPath);
        Assert.Equal(RunStatus.Failed, journal.Finished!.RunStatus);
        Assert.True(journal.IsUnfinished);

        cloud.WhileCollectingEvidence = null;
        File.Delete(full!);
        var resumed = await Run(cloud, recipe, new RecipeRunOptions { Resume = true });

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(failed.RunId, resumed.RunId);
        Assert.Equal(1, cloud.Count("publish"));
        Assert.Empty(Sha256Sums.Verify(resumed.EvidencePath!));
    }

    [Fact]
    public void The_steps_run_within_the_time_limits_the_recipe_sets_and_name_their_keys()
    {
        var recipe = RecipeParser.ParseText(Recipe().Content
            .Replace("    vmName: vm-src", "    vmName: vm-src\n    timeoutMinutes: 45")
            .Replace("    targetRegions: [ westeurope, northeurope=2 ]", "    targetRegions: [ westeurope, northeurope=2 ]\n    timeoutMinutes: 240"), Path.Combine(_folder, "recipe.yaml"));
        Assert.True(recipe.IsValid, string.Join("\n", recipe.Diagnostics));

        var generalize = GeneralizeStep.Options(recipe.Spec, null);
        var publish = PublishStep.Options(new RecipePlan { Recipe = recipe, VersionName = "1.0.0", VersionId = DefinitionId + "/versions/1.0.0", SourceVmId = FakeCloud.SourceVmId }, "run-1");

        Assert.Equal(TimeSpan.FromMinutes(45), generalize.Timeout);
        Assert.Equal("spec.source.timeoutMinutes", generalize.TimeoutParameterName);
        Assert.Equal(TimeSpan.FromMinutes(240), publish.Timeout);
        Assert.Equal("spec.publishing.timeoutMinutes", publish.TimeoutParameterName);
    }

    [Fact]
    public async Task A_time_limit_error_names_the_recipe_key_that_sets_it()
    {
        using var deadline = new GenImage.Core.Operations.Deadline(TimeSpan.FromMilliseconds(20), RecipeTimeoutKeys.Generalize, CancellationToken.None);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Delay(Timeout.Infinite, deadline.Token));
        var error = deadline.Check("generalizing", "vm");
        Assert.NotNull(error);
        Assert.Contains("The limit is set by spec.source.timeoutMinutes", error!.Message);
    }

    [Fact]
    public async Task A_name_Azure_would_refuse_stops_the_plan_before_anything_is_written()
    {
        var cloud = new FakeCloud();
        var recipe = Recipe();
        recipe.Spec.Gallery.Name = "gal-images!";   // a recipe object changed after it was read

        var ex = await Assert.ThrowsAsync<GenImageException>(() => Run(cloud, recipe));

        Assert.Equal("GI9013", ex.ErrorId);
        Assert.Contains("spec.gallery.name", ex.Message);
        Assert.Empty(cloud.Writes);
        Assert.False(Directory.Exists(Path.Combine(_folder, "runs")));
    }

    [Fact]
    public async Task A_stopped_source_is_refused_unless_this_run_prepared_it_or_the_recipe_asserts_it()
    {
        var cloud = new FakeCloud();
        cloud.Source.PowerState = "stopped";
        var ex = await Assert.ThrowsAsync<GenImageException>(() => Run(cloud, Recipe()));
        Assert.Equal(ErrorIds.PreparationUnproven, ex.ErrorId);
        Assert.Contains("prepare: assumed", ex.Message);
        Assert.Empty(cloud.Writes);

        var assumed = Recipe(source: "    prepare: assumed\n    approver: cab@contoso.example\n    justification: sealed by the pipeline\n");
        var run = await Run(cloud, assumed);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(0, cloud.Count("prepare"));
        Assert.Contains("cab@contoso.example", run.Steps.Single(s => s.Name == "Generalize").Message);
    }

    [Fact]
    public async Task A_guest_this_run_prepared_before_a_failure_is_proof_on_Resume()
    {
        // Preparation shut the guest down, then the deallocate failed: the VM is stopped, and only the journal knows
        // that this run prepared it.
        var cloud = new FakeCloud();
        cloud.FailOnce("deallocate", FakeCloud.ArmFailure("deallocate"));
        var recipe = Recipe();
        var failed = await Run(cloud, recipe);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("stopped", cloud.Source.PowerState);
        Assert.Contains(RunJournal.Open(failed.JournalPath).Events, e => e.Type == "stepProgress" && e.Step == "Generalize");

        var resumed = await Run(cloud, recipe, new RecipeRunOptions { Resume = true });

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(1, cloud.Count("prepare"));
        Assert.Equal(1, cloud.Count("generalize"));
    }
}
