using GenImage.Core.Fleet;
using GenImage.Core.Gallery;
using GenImage.Core.Tests.Vm;
using static GenImage.Core.Tests.Fleet.FakeFleetOperations;

namespace GenImage.Core.Tests.Fleet;

/// <summary>Marketplace bases: version order, how many versions behind, what is Unknown, and the inventory's reads.</summary>
public sealed class BaseImageFreshnessTests
{
    private const string Win = "MicrosoftWindowsServer/WindowsServer/2022-datacenter-azure-edition";
    private const string Jammy = "Canonical/0001-com-ubuntu-server-jammy/22_04-lts-gen2";
    private readonly FakeFleetOperations _fleet = new();
    private readonly RecordingLog _log = new();

    [Theory]
    [InlineData("1.10.0", "1.9.0", 1)]
    [InlineData("22.04.202411010", "22.04.202410020", 1)]
    [InlineData("22.04.99", "22.04.202401120", -1)]
    [InlineData("20348.2700.240905", "20348.2700.240905", 0)]
    [InlineData("1.0", "1.0.0", 0)]
    [InlineData("2.0.0", "10.0.0", -1)]
    public void Platform_versions_compare_as_numbers_part_by_part(string left, string right, int sign)
    {
        Assert.Equal(sign, Math.Sign(PlatformVersionComparer.Instance.Compare(left, right)));
        Assert.Equal(-sign, Math.Sign(PlatformVersionComparer.Instance.Compare(right, left)));
    }

    [Fact]
    public void An_image_reference_gives_its_exact_version_and_latest_without_one_an_unknown_version()
    {
        Assert.Equal("22.04.202411010", GenImage.Core.Vm.VmFacts.BaseImage("Canonical", "jammy", "22_04", "latest", "22.04.202411010")!.Version);
        Assert.Equal("22.04.202409120", GenImage.Core.Vm.VmFacts.BaseImage("Canonical", "jammy", "22_04", "22.04.202409120", null)!.Version);
        Assert.Null(GenImage.Core.Vm.VmFacts.BaseImage("Canonical", "jammy", "22_04", "latest", null)!.Version);
        Assert.Null(GenImage.Core.Vm.VmFacts.BaseImage(null, null, null, null, null));
    }

    [Fact]
    public void A_base_is_as_many_versions_behind_as_the_platform_offers_newer_ones()
    {
        // Listed out of order, and 22.04.99 sorts before the others only as numbers.
        var offered = new[] { "22.04.202411010", "22.04.99", "22.04.202410020", "22.04.202409120" };

        var behind = BaseFreshness.Judge(Base("22.04.202409120"), offered, "westeurope");
        var current = BaseFreshness.Judge(Base("22.04.202411010"), offered, "westeurope");

        Assert.Equal((InventoryStates.BaseOutdated, 2, "22.04.202411010", (string?)null), (behind.State, behind.VersionsBehind, behind.NewestVersion, behind.Note));
        Assert.Equal((InventoryStates.BaseCurrent, 0, "22.04.202411010"), (current.State, current.VersionsBehind, current.NewestVersion));
    }

    [Fact]
    public void A_base_no_longer_offered_not_offered_or_without_version_is_unknown_never_current()
    {
        var offered = new[] { "22.04.202410020", "22.04.202411010" };

        var gone = BaseFreshness.Judge(Base("22.04.202401120"), offered, "westeurope");
        var notOffered = BaseFreshness.Judge(Base("22.04.202411010"), null, "eastus");
        var empty = BaseFreshness.Judge(Base("22.04.202411010"), Array.Empty<string>(), "eastus");
        var noVersion = BaseFreshness.Judge(Base(null), offered, "westeurope");

        Assert.All(new[] { gone, notOffered, empty, noVersion }, f =>
        {
            Assert.Equal(InventoryStates.BaseUnknown, f.State);
            Assert.Null(f.VersionsBehind);
            Assert.False(string.IsNullOrEmpty(f.Note));
        });
        Assert.Equal("22.04.202411010", gone.NewestVersion);
        Assert.Contains("no longer offered in westeurope", gone.Note);
        Assert.Contains("not offered in eastus", notOffered.Note);
    }

