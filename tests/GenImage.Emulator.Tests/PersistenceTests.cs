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
        await using (var first = await EmulatorHost.StartAsync(new EmulatorOptions { WorldYaml = Worlds.Standard, StateFile = StatePath }))
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
        Assert.Equal("genimage.dev/emulator-state/v1", saved["format"]!.GetValue<string>());
        Assert.DoesNotContain(TestSupport.Token, File.ReadAllText(StatePath));

        // The second start names no world: the resources come from the state file.
        await using var second = await EmulatorHost.StartAsync(new EmulatorOptions { StateFile = StatePath });
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
        await using (var first = await EmulatorHost.StartAsync(new EmulatorOptions { WorldYaml = Worlds.Standard, StateFile = StatePath, ClockScale = 1 }))
        {
            using var http = Http(first);
            Assert.Equal(202, (int)(await PostAsync(http, VmPath("vm-linux") + "/deallocate?api-version=" + ComputeApi)).Response.StatusCode);
            Assert.Equal("deallocating", first.GetVm(Sub, Rg, "vm-linux")!.PowerState);
        }

        await using var second = await EmulatorHost.StartAsync(new EmulatorOptions { StateFile = StatePath, ClockScale = 1 });
        var vm = second.GetVm(Sub, Rg, "vm-linux")!;
        Assert.Equal("deallocated", vm.PowerState);
        Assert.Null(vm.PendingOperation);
    }

    [Fact]
    public async Task A_state_file_that_is_not_one_stops_the_start()
    {
        Directory.CreateDirectory(_dir);
        await File.WriteAllTextAsync(StatePath, "{\"hello\":1}");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => EmulatorHost.StartAsync(new EmulatorOptions { StateFile = StatePath }));
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
