namespace GenImage.Cmdlets.Tests;

/// <summary>The fleet world (examples/worlds/fleet.yaml) as a class fixture: read-only tests share it.</summary>
public sealed class FleetEmulatorFixture : EmulatorFixture
{
    public FleetEmulatorFixture()
        : base("fleet")
    {
    }
}

/// <summary>Get-ImageInventory through the hosted engine against the fleet world; these tests only read.</summary>
public sealed class InventoryCmdletTests : IClassFixture<FleetEmulatorFixture>
{
    internal const string Sub = Worlds.SubscriptionId;
    internal const string WinDefinition = $"/subscriptions/{Sub}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_win/images/win2022-web";

    private readonly FleetEmulatorFixture _emulator;

    public InventoryCmdletTests(FleetEmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public void Definitions_show_versions_newest_latest_and_staleness()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Get-ImageInventory");

        Assert.True(r.Succeeded, r.Describe());
        var definitions = r.Output.ToDictionary(o => o.Get<string>("GalleryName") + "/" + o.Get<string>("Name"));
        Assert.Equal(["gal_linux/ubuntu-2204", "gal_win/win2019-legacy", "gal_win/win2022-web", "gal_dr/win2022-web-dr"], definitions.Keys);
        Assert.All(r.Output, o => Assert.Equal("GenImage.ImageDefinitionInventory", o.TypeName()));
        var web = definitions["gal_win/win2022-web"];
        Assert.Equal((4, "1.3.0", "1.1.0", false, 1, 1, 1), (web.Get<int>("VersionCount"), web.Get<string>("NewestVersion"), web.Get<string>("LatestVersion"),
            web.Get<bool>("Stale"), web.Get<int>("FailedVersions"), web.Get<int>("PastEndOfLife"), web.Get<int>("NearEndOfLife")));
        Assert.True(definitions["gal_win/win2019-legacy"].Get<bool>("Stale"));
        Assert.Null(definitions["gal_dr/win2022-web-dr"].Get<string>("LatestVersion"));
    }

    [Fact]
    public void Versions_show_end_of_life_validation_and_the_regions_that_failed()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Get-ImageInventory -ResourceGroupName rg-images -GalleryName gal_win -Version");

        Assert.True(r.Succeeded, r.Describe());
        var versions = r.Output.Where(o => o.Get<string>("DefinitionName") == "win2022-web").ToDictionary(o => o.Get<string>("Name"));
        Assert.Equal("Past", versions["1.0.0"].Get<string>("EndOfLife"));
        Assert.Equal("Near", versions["1.1.0"].Get<string>("EndOfLife"));
        Assert.True(versions["1.1.0"].Get<bool>("IsLatest"));
        Assert.Equal("westeurope: Passed", versions["1.1.0"].Get<string>("ValidationResult"));
        Assert.Equal((4, 3, "Standard_LRS, Standard_ZRS"), (versions["1.1.0"].Get<int>("TotalReplicas"), versions["1.1.0"].Get<int>("RegionCount"), versions["1.1.0"].Get<string>("StorageAccountTypes")));
        Assert.Equal(("Failed", "Failed"), (versions["1.2.0"].Get<string>("ProvisioningState"), versions["1.2.0"].Get<string>("ReplicationState")));
        Assert.Equal(["eastus"], ((System.Collections.IEnumerable)versions["1.2.0"].Get("FailedRegions")!).Cast<object>().Select(x => x.ToString()));
        Assert.True(versions["1.3.0"].Get<bool>("ExcludeFromLatest"));
        Assert.InRange(versions["1.1.0"].Get<double>("AgeDays"), 59.9, 60.1);

