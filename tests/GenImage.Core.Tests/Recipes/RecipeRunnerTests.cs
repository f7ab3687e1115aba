using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Recipes;
using GenImage.Core.Tests.Evidence;

namespace GenImage.Core.Tests.Recipes;

public sealed class RecipeRunnerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-run-" + Guid.NewGuid().ToString("N"));
    private static readonly HashSet<string> All = new(RecipeRunner.StepNames);

    public RecipeRunnerTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private ImageRecipe Recipe(string extra = "", string validation = "    regions: [ westeurope ]\n", string cleanup = "", string version = "    increment: patch\n")
    {
        var text = $"""
            apiVersion: genimage.dev/v1
            kind: ImageRecipe
            metadata: {"{"} name: ubuntu, owner: platform-team {"}"}
            spec:
              source:
                resourceGroup: rg-images
                vmName: vm-src
              gallery: {"{"} resourceGroup: rg-images, name: galImages {"}"}
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

    private static async Task<RecipeRun> Run(FakeRecipeBackend backend, ImageRecipe recipe, RecipeRunOptions? options = null, ISet<string>? confirmed = null, CancellationToken ct = default)
    {
        options ??= new RecipeRunOptions();
        var runner = new RecipeRunner(backend, NullLogForTests.Instance);
        var plan = await runner.PlanAsync(recipe, options, ct);
        return await runner.RunAsync(plan, options, confirmed ?? All, ct);
    }

    private static string DefinitionId => $"/subscriptions/{FakeRecipeBackend.Sub}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/galImages/images/ubuntu";

    [Fact]
    public async Task A_run_walks_the_whole_checklist_and_journals_every_step()
    {
        var backend = new FakeRecipeBackend();
        var run = await Run(backend, Recipe());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(RecipeRunner.StepNames, run.Steps.Select(s => s.Name));
        Assert.Equal(new[] { "Succeeded", "Succeeded", "Succeeded", "Succeeded", "Succeeded", "Succeeded", "Succeeded", "Skipped" }, run.Steps.Select(s => s.Status));
        Assert.Equal("1.0.0", run.VersionName);
        Assert.Equal(DefinitionId + "/versions/1.0.0", run.VersionId);
        Assert.True(run.Promoted);
        Assert.False(backend.Versions[run.VersionId!].ExcludeFromLatest);
        Assert.Equal(new[] { "generalize", "createDefinition", "publish", "validate", "promote" }, backend.Writes.Select(w => w.Split(' ')[0]));
        Assert.Equal("Passed", Assert.Single(run.Validation).Status);
        Assert.Contains(DefinitionId, run.Steps.Single(s => s.Name == "Definition").CreatedResourceIds);
        Assert.Contains(run.VersionId, run.Steps.Single(s => s.Name == "Publish").CreatedResourceIds);
        Assert.Equal("ubuntu", backend.Versions[run.VersionId!].Tags["genimage.recipe"]);
        Assert.Equal(run.RunId, backend.Versions[run.VersionId!].Tags["genimage.run"]);

        // One correlation id per step, carried by that step's writes.
        var ids = run.Steps.Where(s => s.CorrelationId != null).Select(s => s.CorrelationId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(run.Steps.Single(s => s.Name == "Publish").CorrelationId, backend.CorrelationIds[2]);

        var journal = RunJournal.Open(run.JournalPath);
        Assert.Equal("runStarted", journal.Events[0].Type);
        Assert.Equal("runFinished", journal.Events[^1].Type);
        Assert.Equal(8, journal.Events.Count(e => e.Type == "stepStarted"));
        Assert.All(journal.Events, e => Assert.Equal(1, e.SchemaVersion));
        Assert.False(journal.IsUnfinished);

        Assert.NotNull(run.EvidencePath);
        Assert.Empty(Sha256Sums.Verify(run.EvidencePath!));
        Assert.True(File.Exists(Path.Combine(run.EvidencePath!, "attachments", "journal.jsonl")));
        Assert.Equal(Path.Combine(_folder, "runs", "ubuntu", run.RunId), run.RunPath);
    }

    [Fact]
    public async Task Increment_continues_from_the_highest_existing_version()
    {
        var backend = new FakeRecipeBackend();
        backend.Versions[DefinitionId + "/versions/1.2.9"] = new GalleryImageVersion { Id = DefinitionId + "/versions/1.2.9", Name = "1.2.9" };
        backend.Versions[DefinitionId + "/versions/1.10.0"] = new GalleryImageVersion { Id = DefinitionId + "/versions/1.10.0", Name = "1.10.0" };
        var run = await Run(backend, Recipe());
        Assert.Equal("1.10.1", run.VersionName);
    }

    [Theory]
    [InlineData("patch", "2.3.5")]
    [InlineData("minor", "2.4.0")]
    [InlineData("major", "3.0.0")]
    public void NextVersion_increments_the_asked_part(string part, string expected) =>
        Assert.Equal(expected, RecipeRunner.NextVersion(new[] { "1.9.9", "2.3.4", "not-a-version" }, part));

    [Fact]
    public async Task A_blocking_readiness_error_stops_before_anything_irreversible_with_the_finding_ids()
    {
        var backend = new FakeRecipeBackend();
        backend.Findings.Add(new ReadinessFinding { RuleId = "GI2003", Severity = FindingSeverity.Error, Status = FindingStatus.Fail, Message = "Gen1 source" });
        backend.Findings.Add(new ReadinessFinding { RuleId = "GI6001", Severity = FindingSeverity.Warning, Status = FindingStatus.Fail, Message = "no owner" });

        var run = await Run(backend, Recipe());

        Assert.Equal(RunStatus.Blocked, run.Status);
        Assert.Empty(backend.Writes);
        Assert.Equal("GI2003", Assert.Single(run.BlockingFindings).RuleId);
        Assert.Contains("GI2003", run.Message);
        Assert.Equal(RecipeErrorIds.ReadinessBlocked, run.Steps.Single(s => s.Name == "Readiness").ErrorId);
        Assert.Single(run.Steps);
        Assert.False(RunJournal.Open(run.JournalPath).IsUnfinished);
    }

    [Fact]
    public async Task A_suppression_with_justification_and_approver_lets_the_run_through_and_is_recorded()
    {
        var backend = new FakeRecipeBackend();
        backend.Findings.Add(new ReadinessFinding { RuleId = "GI2003", Severity = FindingSeverity.Error, Status = FindingStatus.Fail, Message = "Gen1 source" });
        var recipe = Recipe("  readiness:\n    exclude: [ GI5* ]\n    suppressions:\n      - { rule: GI2003, justification: legacy app, approver: cab@contoso.example }\n");

        var run = await Run(backend, recipe);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(new[] { "GI5*" }, backend.LastReadiness!.Exclude);
        var journal = RunJournal.Open(run.JournalPath);
        var finding = journal.FinishedSteps()["Readiness"].Findings!.Single(f => f.RuleId == "GI2003");
        Assert.True(finding.Suppressed);
        Assert.Contains("cab@contoso.example", finding.SuppressionJustification);
    }

    [Fact]
    public async Task Failed_validation_stops_before_promotion_and_leaves_the_version_excluded_from_latest()
    {
        var backend = new FakeRecipeBackend { ValidationPasses = false };
        var run = await Run(backend, Recipe(cleanup: "  cleanup: { deleteSourceVm: true }\n"));

        Assert.Equal(RunStatus.ValidationFailed, run.Status);
        Assert.Equal(0, backend.Count("promote"));
        Assert.Equal(0, backend.Count("deleteVm"));
        Assert.True(backend.Versions[run.VersionId!].ExcludeFromLatest);
        Assert.Contains("stays excluded from latest", run.Message);
        Assert.Equal("Failed", run.Steps.Single(s => s.Name == "Validate").Status);
        Assert.Equal("Skipped", run.Steps.Single(s => s.Name == "Promote").Status);
        Assert.Equal("Succeeded", run.Steps.Single(s => s.Name == "Evidence").Status);
        Assert.Empty(Sha256Sums.Verify(run.EvidencePath!));
        Assert.False(run.Promoted);
    }

    [Theory]
    [InlineData("publish")]
    [InlineData("validate")]
    [InlineData("promote")]
    public async Task A_failure_mid_run_then_resume_ends_like_an_uninterrupted_run_and_creates_nothing_twice(string failing)
    {
        var reference = new FakeRecipeBackend();
        var clean = await Run(reference, Recipe());

        var backend = new FakeRecipeBackend { FailOnce = (failing, FakeRecipeBackend.ArmFailure(failing)) };
        var recipe = Recipe();
        var failed = await Run(backend, recipe);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.True(RunJournal.Open(failed.JournalPath).IsUnfinished);

        var resumed = await Run(backend, recipe, new RecipeRunOptions { Resume = true });

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.True(resumed.Resumed);
        Assert.Equal(failed.RunId, resumed.RunId);
        Assert.Equal(reference.Writes.Select(w => w.Split(' ')[0]), backend.Writes.Select(w => w.Split(' ')[0]));
        Assert.Equal(1, backend.Count("generalize"));
        Assert.Equal(1, backend.Count("publish"));
        Assert.Equal(clean.VersionName, resumed.VersionName);
        Assert.Single(backend.Versions);
        Assert.Equal(reference.Versions.Values.Single().ExcludeFromLatest, backend.Versions.Values.Single().ExcludeFromLatest);
        Assert.Equal(clean.Steps.Select(s => s.Status), resumed.Steps.Select(s => s.Status));
        Assert.Equal(2, resumed.Steps.Single(s => s.Name == char.ToUpperInvariant(failing[0]) + failing.Substring(1)).Attempts);
        Assert.Equal(1, resumed.Steps.Single(s => s.Name == "Generalize").Attempts);
        Assert.Empty(Sha256Sums.Verify(resumed.EvidencePath!));
    }

    [Fact]
    public async Task A_publish_that_reached_arm_before_the_failure_is_adopted_on_resume_not_created_again()
    {
        var backend = new FakeRecipeBackend();
        var recipe = Recipe();
        // The version was created, then the run stopped before it could journal the result.
        backend.FailOnce = ("validate", new OperationCanceledException());
        await Assert.ThrowsAsync<OperationCanceledException>(() => Run(backend, recipe));
        var journalPath = RunJournal.FindJournals(Path.Combine(_folder, "runs"), "ubuntu").Single();
        var journal = RunJournal.Open(journalPath);
        Assert.Equal("Stopped", journal.FinishedSteps()["Validate"].Status);
        Assert.Equal("Stopped", journal.Finished!.Status);
        // Forget that Publish finished, as if the process died during it.
        var lines = File.ReadAllLines(journalPath).ToList();
        var publishFinished = lines.FindIndex(l => l.Contains("\"stepFinished\"", StringComparison.Ordinal) && l.Contains("\"Publish\"", StringComparison.Ordinal));
        File.WriteAllLines(journalPath, lines.Take(publishFinished));

        backend.CreatingReads = 3; // the interrupted create is still provisioning
        var readsBefore = backend.VersionReads;

        var resumed = await Run(backend, recipe, new RecipeRunOptions { Resume = true });

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(1, backend.Count("publish"));
        Assert.Contains("not created again", resumed.Steps.Single(s => s.Name == "Publish").Message);
        Assert.True(backend.VersionReads - readsBefore >= 4, "the resumed publish waits until the version stops Creating");
        Assert.Equal("Succeeded", backend.Versions.Values.Single().ProvisioningState);
    }

    [Fact]
    public async Task An_unfinished_run_refuses_a_new_run_unless_asked_and_NewRun_abandons_it()
    {
        var backend = new FakeRecipeBackend { FailOnce = ("publish", FakeRecipeBackend.ArmFailure("publish")) };
        var recipe = Recipe();
        var failed = await Run(backend, recipe);

        var refused = await Assert.ThrowsAsync<GenImageException>(() => Run(backend, recipe));
        Assert.Equal(RecipeErrorIds.UnfinishedRun, refused.ErrorId);
        Assert.Contains("-Resume", refused.Message);
        Assert.Contains("-NewRun", refused.Message);

        var fresh = await Run(backend, recipe, new RecipeRunOptions { NewRun = true });
        Assert.NotEqual(failed.RunId, fresh.RunId);
        Assert.Equal(RunStatus.Succeeded, fresh.Status);
        Assert.Equal(RunStatus.Abandoned, RunJournal.Open(failed.JournalPath).Finished!.Status);
    }

    [Fact]
    public async Task Resume_without_an_unfinished_run_is_refused()
    {
        var backend = new FakeRecipeBackend();
        var recipe = Recipe();
        await Run(backend, recipe);
        var ex = await Assert.ThrowsAsync<GenImageException>(() => Run(backend, recipe, new RecipeRunOptions { Resume = true }));
        Assert.Equal(RecipeErrorIds.NothingToResume, ex.ErrorId);
    }

    [Fact]
    public async Task An_unconfirmed_irreversible_step_stops_the_run_before_it()
    {
        var backend = new FakeRecipeBackend();
        var run = await Run(backend, Recipe(), confirmed: new HashSet<string> { "Readiness" });

        Assert.Equal(RunStatus.Stopped, run.Status);
        Assert.Empty(backend.Writes);
        Assert.Equal("Stopped", run.Steps.Single(s => s.Name == "Generalize").Status);
    }

    [Fact]
    public async Task The_plan_marks_irreversible_steps_and_reads_without_writing()
    {
        var backend = new FakeRecipeBackend();
        var recipe = Recipe(cleanup: "  cleanup: { deleteSourceVm: true }\n");
        var plan = await new RecipeRunner(backend, NullLogForTests.Instance).PlanAsync(recipe, new RecipeRunOptions(), CancellationToken.None);

        Assert.Equal(new[] { "Generalize", "Publish", "Cleanup" }, plan.Steps.Where(s => s.Irreversible).Select(s => s.Name));
        Assert.Empty(backend.Writes);
        Assert.False(Directory.Exists(Path.Combine(_folder, "runs")));
        Assert.Contains("northeurope=2=Standard_LRS", plan.Steps.Single(s => s.Name == "Publish").Description);
    }

    [Fact]
    public async Task Cleanup_deletes_the_source_and_old_versions_but_never_the_new_or_the_latest()
    {
        var backend = new FakeRecipeBackend();
        foreach (var (name, excluded) in new[] { ("0.9.0", false), ("1.0.0", false), ("1.0.1", true) })
        {
            backend.Versions[DefinitionId + "/versions/" + name] = new GalleryImageVersion { Id = DefinitionId + "/versions/" + name, Name = name, ExcludeFromLatest = excluded };
        }

        var run = await Run(backend, Recipe(cleanup: "  cleanup: { deleteSourceVm: true, keepVersions: 2 }\n"));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("1.0.2", run.VersionName);
        Assert.False(backend.VmExists);
        // The newest two (1.0.2, the new one, and 1.0.1) stay; after promotion 1.0.2 is latest, so 1.0.0 and 0.9.0 go.
        Assert.Equal(new[] { "1.0.1", "1.0.2" }, backend.Versions.Values.Select(v => v.Name).OrderBy(n => n));
    }

    [Fact]
    public async Task A_specialized_recipe_is_not_generalized()
    {
        var backend = new FakeRecipeBackend();
        var specialized = RecipeParser.ParseText(Recipe().Content.Replace("    osType: Linux", "    osType: Linux\n    osState: Specialized"), Path.Combine(_folder, "recipe.yaml"));
        Assert.True(specialized.IsValid, string.Join("\n", specialized.Diagnostics));
        Assert.False(specialized.Spec.Source.Prepare);

        var run = await Run(backend, specialized);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(0, backend.Count("generalize"));
        Assert.Equal("Skipped", run.Steps.Single(s => s.Name == "Generalize").Status);
        Assert.False(backend.LastReadiness!.WillGeneralize);
        Assert.Null(backend.Vm.OsState);
        Assert.Equal("Specialized", backend.Definitions.Values.Single().OsState);
    }
}
