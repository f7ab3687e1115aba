using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Tests.Vm;

namespace GenImage.Core.Tests.Gallery;

public sealed class ReleaseChannelTests
{
    private const string Def = "ubuntu-2204";
    private readonly FakeGalleryOperations _gallery = new();
    private readonly RecordingLog _log = new();
    private readonly ReleaseChannel _channel;

    public ReleaseChannelTests()
    {
        _gallery.AddDefinition(Def);
        _gallery.AddVersion(Def, "1.0.0");
        _gallery.AddVersion(Def, "1.1.0", excluded: true);
        _channel = new ReleaseChannel(_gallery, _log);
    }

    private static string Id(string version) => GalleryIds.Version(FakeGalleryOperations.Sub, FakeGalleryOperations.Rg, FakeGalleryOperations.GalleryName, Def, version);

    [Fact]
    public async Task Promote_moves_latest_and_a_second_promote_writes_nothing()
    {
        var plan = await _channel.PlanAsync(ReleaseChannel.Promote, Id("1.1.0"), default);
        Assert.Contains("latest: 1.0.0 -> 1.1.0", plan.Describe());

        var result = await _channel.ExecuteAsync(plan, default);
        Assert.True(result.Changed);
        Assert.Equal(("1.0.0", "1.1.0"), (result.PreviousLatestVersion, result.LatestVersion));
        Assert.False(result.ExcludeFromLatest);
        Assert.True(result.Version!.IsLatest);

        var writes = _gallery.Writes.Count;
        var again = await _channel.ExecuteAsync(await _channel.PlanAsync(ReleaseChannel.Promote, Id("1.1.0"), default), default);
        Assert.False(again.Changed);
        Assert.Equal("1.1.0", again.LatestVersion);
        Assert.Equal(writes, _gallery.Writes.Count);
    }

    [Fact]
    public async Task Promote_without_listing_after_resolves_latest_from_the_plans_list_and_the_patch_answer()
    {
        var plan = await _channel.PlanAsync(ReleaseChannel.Promote, Id("1.1.0"), default);
        // A version published after the caller's list: a list read after the PATCH would name it latest.
        _gallery.AddVersion(Def, "9.0.0");

        var result = await _channel.ExecuteAsync(plan, listAfter: false, default);

        Assert.True(result.Changed);
        Assert.Equal(("1.0.0", "1.1.0"), (result.PreviousLatestVersion, result.LatestVersion));
        Assert.False(result.ExcludeFromLatest);
        Assert.True(result.Version!.IsLatest);
        Assert.False(_gallery.Versions[Id("1.1.0")].ExcludeFromLatest);
        Assert.Equal("9.0.0", (await _channel.ExecuteAsync(await _channel.PlanAsync(ReleaseChannel.Promote, Id("1.1.0"), default), default)).LatestVersion);
    }

    [Fact]
    public async Task Rollback_excludes_the_version_and_reports_the_new_latest()
    {
        await _channel.ExecuteAsync(await _channel.PlanAsync(ReleaseChannel.Promote, Id("1.1.0"), default), default);

        var result = await _channel.ExecuteAsync(await _channel.PlanAsync(ReleaseChannel.Rollback, Id("1.1.0"), default), default);

        Assert.True(result.Changed);
        Assert.True(result.ExcludeFromLatest);
        Assert.Equal(("1.1.0", "1.0.0"), (result.PreviousLatestVersion, result.LatestVersion));
        var again = await _channel.ExecuteAsync(await _channel.PlanAsync(ReleaseChannel.Rollback, Id("1.1.0"), default), default);
        Assert.False(again.Changed);
    }