        var table = session.Run("Get-ImageInventory rg-images gal_win -Version", new GenImage.Demo.RunOptions { RenderToHost = true }).HostOutput;
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(table, @"^Definition\s+Version\s+AgeDays\s+Latest\s+Excluded\s+EndOfLife\s+Validated\s+Replication\s+Replicas\s+Regions\s+FailedIn",
            System.Text.RegularExpressions.RegexOptions.Multiline), table);
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"gal_win/win2022-web\s+1\.2\.0 .*Failed\s+2\s+2\s+eastus"), table);
    }

    [Fact]
    public void Each_definition_shows_how_far_its_marketplace_base_is_behind_the_platform()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Get-ImageInventory");

        Assert.True(r.Succeeded, r.Describe());
        var definitions = r.Output.ToDictionary(o => o.Get<string>("GalleryName") + "/" + o.Get<string>("Name"));
        var web = definitions["gal_win/win2022-web"];
        Assert.Equal(("1.1.0", "MicrosoftWindowsServer/WindowsServer/2022-datacenter-azure-edition", "20348.2582.240703", "20348.2700.240905", 2, "Outdated", true),
            (web.Get<string>("BaseOfVersion"), web.Get<string>("BaseImage"), web.Get<string>("BaseVersion"), web.Get<string>("NewestBaseVersion"),
             web.Get<int>("BaseVersionsBehind"), web.Get<string>("BaseState"), web.Get<bool>("BaseOutdated")));
        var ubuntu = definitions["gal_linux/ubuntu-2204"];
        Assert.Equal(("22.04.202411010", "22.04.202411010", 0, "Current", false),
            (ubuntu.Get<string>("BaseVersion"), ubuntu.Get<string>("NewestBaseVersion"), ubuntu.Get<int>("BaseVersionsBehind"), ubuntu.Get<string>("BaseState"), ubuntu.Get<bool>("BaseOutdated")));
        foreach (var unknown in new[] { "gal_win/win2019-legacy", "gal_dr/win2022-web-dr" })
        {
            Assert.Equal(("Unknown", false), (definitions[unknown].Get<string>("BaseState"), definitions[unknown].Get<bool>("BaseOutdated")));
            Assert.Contains("records no marketplace base", definitions[unknown].Get<string>("BaseNote"), StringComparison.Ordinal);
        }

        var table = session.Run("Get-ImageInventory -ResourceGroupName rg-images -ProgressAction SilentlyContinue", new GenImage.Demo.RunOptions { RenderToHost = true }).HostOutput;
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"^GalleryName\s+Name\s+Versions\s+Newest\s+Latest\s+Published\s+Stale\s+Failed\s+EndOfLife\s+Replicas\s+ReplicaGB\s+Base\s*$",
            System.Text.RegularExpressions.RegexOptions.Multiline), table);
        foreach (var row in new[] { @"win2022-web .* 2 behind$", @"ubuntu-2204 .* current$", @"win2019-legacy .* unknown$" })
        {
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(table, row, System.Text.RegularExpressions.RegexOptions.Multiline), table);
        }
    }

    [Fact]
    public void A_gallery_inventory_reads_one_definition_list_one_version_list_per_definition_and_the_failed_version()
    {
        using var session = _emulator.Connect();
        session.Run("Get-GenImageContext | Out-Null").EnsureSuccess();
        _emulator.Host.ClearRequestLog();

        session.Run("Get-ImageInventory -ResourceGroupName rg-images -GalleryName gal_win -Version | Out-Null").EnsureSuccess();

        var requests = _emulator.RequestLog.Select(e => $"{e.Method} {e.Path.Replace($"/subscriptions/{Sub}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_win", "~")}{(e.Query.Contains("expand", StringComparison.OrdinalIgnoreCase) ? " (expand)" : "")}").ToList();
        Assert.Equal(
        [
            // The marketplace base of win2022-web's latest (win2019-legacy records none): one platform list.
            $"GET /subscriptions/{Sub}/providers/Microsoft.Compute/locations/westeurope/publishers/MicrosoftWindowsServer/artifacttypes/vmimage/offers/WindowsServer/skus/2022-datacenter-azure-edition/versions",
            "GET ~/images",
            "GET ~/images/win2019-legacy/versions",
            "GET ~/images/win2022-web/versions",
            "GET ~/images/win2022-web/versions/1.2.0 (expand)",
        ], requests.OrderBy(x => x, StringComparer.Ordinal));
    }

    [Fact]
    public void Leftovers_are_what_image_builds_left_behind_and_nothing_in_use()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Get-ImageInventory -Leftover");

        Assert.True(r.Succeeded, r.Describe());
        Assert.All(r.Output, o => Assert.Equal("GenImage.ImageLeftover", o.TypeName()));
        Assert.Equal(
        [
            "ValidationVm giv-1a2b3c4d",
            "ValidationDisk giv-9e8d7c6b-osdisk",
            "ValidationNic giv-9e8d7c6b-nic",
            "SourceDisk vm-win2019-old_OsDisk_1_3f2a9c0d",
            "KeptSourceVm vm-ubuntu-kept",
            "FailedVersion gal_win/win2022-web/1.2.0",
            "FailedVersion gal_dr/win2022-web-dr/1.0.0",
            "UnreferencedImage img-win2019-legacy",
        ], r.Output.Select(o => $"{o.Get<string>("Kind")} {o.Get<string>("Name")}"));

        // The inventory's objects cannot be changed into something it did not mark.
        var changed = session.Run("$l = @(Get-ImageInventory -Leftover)[0]; $l.Id = '/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/z'");
        Assert.False(changed.Succeeded);
        Assert.Contains("'Id' is a ReadOnly property", changed.AllErrors.Single().Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_is_one_roll_up_with_estimates_and_no_prices()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Get-ImageInventory -Summary");

        Assert.True(r.Succeeded, r.Describe());
        var summary = r.SingleOutput();
        Assert.Equal("GenImage.ImageInventorySummary", summary.TypeName());
        Assert.Equal((3, 4, 8, 2, 8), (summary.Get<int>("Galleries"), summary.Get<int>("Definitions"), summary.Get<int>("Versions"), summary.Get<int>("FailedVersions"), summary.Get<int>("Leftovers")));
        Assert.Equal((1, 2), (summary.Get<int>("OutdatedBaseDefinitions"), summary.Get<int>("UnknownBaseDefinitions")));
        var text = session.Run("Get-ImageInventory -Summary", new GenImage.Demo.RunOptions { RenderToHost = true }).HostOutput;
        Assert.Contains("ReplicaStorageGB (estimate)", text);
        Assert.Contains("No prices are shown", text);
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"Leftovers\s+: 8: "), text);
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"MarketplaceBases\s+: 1 outdated, 2 unknown"), text);
        Assert.DoesNotContain("$", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gallery_without_its_resource_group_is_refused_with_what_to_give()
    {
        using var session = _emulator.Connect();

        var r = session.Run("Get-ImageInventory -GalleryName gal_win");
        var missing = session.Run("Get-ImageInventory -ResourceGroupName rg-images -GalleryName gal_nope");

        Assert.Equal(["GenImage.InvalidInventoryScope,GenImage.Cmdlets.Commands.GetImageInventoryCommand"], r.ErrorIds);
        Assert.Equal(ErrorCategory.InvalidArgument, r.Errors.Single().CategoryInfo.Category);
        Assert.Equal(["GenImage.GalleryNotFound,GenImage.Cmdlets.Commands.GetImageInventoryCommand"], missing.ErrorIds);
    }
}
