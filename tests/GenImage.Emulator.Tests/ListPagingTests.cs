using System.Globalization;
using System.Text;
using Azure.ResourceManager.Compute;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>
/// Lists page as ARM pages them (docs/emulator.md#paging): 50 items per page and a nextLink that repeats the request's
/// query with $skiptoken; following nextLink yields every item once; a $skiptoken the emulator did not issue is 400
/// InvalidSkipToken. One world holds more than a page of each listed type.
/// </summary>
public sealed class ListPagingTests
{
    private const int Count = 60;
    private const string Group = $"subscriptions/{Sub}/resourceGroups/rg-many";

    /// <summary>A resource group with <see cref="Count"/> of each listed type (and a gallery with that many definitions and versions).</summary>
    private static string ManyWorld()
    {
        var yaml = new StringBuilder("""
            apiVersion: genimage.dev/emulator/v1
            kind: World
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000001
                resourceGroups:
                  - name: rg-many
                    location: westeurope

            """);
        void Section(string name, Func<int, string> item)
        {
            yaml.Append("        ").Append(name).Append(":\n");
            for (var i = 0; i < Count; i++)
            {
                yaml.Append("          - ").Append(item(i)).Append('\n');
            }
        }

        Section("virtualMachines", i => $"{{ name: vm-{i:D3}, osType: Linux }}");
        Section("disks", i => $"{{ name: disk-{i:D3}, osType: Linux, sizeGB: 30 }}");
        Section("networkInterfaces", i => $"{{ name: nic-{i:D3} }}");
        Section("images", i => $"{{ name: img-{i:D3}, sourceVm: vm-gone, osType: Linux }}");
        Section("virtualMachineScaleSets", i => $"{{ name: vmss-{i:D3}, osType: Linux, imageId: /subscriptions/{Sub}/resourceGroups/rg-many/providers/Microsoft.Compute/images/img-000 }}");
        yaml.Append("        galleries:\n");
        yaml.Append("          - name: gal_000\n            images:\n");
        for (var i = 0; i < Count; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"              - {{ name: def-{i:D3}, osType: Linux, publisher: p, offer: o, sku: s{i} }}\n");
        }

        yaml.Append("              - name: many\n                osType: Linux\n                publisher: p\n                offer: o\n                sku: many\n                versions:\n");
        for (var i = 0; i < Count; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"                  - {{ name: 1.0.{i}, source: vm-gone, publishedDaysAgo: {200 - i} }}\n");
        }

        for (var i = 1; i < Count; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"          - name: gal_{i:D3}\n");
        }

        return yaml.ToString();
    }

    public static TheoryData<string, string, int> Lists => new()
    {
        // list path (without query), api-version, items expected at least (the world's own plus what VMs bring along)
        { $"{Group}/providers/Microsoft.Compute/virtualMachines", "2023-07-01", Count },
        { $"subscriptions/{Sub}/providers/Microsoft.Compute/virtualMachines", "2023-07-01", Count },
        { $"{Group}/providers/Microsoft.Compute/virtualMachineScaleSets", "2023-07-01", Count },
        { $"subscriptions/{Sub}/providers/Microsoft.Compute/virtualMachineScaleSets", "2023-07-01", Count },
        { $"{Group}/providers/Microsoft.Compute/images", "2023-07-01", Count },
        { $"subscriptions/{Sub}/providers/Microsoft.Compute/images", "2023-07-01", Count },
        { $"{Group}/providers/Microsoft.Compute/disks", "2023-04-02", Count },
        { $"subscriptions/{Sub}/providers/Microsoft.Compute/disks", "2023-04-02", Count },
        { $"{Group}/providers/Microsoft.Network/networkInterfaces", "2023-09-01", Count },
        { $"subscriptions/{Sub}/providers/Microsoft.Network/networkInterfaces", "2023-09-01", Count },
        { $"{Group}/providers/Microsoft.Compute/galleries", "2022-03-03", Count },
        { $"subscriptions/{Sub}/providers/Microsoft.Compute/galleries", "2022-03-03", Count },
        { $"{Group}/providers/Microsoft.Compute/galleries/gal_000/images", "2022-03-03", Count + 1 },
        { $"{Group}/providers/Microsoft.Compute/galleries/gal_000/images/many/versions", "2022-03-03", Count },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_list_longer_than_a_page_pages_at_50_and_nextLink_yields_every_item_once(string path, string apiVersion, int atLeast)
    {
        await using var host = await StartAsync(ManyWorld());
        using var http = Http(host);

        var sizes = new List<int>();
        var ids = new List<string>();
        var next = (string?)$"{path}?api-version={apiVersion}";
        while (next is not null)
        {
            var (response, page) = await GetAsync(http, next);
            Assert.Equal(200, (int)response.StatusCode);
            var value = page!["value"]!.AsArray();
            sizes.Add(value.Count);
            ids.AddRange(value.Select(v => v!["id"]!.GetValue<string>()));
            next = page["nextLink"]?.GetValue<string>();
            if (next is not null)
            {
                Assert.StartsWith($"{host.Endpoint}{path}?api-version={apiVersion}&$skiptoken=", next);
            }

            Assert.True(sizes.Count <= 10, "nextLink never ends");
        }

        Assert.InRange(ids.Count, atLeast, int.MaxValue);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(sizes.SkipLast(1), s => Assert.Equal(50, s));
        Assert.InRange(sizes[^1], 1, 50);
        Assert.Equal((ids.Count + 49) / 50, sizes.Count);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_skiptoken_the_emulator_did_not_issue_is_400_InvalidSkipToken(string path, string apiVersion, int atLeast)
    {
        _ = atLeast;
        await using var host = await StartAsync(ManyWorld());
        using var http = Http(host);
        var (_, first) = await GetAsync(http, $"{path}?api-version={apiVersion}");
        var issued = first!["nextLink"]!.GetValue<string>();

        // Not base64; base64 of a number that is no page boundary; base64 of zero; a number too large for any list.
        foreach (var token in new[] { "not-a-token", Base64("7"), Base64("0"), Base64("99999999999") })
        {
            var (bad, error) = await GetAsync(http, $"{path}?api-version={apiVersion}&$skiptoken={Uri.EscapeDataString(token)}");
            Assert.Equal(400, (int)bad.StatusCode);
            Assert.Equal("InvalidSkipToken", error!["error"]!["code"]!.GetValue<string>());
        }

        var (good, _) = await GetAsync(http, issued);
        Assert.Equal(200, (int)good.StatusCode);
    }

    [Fact]
    public async Task The_nextLink_keeps_the_query_of_the_request_and_the_sdk_follows_it()
    {
        await using var host = await StartAsync(ManyWorld());
        using var http = Http(host);

        var (_, vms) = await GetAsync(http, $"{Group}/providers/Microsoft.Compute/virtualMachines?api-version=2023-07-01&$expand=instanceView");
        var next = vms!["nextLink"]!.GetValue<string>();
        Assert.Contains("$expand=instanceView", next, StringComparison.Ordinal);
        var (_, second) = await GetAsync(http, next);
        Assert.All(second!["value"]!.AsArray(), vm => Assert.NotNull(vm!["properties"]!["instanceView"]));

        var client = Sdk(host);
        var image = client.GetGalleryImageResource(GalleryImageResource.CreateResourceIdentifier(Sub, "rg-many", "gal_000", "many"));
        var names = new List<string>();
        await foreach (var v in image.GetGalleryImageVersions().GetAllAsync())
        {
            names.Add(v.Data.Name);
        }

        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"1.0.{i}"), names);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