    [Fact]
    public async Task Rolling_back_the_last_qualifying_version_warns_that_latest_resolves_to_nothing()
    {
        var result = await _channel.ExecuteAsync(await _channel.PlanAsync(ReleaseChannel.Rollback, Id("1.0.0"), default), default);

        Assert.Null(result.LatestVersion);
        Assert.Contains(_log.Warnings, w => w.Contains("No version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Promoting_a_version_that_is_not_succeeded_is_refused()
    {
        _gallery.AddVersion(Def, "1.2.0", excluded: true, state: "Creating");

        var ex = await Assert.ThrowsAsync<GenImageException>(() => _channel.PlanAsync(ReleaseChannel.Promote, Id("1.2.0"), default));

        Assert.Equal(GalleryErrorIds.VersionNotReady, ex.ErrorId);
    }

    [Fact]
    public async Task Removing_the_only_latest_version_is_refused_but_a_replaceable_one_is_not()
    {
        var only = await _channel.PlanAsync(ReleaseChannel.Remove, Id("1.0.0"), default);
        var refusal = ReleaseChannel.RemovalRefusal(only);
        Assert.NotNull(refusal);
        Assert.Equal(GalleryErrorIds.LatestVersionRemoval, refusal!.ErrorId);
        Assert.Contains("-Force", refusal.Message);

        _gallery.AddVersion(Def, "0.9.0");
        var replaceable = await _channel.PlanAsync(ReleaseChannel.Remove, Id("1.0.0"), default);
        Assert.Null(ReleaseChannel.RemovalRefusal(replaceable));
        Assert.Equal("0.9.0", replaceable.LatestAfter!.Name);
        await _channel.RemoveAsync(replaceable, default);
        Assert.Contains(_log.Warnings, w => w.Contains("latest resolves to 0.9.0 now"));
    }

    [Fact]
    public async Task A_version_whose_deletion_is_blocked_before_its_end_of_life_is_refused_before_any_delete()
    {
        var v = _gallery.Versions[Id("1.1.0")];
        v.BlockDeletionBeforeEndOfLife = true;
        v.EndOfLifeDate = DateTimeOffset.UtcNow.AddDays(30);

        var ex = await Assert.ThrowsAsync<GenImageException>(() => _channel.PlanAsync(ReleaseChannel.Remove, Id("1.1.0"), default));

        Assert.Equal(GalleryErrorIds.VersionDeletionBlocked, ex.ErrorId);
        Assert.Contains("-BlockDeletionBeforeEndOfLife:$false", ex.Message);
        Assert.DoesNotContain(_gallery.Writes, w => w.StartsWith("DELETE", StringComparison.Ordinal));

        // Past its end of life, or with the block lifted, the version can go.
        v.EndOfLifeDate = DateTimeOffset.UtcNow.AddDays(-1);
        var plan = await _channel.PlanAsync(ReleaseChannel.Remove, Id("1.1.0"), default);
        Assert.Equal("1.1.0", plan.Version.Name);
    }

    [Fact]
    public async Task Retrying_a_region_removes_it_then_adds_it_back_unless_the_safety_profile_forbids_removal()
    {
        var id = Id("1.0.0");
        var v = _gallery.Versions[id];
        v.Regions = new List<RegionReplication>
        {
            new() { Region = "westeurope", ReplicaCount = 1, StorageAccountType = "Standard_LRS", State = "Completed" },
            new() { Region = "northeurope", ReplicaCount = 2, StorageAccountType = "Standard_ZRS", State = "Failed" },
        };
        v.AllowDeletionOfReplicatedLocation = false;

        var refused = Assert.Throws<GenImageException>(() => RegionRetry.Check(v, "North Europe"));
        Assert.Equal(RegionRetry.RegionRemovalNotAllowed, refused.ErrorId);
        Assert.Equal(RegionRetry.RegionNotTargeted, Assert.Throws<GenImageException>(() => RegionRetry.Check(v, "eastus")).ErrorId);

        v.AllowDeletionOfReplicatedLocation = true;
        var result = await RegionRetry.RunAsync(_gallery, v, "North Europe", _log, default);

        Assert.Equal(new[] { new List<string> { "westeurope" }, new List<string> { "westeurope", "northeurope" } }, _gallery.RegionHistory);
        var back = result.Regions.Single(r => r.Region == "northeurope");
        Assert.Equal((2, "Standard_ZRS"), (back.ReplicaCount, back.StorageAccountType));
    }

    [Fact]
    public async Task A_missing_version_lists_the_existing_ones()
    {
        var ex = await Assert.ThrowsAsync<GenImageException>(() => _channel.PlanAsync(ReleaseChannel.Promote, Id("9.9.9"), default));

        Assert.Equal(GalleryErrorIds.VersionNotFound, ex.ErrorId);
        Assert.Contains("1.0.0, 1.1.0", ex.Message);
    }
}
