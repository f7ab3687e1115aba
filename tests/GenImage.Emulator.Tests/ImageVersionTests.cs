using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using static GenImage.Emulator.Tests.GalleryWorld;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>Gallery image versions: source rules, publishing profile validation and replication over scaled time.</summary>
public sealed class ImageVersionTests
{
    [Fact]
    public async Task Replication_moves_each_region_from_Replicating_to_Completed()
    {
        // The clock stands still until the replicating state has been seen (replication takes 150 ms at this scale).
        var clock = new TestClock(frozen: true);
        await using var host = await GalleryWorld.StartAsync(clock);
        var client = Sdk(host);
        var data = new GalleryImageVersionData(new AzureLocation("westeurope"))
        {
            PublishingProfile = new GalleryImageVersionPublishingProfile(),
            StorageProfile = new GalleryImageVersionStorageProfile { GallerySource = new GalleryArtifactVersionFullSource { Id = new ResourceIdentifier(VmId("vm-linux-prepared")) } },
        };
        data.PublishingProfile.TargetRegions.Add(new TargetRegion("West Europe") { RegionalReplicaCount = 1 });
        data.PublishingProfile.TargetRegions.Add(new TargetRegion("northeurope") { RegionalReplicaCount = 2, StorageAccountType = ImageStorageAccountType.StandardZrs });

        var op = await Image(client, "ubuntu-gen2").GetGalleryImageVersions().CreateOrUpdateAsync(WaitUntil.Started, "1.0.0", data);
        Assert.Equal(201, op.GetRawResponse().Status);
        var first = host.GetImageVersion(Sub, Rg, "gal_images", "ubuntu-gen2", "1.0.0")!;
        Assert.Equal("Creating", first.ProvisioningState);
        Assert.Equal("InProgress", first.AggregatedState);
        Assert.Contains(first.Regions, r => r.State == "Replicating" && r.Progress < 100);

        clock.Thaw();
        var version = (await op.WaitForCompletionAsync(Poll, default)).Value;
        Assert.Equal(GalleryProvisioningState.Succeeded, version.Data.ProvisioningState);

        var expanded = (await Image(client, "ubuntu-gen2").GetGalleryImageVersionAsync("1.0.0", ReplicationStatusType.ReplicationStatus)).Value.Data;
        Assert.Equal(AggregatedReplicationState.Completed, expanded.ReplicationStatus.AggregatedState);
        Assert.Equal(["West Europe:Completed:100", "North Europe:Completed:100"],
            expanded.ReplicationStatus.Summary.Select(s => $"{s.Region}:{s.State}:{s.Progress}"));
        Assert.Equal(30, expanded.StorageProfile.OSDiskImage.SizeInGB);
        Assert.NotNull(expanded.PublishingProfile.PublishedOn);
        Assert.Equal(["West Europe:1:Standard_LRS", "North Europe:2:Standard_ZRS"],
            expanded.PublishingProfile.TargetRegions.Select(t => $"{t.Name}:{t.RegionalReplicaCount}:{t.StorageAccountType}"));

        var plain = (await Image(client, "ubuntu-gen2").GetGalleryImageVersionAsync("1.0.0")).Value.Data;
        Assert.Null(plain.ReplicationStatus);
    }

    [Fact]
    public async Task A_failing_region_fails_the_version_and_its_operation()
    {
        await using var host = await GalleryWorld.StartAsync();
        var client = Sdk(host);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => PublishAsync(client, "ubuntu-gen2", "1.0.0", "vm-linux-prepared", "westeurope", "eastus"));
        Assert.Equal("ReplicationFailed", ex.ErrorCode);
        Assert.Contains("East US", ex.Message);

        var snapshot = host.GetImageVersion(Sub, Rg, "gal_images", "ubuntu-gen2", "1.0.0")!;
        Assert.Equal("Failed", snapshot.ProvisioningState);
        Assert.Equal("Failed", snapshot.AggregatedState);
        var east = snapshot.Regions.Single(r => r.Region == "eastus");
        Assert.Equal("Failed", east.State);
        Assert.InRange(east.Progress, 0, 99);
        Assert.NotEmpty(east.Details);
        Assert.Equal("Completed", snapshot.Regions.Single(r => r.Region == "westeurope").State);

