using GenImage.Core.Readiness;

namespace GenImage.Core.Tests.Readiness;

public sealed class KnownRegionsTests
{
    [Theory]
    [InlineData("West Europe", "westeurope")]
    [InlineData("  East US 2 ", "eastus2")]
    [InlineData("northeurope", "northeurope")]
    public void Normalize_removes_spaces_and_case(string name, string expected) => Assert.Equal(expected, KnownRegions.Normalize(name));

    [Fact]
    public void Display_name_and_zones()
    {
        Assert.Equal("West Europe", KnownRegions.DisplayName("westeurope"));
        Assert.Equal("nowhere", KnownRegions.DisplayName("No where"));
        Assert.True(KnownRegions.SupportsZones("West Europe"));
        Assert.False(KnownRegions.SupportsZones("westus"));
        Assert.False(KnownRegions.SupportsZones("atlantis"));
        Assert.Contains("eastus", KnownRegions.All);
        Assert.Contains("EastUS", KnownRegions.All);
        Assert.DoesNotContain("westeurop", KnownRegions.All);
    }
}
