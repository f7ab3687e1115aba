using System.Globalization;
using System.Text;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// ARM calls at the minimum when listing: Get-GalleryImageVersion of a definition is one list call and its pages (a GET
/// per version only with -ExpandReplicationStatus); the emulator pages lists at 50 and the module follows nextLink,
/// through the SDK and through its own NIC reads; the inventory reads versions by list only.
/// </summary>
public sealed class ListingEconomyTests
{
    private const string Gallery = $"/subscriptions/{Worlds.SubscriptionId}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_many";
    private const string VersionsPath = $"{Gallery}/images/many/versions";

    /// <summary>
    /// Gallery gal_many with <paramref name="definitions"/> definitions (def-000…, and "many" when there is only one) of
    /// <paramref name="versions"/> versions each, and <paramref name="nics"/> validation NICs without their VMs.
    /// </summary>
    private static string ManyWorld(int versions, int nics, int definitions = 1)
    {
        var yaml = new StringBuilder("""
            apiVersion: genimage.dev/emulator/v1
            kind: World
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000001
                resourceGroups:
                  - name: rg-images
                    location: westeurope
                    networkInterfaces:

            """);
        for (var i = 0; i < nics; i++)
        {
            yaml.Append("          - { name: giv-").Append(i.ToString("x8", CultureInfo.InvariantCulture)).Append("-nic }\n");
        }

        yaml.Append("""
                    galleries:
                      - name: gal_many
                        images:

            """);
        for (var d = 0; d < definitions; d++)
        {
            var name = definitions == 1 ? "many" : $"def-{d:D3}";
            yaml.Append(CultureInfo.InvariantCulture, $"              - name: {name}\n                osType: Linux\n                publisher: p\n                offer: o\n                sku: s{d}\n");
            if (versions == 0)
            {
                continue;
            }

            yaml.Append("                versions:\n");
            for (var i = 0; i < versions; i++)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"                  - {{ name: 1.0.{i}, source: vm-gone, publishedDaysAgo: {200 - (i % 200)} }}\n");
            }
        }

        return yaml.ToString();
    }

    private static IEnumerable<PSObject> Regions(PSObject version) =>
        ((System.Collections.IEnumerable)version.Get("Regions")!).Cast<object>().Select(PSObject.AsPSObject);

    [Fact]
    public async Task Listing_120_versions_is_one_list_call_and_its_pages()
    {
        await using var emulator = await EmulatorFixture.StartWithYamlAsync(ManyWorld(120, 0));
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Get-GalleryImageVersion rg-images gal_many many");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(Enumerable.Range(0, 120).Select(i => $"1.0.{i}"), r.Output.Select(o => o.Get<string>("Name")));
        Assert.Equal(["1.0.119"], r.Output.Where(o => o.Get<bool>("IsLatest")).Select(o => o.Get<string>("Name")));
        Assert.All(r.Output, o => Assert.Equal("Completed", o.Get<string>("ReplicationState")));
        Assert.Equal(3, emulator.RequestLog.Count);
        Assert.All(emulator.RequestLog, e => Assert.Equal(("GET", VersionsPath), (e.Method, e.Path)));
        Assert.Equal([false, true, true], emulator.RequestLog.Select(e => e.Query.Contains("$skiptoken=", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task Replication_per_region_is_read_only_when_asked_for()
    {
        await using var fleet = await EmulatorFixture.StartAsync("fleet");
        using var session = fleet.Connect();
        fleet.Host.ClearRequestLog();

        var listed = session.Run("Get-GalleryImageVersion rg-images gal_win win2022-web");
        var listReads = fleet.RequestLog.Count;
        var expanded = session.Run("Get-GalleryImageVersion rg-images gal_win win2022-web -ExpandReplicationStatus");

        Assert.True(listed.Succeeded, listed.Describe());
        Assert.Equal(1, listReads);
        var failed = listed.Output.Single(o => o.Get<string>("Name") == "1.2.0");
        Assert.Equal("Failed", failed.Get<string>("ReplicationState"));
        Assert.Equal(["westeurope Unknown", "eastus Unknown"], Regions(failed).Select(x => $"{x.Get<string>("Region")} {x.Get<string>("State")}"));

        Assert.True(expanded.Succeeded, expanded.Describe());
        var afterList = fleet.RequestLog.Skip(listReads).ToList();
        Assert.Equal(1 + 4, afterList.Count);
        Assert.Equal(4, afterList.Count(e => e.Query.Contains("$expand=ReplicationStatus", StringComparison.OrdinalIgnoreCase)));
        var expandedFailed = expanded.Output.Single(o => o.Get<string>("Name") == "1.2.0");
        Assert.Equal("Failed", expandedFailed.Get<string>("ReplicationState"));
        Assert.Equal(["westeurope Completed", "eastus Failed"], Regions(expandedFailed).Select(x => $"{x.Get<string>("Region")} {x.Get<string>("State")}"));
    }

    [Fact]
    public async Task The_inventory_follows_nextLink_through_every_page_of_nics()
    {
        await using var emulator = await EmulatorFixture.StartWithYamlAsync(ManyWorld(1, 60));
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Get-ImageInventory -ResourceGroupName rg-images -Leftover");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(60, r.Output.Count(o => o.Get<string>("Kind") == "ValidationNic"));
        Assert.Equal(2, emulator.RequestLog.Count(e => e.Path.EndsWith("/networkInterfaces", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task An_inventory_of_100_definitions_of_100_versions_reads_versions_by_list_pages_only()
    {
        const int definitions = 100, versions = 100, page = 50;
        await using var emulator = await EmulatorFixture.StartWithYamlAsync(ManyWorld(versions, 0, definitions));
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var r = session.Run("Get-ImageInventory -ResourceGroupName rg-images -GalleryName gal_many");

        Assert.True(r.Succeeded, r.Describe());
        Assert.Equal(definitions * versions, r.Output.Sum(d => d.Get<int>("VersionCount")));
        var log = emulator.RequestLog;
        Assert.All(log, e => Assert.Equal("GET", e.Method));
        // No version is read on its own: every version read is a page of a definition's version list.
        Assert.DoesNotContain(log, e => e.Path.Contains("/versions/", StringComparison.OrdinalIgnoreCase));
        var versionPages = log.Count(e => e.Path.EndsWith("/versions", StringComparison.OrdinalIgnoreCase));
        var definitionPages = log.Count(e => e.Path.EndsWith("/gal_many/images", StringComparison.OrdinalIgnoreCase));
        var pagesPerDefinition = (versions + page - 1) / page;
        Assert.Equal(definitions * pagesPerDefinition, versionPages);
        Assert.Equal((definitions + page - 1) / page, definitionPages);
        // One definition list and its pages, then one version list and its pages per definition: nothing else.
        Assert.Equal(definitionPages + versionPages, log.Count);
    }

    [Fact]
    public async Task Definitions_list_versions_only_of_the_definitions_they_show()
    {
        await using var emulator = await EmulatorFixture.StartWithYamlAsync(ManyWorld(3, 0, 5));
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();

        var matched = session.Run("Get-GalleryImageDefinition rg-images gal_many 'def-00[12]'");
        var matchedLog = emulator.RequestLog.ToList();
        emulator.Host.ClearRequestLog();
        var one = session.Run("Get-GalleryImageDefinition rg-images gal_many def-004");

        Assert.True(matched.Succeeded, matched.Describe());
        Assert.Equal(["def-001", "def-002"], matched.Output.Select(o => o.Get<string>("Name")));
        Assert.All(matched.Output, o => Assert.Equal(("1.0.2", 3), (o.Get<string>("LatestVersion"), o.Get<int>("VersionCount"))));
        // The gallery, its definition list, and the version list of each definition shown.
        Assert.Equal([Gallery, $"{Gallery}/images", $"{Gallery}/images/def-001/versions", $"{Gallery}/images/def-002/versions"],
            matchedLog.Select(e => e.Path));

        Assert.True(one.Succeeded, one.Describe());
        Assert.Equal([$"{Gallery}/images/def-004", $"{Gallery}/images/def-004/versions"], emulator.RequestLog.Select(e => e.Path));
    }
}
