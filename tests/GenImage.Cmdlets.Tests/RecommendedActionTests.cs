using GenImage.Emulator.Faults;

namespace GenImage.Cmdlets.Tests;

/// <summary>The RecommendedAction of a refused ARM call is something the operator can do.</summary>
public sealed class RecommendedActionTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _emulator;

    public RecommendedActionTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public void ANotFoundReadSaysToCheckTheNamesNotTheActivityLog()
    {
        using var session = _emulator.Connect();

        var r = session.Run(
            "Get-SourceVm -Id \"/subscriptions/$sub/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/vm-missing\"",
            new { sub = _emulator.SubscriptionId });

        var error = Assert.Single(r.AllErrors);
        Assert.StartsWith("GenImage.ResourceNotFound", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        var action = error.ErrorDetails?.RecommendedAction ?? string.Empty;
        // The Activity Log records writes only: a failed read cannot be found there.
        Assert.DoesNotContain("Activity Log", action, StringComparison.Ordinal);
        Assert.Contains("Get-GenImageContext", action, StringComparison.Ordinal);
        Assert.Contains("Get-SourceVm", action, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReadThatAzureFailedToAnswerSaysRetryNotTheActivityLog()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.Faults.Add(new FaultRule { Effect = FaultEffect.InternalServerError, Method = "GET", Path = "*/virtualMachines/vm-win2022-src" });

        var r = session.Run("Get-SourceVm -ResourceGroupName rg-images -Name vm-win2022-src");

        var error = Assert.Single(r.AllErrors);
        var action = error.ErrorDetails?.RecommendedAction ?? string.Empty;
        Assert.DoesNotContain("Activity Log", action, StringComparison.Ordinal);
        Assert.StartsWith("Azure failed to answer; retry.", action, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQuotaRefusalSaysToRequestAnIncreaseNotToChangeTheResourceState()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var session = emulator.Connect();
        emulator.Host.Faults.Add(new FaultRule
        {
            Effect = FaultEffect.FailOperation, Method = "POST", Path = "*/deallocate", ErrorCode = "OperationNotAllowed",
            ErrorMessage = "Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota.",
        });

        var r = session.Run("Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-win2022-src -Prepare -Force");

        var error = Assert.Single(r.AllErrors);
        var action = error.ErrorDetails?.RecommendedAction ?? string.Empty;
        Assert.Contains("request an increase", action, StringComparison.Ordinal);
        Assert.DoesNotContain("state", action, StringComparison.Ordinal);
        Assert.DoesNotContain("Activity Log", action, StringComparison.Ordinal);
    }
}
