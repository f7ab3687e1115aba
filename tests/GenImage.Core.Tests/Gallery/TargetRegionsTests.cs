using System.Collections;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;

namespace GenImage.Core.Tests.Gallery;

public sealed class TargetRegionsTests
{
    [Theory]
    [InlineData("westeurope", "westeurope", 3, "Standard_LRS")]
    [InlineData("eastus=2", "eastus", 2, "Standard_LRS")]
    [InlineData("eastus=2=Standard_ZRS", "eastus", 2, "Standard_ZRS")]
    [InlineData("EastUS=5=premium_lrs", "eastus", 5, "Premium_LRS")]
    [InlineData(" West Europe = 4 ", "westeurope", 4, "Standard_LRS")]
    public void Az_cli_forms_parse_with_defaults(string token, string name, int count, string storage)
    {
        var region = TargetRegions.ParseString(token, 3, "Standard_LRS");

        Assert.Equal(name, region.Name);
        Assert.Equal(count, region.ReplicaCount);
        Assert.Equal(storage, region.StorageAccountType);
    }

    [Theory]
    [InlineData("eastus=two", "'two' is not a whole number")]
    [InlineData("=2", "region name is empty")]
    [InlineData("eastus=2=Standard_LRS=x", "at most three")]
    [InlineData("eastus=2=", "storage account type after the second '=' is empty")]
    [InlineData("east-us", "is not a region name")]
    [InlineData("", "region name is empty")]
    public void Bad_strings_name_the_token(string token, string why)
    {
        var ex = Assert.Throws<GenImageException>(() => TargetRegions.ParseString(token, 1, "Standard_LRS"));

        Assert.Equal(GalleryErrorIds.InvalidTargetRegion, ex.ErrorId);
        Assert.Equal(GenImageErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains($"-TargetRegion '{token}'", ex.Message);
        Assert.Contains(why, ex.Message);
    }

    [Fact]
    public void Hashtables_parse_and_unknown_keys_are_named()
    {
        var ok = TargetRegions.Parse(new Hashtable { ["Name"] = "North Europe", ["ReplicaCount"] = 3, ["StorageAccountType"] = "standard_zrs" }, 1, "Standard_LRS");
        Assert.Equal(("northeurope", 3, "Standard_ZRS"), (ok.Name, ok.ReplicaCount, ok.StorageAccountType));

        var ex = Assert.Throws<GenImageException>(() => TargetRegions.Parse(new Hashtable { ["Name"] = "eastus", ["Replicas"] = 2 }, 1, "Standard_LRS"));
        Assert.Contains("unknown key 'Replicas'", ex.Message);
        var noName = Assert.Throws<GenImageException>(() => TargetRegions.Parse(new Hashtable { ["ReplicaCount"] = 2 }, 1, "Standard_LRS"));
        Assert.Contains("has no Name", noName.Message);
    }

    [Fact]
    public void A_region_given_twice_names_both_tokens()
    {
        var ex = Assert.Throws<GenImageException>(() => TargetRegions.ParseAll(new object?[] { "eastus=2", "East US" }, 1, "Standard_LRS"));

        Assert.Contains("'East US'", ex.Message);
        Assert.Contains("already given by 'eastus=2'", ex.Message);
    }

    [Fact]
    public void Values_are_left_to_the_preflight_rules()
    {
        // Range and storage validity are GI4003/GI4004 findings, so every problem is reported at once.
        var regions = TargetRegions.ParseAll(new object?[] { "eastus=0", "westus=1=Premium_ZRS" }, 1, "Standard_LRS");

        Assert.Equal(0, regions[0].ReplicaCount);
        Assert.Equal("Premium_ZRS", regions[1].StorageAccountType);
    }
}
