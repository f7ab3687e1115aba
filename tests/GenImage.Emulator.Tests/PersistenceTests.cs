using System.Text.Json.Nodes;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>Persistent mode: the state file survives a restart.</summary>
public sealed class PersistenceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "genimage-state-" + Guid.NewGuid().ToString("N"));

    private string StatePath => Path.Combine(_dir, "state.json");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_generalized_VM_and_a_created_resource_group_survive_a_restart()
    {
        string rgId;
        await using (var first = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = Worlds.Standard, StateFile = StatePath }))
        {
            using var http = Http(first);
            var (created, body) = await SendAsync(http, HttpMethod.Put, $"subscriptions/{Sub}/resourcegroups/rg-made-at-runtime?api-version=2022-09-01",
                new { location = "northeurope", tags = new { purpose = "persistence" } });
            Assert.Equal(201, (int)created.StatusCode);
            rgId = body!["id"]!.GetValue<string>();
            Assert.Equal(200, (int)(await PostAsync(http, VmPath("vm-stopped") + "/generalize?api-version=" + ComputeApi)).Response.StatusCode);
            Assert.True(File.Exists(StatePath), "The state file is written after each write.");
        }

        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
        var saved = JsonNode.Parse(File.ReadAllText(StatePath))!;
        Assert.Equal("genimage.dev/emulator-state/v2", saved["format"]!.GetValue<string>());
        Assert.DoesNotContain(TestSupport.Token, File.ReadAllText(StatePath));

        // The second start names no world: the resources come from the state file.
        await using var second = await TestSupport.StartAsync(new EmulatorOptions { StateFile = StatePath });
        Assert.Equal([Sub, "00000000-0000-0000-0000-000000000002"], second.SubscriptionIds);
        var vm = second.GetVm(Sub, Rg, "vm-stopped")!;
        Assert.Equal("generalized", vm.OsState);
        Assert.Equal("stopped", vm.PowerState);
        Assert.Equal(false, vm.GeneralizedWithPreparedGuest);
        Assert.Equal(["appx:Microsoft.BingWeather_4.53.0.0_x64__8wekyb3d8bbwe"], second.GetVm(Sub, Rg, "vm-win-appx")!.SysprepBlockers);

        using var client = Http(second);
        var (rg, rgBody) = await GetAsync(client, $"subscriptions/{Sub}/resourcegroups/rg-made-at-runtime?api-version=2022-09-01");
        Assert.Equal(200, (int)rg.StatusCode);
        Assert.Equal(rgId, rgBody!["id"]!.GetValue<string>());
        Assert.Equal("northeurope", rgBody["location"]!.GetValue<string>());
        Assert.Equal("persistence", rgBody["tags"]!["purpose"]!.GetValue<string>());

        // The Activity Log came along.
        var (_, events) = await GetAsync(client, FrontDoorSupport.ActivityPath(FrontDoorSupport.Window() + " and resourceGroupName eq 'rg-made-at-runtime'"));
        Assert.Equal(2, events!["value"]!.AsArray().Count);

        // And the restarted emulator refuses what Azure would refuse of a generalized VM.
        var (start, startBody) = await PostAsync(client, VmPath("vm-stopped") + "/start?api-version=" + ComputeApi);
        Assert.Equal(409, (int)start.StatusCode);
        Assert.Equal("OperationNotAllowed", startBody!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_operation_in_flight_is_saved_as_completed()
    {
        // Clock scale 1: a deallocate takes a real minute, so it is still running at stop.
        await using (var first = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = Worlds.Standard, StateFile = StatePath, ClockScale = 1 }))
        {
            using var http = Http(first);
            Assert.Equal(202, (int)(await PostAsync(http, VmPath("vm-linux") + "/deallocate?api-version=" + ComputeApi)).Response.StatusCode);
            Assert.Equal("deallocating", first.GetVm(Sub, Rg, "vm-linux")!.PowerState);
        }

        await using var second = await TestSupport.StartAsync(new EmulatorOptions { StateFile = StatePath, ClockScale = 1 });
        var vm = second.GetVm(Sub, Rg, "vm-linux")!;
        Assert.Equal("deallocated", vm.PowerState);
        Assert.Null(vm.PendingOperation);
    }

    private const string ValidationRg = "rg-validation";

    [Fact]
    public async Task Gallery_resources_images_disks_run_commands_and_a_failed_validation_VM_survive_a_restart_with_the_same_JSON()
    {
        var versionPath = GalleryWorld.VersionPath("win2022", "1.0.0");
        var imagePath = $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/images/img-linux";
        var runCommandPath = $"{VmPath("vm-linux-running")}/runCommands/hello";
        string[] reads;
        Dictionary<string, string> before;
        VmSnapshot validationBefore;
        await using (var first = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = GalleryWorld.Yaml, StateFile = StatePath }))
        {
            using var http = Http(first);

            // A version captured from a VM generalized without Sysprep, and a managed image from a prepared Linux VM.
            await CompleteAsync(http, HttpMethod.Put, versionPath, GalleryWorld.GalleryApi, GalleryWorld.VersionBody(GalleryWorld.VmId("vm-win-unprepared"), "westeurope"));
            await CompleteAsync(http, HttpMethod.Put, imagePath, ComputeApi,
                new JsonObject { ["location"] = "westeurope", ["tags"] = new JsonObject { ["kind"] = "managed" }, ["properties"] = new JsonObject { ["sourceVirtualMachine"] = new JsonObject { ["id"] = GalleryWorld.VmId("vm-linux-prepared") } } });
            await CompleteAsync(http, HttpMethod.Put, runCommandPath, ComputeApi,
                new JsonObject { ["location"] = "westeurope", ["properties"] = new JsonObject { ["source"] = new JsonObject { ["script"] = "echo hello" } } });

            // The validation VM from the unprepared version fails provisioning after Azure's 40-minute timeout.
            var (status, _, statusUrl) = await GalleryWorld.CreateVmAsync(http, "vm-validate", "/" + versionPath, osType: "Windows", deleteOption: "Detach");
            Assert.Equal(201, status);
            Assert.Equal("Failed", (await PollStatusAsync(http, statusUrl!))[^1]["status"]!.GetValue<string>());
            validationBefore = first.GetVm(Sub, ValidationRg, "vm-validate")!;
            Assert.Equal("OSProvisioningTimedOut", validationBefore.ProvisioningErrorCode);

            var diskName = (await GetAsync(http, $"{VmPath("vm-validate", ValidationRg)}?api-version={ComputeApi}")).Body!["properties"]!["storageProfile"]!["osDisk"]!["name"]!.GetValue<string>();
            reads =
            [
                $"{GalleryWorld.GalleryPath}?api-version={GalleryWorld.GalleryApi}",
                $"{GalleryWorld.ImagePath("win2022")}?api-version={GalleryWorld.GalleryApi}",
                $"{GalleryWorld.ImagePath("win2022-tl")}?api-version={GalleryWorld.GalleryApi}",
                $"{versionPath}?api-version={GalleryWorld.GalleryApi}&$expand=ReplicationStatus",
                $"{imagePath}?api-version={ComputeApi}",
                $"subscriptions/{Sub}/resourceGroups/{ValidationRg}/providers/Microsoft.Compute/disks/{diskName}?api-version=2023-04-02",
                $"subscriptions/{Sub}/providers/Microsoft.Compute/disks?api-version=2023-04-02",
                $"{VmPath("vm-validate", ValidationRg)}?api-version={ComputeApi}",
                $"{VmPath("vm-validate", ValidationRg)}?api-version={ComputeApi}&$expand=instanceView",
                $"{VmPath("vm-win-prepared")}?api-version={ComputeApi}",
                $"{runCommandPath}?api-version={ComputeApi}&$expand=instanceView",
            ];
            before = await ReadAllAsync(http, reads);
        }

        Assert.DoesNotContain(GalleryWorld.SecretPassword, File.ReadAllText(StatePath));

        // The second start names no world: every resource comes from the state file and answers the same JSON.
        await using var second = await TestSupport.StartAsync(new EmulatorOptions { StateFile = StatePath, ClockScale = 0.0005 });
        using var client = Http(second);
        var after = await ReadAllAsync(client, reads);
        foreach (var read in reads)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(before[read]), JsonNode.Parse(after[read])),
                $"GET {read} changed across the restart.\nbefore: {before[read]}\nafter:  {after[read]}");
        }

        var validation = second.GetVm(Sub, ValidationRg, "vm-validate")!;
        Assert.Equal(validationBefore.ProvisioningErrorCode, validation.ProvisioningErrorCode);
        Assert.Equal(validationBefore.ImageReferenceId, validation.ImageReferenceId);
        Assert.Equal(validationBefore.ResolvedImageVersionId, validation.ResolvedImageVersionId);
        Assert.Equal(validationBefore.BootCompletedAt, validation.BootCompletedAt);
        Assert.Equal(validationBefore.BootDurationAzureSeconds, validation.BootDurationAzureSeconds);
        Assert.Equal("running", validation.PowerState);
        Assert.Equal("NotReady", validation.AgentStatus);

        // The restored version keeps its lineage: a new VM from it fails the same way, one from the managed image provisions.
        var (again, _, againUrl) = await GalleryWorld.CreateVmAsync(client, "vm-validate-2", "/" + versionPath, osType: "Windows");
        Assert.Equal(201, again);
        var final = (await PollStatusAsync(client, againUrl!))[^1];
        Assert.Equal("OSProvisioningTimedOut", final["error"]!["code"]!.GetValue<string>());
        var (fromImage, _, fromImageUrl) = await GalleryWorld.CreateVmAsync(client, "vm-from-image", "/" + imagePath);
        Assert.Equal(201, fromImage);
        Assert.Equal("Succeeded", (await PollStatusAsync(client, fromImageUrl!))[^1]["status"]!.GetValue<string>());
        Assert.Equal(["machineId"], second.GetVm(Sub, ValidationRg, "vm-from-image")!.Leftovers);
    }

    [Fact]
    public async Task Replication_and_an_image_creation_in_flight_are_saved_as_they_would_end()
    {
        // Clock scale 1: replication (10 Azure s per GB, East US failing) takes real minutes, so it is in flight at stop.
        var versionPath = GalleryWorld.VersionPath("win2022", "1.0.0");
        await using (var first = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = GalleryWorld.Yaml, StateFile = StatePath, ClockScale = 1 }))
        {
            using var http = Http(first);
            await GalleryWorld.PutJsonAsync(http, versionPath, GalleryWorld.GalleryApi, GalleryWorld.VersionBody(GalleryWorld.VmId("vm-win-unprepared"), "westeurope", "eastus"), 201);
            var replicating = first.GetImageVersion(Sub, Rg, "gal_images", "win2022", "1.0.0")!;
            Assert.Equal("InProgress", replicating.AggregatedState);

            // A managed image still being created.
            await GalleryWorld.PutJsonAsync(http, $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/images/img-busy", ComputeApi,
                new JsonObject { ["location"] = "westeurope", ["properties"] = new JsonObject { ["sourceVirtualMachine"] = new JsonObject { ["id"] = GalleryWorld.VmId("vm-win-prepared") } } }, 201);
        }

        await using var second = await TestSupport.StartAsync(new EmulatorOptions { StateFile = StatePath, ClockScale = 1 });
        var version = second.GetImageVersion(Sub, Rg, "gal_images", "win2022", "1.0.0")!;
        Assert.Equal("Failed", version.AggregatedState);
        Assert.Equal("Failed", version.ProvisioningState);
        Assert.Equal(["Completed", "Failed"], version.Regions.Select(r => r.State));
        Assert.Equal([100, 50], version.Regions.Select(r => r.Progress));
        using var client = Http(second);
        var (image, imageBody) = await GetAsync(client, $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/images/img-busy?api-version={ComputeApi}");
        Assert.Equal(200, (int)image.StatusCode);
        Assert.Equal("Succeeded", imageBody!["properties"]!["provisioningState"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_validation_VM_being_created_is_saved_with_the_outcome_its_lineage_dictates()
    {
        string vmId;
        await using (var first = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = GalleryWorld.Yaml, StateFile = StatePath }))
        {
            using var http = Http(first);
            var imagePath = $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/images/img-unprepared";
            await CompleteAsync(http, HttpMethod.Put, imagePath, ComputeApi,
                new JsonObject { ["location"] = "westeurope", ["properties"] = new JsonObject { ["sourceVirtualMachine"] = new JsonObject { ["id"] = GalleryWorld.VmId("vm-linux-unprepared") } } });
            first.SaveState();
        }

        // Restart at scale 1, so the 40-minute provisioning timeout cannot pass before the next stop.
        await using (var second = await TestSupport.StartAsync(new EmulatorOptions { StateFile = StatePath, ClockScale = 1 }))
        {
            using var http = Http(second);
            var (status, body, _) = await GalleryWorld.CreateVmAsync(http, "vm-pending", $"/subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/images/img-unprepared");
            Assert.Equal(201, status);
            vmId = body!["properties"]!["vmId"]!.GetValue<string>();
            Assert.Equal("create", second.GetVm(Sub, ValidationRg, "vm-pending")!.PendingOperation);
        }

        await using var third = await TestSupport.StartAsync(new EmulatorOptions { StateFile = StatePath, ClockScale = 1 });
        var vm = third.GetVm(Sub, ValidationRg, "vm-pending")!;
        Assert.Null(vm.PendingOperation);
        Assert.Equal("Failed", vm.ProvisioningState);
        Assert.Equal("OSProvisioningTimedOut", vm.ProvisioningErrorCode);
        Assert.Equal("running", vm.PowerState);
        using var client = Http(third);
        var (_, vmBody) = await GetAsync(client, $"{VmPath("vm-pending", ValidationRg)}?api-version={ComputeApi}");
        Assert.Equal(vmId, vmBody!["properties"]!["vmId"]!.GetValue<string>());
    }

    private static async Task<Dictionary<string, string>> ReadAllAsync(HttpClient http, IEnumerable<string> reads)
    {
        var bodies = new Dictionary<string, string>();
        foreach (var read in reads)
        {
            var (response, body) = await GetAsync(http, read);
            Assert.True(200 == (int)response.StatusCode, $"GET {read} answered {(int)response.StatusCode}: {body?.ToJsonString()}");
            bodies[read] = body!.ToJsonString();
        }

        return bodies;
    }

    /// <summary>Sends a write and waits for its long-running operation to succeed.</summary>
    private static async Task CompleteAsync(HttpClient http, HttpMethod method, string path, string api, JsonObject body)
    {
        var (response, json) = await SendAsync(http, method, $"{path}?api-version={api}", body.ToJsonString());
        Assert.True((int)response.StatusCode is 200 or 201 or 202, $"{method} {path} answered {(int)response.StatusCode}: {json?.ToJsonString()}");
        if (response.Headers.TryGetValues("Azure-AsyncOperation", out var urls))
        {
            Assert.Equal("Succeeded", (await PollStatusAsync(http, urls.Single()))[^1]["status"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_state_file_that_is_not_one_stops_the_start()
    {
        Directory.CreateDirectory(_dir);
        await File.WriteAllTextAsync(StatePath, "{\"hello\":1}");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TestSupport.StartAsync(new EmulatorOptions { StateFile = StatePath }));
        Assert.Contains("not a GenImage emulator state file", ex.Message);
    }

    [Fact]
    public void The_command_line_takes_a_state_file()
    {
        var parsed = Cli.Parse(["--state-file", "/tmp/x.json", "--quiet"], out var error);
        Assert.Null(error);
        Assert.Equal("/tmp/x.json", parsed!.StateFile);
        Assert.Null(Cli.Parse(["--state-file"], out error));
        Assert.Equal("--state-file needs a file path.", error);
    }
}
