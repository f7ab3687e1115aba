using GenImage.Core.Gallery;

namespace GenImage.Core.Tests.Gallery;

/// <summary>A listed version's replication state: as ARM reported it when read with it, else from its provisioning state.</summary>
public sealed class ReplicationStatesTests
{
    [Theory]
    [InlineData("Succeeded", "Completed")]
    [InlineData("Creating", "InProgress")]
    [InlineData("Updating", "InProgress")]
    [InlineData("Failed", "Failed")]
    [InlineData("Deleting", "Unknown")]
    [InlineData("", "Unknown")]
    public void A_listed_version_has_the_state_its_provisioning_state_implies(string provisioningState, string expected) =>
        Assert.Equal(expected, ReplicationStates.Of(new GalleryImageVersion { ProvisioningState = provisioningState }));

    [Fact]
    public void A_version_read_with_its_replication_status_keeps_what_ARM_reported() =>
        Assert.Equal("Failed", ReplicationStates.Of(new GalleryImageVersion { ProvisioningState = "Succeeded", ReplicationState = "Failed" }));
}
