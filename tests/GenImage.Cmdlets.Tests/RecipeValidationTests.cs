using GenImage.Emulator;
using GenImage.Emulator.Faults;

namespace GenImage.Cmdlets.Tests;

/// <summary>Transient vs verdict against the emulator: an Azure hiccup on the test VM never ends a run ValidationFailed.</summary>
public sealed class RecipeValidationTests
{
    private static bool IsTestVmPut(RequestLogEntry e) =>
        e.Method == "PUT" && e.Path.Contains("/virtualMachines/giv-", StringComparison.OrdinalIgnoreCase) && e.Status < 300;

    private static bool IsVersionPut(RequestLogEntry e) =>
        e.Method == "PUT" && e.Path.Contains("/versions/", StringComparison.OrdinalIgnoreCase) && e.Status < 300;

    private static FaultRule TestVmFails(string code, int? count) => new()
    {
        Name = "test VM create fails", Effect = FaultEffect.FailOperation, Method = "PUT", Path = "*/virtualMachines/giv-*", Count = count,
        ErrorCode = code, ErrorMessage = code == "InternalExecutionError" ? "An internal execution error occurred. Please retry later." : null,
    };

    [Fact]
    public async Task An_InternalExecutionError_on_the_test_VM_is_retried_and_the_run_succeeds()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.Faults.Add(TestVmFails("InternalExecutionError", 1));

        var r = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = folder["ubuntu2204-gen2.yaml"] });

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal("Succeeded", r.SingleOutput().Get<string>("Status"));
        Assert.Equal(2, emulator.RequestLog.Count(IsTestVmPut));
        Assert.Contains(r.WarningMessages, w => w.Contains("transient", StringComparison.Ordinal));
        Assert.DoesNotContain(emulator.Host.ListVms(emulator.SubscriptionId), vm => vm.Name.StartsWith("giv-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Persistent_transient_failures_end_the_run_Failed_and_Resume_finishes_it_with_one_version()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.Faults.Add(TestVmFails("InternalExecutionError", null));
        var recipe = folder["ubuntu2204-gen2.yaml"];

        var failed = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = recipe });

        var run = failed.SingleOutput();
        Assert.Equal("Failed", run.Get<string>("Status"));
        Assert.StartsWith("GenImage.ValidationInconclusive", Assert.Single(failed.Errors).FullyQualifiedErrorId);
        Assert.Equal(3, emulator.RequestLog.Count(IsTestVmPut));   // the first try and spec.validation.retries (2)

        emulator.Host.Faults.Clear();
        var resumed = session.Run("Invoke-ImageRecipe -Path $path -Resume -Force", new { path = recipe });

        Assert.True(resumed.Succeeded, resumed.Describe());
        Assert.Equal("Succeeded", resumed.SingleOutput().Get<string>("Status"));
        Assert.Equal(1, emulator.RequestLog.Count(IsVersionPut));
        Assert.False(emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "ubuntu-2204-gen2", "1.0.0")!.ExcludeFromLatest);
    }

    [Fact]
    public async Task A_ValidationFailed_run_is_validated_again_with_Resume_RetryValidation_and_no_second_version()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        // The first test VM reports that it did not provision: a verdict, as far as the run can tell.
        emulator.Host.Faults.Add(TestVmFails("OSProvisioningTimedOut", 1));
        var recipe = folder["ubuntu2204-gen2.yaml"];

        var failed = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = recipe });
        Assert.Equal("ValidationFailed", failed.SingleOutput().Get<string>("Status"));
        var plainResume = session.Run("Invoke-ImageRecipe -Path $path -Resume -Force", new { path = recipe });
        Assert.Contains("-RetryValidation", Assert.Single(plainResume.Errors).Exception.Message);

        var retried = session.Run("Invoke-ImageRecipe -Path $path -Resume -RetryValidation -Force", new { path = recipe });

        Assert.True(retried.Succeeded, retried.Describe());
        var run = retried.SingleOutput();
        Assert.Equal("Succeeded", run.Get<string>("Status"));
        Assert.Equal(failed.SingleOutput().Get<string>("RunId"), run.Get<string>("RunId"));
        Assert.Equal(1, emulator.RequestLog.Count(IsVersionPut));
        Assert.Null(emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "ubuntu-2204-gen2", "1.0.1"));
        Assert.False(emulator.Host.GetImageVersion(emulator.SubscriptionId, Worlds.ResourceGroup, "gal_images", "ubuntu-2204-gen2", "1.0.0")!.ExcludeFromLatest);
    }
}
