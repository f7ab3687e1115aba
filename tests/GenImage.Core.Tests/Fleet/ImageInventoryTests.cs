using GenImage.Core.Errors;
using GenImage.Core.Fleet;
using GenImage.Core.Gallery;
using static GenImage.Core.Tests.Fleet.FakeFleetOperations;

namespace GenImage.Core.Tests.Fleet;

public sealed class ImageInventoryTests
{
    private readonly FakeFleetOperations _fleet = new();

    private Task<InventoryReport> BuildAsync(string? rg = null, string? gallery = null, bool leftovers = true) =>
        new ImageInventory(_fleet).BuildAsync(new InventoryOptions { ResourceGroupName = rg, GalleryName = gallery, IncludeLeftovers = leftovers, Now = Now }, default);

    [Fact]
    public async Task Versions_carry_age_end_of_life_latest_validation_replication_and_replicas()
    {
        var d = _fleet.AddDefinition("rg-images", "gal", "web");
        _fleet.AddVersion(d, "1.0.0", 120, endOfLifeInDays: -10);
        var v11 = _fleet.AddVersion(d, "1.1.0", 60, endOfLifeInDays: 20, regions: [("westeurope", 2, "Standard_LRS", "Completed"), ("eastus", 1, "Standard_ZRS", "Completed")]);
        v11.Tags["genimage.validation.westeurope"] = "v1;outcome=Passed;time=2026-01-02T09:30:00Z;region=westeurope;size=Standard_D2s_v5";
        _fleet.AddVersion(d, "1.2.0", 9, state: "Failed", regions: [("westeurope", 1, "Standard_LRS", "Completed"), ("eastus", 1, "Standard_LRS", "Failed")]);
        _fleet.AddVersion(d, "1.3.0", 2, excluded: true, endOfLifeInDays: 400);

        var report = await BuildAsync(leftovers: false);

        var versions = report.Versions.ToDictionary(v => v.Name);
        Assert.Equal(["1.0.0", "1.1.0", "1.2.0", "1.3.0"], versions.Keys);
        Assert.Equal((60.0, InventoryStates.EndOfLifeNear, 20.0), (versions["1.1.0"].AgeDays, versions["1.1.0"].EndOfLife, versions["1.1.0"].DaysToEndOfLife));
        Assert.Equal(InventoryStates.EndOfLifePast, versions["1.0.0"].EndOfLife);
        Assert.Equal(InventoryStates.EndOfLifeScheduled, versions["1.3.0"].EndOfLife);
        Assert.Equal(InventoryStates.EndOfLifeNone, versions["1.2.0"].EndOfLife);
        Assert.True(versions["1.1.0"].IsLatest);
        Assert.Single(report.Versions, v => v.IsLatest);
        Assert.Equal((true, "westeurope: Passed"), (versions["1.1.0"].Validated, versions["1.1.0"].ValidationResult));
        Assert.Null(versions["1.0.0"].Validated);
        Assert.Equal(("Completed", 3, 2, "Standard_LRS, Standard_ZRS", 381), (versions["1.1.0"].ReplicationState, versions["1.1.0"].TotalReplicas,
            versions["1.1.0"].RegionCount, versions["1.1.0"].StorageAccountTypes, versions["1.1.0"].ReplicaStorageGB));
        Assert.Equal("Failed", versions["1.2.0"].ReplicationState);
        Assert.Equal(["eastus"], versions["1.2.0"].FailedRegions);

        var definition = report.Definitions.Single();
        Assert.Equal(("1.3.0", "1.1.0", 4, 1, 1, 1, false), (definition.NewestVersion, definition.LatestVersion, definition.VersionCount,
            definition.FailedVersions, definition.PastEndOfLife, definition.NearEndOfLife, definition.Stale));
        Assert.Equal(2.0, definition.DaysSinceLastPublished);
    }