        using var http = Http(host);
        var (_, body) = await GetAsync(http, $"{VersionPath("ubuntu-gen2", "1.0.0")}?api-version={GalleryApi}&$expand=ReplicationStatus");
        Assert.Equal("Failed", body!["properties"]!["replicationStatus"]!["aggregatedState"]!.GetValue<string>());
        Assert.Equal("Failed", body["properties"]!["provisioningState"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1.0.x")]
    [InlineData("1.0.4294967296")]
    [InlineData("1.-1.0")]
    public async Task Version_names_must_be_three_32_bit_integers(string name)
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var (response, body) = await SendAsync(http, HttpMethod.Put, $"{VersionPath("ubuntu-gen2", name)}?api-version={GalleryApi}",
            VersionBody(VmId("vm-linux-prepared"), "westeurope").ToJsonString());
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("InvalidParameter", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("galleryImageVersionName", body["error"]!["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task Source_must_exist_and_its_region_must_be_a_target()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var (missing, missingBody) = await SendAsync(http, HttpMethod.Put, $"{VersionPath("ubuntu-gen2", "1.0.0")}?api-version={GalleryApi}",
            VersionBody(VmId("vm-nope"), "westeurope").ToJsonString());
        Assert.Equal(400, (int)missing.StatusCode);
        Assert.Equal("galleryImageVersion.properties.storageProfile.source.id", missingBody!["error"]!["target"]!.GetValue<string>());

        var (wrongRegion, regionBody) = await SendAsync(http, HttpMethod.Put, $"{VersionPath("ubuntu-gen2", "1.0.0")}?api-version={GalleryApi}",
            VersionBody(VmId("vm-linux-prepared"), "northeurope").ToJsonString());
        Assert.Equal(400, (int)wrongRegion.StatusCode);
        Assert.Equal("InvalidParameter", regionBody!["error"]!["code"]!.GetValue<string>());
        Assert.Contains("The source region 'westeurope' must be one of the target regions.", regionBody["error"]!["message"]!.GetValue<string>());
        Assert.Null(host.GetImageVersion(Sub, Rg, "gal_images", "ubuntu-gen2", "1.0.0"));
    }

    [Theory]
    [InlineData("ubuntu-gen2", "vm-linux-running", "OS state ['Specialized']")]
    [InlineData("ubuntu-gen2", "vm-win-prepared", "OS type ['Windows']")]
    [InlineData("ubuntu-gen2", "vm-linux-gen1", "Hypervisor generation ['V1']")]
    [InlineData("win2022", "vm-win-tl", "security type 'TrustedLaunch'")]
    [InlineData("ubuntu-specialized", "vm-linux-prepared", "OS state ['Generalized']")]
    public async Task Source_must_match_the_definition(string image, string vm, string expected)
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var (response, body) = await SendAsync(http, HttpMethod.Put, $"{VersionPath(image, "1.0.0")}?api-version={GalleryApi}",
            VersionBody(VmId(vm), "westeurope").ToJsonString());
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("BadRequest", body!["error"]!["code"]!.GetValue<string>());
        Assert.Contains(expected, body["error"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ubuntu-specialized", "vm-linux-running")]
    [InlineData("win2022-tl", "vm-win-tl")]
    [InlineData("win2022-tl", "vm-win-prepared")]
    public async Task Matching_sources_are_accepted(string image, string vm)
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var body = await PutJsonAsync(http, VersionPath(image, "1.0.0"), GalleryApi, VersionBody(VmId(vm), "westeurope"), 201);
        Assert.Equal("Creating", body["properties"]!["provisioningState"]!.GetValue<string>());
        await WaitForVersionAsync(host, image, "1.0.0", v => v.ProvisioningState == "Succeeded");
    }

    [Theory]
    [InlineData("""{"name":"westeurope","regionalReplicaCount":0}""", "regionalReplicaCount")]
    [InlineData("""{"name":"westeurope","regionalReplicaCount":101}""", "regionalReplicaCount")]
    [InlineData("""{"name":"westeurope","storageAccountType":"Premium_ZRS"}""", "storageAccountType")]
    [InlineData("""{"name":"moon-north"}""", "name")]
    public async Task Target_regions_are_validated(string region, string targetSuffix)
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var body = VersionBody(VmId("vm-linux-prepared"));
        body["properties"]!["publishingProfile"]!["targetRegions"] = new JsonArray(JsonNode.Parse(region));
        var (response, error) = await SendAsync(http, HttpMethod.Put, $"{VersionPath("ubuntu-gen2", "1.0.0")}?api-version={GalleryApi}", body.ToJsonString());
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("InvalidParameter", error!["error"]!["code"]!.GetValue<string>());
        Assert.EndsWith(targetSuffix, error["error"]!["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_adds_a_region_that_replicates_and_keeps_exclude_from_latest()
    {
        var clock = new TestClock();
        await using var host = await GalleryWorld.StartAsync(clock);
        var client = Sdk(host);
        await PublishAsync(client, "ubuntu-gen2", "1.0.0", "vm-linux-prepared", "westeurope");

        // The clock stands still until the new region has been seen replicating.
        clock.Freeze();

        using var http = Http(host);
        var (response, body) = await SendAsync(http, HttpMethod.Patch, $"{VersionPath("ubuntu-gen2", "1.0.0")}?api-version={GalleryApi}", """
            {"properties":{"publishingProfile":{"excludeFromLatest":true,"endOfLifeDate":"2031-01-01T00:00:00Z",
              "targetRegions":[{"name":"westeurope","regionalReplicaCount":1,"excludeFromLatest":true},{"name":"North Europe","regionalReplicaCount":1}]}},
             "tags":{"build":"42"}}
            """);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("Updating", body!["properties"]!["provisioningState"]!.GetValue<string>());
        var during = host.GetImageVersion(Sub, Rg, "gal_images", "ubuntu-gen2", "1.0.0")!;
        Assert.Equal("Completed", during.Regions.Single(r => r.Region == "westeurope").State);
        Assert.Equal("Replicating", during.Regions.Single(r => r.Region == "northeurope").State);

        clock.Thaw();
        var done = await WaitForVersionAsync(host, "ubuntu-gen2", "1.0.0", v => v.ProvisioningState == "Succeeded");
        Assert.True(done.ExcludeFromLatest);
        Assert.True(done.Regions.Single(r => r.Region == "westeurope").ExcludeFromLatest);
        Assert.All(done.Regions, r => Assert.Equal("Completed", r.State));

        var data = (await Image(client, "ubuntu-gen2").GetGalleryImageVersionAsync("1.0.0")).Value.Data;
        Assert.True(data.PublishingProfile.IsExcludedFromLatest);
        Assert.Equal([true, false], data.PublishingProfile.TargetRegions.Select(t => t.IsExcludedFromLatest ?? false));
        Assert.Equal("42", data.Tags["build"]);
        Assert.Equal(2031, data.PublishingProfile.EndOfLifeOn!.Value.Year);
    }

    [Fact]
    public async Task Put_on_an_existing_version_is_an_update_that_cannot_change_the_source()
    {
        await using var host = await GalleryWorld.StartAsync();
        var client = Sdk(host);
        await PublishAsync(client, "ubuntu-gen2", "1.0.0", "vm-linux-prepared", "westeurope");

        using var http = Http(host);
        var same = await PutJsonAsync(http, VersionPath("ubuntu-gen2", "1.0.0"), GalleryApi, VersionBody(VmId("vm-linux-prepared"), "westeurope"), 200);
        Assert.Equal("1.0.0", same["name"]!.GetValue<string>());

        var (response, body) = await SendAsync(http, HttpMethod.Put, $"{VersionPath("ubuntu-gen2", "1.0.0")}?api-version={GalleryApi}",
            VersionBody(VmId("vm-linux-unprepared"), "westeurope").ToJsonString());
        Assert.Equal(409, (int)response.StatusCode);
        Assert.Equal("PropertyChangeNotAllowed", body!["error"]!["code"]!.GetValue<string>());
    }
}
