using GenImage.Core.Gallery;

namespace GenImage.Core.Tests.Gallery;

public sealed class LatestVersionTests
{
    private static GalleryImageVersion V(string name, bool excluded = false, string state = "Succeeded") =>
        new() { Id = "/x/versions/" + name, Name = name, ExcludeFromLatest = excluded, ProvisioningState = state };

    [Fact]
    public void Latest_is_the_highest_succeeded_version_not_excluded()
    {
        var versions = new List<GalleryImageVersion> { V("1.9.0"), V("1.10.0"), V("1.11.0", excluded: true), V("2.0.0", state: "Creating"), V("1.10.1", state: "Failed") };

        Assert.Equal("1.10.0", LatestVersion.Resolve(versions)!.Name);
        Assert.Equal("1.10.0", LatestVersion.Mark(versions)!.Name);
        Assert.Single(versions, v => v.IsLatest);
    }

    [Fact]
    public void No_qualifying_version_means_no_latest()
    {
        Assert.Null(LatestVersion.Resolve(new[] { V("1.0.0", excluded: true) }));
        Assert.Null(LatestVersion.Resolve(Array.Empty<GalleryImageVersion>()));
    }
}
