using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using static GenImage.Emulator.Tests.GalleryWorld;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>Galleries and image definitions through the real SDK and raw HTTP.</summary>
public sealed class GalleryTests
{
    [Fact]
    public async Task Gallery_create_reports_Creating_then_Succeeded_and_lists()
    {
        await using var host = await GalleryWorld.StartAsync();
        var client = Sdk(host);
        var rg = ResourceGroup(client);

        var op = await rg.GetGalleries().CreateOrUpdateAsync(WaitUntil.Started, "gal_new", new GalleryData(new AzureLocation("westeurope")) { Description = "New" });
        Assert.Equal(201, op.GetRawResponse().Status);
        Assert.Equal("Creating", JsonNode.Parse(op.GetRawResponse().Content.ToString())!["properties"]!["provisioningState"]!.GetValue<string>());
        var gallery = (await op.WaitForCompletionAsync(Poll, default)).Value;
        Assert.Equal(GalleryProvisioningState.Succeeded, gallery.Data.ProvisioningState);
        Assert.Equal($"{Sub}-GAL_NEW", gallery.Data.IdentifierUniqueName);
        Assert.Equal("New", gallery.Data.Description);

        var names = new List<string>();
        await foreach (var g in rg.GetGalleries().GetAllAsync())
        {
            names.Add(g.Data.Name);
        }

        Assert.Equal(["gal_images", "gal_new"], names);

        using var http = Http(host);
        var (_, listed) = await GetAsync(http, $"subscriptions/{Sub}/providers/Microsoft.Compute/galleries?api-version={GalleryApi}");
        Assert.Equal(2, listed!["value"]!.AsArray().Count);
        var (_, one) = await GetAsync(http, $"{GalleryPath}?api-version={GalleryApi}");
        Assert.Equal("Microsoft.Compute/galleries", one!["type"]!.GetValue<string>());
        Assert.Equal("westeurope", one["location"]!.GetValue<string>());
        Assert.EndsWith("/galleries/gal_images", one["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Gallery_names_with_hyphens_are_refused()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var (response, body) = await SendAsync(http, HttpMethod.Put,
            $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/galleries/gal-bad?api-version={GalleryApi}", """{"location":"westeurope"}""");
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("InvalidParameter", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("galleryName", body["error"]!["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task Gallery_with_image_definitions_cannot_be_deleted_until_they_are_gone()
    {
        await using var host = await GalleryWorld.StartAsync();
        var client = Sdk(host);
        var gallery = (await ResourceGroup(client).GetGalleryAsync("gal_images")).Value;

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => gallery.DeleteAsync(WaitUntil.Completed));
        Assert.Equal(409, ex.Status);
        Assert.Equal("CannotDeleteResource", ex.ErrorCode);
        Assert.Contains("Microsoft.Compute/galleries/gal_images/images/ubuntu-gen2", ex.Message);

        await foreach (var image in gallery.GetGalleryImages().GetAllAsync())
        {
            await (await image.DeleteAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll, default);
        }

        await (await gallery.DeleteAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll, default);
        Assert.False((await ResourceGroup(client).GetGalleries().ExistsAsync("gal_images")).Value);
    }

    [Fact]
    public async Task Image_definition_round_trips_its_properties()
    {
        await using var host = await GalleryWorld.StartAsync();
        var client = Sdk(host);
        var gallery = (await ResourceGroup(client).GetGalleryAsync("gal_images")).Value;
        var data = new GalleryImageData(new AzureLocation("westeurope"))
        {
            OSType = SupportedOperatingSystemType.Windows,
            OSState = OperatingSystemStateType.Generalized,
            HyperVGeneration = HyperVGeneration.V2,
            Identifier = new GalleryImageIdentifier("Contoso", "WindowsServer", "2025-cvm"),
            Architecture = ArchitectureType.X64,
            Description = "Confidential",
            Recommended = new RecommendedMachineConfiguration
            {
                VCpus = new ResourceRange { Min = 2, Max = 16 },
                Memory = new ResourceRange { Min = 4, Max = 64 },
            },
        };
        data.Features.Add(new GalleryImageFeature { Name = "SecurityType", Value = "ConfidentialVmSupported" });
        data.Features.Add(new GalleryImageFeature { Name = "DiskControllerTypes", Value = "SCSI, NVMe" });

        var op = await gallery.GetGalleryImages().CreateOrUpdateAsync(WaitUntil.Started, "win2025-cvm", data);
        var image = (await op.WaitForCompletionAsync(Poll, default)).Value;

        Assert.Equal(GalleryProvisioningState.Succeeded, image.Data.ProvisioningState);
        Assert.Equal(HyperVGeneration.V2, image.Data.HyperVGeneration);
        Assert.Equal("2025-cvm", image.Data.Identifier.Sku);
        Assert.Equal(16, image.Data.Recommended.VCpus.Max);
        Assert.Equal(["SecurityType=ConfidentialVmSupported", "DiskControllerTypes=SCSI, NVMe"], image.Data.Features.Select(f => $"{f.Name}={f.Value}"));
        Assert.Equal(ArchitectureType.X64, image.Data.Architecture);
    }

    [Fact]
    public async Task Image_definition_identifier_must_be_unique_in_the_gallery()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var (response, body) = await SendAsync(http, HttpMethod.Put, $"{ImagePath("ubuntu-copy")}?api-version={GalleryApi}", """
            {"location":"westeurope","properties":{"osType":"Linux","osState":"Generalized","hyperVGeneration":"V2",
             "identifier":{"publisher":"genimage","offer":"UBUNTU","sku":"22_04-gen2"}}}
            """);
        Assert.Equal(409, (int)response.StatusCode);
        Assert.Contains("ubuntu-gen2", body!["error"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("osType", """{"osType":"Windows","osState":"Generalized","hyperVGeneration":"V2","identifier":{"publisher":"GenImage","offer":"Ubuntu","sku":"22_04-gen2"}}""")]
    [InlineData("osState", """{"osType":"Linux","osState":"Specialized","hyperVGeneration":"V2","identifier":{"publisher":"GenImage","offer":"Ubuntu","sku":"22_04-gen2"}}""")]
    [InlineData("hyperVGeneration", """{"osType":"Linux","osState":"Generalized","hyperVGeneration":"V1","identifier":{"publisher":"GenImage","offer":"Ubuntu","sku":"22_04-gen2"}}""")]
    [InlineData("identifier.sku", """{"osType":"Linux","osState":"Generalized","hyperVGeneration":"V2","identifier":{"publisher":"GenImage","offer":"Ubuntu","sku":"other"}}""")]
    [InlineData("architecture", """{"osType":"Linux","osState":"Generalized","hyperVGeneration":"V2","architecture":"Arm64","identifier":{"publisher":"GenImage","offer":"Ubuntu","sku":"22_04-gen2"}}""")]
    [InlineData("features.SecurityType", """{"osType":"Linux","osState":"Generalized","hyperVGeneration":"V2","features":[{"name":"SecurityType","value":"TrustedLaunch"}],"identifier":{"publisher":"GenImage","offer":"Ubuntu","sku":"22_04-gen2"}}""")]
    public async Task Immutable_definition_properties_cannot_change(string property, string properties)
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var (response, body) = await SendAsync(http, HttpMethod.Put, $"{ImagePath("ubuntu-gen2")}?api-version={GalleryApi}",
            $$"""{"location":"westeurope","properties":{{properties}}}""");
        Assert.Equal(409, (int)response.StatusCode);
        Assert.Equal("PropertyChangeNotAllowed", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal($"Changing property '{property}' is not allowed.", body["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Definition_update_changes_mutable_properties_and_patch_refuses_immutable_ones()
    {
        // Frozen: the update is still Updating when its answer is written, however busy the machine.
        var clock = new TestClock(frozen: true);
        await using var host = await GalleryWorld.StartAsync(clock);
        using var http = Http(host);
        var (ok, updated) = await SendAsync(http, HttpMethod.Patch, $"{ImagePath("ubuntu-gen2")}?api-version={GalleryApi}",
            """{"properties":{"description":"Ubuntu for validation","endOfLifeDate":"2030-01-01T00:00:00Z"},"tags":{"team":"images"}}""");
        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Equal("Updating", updated!["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.Equal("Ubuntu for validation", updated["properties"]!["description"]!.GetValue<string>());
        Assert.Equal("images", updated["tags"]!["team"]!.GetValue<string>());

        var (refused, body) = await SendAsync(http, HttpMethod.Patch, $"{ImagePath("ubuntu-gen2")}?api-version={GalleryApi}", """{"properties":{"osState":"Specialized"}}""");
        Assert.Equal(409, (int)refused.StatusCode);
        Assert.Equal("PropertyChangeNotAllowed", body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Trusted_launch_feature_needs_generation_2()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var (response, body) = await SendAsync(http, HttpMethod.Put, $"{ImagePath("tl-gen1")}?api-version={GalleryApi}", """
            {"location":"westeurope","properties":{"osType":"Windows","osState":"Generalized","hyperVGeneration":"V1",
             "features":[{"name":"SecurityType","value":"TrustedLaunch"}],"identifier":{"publisher":"p","offer":"o","sku":"s"}}}
            """);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("InvalidParameter", body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Definition_with_versions_cannot_be_deleted()
    {
        await using var host = await GalleryWorld.StartAsync();
        var client = Sdk(host);
        var version = await PublishAsync(client, "ubuntu-gen2", "1.0.0", "vm-linux-prepared");

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => Image(client, "ubuntu-gen2").DeleteAsync(WaitUntil.Completed));
        Assert.Equal(409, ex.Status);
        Assert.Equal("CannotDeleteResource", ex.ErrorCode);

        await (await version.DeleteAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll, default);
        await (await Image(client, "ubuntu-gen2").DeleteAsync(WaitUntil.Started)).WaitForCompletionResponseAsync(Poll, default);
        Assert.False((await (await ResourceGroup(client).GetGalleryAsync("gal_images")).Value.GetGalleryImages().ExistsAsync("ubuntu-gen2")).Value);
    }

    [Theory]
    [InlineData("healthy.yaml", "win2022-datacenter-g2,ubuntu-2204-gen2")]
    [InlineData("classic-failures.yaml", "win2022-tl,win2019-gen1,ubuntu-2204-gen2,ubuntu-2004-gen2")]
    public async Task Shipped_worlds_serve_a_gallery_with_definitions_matching_their_vms(string file, string images)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "examples", "worlds", file)))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldFile = Path.Combine(dir.FullName, "examples", "worlds", file) });
        var gallery = (await ResourceGroup(Sdk(host)).GetGalleryAsync("gal_images")).Value;
        var names = new List<string>();
        await foreach (var image in gallery.GetGalleryImages().GetAllAsync())
        {
            Assert.Equal(GalleryProvisioningState.Succeeded, image.Data.ProvisioningState);
            names.Add(image.Data.Name);
        }

        Assert.Equal(images.Split(','), names);
    }

    [Theory]
    [InlineData("galleries: [ { name: gal-bad } ]", 8, 30, "not a valid gallery name")]
    [InlineData("galleries: [ { name: g, images: [ { name: i, osType: Linux, publisher: p, offer: o, sku: s, securityType: TrustedLaunch, hyperVGeneration: V1 } ] } ]", 8, 115, "requires hyperVGeneration V2")]
    [InlineData("galleries: [ { name: g, images: [ { name: a, osType: Linux, publisher: p, offer: o, sku: s }, { name: b, osType: Linux, publisher: P, offer: o, sku: s } ] } ]", 8, 103, "must be unique per gallery")]
    [InlineData("galleries: [ { name: g, images: [ { name: a, osType: Linux, publisher: p, offer: o, sku: s, osstate: Generalized } ] } ]", 8, 101, "Did you mean 'osState'?")]
    public async Task Gallery_world_errors_name_line_and_column(string galleries, int line, int column, string problem)
    {
        var yaml = $"""
            apiVersion: genimage.dev/emulator/v1
            kind: World
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000001
                resourceGroups:
                  - name: rg
                    location: westeurope
                    {galleries}
            """;
        var ex = await Assert.ThrowsAsync<WorldFileException>(() => TestSupport.StartAsync(new EmulatorOptions { WorldYaml = yaml }));
        Assert.Contains(problem, ex.Problem);
        Assert.Equal((line, column), (ex.Line, ex.Column));
    }

    [Theory]
    [InlineData("replication: { secondsPerGB: -1 }", "secondsPerGB")]
    [InlineData("replication: { slowFactor: { atlantis: 2 } }", "unknown region 'atlantis'")]
    [InlineData("replication: { slowFactor: { eastus: 0.5 } }", "from 1 to 1000")]
    [InlineData("replication: { failRegions: [ moon ] }", "unknown region 'moon'")]
    public async Task Replication_section_is_validated(string replication, string problem)
    {
        var yaml = $"""
            apiVersion: genimage.dev/emulator/v1
            kind: World
            {replication}
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000001
            """;
        var ex = await Assert.ThrowsAsync<WorldFileException>(() => TestSupport.StartAsync(new EmulatorOptions { WorldYaml = yaml }));
        Assert.Contains(problem, ex.Problem);
        Assert.Equal(3, ex.Line);
    }
}
