using System.Text.Json.Nodes;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Resources;
using GenImage.Emulator.World;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>
/// The world's platformImages: VirtualMachineImages_List (a bare array, no nextLink) and _Get, their 404, the world-file
/// checks, and a marketplace VM's exactVersion on "latest".
/// </summary>
public sealed class PlatformImageTests
{
    private const string Jammy = "publishers/Canonical/artifacttypes/vmimage/offers/0001-com-ubuntu-server-jammy/skus/22_04-lts-gen2/versions";
    private const string Header = "apiVersion: genimage.dev/emulator/v1\nkind: World\n";

    private static Task<EmulatorHost> StartFleetAsync()
        => EmulatorHost.StartAsync(new EmulatorOptions { WorldFile = Path.Combine(WorldFileTests.RepoRoot(), "examples", "worlds", "fleet.yaml") });

    private static string Versions(string location, string images = Jammy) => $"subscriptions/{Sub}/providers/Microsoft.Compute/locations/{location}/{images}";

    [Fact]
    public async Task The_list_is_a_bare_array_of_name_location_and_id_oldest_first()
    {
        await using var host = await StartAsync(Header + """
            platformImages:
              - locations: [westeurope]
                publisher: Canonical
                offer: 0001-com-ubuntu-server-jammy
                sku: 22_04-lts-gen2
                versions: [22.04.202410020, 22.04.9, 22.04.202409120]
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000001
            """);
        using var http = Http(host);

        var (response, body) = await GetAsync(http, Versions("westeurope") + "?api-version=" + ComputeApi);

        Assert.Equal(200, (int)response.StatusCode);
        var array = Assert.IsType<JsonArray>(body);
        // Numbers, not strings: 22.04.9 is the oldest.
        Assert.Equal(["22.04.9", "22.04.202409120", "22.04.202410020"], array.Select(v => v!["name"]!.GetValue<string>()));
        var first = array[0]!.AsObject();
        Assert.Equal(["location", "name", "id"], first.Select(p => p.Key));
        Assert.Equal("westeurope", first["location"]!.GetValue<string>());
        Assert.Equal($"/Subscriptions/{Sub}/Providers/Microsoft.Compute/Locations/westeurope/Publishers/Canonical/ArtifactTypes/VMImage/Offers/0001-com-ubuntu-server-jammy/Skus/22_04-lts-gen2/Versions/22.04.9",
            first["id"]!.GetValue<string>());

        var (_, newestTwo) = await GetAsync(http, Versions("westeurope") + "?api-version=" + ComputeApi + "&$orderby=name%20desc&$top=2");
        Assert.Equal(["22.04.202410020", "22.04.202409120"], newestTwo!.AsArray().Select(v => v!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_sdk_lists_the_versions_a_region_offers()
    {
        await using var host = await StartFleetAsync();
        var subscription = Sdk(host).GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(Sub));

        var names = new List<string>();
        await foreach (var image in subscription.GetVirtualMachineImagesAsync(new AzureLocation("westeurope"), "MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition"))
        {
            names.Add(image.Name);
        }

        Assert.Equal(["20348.2527.240605", "20348.2582.240703", "20348.2655.240810", "20348.2700.240905"], names);
    }

    [Fact]
    public async Task One_version_is_read_and_what_a_region_does_not_offer_is_not_found()
    {
        await using var host = await StartFleetAsync();
        using var http = Http(host);

        var (got, image) = await GetAsync(http, Versions("northeurope") + "/22.04.202411010?api-version=" + ComputeApi);
        Assert.Equal(200, (int)got.StatusCode);
        Assert.Equal("22.04.202411010", image!["name"]!.GetValue<string>());
        Assert.Equal("Linux", image["properties"]!["osDiskImage"]!["operatingSystem"]!.GetValue<string>());
        Assert.Equal("V2", image["properties"]!["hyperVGeneration"]!.GetValue<string>());

        foreach (var path in new[]
        {
            Versions("eastus"),                                   // the fleet world offers jammy in westeurope and northeurope only
            Versions("westeurope", "publishers/Canonical/artifacttypes/vmimage/offers/0001-com-ubuntu-server-jammy/skus/22_04-lts/versions"),
            Versions("westeurope") + "/22.04.202001010",          // a version the region does not have
        })
        {
            var (missing, error) = await GetAsync(http, path + "?api-version=" + ComputeApi);
            Assert.True(404 == (int)missing.StatusCode, path);
            Assert.Equal("NotFound", error!["error"]!["code"]!.GetValue<string>());
            Assert.Equal("Artifact: VMImage was not found.", error["error"]!["message"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_marketplace_vm_on_latest_shows_the_newest_version_of_its_region_and_a_pinned_vm_its_own()
    {
        await using var host = await StartFleetAsync();
        using var http = Http(host);

        var (_, kept) = await GetAsync(http, VmPath("vm-ubuntu-kept", "rg-images") + "?api-version=" + ComputeApi);
        var keptReference = kept!["properties"]!["storageProfile"]!["imageReference"]!;
        Assert.Equal("latest", keptReference["version"]!.GetValue<string>());
        Assert.Equal("22.04.202411010", keptReference["exactVersion"]!.GetValue<string>());

        var (_, source) = await GetAsync(http, VmPath("vm-win2022-src", "rg-images") + "?api-version=" + ComputeApi);
        var sourceReference = source!["properties"]!["storageProfile"]!["imageReference"]!;
        Assert.Equal(("2022-datacenter-azure-edition", "20348.2582.240703"), (sourceReference["sku"]!.GetValue<string>(), sourceReference["exactVersion"]!.GetValue<string>()));

        var body = new JsonObject
        {
            ["location"] = "westeurope",
            ["properties"] = new JsonObject
            {
                ["hardwareProfile"] = new JsonObject { ["vmSize"] = "Standard_D2s_v5" },
                ["storageProfile"] = new JsonObject
                {
                    ["imageReference"] = new JsonObject { ["publisher"] = "Canonical", ["offer"] = "0001-com-ubuntu-server-jammy", ["sku"] = "22_04-lts-gen2", ["version"] = "latest" },
                },
                ["osProfile"] = new JsonObject { ["computerName"] = "fresh", ["adminUsername"] = "builder", ["adminPassword"] = GalleryWorld.SecretPassword },
            },
        };
        var (created, createdBody) = await SendAsync(http, HttpMethod.Put, VmPath("vm-fresh", "rg-images") + "?api-version=" + ComputeApi, body.ToJsonString());
        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal("22.04.202411010", createdBody!["properties"]!["storageProfile"]!["imageReference"]!["exactVersion"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("platformImages:\n  - { locations: [westeurope], publisher: p, offer: o, sku: s, versions: [1.0.x] }\nsubscriptions: []\n", 4, 75, "is not an image version")]
    [InlineData("platformImages:\n  - { publisher: p, offer: o, sku: s, versions: [1.0.0] }\nsubscriptions: []\n", 4, 5, "needs 'locations'")]
    [InlineData("platformImages:\n  - { locations: [mars], publisher: p, offer: o, sku: s, versions: [1.0.0] }\nsubscriptions: []\n", 4, 19, "unknown region 'mars'")]
    [InlineData("platformImages:\n  - { locations: [westeurope], publisher: p, offer: o, sku: s, versions: [1.0.0] }\n  - { locations: [eastus, westeurope], publisher: P, offer: o, sku: s, versions: [2.0.0] }\nsubscriptions: []\n", 5, 27, "declared twice for westeurope")]
    [InlineData("platformImages:\n  - { locations: [westeurope], publisher: p, offer: o, sku: s, versions: [1.0.0, 1.0.0] }\nsubscriptions: []\n", 4, 82, "listed twice")]
    [InlineData("platformImages:\n  - { locations: [westeurope], publisher: p, offer: o, sku: s, version: 1.0.0 }\nsubscriptions: []\n", 4, 64, "unknown key 'version'")]
    public void Invalid_platform_images_report_line_and_column(string yaml, int line, int column, string fragment)
    {
        var ex = Assert.Throws<WorldFileException>(() => WorldLoader.Parse(Header + yaml, "test.yaml"));
        Assert.Contains(fragment, ex.Problem);
        Assert.Equal((line, column), (ex.Line, ex.Column));
    }
}
