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
}
