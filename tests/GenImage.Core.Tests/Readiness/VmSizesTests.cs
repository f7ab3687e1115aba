using GenImage.Core.Readiness;

namespace GenImage.Core.Tests.Readiness;

public sealed class VmSizesTests
{
    [Theory]
    [InlineData("Standard_D2ps_v5", true)]
    [InlineData("Standard_E4pds_v5", true)]
    [InlineData("Standard_B2pls_v2", true)]
    [InlineData("Standard_D2s_v5", false)]
    [InlineData("Standard_NP10s", false)]
    [InlineData("Standard_DS2_v2", false)]
    public void Arm64_sizes_have_the_p_feature(string size, bool arm) => Assert.Equal(arm, VmSizes.IsArm64(size));

    [Theory]
    [InlineData("Standard_D2s_v6", true)]
    [InlineData("Standard_E4ads_v6", true)]
    [InlineData("Standard_D2s_v5", false)]
    [InlineData("Standard_B2s", false)]
    public void Nvme_only_sizes_are_v6(string size, bool nvme) => Assert.Equal(nvme, VmSizes.IsNvmeOnly(size));
}
