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
    public async Task Version_create_polls_without_RetryAfter_first_then_with_it_while_in_progress()
    {
        // 10 Azure s/GB at 0.01: the replication takes seconds, long enough for several in-progress polls.
        await using var host = await TestSupport.StartAsync(GalleryWorld.Yaml, 0.01);
        using var http = Http(host);

        var (created, body) = await SendAsync(http, HttpMethod.Put, $"{VersionPath("ubuntu-gen2", "1.0.0")}?api-version={GalleryApi}", VersionBody("vm-linux-prepared"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Creating", body!["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.False(Has(created, "Location"));
        Assert.False(Has(created, "Retry-After"));
        var statusUrl = Header(created, "Azure-AsyncOperation");

        var (first, firstBody) = await GetAsync(http, statusUrl);
        Assert.Equal("InProgress", firstBody!["status"]!.GetValue<string>());
        Assert.False(Has(first, "Retry-After"));

        var (second, secondBody) = await GetAsync(http, statusUrl);
        Assert.Equal("InProgress", secondBody!["status"]!.GetValue<string>());
        Assert.True(int.TryParse(Header(second, "Retry-After"), out _));

        var statuses = await PollStatusAsync(http, statusUrl);
        var final = statuses[^1];
        Assert.Equal("Succeeded", final["status"]!.GetValue<string>());
        Assert.NotNull(final["endTime"]);
        Assert.Null(final["properties"]);
        var (done, _) = await GetAsync(http, statusUrl);
        Assert.False(Has(done, "Retry-After"));
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
    public async Task Vm_actions_carry_RetryAfter_as_recorded_and_operations_polls_only_on_the_first_poll()
    {
        // powerOff is 30 Azure seconds: 1.5 s at 0.05.
        await using var host = await TestSupport.StartAsync(scale: 0.05);
        using var http = Http(host);

        var (powerOff, _) = await PostAsync(http, VmPath("vm-linux") + "/powerOff?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.Accepted, powerOff.StatusCode);
        Assert.Contains("monitor=true", Header(powerOff, "Location"));
        Assert.False(Has(powerOff, "Retry-After"));
        var statusUrl = Header(powerOff, "Azure-AsyncOperation");
        Assert.Contains("/operations/", statusUrl);

        var (first, firstBody) = await GetAsync(http, statusUrl);
        Assert.Equal("InProgress", firstBody!["status"]!.GetValue<string>());
        Assert.True(Has(first, "Retry-After"));
        var (second, secondBody) = await GetAsync(http, statusUrl);
        Assert.Equal("InProgress", secondBody!["status"]!.GetValue<string>());
        Assert.False(Has(second, "Retry-After"));

        var (deallocate, _) = await PostAsync(http, VmPath("vm-win") + "/deallocate?api-version=2023-07-01");
        Assert.True(Has(deallocate, "Location"));
        Assert.True(Has(deallocate, "Retry-After"));
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