    [Fact]
    public async Task Reads_one_list_per_definition_and_the_replication_status_of_failed_versions_only()
    {
        for (var i = 0; i < 3; i++)
        {
            var d = _fleet.AddDefinition("rg-images", "gal", $"def{i}");
            for (var v = 0; v < 5; v++)
            {
                _fleet.AddVersion(d, $"1.0.{v}", 10 + v, state: i == 1 && v == 2 ? "Failed" : "Succeeded");
            }
        }

        var report = await BuildAsync(leftovers: false);

        Assert.Equal(15, report.Versions.Count());
        Assert.Equal(1, _fleet.Reads.Count(r => r == "list-galleries"));
        Assert.Equal(1, _fleet.Reads.Count(r => r.StartsWith("list-definitions", StringComparison.Ordinal)));
        Assert.Equal(3, _fleet.Reads.Count(r => r.StartsWith("list-versions", StringComparison.Ordinal)));
        Assert.Equal(["get-version 1.0.2 (expand)"], _fleet.Reads.Where(r => r.StartsWith("get-", StringComparison.Ordinal)));
        Assert.DoesNotContain(_fleet.Reads, r => r.StartsWith("list-vms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_definition_without_a_recent_version_is_stale_and_one_without_versions_has_no_latest()
    {
        _fleet.AddVersion(_fleet.AddDefinition("rg-images", "gal", "old"), "0.9.0", 400);
        _fleet.AddDefinition("rg-images", "gal", "empty");

        var report = await BuildAsync(leftovers: false);

        var old = report.Definitions.Single(d => d.Name == "old");
        Assert.True(old.Stale);
        Assert.Equal(400.0, old.DaysSinceLastPublished);
        var empty = report.Definitions.Single(d => d.Name == "empty");
        Assert.True(empty.Stale);
        Assert.Null(empty.LatestVersion);
        Assert.Equal((2, 1), (report.Summary.StaleDefinitions, report.Summary.DefinitionsWithoutLatest));
    }

    [Fact]
    public async Task Leftovers_are_marked_by_tag_name_and_age_and_what_is_in_use_or_young_is_not()
    {
        var d = _fleet.AddDefinition("rg-images", "gal", "web");
        var src = VmId("rg-images", "vm-src");
        var v1 = _fleet.AddVersion(d, "1.0.0", 30, source: src);
        _fleet.AddVersion(d, "1.1.0", 9, state: "Failed", source: src, regions: [("westeurope", 1, "Standard_LRS", "Completed"), ("eastus", 1, "Standard_LRS", "Failed")]);
        var pinnedFailed = _fleet.AddVersion(d, "1.2.0", 9, state: "Failed", source: VmId("rg-images", "vm-gone"));
        _fleet.AddVm("rg-images", "vm-src", ageDays: 40, osState: "generalized");
        _fleet.AddVm("rg-images", "giv-1a2b3c4d", ageDays: 12, image: v1.Id, validation: true, nic: "giv-1a2b3c4d-nic");
        _fleet.AddVm("rg-images", "giv-0f0f0f0f", ageDays: 0.1, image: v1.Id, validation: true);
        _fleet.AddVm("rg-apps", "vm-app", image: pinnedFailed.Id);
        _fleet.AddDisk("rg-images", "giv-9e8d7c6b-osdisk", 20);
        _fleet.AddDisk("rg-images", "giv-12345678-osdisk", 1);
        _fleet.AddDisk("rg-images", "vm-gone_OsDisk_1_abcdef", 200);
        _fleet.AddDisk("rg-images", "data-01", 200);
        _fleet.Nics.Add(new FleetNic { Id = NicId("rg-images", "giv-9e8d7c6b-nic"), Name = "giv-9e8d7c6b-nic", ResourceGroupName = "rg-images" });
        _fleet.Nics.Add(new FleetNic { Id = NicId("rg-images", "spare-nic"), Name = "spare-nic", ResourceGroupName = "rg-images" });
        _fleet.Images.Add(new ManagedImage { Id = ImageId("rg-images", "img-old"), Name = "img-old", ResourceGroupName = "rg-images", SourceId = VmId("rg-images", "vm-gone") });
        _fleet.Images.Add(new ManagedImage { Id = ImageId("rg-images", "img-used"), Name = "img-used", ResourceGroupName = "rg-images" });
        _fleet.ScaleSets.Add(new FleetScaleSet { Id = $"{Rg("rg-apps")}/providers/Microsoft.Compute/virtualMachineScaleSets/ss", Name = "ss", ImageReferenceId = ImageId("rg-images", "img-used") });

        var report = await BuildAsync();

        var marked = report.Leftovers.Select(l => $"{l.Kind} {l.Name}").ToList();
        Assert.Equal(
        [
            "ValidationVm giv-1a2b3c4d",
            "ValidationDisk giv-9e8d7c6b-osdisk",
            "ValidationNic giv-9e8d7c6b-nic",
            "SourceDisk vm-gone_OsDisk_1_abcdef",
            "KeptSourceVm vm-src",
            "FailedVersion gal/web/1.1.0",
            "UnreferencedImage img-old",
        ], marked);
        var vm = report.Leftovers.First();
        Assert.Equal([DiskId("rg-images", "giv-1a2b3c4d-osdisk"), NicId("rg-images", "giv-1a2b3c4d-nic")], vm.AlsoRemoves);
        Assert.Equal(12.0, vm.AgeDays);
        Assert.Contains("eastus", report.Leftovers.Single(l => l.Kind == LeftoverKinds.FailedVersion).Reason);
        Assert.Equal(9.0, report.Leftovers.Single(l => l.Kind == LeftoverKinds.KeptSourceVm).AgeDays);
        Assert.Equal(7, report.Summary.Leftovers);
        Assert.Equal(1, report.Summary.LeftoversByKind[LeftoverKinds.SourceDisk]);
    }

    [Fact]
    public async Task The_age_threshold_decides_and_zero_marks_everything_that_qualifies()
    {
        _fleet.AddDisk("rg-images", "giv-9e8d7c6b-osdisk", 3);

        Assert.Empty((await BuildAsync()).Leftovers);
        var all = await new ImageInventory(_fleet).BuildAsync(new InventoryOptions { IncludeLeftovers = true, LeftoverAgeDays = 0, Now = Now }, default);
        Assert.Equal(LeftoverKinds.ValidationDisk, all.Leftovers.Single().Kind);
    }

    [Fact]
    public async Task Gallery_scope_reads_one_gallery_and_marks_only_what_belongs_to_it()
    {
        var web = _fleet.AddDefinition("rg-images", "gal_win", "web");
        var linux = _fleet.AddDefinition("rg-images", "gal_linux", "ubuntu");
        var v = _fleet.AddVersion(web, "1.0.0", 30);
        var l = _fleet.AddVersion(linux, "2.0.0", 30);
        _fleet.AddVm("rg-images", "giv-aaaaaaaa", 12, image: v.Id, validation: true);
        _fleet.AddVm("rg-images", "giv-bbbbbbbb", 12, image: l.Id, validation: true);

        var report = await BuildAsync("rg-images", "gal_win");

        Assert.Equal(["web"], report.Definitions.Select(d => d.Name));
        Assert.DoesNotContain("list-galleries", _fleet.Reads);
        Assert.Equal(["giv-aaaaaaaa"], report.Leftovers.Select(x => x.Name));
        Assert.Equal("gallery rg-images/gal_win", report.Summary.Scope);
    }

    [Fact]
    public async Task Scope_errors_say_what_to_give()
    {
        var noGroup = await Assert.ThrowsAsync<GenImageException>(() => BuildAsync(gallery: "gal"));
        Assert.Equal((FleetErrorIds.InvalidScope, GenImageErrorKind.InvalidArgument), (noGroup.ErrorId, noGroup.Kind));
        Assert.Contains("-ResourceGroupName", noGroup.Message);

        var missing = await Assert.ThrowsAsync<GenImageException>(() => BuildAsync("rg-images", "nope"));
        Assert.Equal((GalleryErrorIds.GalleryNotFound, GenImageErrorKind.ObjectNotFound), (missing.ErrorId, missing.Kind));
    }

    [Fact]
    public async Task Summary_rolls_up_replica_storage_per_type_and_states_its_assumptions()
    {
        var d = _fleet.AddDefinition("rg-images", "gal", "web");
        _fleet.AddVersion(d, "1.0.0", 10, sizeGB: 30, regions: [("westeurope", 2, "Standard_LRS", "Completed"), ("eastus", 1, "Standard_ZRS", "Completed")]);
        _fleet.AddVersion(d, "1.1.0", 5, sizeGB: 30, regions: [("westeurope", 1, "Standard_LRS", "Completed")]);

        var summary = (await BuildAsync()).Summary;

        Assert.Equal((1, 1, 2, 2, 4), (summary.Galleries, summary.Definitions, summary.Versions, summary.Regions, summary.TotalReplicas));
        Assert.Equal(90, summary.ReplicaStorageGB["Standard_LRS"]);
        Assert.Equal(30, summary.ReplicaStorageGB["Standard_ZRS"]);
        Assert.Contains(summary.Assumptions, a => a.Contains("No prices", StringComparison.Ordinal));
        Assert.Equal($"subscription {Sub}", summary.Scope);
    }
}