    [Fact]
    public void Base_tags_round_trip_and_never_overwrite_a_recorded_base_or_crowd_out_other_tags()
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["owner"] = "platform-team" };

        Assert.True(BaseImageTags.Write(tags, Base("22.04.202411010")));
        Assert.Equal("22.04.202411010", tags["genimage.base.version"]);
        Assert.Equal(Jammy + "/22.04.202411010", BaseImageTags.Parse(tags)!.ToString());

        Assert.False(BaseImageTags.Write(tags, Base("22.04.202301010")));
        Assert.Equal("22.04.202411010", tags[BaseImageTags.Version]);

        var full = Enumerable.Range(0, 48).ToDictionary(i => $"t{i}", i => "x");
        Assert.False(BaseImageTags.Write(full, Base("22.04.202411010")));
        Assert.Equal(48, full.Count);

        var noVersion = new Dictionary<string, string>();
        Assert.True(BaseImageTags.Write(noVersion, Base(null)));
        Assert.Equal(3, noVersion.Count);
        Assert.Null(BaseImageTags.Parse(noVersion)!.Version);
        Assert.Null(BaseImageTags.Parse(new Dictionary<string, string> { [BaseImageTags.Publisher] = "Canonical" }));
    }

    [Fact]
    public async Task The_inventory_flags_the_definition_behind_its_platform_and_reads_each_image_once()
    {
        _fleet.PlatformImages[$"westeurope|{Win}"] = ["20348.2527.240605", "20348.2582.240703", "20348.2655.240810", "20348.2700.240905"];
        _fleet.PlatformImages[$"westeurope|{Jammy}"] = ["22.04.202409120", "22.04.202410020", "22.04.202411010"];
        var web = _fleet.AddDefinition("rg-images", "gal", "web");
        Tag(_fleet.AddVersion(web, "1.0.0", 60), Win, "20348.2527.240605");
        Tag(_fleet.AddVersion(web, "1.1.0", 30), Win, "20348.2582.240703");
        Tag(_fleet.AddVersion(web, "1.2.0", 2, excluded: true), Win, "20348.2700.240905");   // not latest: not judged
        var api = _fleet.AddDefinition("rg-images", "gal", "api");
        Tag(_fleet.AddVersion(api, "2.0.0", 10), Win, "20348.2582.240703");                  // same image and region: no second read
        var ubuntu = _fleet.AddDefinition("rg-images", "gal", "ubuntu");
        Tag(_fleet.AddVersion(ubuntu, "3.0.0", 5), Jammy, "22.04.202411010");
        var legacy = _fleet.AddDefinition("rg-images", "gal", "legacy");
        _fleet.AddVersion(legacy, "0.9.0", 400);
        _fleet.AddDefinition("rg-images", "gal", "empty");

        var report = await new ImageInventory(_fleet, _log).BuildAsync(new InventoryOptions { Now = Now, IncludeLeftovers = true }, default);

        var d = report.Definitions.ToDictionary(x => x.Name);
        Assert.Equal(("1.1.0", Win, "20348.2582.240703", "20348.2700.240905", 2, InventoryStates.BaseOutdated, true),
            (d["web"].BaseOfVersion, d["web"].BaseImage, d["web"].BaseVersion, d["web"].NewestBaseVersion, d["web"].BaseVersionsBehind, d["web"].BaseState, d["web"].BaseOutdated));
        Assert.Equal((2, true), (d["api"].BaseVersionsBehind, d["api"].BaseOutdated));
        Assert.Equal((InventoryStates.BaseCurrent, 0, false), (d["ubuntu"].BaseState, d["ubuntu"].BaseVersionsBehind, d["ubuntu"].BaseOutdated));
        Assert.Equal((InventoryStates.BaseUnknown, (string?)null, false), (d["legacy"].BaseState, d["legacy"].BaseImage, d["legacy"].BaseOutdated));
        Assert.Contains("records no marketplace base", d["legacy"].BaseNote);
        Assert.Equal(InventoryStates.BaseUnknown, d["empty"].BaseState);
        Assert.Equal(("20348.2700.240905", Win), (report.Versions.Single(v => v.Name == "1.2.0").BaseVersion, report.Versions.Single(v => v.Name == "1.2.0").BaseImage));

        Assert.Equal([$"list-platform-versions westeurope|{Jammy}", $"list-platform-versions westeurope|{Win}"],
            _fleet.Reads.Where(r => r.StartsWith("list-platform-versions", StringComparison.Ordinal)).OrderBy(r => r, StringComparer.Ordinal));
        Assert.Equal((2, 2), (report.Summary.OutdatedBaseDefinitions, report.Summary.UnknownBaseDefinitions));
    }

    [Fact]
    public async Task A_platform_list_that_fails_leaves_the_base_unknown_with_a_warning_and_the_inventory_complete()
    {
        _fleet.FailPlatformLists.Add($"westeurope|{Jammy}");
        var ubuntu = _fleet.AddDefinition("rg-images", "gal", "ubuntu");
        Tag(_fleet.AddVersion(ubuntu, "3.0.0", 5), Jammy, "22.04.202411010");

        var report = await new ImageInventory(_fleet, _log).BuildAsync(new InventoryOptions { Now = Now }, default);

        var definition = report.Definitions.Single();
        Assert.Equal((InventoryStates.BaseUnknown, false, "22.04.202411010"), (definition.BaseState, definition.BaseOutdated, definition.BaseVersion));
        Assert.Contains("AuthorizationFailed", definition.BaseNote);
        Assert.Contains(_log.Warnings, w => w.Contains("Canonical/0001-com-ubuntu-server-jammy/22_04-lts-gen2", StringComparison.Ordinal));
        Assert.Equal(1, report.Summary.UnknownBaseDefinitions);
    }

    private static MarketplaceImage Base(string? version)
        => new() { Publisher = "Canonical", Offer = "0001-com-ubuntu-server-jammy", Sku = "22_04-lts-gen2", Version = version };

    private static void Tag(GalleryImageVersion version, string image, string baseVersion)
    {
        var parts = image.Split('/');
        BaseImageTags.Write(version.Tags, new MarketplaceImage { Publisher = parts[0], Offer = parts[1], Sku = parts[2], Version = baseVersion });
    }
}
