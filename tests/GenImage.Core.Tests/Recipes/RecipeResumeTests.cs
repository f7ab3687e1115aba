using GenImage.Core.Evidence;
using GenImage.Core.Recipes;
using GenImage.Core.Tests.Evidence;

namespace GenImage.Core.Tests.Recipes;

/// <summary>
/// Write-ahead and reconcile: a run killed at any instant — before or after any write ARM accepted — and resumed once
/// ends like a clean run, with nothing leaked and nothing created twice.
/// </summary>
public sealed class RecipeResumeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-resume-" + Guid.NewGuid().ToString("N"));

    public RecipeResumeTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private static ImageRecipe Recipe(string folder) => TestRecipes.Ubuntu(folder);

    private static async Task<RecipeRun> Run(FakeCloud cloud, ImageRecipe recipe, bool resume, CancellationToken ct = default)
    {
        var options = new RecipeRunOptions { Resume = resume };
        var runner = new RecipeRunner(cloud.Engines(), NullLogForTests.Instance);
        var plan = await runner.PlanAsync(recipe, options, ct);
        return await runner.RunAsync(plan, options, new HashSet<string>(RecipeRunner.StepNames), ct);
    }

    /// <summary>The writes of a clean run, in order: every point a kill is tried at.</summary>
    public static IEnumerable<object[]> KillPoints()
    {
        var cloud = new FakeCloud();
        var folder = Path.Combine(Path.GetTempPath(), "genimage-killpoints-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var recipe = Recipe(folder);
            var run = Run(cloud, recipe, resume: false).GetAwaiter().GetResult();
            Assert.Equal(RunStatus.Succeeded, run.Status);
            for (var i = 0; i < cloud.Writes.Count; i++)
            {
                var op = cloud.Writes[i].Split(' ')[0];
                yield return new object[] { i, op, "before" };
                yield return new object[] { i, op, "after" };
            }
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task A_run_killed_at_any_write_and_resumed_once_ends_like_a_clean_run(int index, string operation, string when)
    {
        var reference = new FakeCloud();
        var clean = await Run(reference, Recipe(Path.Combine(_folder, "clean")), resume: false);

        var cloud = new FakeCloud();
        var recipe = Recipe(_folder);
        var seen = 0;
        // The index-th write: killed just before ARM gets it, or just after ARM accepted it (the answer never arrives).
        Func<string, Exception?> kill = op => seen++ == index ? cloud.Kill() : null;
        if (when == "before")
        {
            cloud.Before = kill;
        }
        else
        {
            cloud.After = kill;
        }

        await Assert.ThrowsAsync<ProcessKilledException>(() => Run(cloud, recipe, resume: false));
        // The kill landed where it was meant to: after index writes (before), or right after the index-th (after).
        Assert.Equal(when == "before" ? index : index + 1, cloud.Writes.Count);
        Assert.Equal(operation, when == "before" ? Ops(reference)[index] : cloud.Writes[^1].Split(' ')[0]);

        cloud.Restart();
        var resumed = await Run(cloud, recipe, resume: true);

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(clean.VersionName, resumed.VersionName);
        var version = Assert.Single(cloud.Versions.Values);
        Assert.Equal("Succeeded", version.ProvisioningState);
        Assert.Equal(reference.Versions.Values.Single().ExcludeFromLatest, version.ExcludeFromLatest);
        Assert.Empty(cloud.ValidationLeftovers());                        // no test VM, disk or NIC leaked
        foreach (var once in new[] { "prepare", "generalize", "createDefinition", "publish" })
        {
            Assert.Equal(1, cloud.Count(once));                           // nothing irreversible done twice
        }

        Assert.Equal("generalized", cloud.Source.OsState);
        Assert.Empty(Sha256Sums.Verify(resumed.EvidencePath!));
    }

    private static string[] Ops(FakeCloud cloud) => cloud.Writes.Select(w => w.Split(' ')[0]).ToArray();

    [Fact]
    public async Task The_names_a_step_creates_are_journaled_before_the_create()
    {
        var cloud = new FakeCloud();
        var run = await Run(cloud, Recipe(_folder), resume: false);
        var journal = RunJournal.Open(run.JournalPath);

        var created = cloud.Writes.Where(w => w.StartsWith("createVm ", StringComparison.Ordinal) || w.StartsWith("publish ", StringComparison.Ordinal) || w.StartsWith("createDefinition ", StringComparison.Ordinal))
            .Select(w => w.Split(' ')[1]).ToList();
        Assert.Equal(3, created.Count);
        foreach (var id in created)
        {
            var intent = journal.Events.FindIndex(e => e.Type == "intent" && e.Resources!.Any(r => r.Id == id));
            var finished = journal.Events.FindIndex(e => e.Type == "stepFinished" && e.CreatedResourceIds?.Contains(id) == true || e.Type == "stepFinished" && e.Step == "Validate");
            Assert.True(intent >= 0, $"no intent names {id}");
            Assert.True(intent < finished, $"{id} was journaled after its step finished");
        }
        var validation = journal.Events.Single(e => e.Type == "intent" && e.Step == "Validate").Resources!;
        Assert.Equal(new[] { "virtualMachine", "disk" }, validation.Select(r => r.Kind));
        Assert.All(validation, r => Assert.Equal("validation", r.Purpose));
        Assert.Contains(journal.Events, e => e.Type == "operationStarted" && e.Step == "Generalize" && e.Operation!.Path.EndsWith("/runCommand", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_C_while_the_guest_is_prepared_then_Resume_at_once_waits_for_the_Run_Command_and_does_not_prepare_again()
    {
        // The Run Command keeps running in the guest after the caller stops waiting (Ctrl+C).
        var cloud = new FakeCloud { PreparationPolls = 5 };
        var recipe = Recipe(_folder);
        using var stop = new CancellationTokenSource();
        cloud.After = op => { if (op == "prepare") { stop.Cancel(); } return null; };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(cloud, recipe, resume: false, stop.Token));
        Assert.Equal("running", cloud.Source.PowerState);   // the guest is still being prepared
        cloud.After = null;

        var resumed = await Run(cloud, recipe, resume: true);

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(1, cloud.Count("prepare"));
        var journal = RunJournal.Open(resumed.JournalPath);
        var ended = journal.Events.Single(e => e.Type == "operationEnded");
        Assert.Equal("Succeeded", ended.Operation!.Status);
        Assert.Contains("prepare-linux", ended.Operation.Result);
        Assert.Contains(journal.Events, e => e.Type == "reconciled" && e.Message!.Contains("waited for POST", StringComparison.Ordinal));
        var generalize = resumed.Steps.Single(s => s.Name == "Generalize");
        Assert.Equal(2, generalize.Attempts);
    }

    [Fact]
    public async Task A_preparation_Run_Command_that_ended_with_a_transient_error_after_the_guest_shut_down_counts_on_Resume()
    {
        // Killed while the guest is prepared; the Run Command then ends Failed (InternalExecutionError) although the
        // script ran and shut the guest down. The stopped guest proves the preparation: Resume neither refuses the
        // stopped VM (PreparationUnproven) nor prepares it again.
        var cloud = new FakeCloud { PreparationPolls = 5, PreparationAnswerLostWith = "InternalExecutionError" };
        var recipe = Recipe(_folder);
        using var stop = new CancellationTokenSource();
        cloud.After = op => { if (op == "prepare") { stop.Cancel(); } return null; };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(cloud, recipe, resume: false, stop.Token));
        cloud.After = null;

        var resumed = await Run(cloud, recipe, resume: true);

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(1, cloud.Count("prepare"));
        Assert.Equal(1, cloud.Count("generalize"));
        var journal = RunJournal.Open(resumed.JournalPath);
        Assert.Equal("Failed", journal.Events.Single(e => e.Type == "operationEnded").Operation!.Status);
        Assert.Contains(journal.Events, e => e.Type == "stepProgress" && e.Step == "Generalize" &&
            e.GeneralizeSteps!.Any(g => (g.Detail ?? string.Empty).Contains("transient error (InternalExecutionError)", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_test_VM_a_killed_validation_left_is_deleted_on_Resume_and_the_reconcile_is_journaled()
    {
        var cloud = new FakeCloud();
        var recipe = Recipe(_folder);
        cloud.After = op => op == "createVm" ? cloud.Kill() : null;
        await Assert.ThrowsAsync<ProcessKilledException>(() => Run(cloud, recipe, resume: false));
        var leaked = Assert.Single(cloud.ValidationLeftovers(), l => l.Contains("/virtualMachines/", StringComparison.Ordinal));

        cloud.Restart();
        var resumed = await Run(cloud, recipe, resume: true);

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Empty(cloud.ValidationLeftovers());
        Assert.Contains(cloud.Writes, w => w == "deleteVm " + leaked);
        var reconciled = RunJournal.Open(resumed.JournalPath).Events.Single(e => e.Type == "reconciled");
        Assert.Contains(leaked[(leaked.LastIndexOf('/') + 1)..], reconciled.Message);
    }

    [Fact]
    public async Task A_line_a_crash_cut_short_is_skipped_and_the_next_line_starts_on_its_own()
    {
        var cloud = new FakeCloud();
        var recipe = Recipe(_folder);
        cloud.FailOnce("publish", FakeCloud.ArmFailure("publish"));
        var failed = await Run(cloud, recipe, resume: false);
        File.AppendAllText(failed.JournalPath, "{\"schemaVersion\":2,\"type\":\"stepSta");   // the process died mid-write
        var before = RunJournal.Open(failed.JournalPath).Events.Count;

        var resumed = await Run(cloud, recipe, resume: true);

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        var lines = File.ReadAllLines(resumed.JournalPath);
        Assert.Contains(lines, l => l == "{\"schemaVersion\":2,\"type\":\"stepSta");
        Assert.True(RunJournal.Open(resumed.JournalPath).Events.Count > before + 5);
    }
}
