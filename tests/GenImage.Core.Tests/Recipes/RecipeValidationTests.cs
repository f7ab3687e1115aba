using GenImage.Core.Errors;
using GenImage.Core.Recipes;
using GenImage.Core.Tests.Evidence;
using GenImage.Core.Validation;

namespace GenImage.Core.Tests.Recipes;

/// <summary>Transient vs verdict: only a failed image ends a run ValidationFailed; and a ValidationFailed run can be validated again.</summary>
public sealed class RecipeValidationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-validate-" + Guid.NewGuid().ToString("N"));

    public RecipeValidationTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private ImageRecipe Recipe(string validation = "{ regions: [ westeurope ] }")
    {
        File.WriteAllText(Path.Combine(_folder, "probe.sh"), "#!/bin/sh\necho 'GENIMAGE-RESULT {\"probe\":\"t\",\"status\":\"succeeded\"}'\n");
        var recipe = RecipeParser.ParseText($$"""
            apiVersion: genimage.dev/v1
            kind: ImageRecipe
            metadata: { name: ubuntu, owner: platform-team }
            spec:
              source: { resourceGroup: rg-images, vmName: vm-src }
              gallery: { resourceGroup: rg-images, name: gal_images }
              definition:
                name: ubuntu
                osType: Linux
                identifier: { publisher: Contoso, offer: Ubuntu, sku: "22" }
              version: { increment: patch }
              publishing: { targetRegions: [ westeurope ] }
              validation: {{validation}}
              evidence: { outputPath: runs }
            """, Path.Combine(_folder, "recipe.yaml"));
        Assert.True(recipe.IsValid, string.Join("\n", recipe.Diagnostics));
        return recipe;
    }

    private static async Task<RecipeRun> Run(FakeCloud cloud, ImageRecipe recipe, RecipeRunOptions? options = null)
    {
        options ??= new RecipeRunOptions();
        var runner = new RecipeRunner(cloud.Engines(), NullLogForTests.Instance);
        var plan = await runner.PlanAsync(recipe, options, CancellationToken.None);
        return await runner.RunAsync(plan, options, new HashSet<string>(RecipeRunner.StepNames), CancellationToken.None);
    }

    [Theory]
    [InlineData("InternalExecutionError")]
    [InlineData("AllocationFailed")]
    [InlineData("InternalServerError")]
    public async Task A_transient_failure_of_the_test_VM_is_retried_and_the_run_succeeds(string code)
    {
        var cloud = new FakeCloud();
        cloud.CreateFailures.Enqueue(code);

        var run = await Run(cloud, Recipe());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, cloud.Count("createVm"));
        Assert.Empty(cloud.ValidationLeftovers());
        Assert.True(run.Promoted);
    }

    [Fact]
    public async Task A_probe_Run_Command_that_never_ran_is_retried_not_a_verdict()
    {
        var cloud = new FakeCloud();
        cloud.ProbeFailures.Enqueue("Conflict");

        var run = await Run(cloud, Recipe("{ regions: [ westeurope ], probeScript: probe.sh }"));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, cloud.Count("createVm"));
        Assert.Equal(1, cloud.Count("probe"));
    }

    [Fact]
    public async Task Transient_failures_beyond_the_budget_end_the_run_Failed_and_resumable_never_ValidationFailed()
    {
        var cloud = new FakeCloud();
        foreach (var code in new[] { "InternalExecutionError", "InternalExecutionError" })
        {
            cloud.CreateFailures.Enqueue(code);
        }

        var recipe = Recipe("{ regions: [ westeurope ], retries: 1 }");

        var failed = await Run(cloud, recipe);

        Assert.Equal(RunStatus.Failed, failed.Status);
        var validate = failed.Steps.Single(s => s.Name == "Validate");
        Assert.Equal(StepStatus.Failed, validate.Status);
        Assert.Equal(RecipeErrorIds.ValidationInconclusive, validate.ErrorId);
        Assert.Equal("Inconclusive", Assert.Single(failed.Validation).Status);
        Assert.True(cloud.Versions.Values.Single().ExcludeFromLatest);
        Assert.Equal(2, cloud.Count("createVm"));
        Assert.Empty(cloud.ValidationLeftovers());
        Assert.True(RunJournal.Open(failed.JournalPath).IsUnfinished);

        var resumed = await Run(cloud, recipe, new RecipeRunOptions { Resume = true });

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(1, cloud.Count("publish"));
        Assert.Single(cloud.Versions);
        Assert.True(resumed.Promoted);
    }

    [Fact]
    public async Task A_ValidationFailed_run_is_validated_again_with_RetryValidation_without_publishing_again()
    {
        var cloud = new FakeCloud { ValidationBoots = false };
        var recipe = Recipe();
        var failed = await Run(cloud, recipe);
        Assert.Equal(RunStatus.ValidationFailed, failed.Status);

        // -Resume alone says how to go on.
        var refused = await Assert.ThrowsAsync<GenImageException>(() => Run(cloud, recipe, new RecipeRunOptions { Resume = true }));
        Assert.Equal(RecipeErrorIds.NothingToResume, refused.ErrorId);
        Assert.Contains("-RetryValidation", refused.Message);

        cloud.ValidationBoots = true;   // what made it fail was fixed outside the image (a network rule, a probe)
        var retried = await Run(cloud, recipe, new RecipeRunOptions { Resume = true, RetryValidation = true });

        Assert.Equal(RunStatus.Succeeded, retried.Status);
        Assert.Equal(failed.RunId, retried.RunId);
        Assert.Equal(1, cloud.Count("publish"));
        Assert.Single(cloud.Versions);
        Assert.False(cloud.Versions.Values.Single().ExcludeFromLatest);
        Assert.Equal(2, retried.Steps.Single(s => s.Name == "Validate").Attempts);
        Assert.Equal(StepStatus.Succeeded, retried.Steps.Single(s => s.Name == "Promote").Status);   // skipped after the failed validation, done now
        Assert.Equal(1, retried.Steps.Single(s => s.Name == "Publish").Attempts);
        Assert.Equal("Passed", Assert.Single(retried.Validation).Status);
        Assert.Empty(GenImage.Core.Evidence.Sha256Sums.Verify(retried.EvidencePath!));
    }

    [Fact]
    public async Task RetryValidation_without_a_published_run_is_refused()
    {
        var cloud = new FakeCloud();
        var ex = await Assert.ThrowsAsync<GenImageException>(() => Run(cloud, Recipe(), new RecipeRunOptions { Resume = true, RetryValidation = true }));
        Assert.Equal(RecipeErrorIds.NothingToResume, ex.ErrorId);
        Assert.Empty(cloud.Writes);
    }

    [Theory]
    [InlineData("Succeeded", null, null, ValidationVerdictKind.Passed)]
    [InlineData("Failed", "OSProvisioningTimedOut", null, ValidationVerdictKind.ImageFailed)]
    [InlineData("Failed", "VMAgentStatusCommunicationError", null, ValidationVerdictKind.ImageFailed)]
    [InlineData("TimedOut", "ProvisioningTimeout", null, ValidationVerdictKind.ImageFailed)]
    [InlineData("Failed", "InternalExecutionError", null, ValidationVerdictKind.Transient)]
    [InlineData("Failed", "AllocationFailed", null, ValidationVerdictKind.Transient)]
    [InlineData("Failed", "ProbeFailed", "Conflict", ValidationVerdictKind.Transient)]
    [InlineData("Failed", "SkuNotAvailable", null, ValidationVerdictKind.NotJudged)]
    public void Only_a_failed_boot_agent_or_probe_is_a_verdict_on_the_image(string outcome, string? code, string? probeCode, ValidationVerdictKind expected)
    {
        var result = new ValidationResult { Outcome = outcome, ErrorCode = code, ProbeErrorCode = probeCode, ProbeSucceeded = probeCode == null ? null : false };
        Assert.Equal(expected, ValidationVerdicts.Judge(result).Kind);
        Assert.Equal(ValidationVerdictKind.ImageFailed, ValidationVerdicts.Judge(new ValidationResult { Outcome = "Failed", ErrorCode = "ProbeFailed", ProbeSucceeded = false }).Kind);
    }
}
