using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Resources;
using GenImage.Emulator.World;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>
/// examples/worlds/fleet.yaml and what serves it: world versions (failed replication, end of life), disks and NICs
/// left behind, managed images, scale sets, VMs on "latest".
/// </summary>
public sealed class FleetWorldTests
{
    private const string GalleryApi = "2022-03-03";
    private const string NetworkApi = "2023-09-01";
    private const string Images = $"subscriptions/{Sub}/resourceGroups/rg-images";
    private const string WinDefinition = $"/subscriptions/{Sub}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_win/images/win2022-web";

    private static Task<EmulatorHost> StartFleetAsync()
        => EmulatorHost.StartAsync(new EmulatorOptions { WorldFile = Path.Combine(WorldFileTests.RepoRoot(), "examples", "worlds", "fleet.yaml") });

    [Fact]
    public async Task Versions_of_the_world_are_replicated_failed_excluded_and_dated_as_declared()
    {
        await using var host = await StartFleetAsync();
        using var http = Http(host);

        var (_, list) = await GetAsync(http, $"{Images}/providers/Microsoft.Compute/galleries/gal_win/images/win2022-web/versions?api-version={GalleryApi}");
        var versions = list!["value"]!.AsArray().Select(v => v!).ToDictionary(v => v["name"]!.GetValue<string>());
        Assert.Equal(["1.0.0", "1.1.0", "1.2.0", "1.3.0"], versions.Keys);
        Assert.Null(list["nextLink"]);
        Assert.Equal("Failed", versions["1.2.0"]["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.Equal("Succeeded", versions["1.1.0"]["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.True(versions["1.3.0"]["properties"]!["publishingProfile"]!["excludeFromLatest"]!.GetValue<bool>());
        Assert.StartsWith("v1;outcome=Passed;", versions["1.1.0"]["tags"]!["genimage.validation.westeurope"]!.GetValue<string>());

        var published = DateTimeOffset.Parse(versions["1.1.0"]["properties"]!["publishingProfile"]!["publishedDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange((DateTimeOffset.UtcNow - published).TotalDays, 59.9, 60.1);
        var endOfLife = DateTimeOffset.Parse(versions["1.0.0"]["properties"]!["publishingProfile"]!["endOfLifeDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(endOfLife < DateTimeOffset.UtcNow, "1.0.0 is past its end of life.");
        var regions = versions["1.1.0"]["properties"]!["publishingProfile"]!["targetRegions"]!.AsArray();
        Assert.Equal(["West Europe:2:Standard_LRS", "North Europe:1:Standard_LRS", "East US:1:Standard_ZRS"],
            regions.Select(r => $"{r!["name"]}:{r["regionalReplicaCount"]}:{r["storageAccountType"]}"));

        var (_, failed) = await GetAsync(http, $"{Images}/providers/Microsoft.Compute/galleries/gal_win/images/win2022-web/versions/1.2.0?api-version={GalleryApi}&$expand=ReplicationStatus");
        var status = failed!["properties"]!["replicationStatus"]!;
        Assert.Equal("Failed", status["aggregatedState"]!.GetValue<string>());
        Assert.Equal(["West Europe:Completed", "East US:Failed"], status["summary"]!.AsArray().Select(s => $"{s!["region"]}:{s["state"]}"));
    }

    [Fact]
    public async Task A_vm_on_latest_shows_the_version_latest_resolved_to_and_a_scale_set_its_pinned_version()
    {
        await using var host = await StartFleetAsync();
        using var http = Http(host);

        var (_, vm) = await GetAsync(http, VmPath("vm-web-01", "rg-apps") + "?api-version=" + ComputeApi);
        var reference = vm!["properties"]!["storageProfile"]!["imageReference"]!;
        Assert.Equal(WinDefinition, reference["id"]!.GetValue<string>());
        Assert.Equal("1.1.0", reference["exactVersion"]!.GetValue<string>());

        var (_, sets) = await GetAsync(http, $"subscriptions/{Sub}/providers/Microsoft.Compute/virtualMachineScaleSets?api-version={ComputeApi}");
        var set = sets!["value"]!.AsArray().Single()!;
        Assert.Equal("vmss-web", set["name"]!.GetValue<string>());
        Assert.Equal(WinDefinition + "/versions/1.1.0", set["properties"]!["virtualMachineProfile"]!["storageProfile"]!["imageReference"]!["id"]!.GetValue<string>());
        Assert.Equal(3, set["sku"]!["capacity"]!.GetValue<int>());

        // The SDK reads scale sets of a resource group and their model's image.
        var client = Sdk(host);
        var group = client.GetResourceGroupResource(ResourceGroupResource.CreateResourceIdentifier(Sub, "rg-apps"));
        var read = new List<VirtualMachineScaleSetResource>();
        await foreach (var s in group.GetVirtualMachineScaleSets().GetAllAsync())
        {
            read.Add(s);
        }

        Assert.Equal(WinDefinition + "/versions/1.1.0", read.Single().Data.VirtualMachineProfile.StorageProfile.ImageReference.Id.ToString());
    }

    [Fact]
    public async Task Disks_and_nics_left_behind_are_unattached_and_a_nic_in_use_cannot_be_deleted()
    {
        await using var host = await StartFleetAsync();
        using var http = Http(host);

        var (_, disks) = await GetAsync(http, $"{Images}/providers/Microsoft.Compute/disks?api-version=2023-04-02");
        var byName = disks!["value"]!.AsArray().ToDictionary(d => d!["name"]!.GetValue<string>(), d => d!);
        Assert.Equal("Unattached", byName["giv-9e8d7c6b-osdisk"]["properties"]!["diskState"]!.GetValue<string>());
        Assert.EndsWith("/versions/1.1.0", byName["giv-9e8d7c6b-osdisk"]["properties"]!["creationData"]!["galleryImageReference"]!["id"]!.GetValue<string>());
        Assert.Equal("Attached", byName["giv-1a2b3c4d-osdisk"]["properties"]!["diskState"]!.GetValue<string>());

        var nicPath = $"{Images}/providers/Microsoft.Network/networkInterfaces";
        var (_, nics) = await GetAsync(http, $"{nicPath}?api-version={NetworkApi}");
        var nicByName = nics!["value"]!.AsArray().ToDictionary(n => n!["name"]!.GetValue<string>(), n => n!);
        Assert.EndsWith("/virtualMachines/giv-1a2b3c4d", nicByName["giv-1a2b3c4d-nic"]["properties"]!["virtualMachine"]!["id"]!.GetValue<string>());
        Assert.Null(nicByName["giv-9e8d7c6b-nic"]["properties"]!["virtualMachine"]);
        var (vm, _) = await GetAsync(http, VmPath("giv-1a2b3c4d") + "?api-version=" + ComputeApi);
        Assert.Equal(200, (int)vm.StatusCode);

        var (inUse, error) = await SendAsync(http, HttpMethod.Delete, $"{nicPath}/giv-1a2b3c4d-nic?api-version={NetworkApi}");
        Assert.Equal(400, (int)inUse.StatusCode);
        Assert.Equal("NicInUse", error!["error"]!["code"]!.GetValue<string>());

        var (deleted, _) = await SendAsync(http, HttpMethod.Delete, $"{nicPath}/giv-9e8d7c6b-nic?api-version={NetworkApi}");
        Assert.Equal(200, (int)deleted.StatusCode);
        var (gone, _) = await GetAsync(http, $"{nicPath}/giv-9e8d7c6b-nic?api-version={NetworkApi}");
        Assert.Equal(404, (int)gone.StatusCode);

        // Deleting the VM frees its NIC, which can then be deleted.
        var (accepted, _) = await SendAsync(http, HttpMethod.Delete, VmPath("giv-1a2b3c4d") + "?api-version=" + ComputeApi);
        await PollStatusAsync(http, Header(accepted, "Azure-AsyncOperation"));
        var (freed, freedBody) = await GetAsync(http, $"{nicPath}/giv-1a2b3c4d-nic?api-version={NetworkApi}");
        Assert.Equal(200, (int)freed.StatusCode);
        Assert.Null(freedBody!["properties"]!["virtualMachine"]);
        Assert.Equal(200, (int)(await SendAsync(http, HttpMethod.Delete, $"{nicPath}/giv-1a2b3c4d-nic?api-version={NetworkApi}")).Response.StatusCode);
    }

    [Fact]
    public async Task Nics_scale_sets_and_the_image_of_world_vms_survive_a_restart_in_persistent_mode()
    {
        var dir = Path.Combine(Path.GetTempPath(), "genimage-fleet-" + Guid.NewGuid().ToString("N"));
        var state = Path.Combine(dir, "state.json");
        try
        {
            var world = Path.Combine(WorldFileTests.RepoRoot(), "examples", "worlds", "fleet.yaml");
            await using (var first = await EmulatorHost.StartAsync(new EmulatorOptions { WorldFile = world, StateFile = state }))
            {
                using var http = Http(first);
                var (deleted, _) = await SendAsync(http, HttpMethod.Delete, $"{Images}/providers/Microsoft.Network/networkInterfaces/giv-9e8d7c6b-nic?api-version={NetworkApi}");
                Assert.Equal(200, (int)deleted.StatusCode);
            }

            await using var second = await EmulatorHost.StartAsync(new EmulatorOptions { StateFile = state });
            using var client = Http(second);
            var (_, nics) = await GetAsync(client, $"{Images}/providers/Microsoft.Network/networkInterfaces?api-version={NetworkApi}");
            Assert.Equal(["giv-1a2b3c4d-nic", "nic-app-spare"], nics!["value"]!.AsArray().Select(n => n!["name"]!.GetValue<string>()));
            Assert.NotNull(nics["value"]![0]!["properties"]!["virtualMachine"]);
            var (_, sets) = await GetAsync(client, $"subscriptions/{Sub}/resourceGroups/rg-apps/providers/Microsoft.Compute/virtualMachineScaleSets?api-version={ComputeApi}");
            Assert.Equal("vmss-web", sets!["value"]![0]!["name"]!.GetValue<string>());
            var (_, vm) = await GetAsync(client, VmPath("vm-web-01", "rg-apps") + "?api-version=" + ComputeApi);
            Assert.Equal(WinDefinition, vm!["properties"]!["storageProfile"]!["imageReference"]!["id"]!.GetValue<string>());
            Assert.Equal("1.1.0", vm["properties"]!["storageProfile"]!["imageReference"]!["exactVersion"]!.GetValue<string>());
            var (_, giv) = await GetAsync(client, VmPath("giv-1a2b3c4d") + "?api-version=" + ComputeApi);
            Assert.EndsWith("/networkInterfaces/giv-1a2b3c4d-nic", giv!["properties"]!["networkProfile"]!["networkInterfaces"]![0]!["id"]!.GetValue<string>());
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Theory]
    // a scale set on an image the world does not declare
    [InlineData("        virtualMachineScaleSets:\n          - { name: ss, imageId: /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/images/nope }\n",
        9, 34, "does not declare")]
    // a NIC attached to a VM that does not exist
    [InlineData("        networkInterfaces:\n          - { name: nic1, virtualMachine: vm-missing }\n", 9, 43, "no VM 'vm-missing'")]
    // a failed region that is not a target region
    [InlineData("        galleries:\n          - name: g\n            images:\n              - name: d\n                osType: Linux\n                publisher: p\n                offer: o\n                sku: s\n                versions:\n                  - { name: 1.0.0, source: vm1, regions: [westeurope], failedRegions: [eastus] }\n",
        17, 88, "not one of the version's regions")]
    public void Fleet_errors_in_a_world_file_name_line_and_column(string resourceGroupTail, int line, int column, string fragment)
    {
        var yaml = "apiVersion: genimage.dev/emulator/v1\nkind: World\nsubscriptions:\n  - id: 00000000-0000-0000-0000-000000000001\n    resourceGroups:\n      - name: rg\n        location: westeurope\n" + resourceGroupTail;
        var ex = Assert.Throws<WorldFileException>(() => WorldLoader.Parse(yaml, "fleet.yaml"));
        Assert.Contains(fragment, ex.Problem);
        Assert.Equal((line, column), (ex.Line, ex.Column));
    }
}
