using System.Net;
using static GenImage.Emulator.Tests.GalleryWorld;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>
/// The long-running-operation headers per operation, as the recorded Azure traffic in shared/arm-recordings shows them
/// (INDEX.md, "Headers by operation"): initial status, which of Azure-AsyncOperation / Location / Retry-After appear,
/// the operation URL shape, and Retry-After on polls.
/// </summary>
public sealed class RecordedLroTests
{
    private static bool Has(HttpResponseMessage r, string name) => r.Headers.TryGetValues(name, out _) || r.Content.Headers.TryGetValues(name, out _);

    private static object VersionBody(string vm) => new
    {
        location = "westeurope",
        properties = new
        {
            storageProfile = new { source = new { id = VmId(vm) } },
            publishingProfile = new { targetRegions = new[] { new { name = "westeurope", regionalReplicaCount = 1 } } },
        },
    };

    [Fact]
    public async Task Gallery_puts_answer_AsyncOperation_only_at_a_capsOperations_url_named_by_the_request_id()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var path = $"subscriptions/{Sub}/resourceGroups/{Rg}/providers/Microsoft.Compute/galleries/gal_new?api-version={GalleryApi}";

        var (created, _) = await SendAsync(http, HttpMethod.Put, path, new { location = "westeurope", properties = new { } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var requestId = Header(created, "x-ms-request-id");
        Assert.Equal($"{host.Endpoint}subscriptions/{Sub}/providers/Microsoft.Compute/locations/westeurope/capsOperations/{requestId}?api-version={GalleryApi}",
            Header(created, "Azure-AsyncOperation"));
        Assert.False(Has(created, "Location"));
        Assert.False(Has(created, "Retry-After"));

        var (updated, _) = await SendAsync(http, HttpMethod.Put, path, new { location = "westeurope", properties = new { description = "d" } });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Contains("/capsOperations/", Header(updated, "Azure-AsyncOperation"));
        Assert.False(Has(updated, "Location"));
        Assert.False(Has(updated, "Retry-After"));

        var (definition, _) = await SendAsync(http, HttpMethod.Put, $"{GalleryPath}/images/new-def?api-version={GalleryApi}", new
        {
            location = "westeurope",
            properties = new { osType = "Linux", osState = "Generalized", hyperVGeneration = "V2", identifier = new { publisher = "p", offer = "o", sku = "s" } },
        });
        Assert.Equal(HttpStatusCode.Created, definition.StatusCode);
        Assert.Contains("/capsOperations/", Header(definition, "Azure-AsyncOperation"));
        Assert.False(Has(definition, "Location"));
        Assert.False(Has(definition, "Retry-After"));
    }

    [Fact]
    public async Task Version_polls_carry_RetryAfter_while_in_progress_and_definition_polls_never()
    {
        // A clock that stands still: every poll finds the operation in progress until the test moves it on.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = GalleryWorld.Yaml, ClockScale = 1, TimeProvider = clock });
        using var http = Http(host);

        var (definition, _) = await SendAsync(http, HttpMethod.Put, $"{GalleryPath}/images/new-def?api-version={GalleryApi}", new
        {
            location = "westeurope",
            properties = new { osType = "Linux", osState = "Generalized", hyperVGeneration = "V2", identifier = new { publisher = "p", offer = "o", sku = "s" } },
        });
        var (definitionPoll, definitionStatus) = await GetAsync(http, Header(definition, "Azure-AsyncOperation"));
        Assert.Equal("InProgress", definitionStatus!["status"]!.GetValue<string>());
        Assert.False(Has(definitionPoll, "Retry-After"));

        var (created, body) = await SendAsync(http, HttpMethod.Put, $"{VersionPath("ubuntu-gen2", "1.0.0")}?api-version={GalleryApi}", VersionBody("vm-linux-prepared"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Creating", body!["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.False(Has(created, "Location"));
        Assert.False(Has(created, "Retry-After"));
        var statusUrl = Header(created, "Azure-AsyncOperation");

        foreach (var _ in new[] { "first poll", "second poll" })
        {
            var (poll, pollBody) = await GetAsync(http, statusUrl);
            Assert.Equal("InProgress", pollBody!["status"]!.GetValue<string>());
            Assert.True(int.Parse(Header(poll, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        }

        clock.Advance(TimeSpan.FromHours(1));
        var (done, final) = await GetAsync(http, statusUrl);
        Assert.Equal("Succeeded", final!["status"]!.GetValue<string>());
        Assert.NotNull(final["endTime"]);
        Assert.Null(final["properties"]);
        Assert.False(Has(done, "Retry-After"));
    }

    [Fact]
    public async Task A_version_update_is_an_operation_that_runs_a_while_even_when_nothing_replicates()
    {
        // As recorded: a version PUT that removed a target region answered 200 Updating and polled InProgress for minutes.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = GalleryWorld.Yaml, ClockScale = 1, TimeProvider = clock });
        using var http = Http(host);
        var path = $"{VersionPath("ubuntu-gen2", "1.0.0")}?api-version={GalleryApi}";
        var (created, _) = await SendAsync(http, HttpMethod.Put, path, VersionBody("vm-linux-prepared"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        clock.Advance(TimeSpan.FromHours(1));

        var (updated, body) = await SendAsync(http, HttpMethod.Patch, path, new { tags = new { stage = "tested" } });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Updating", body!["properties"]!["provisioningState"]!.GetValue<string>());
        var statusUrl = Header(updated, "Azure-AsyncOperation");
        var (_, running) = await GetAsync(http, statusUrl);
        Assert.Equal("InProgress", running!["status"]!.GetValue<string>());

        clock.Advance(TimeSpan.FromMinutes(2));
        var (_, done) = await GetAsync(http, statusUrl);
        Assert.Equal("Succeeded", done!["status"]!.GetValue<string>());
        var (_, version) = await GetAsync(http, path);
        Assert.Equal("Succeeded", version!["properties"]!["provisioningState"]!.GetValue<string>());
    }

    [Fact]
    public async Task Gallery_deletes_answer_202_with_a_capsOperations_monitor_location_that_ends_empty()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        var client = Sdk(host);
        await PublishAsync(client, "ubuntu-gen2", "1.0.0", "vm-linux-prepared");

        var (deleted, _) = await SendAsync(http, HttpMethod.Delete, $"{VersionPath("ubuntu-gen2", "1.0.0")}?api-version={GalleryApi}");
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        var statusUrl = Header(deleted, "Azure-AsyncOperation");
        Assert.Matches(@"/capsOperations/[0-9a-f-]{36}\?api-version=2022-03-03$", statusUrl);
        Assert.Equal(statusUrl.Replace("?api-version=", "?monitor=true&api-version=", StringComparison.Ordinal), Header(deleted, "Location"));
        Assert.True(int.TryParse(Header(deleted, "Retry-After"), out _));

        await PollStatusAsync(http, statusUrl);
        var (monitor, monitorBody) = await GetAsync(http, Header(deleted, "Location"));
        Assert.Equal(HttpStatusCode.OK, monitor.StatusCode);
        Assert.Null(monitorBody);
        Assert.Equal(0, monitor.Content.Headers.ContentLength);

        var (definitionDeleted, _) = await SendAsync(http, HttpMethod.Delete, $"{ImagePath("ubuntu-gen2")}?api-version={GalleryApi}");
        Assert.Equal(HttpStatusCode.Accepted, definitionDeleted.StatusCode);
        Assert.Contains("capsOperations", Header(definitionDeleted, "Location"));
        Assert.False(Has(definitionDeleted, "Retry-After"));
    }

    [Fact]
    public async Task Vm_actions_carry_RetryAfter_as_recorded_and_operations_polls_only_on_the_first_poll_of_those()
    {
        // A clock that stands still: every poll finds the operation in progress.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = Worlds.Standard, ClockScale = 1, TimeProvider = clock });
        using var http = Http(host);

        // deallocate (and start, VM create, VM delete) answer with Retry-After, and so does their first poll only.
        var (deallocate, _) = await PostAsync(http, VmPath("vm-win") + "/deallocate?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.Accepted, deallocate.StatusCode);
        Assert.True(Has(deallocate, "Location"));
        Assert.True(Has(deallocate, "Retry-After"));
        var statusUrl = Header(deallocate, "Azure-AsyncOperation");
        Assert.Contains("/operations/", statusUrl);
        var (first, firstBody) = await GetAsync(http, statusUrl);
        Assert.Equal("InProgress", firstBody!["status"]!.GetValue<string>());
        Assert.True(Has(first, "Retry-After"));
        var (second, secondBody) = await GetAsync(http, statusUrl);
        Assert.Equal("InProgress", secondBody!["status"]!.GetValue<string>());
        Assert.False(Has(second, "Retry-After"));

        // powerOff (and restart, runCommand) answer without Retry-After, and their polls never carry one.
        var (powerOff, _) = await PostAsync(http, VmPath("vm-linux") + "/powerOff?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.Accepted, powerOff.StatusCode);
        Assert.Contains("monitor=true", Header(powerOff, "Location"));
        Assert.False(Has(powerOff, "Retry-After"));
        var (powerOffPoll, powerOffBody) = await GetAsync(http, Header(powerOff, "Azure-AsyncOperation"));
        Assert.Equal("InProgress", powerOffBody!["status"]!.GetValue<string>());
        Assert.False(Has(powerOffPoll, "Retry-After"));
    }

    [Fact]
    public async Task RunCommand_final_status_carries_the_output_and_the_monitor_url_the_bare_result()
    {
        await using var host = await TestSupport.StartAsync();
        using var http = Http(host);
        var (accepted, _) = await PostAsync(http, VmPath("vm-linux") + "/runCommand?api-version=2023-07-01",
            new { commandId = "RunShellScript", script = new[] { "echo hi" } });
        Assert.False(Has(accepted, "Retry-After"));

        var final = (await PollStatusAsync(http, Header(accepted, "Azure-AsyncOperation")))[^1];
        Assert.Equal("Succeeded", final["status"]!.GetValue<string>());
        var statusValue = final["properties"]!["output"]!["value"]!.AsArray();
        Assert.Contains("succeeded", statusValue[0]!["code"]!.GetValue<string>());

        var (_, monitorBody) = await GetAsync(http, Header(accepted, "Location"));
        Assert.Equal(statusValue.ToJsonString(), monitorBody!["value"]!.ToJsonString());
    }
}
