using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using static GenImage.Emulator.Tests.FrontDoorSupport;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>The Activity Log: events for writes, ARM's filters, $select, paging and retention.</summary>
public sealed class ActivityLogTests
{
    private static async Task<JsonArray> EventsAsync(HttpClient http, string filter, string? select = null)
    {
        var (response, body) = await GetAsync(http, ActivityPath(filter, select));
        Assert.Equal(200, (int)response.StatusCode);
        return body!["value"]!.AsArray();
    }

    private static async Task<HttpResponseMessage> PostWithCorrelationAsync(HttpClient http, string relative, string correlationId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, relative);
        request.Headers.Add("x-ms-correlation-request-id", correlationId);
        request.Headers.Add("x-ms-client-request-id", "client-1");
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task A_long_running_write_logs_Started_Accepted_then_Succeeded()
    {
        await using var host = await TestSupport.StartAsync();
        using var http = Http(host);
        var correlationId = Guid.NewGuid().ToString("D");

        var accepted = await PostWithCorrelationAsync(http, VmPath("vm-win") + "/deallocate?api-version=" + ComputeApi, correlationId);
        Assert.Equal(202, (int)accepted.StatusCode);
        await PollStatusAsync(http, Header(accepted, "Azure-AsyncOperation"));

        var events = await EventsAsync(http, Window() + $" and correlationId eq '{correlationId}'");
        var statuses = events.Select(e => e!["status"]!["value"]!.GetValue<string>()).Reverse().ToList();
        Assert.Equal(["Started", "Accepted", "Succeeded"], statuses);

        var vmId = "/" + VmPath("vm-win");
        foreach (var e in events)
        {
            Assert.Equal("Microsoft.Compute/virtualMachines/deallocate/action", e!["operationName"]!["value"]!.GetValue<string>());
            Assert.Equal("Microsoft.Compute/virtualMachines/deallocate/action", e["authorization"]!["action"]!.GetValue<string>());
            Assert.Equal(vmId, e["authorization"]!["scope"]!.GetValue<string>());
            Assert.Equal(vmId, e["resourceId"]!.GetValue<string>());
            Assert.Equal(TesterUpn, e["caller"]!.GetValue<string>());
            Assert.Equal("Operation", e["channels"]!.GetValue<string>());
            Assert.Equal("Administrative", e["category"]!["value"]!.GetValue<string>());
            Assert.Equal("rg-images", e["resourceGroupName"]!.GetValue<string>());
            Assert.Equal("Microsoft.Compute", e["resourceProviderName"]!["value"]!.GetValue<string>());
            Assert.Equal("Microsoft.Compute/virtualMachines", e["resourceType"]!["value"]!.GetValue<string>());
            Assert.Equal(Sub, e["subscriptionId"]!.GetValue<string>());
            Assert.Equal("Informational", e["level"]!.GetValue<string>());
            Assert.Equal(TesterOid, e["claims"]!["http://schemas.microsoft.com/identity/claims/objectidentifier"]!.GetValue<string>());
            Assert.Equal("client-1", e["httpRequest"]!["clientRequestId"]!.GetValue<string>());
            Assert.DoesNotContain(TestSupport.Token, e.ToJsonString());
            Assert.Single(events, x => x!["operationId"]!.GetValue<string>() == e["operationId"]!.GetValue<string>() && x["status"]!["value"]!.GetValue<string>() == e["status"]!["value"]!.GetValue<string>());
        }

        Assert.Equal(["BeginRequest", "EndRequest", "EndRequest"], events.Select(e => e!["eventName"]!["value"]!.GetValue<string>()).Reverse());
        Assert.Equal("Accepted", events[1]!["properties"]!["statusCode"]!.GetValue<string>());
        Assert.Equal("Accepted (HTTP Status Code: 202)", events[1]!["subStatus"]!["localizedValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task Failed_writes_and_failed_operations_are_logged_as_errors()
    {
        await using var host = await TestSupport.StartAsync();
        using var http = Http(host);

        var conflict = Guid.NewGuid().ToString("D");
        Assert.Equal(409, (int)(await PostWithCorrelationAsync(http, VmPath("vm-win") + "/generalize?api-version=" + ComputeApi, conflict)).StatusCode);
        var events = await EventsAsync(http, Window() + $" and correlationId eq '{conflict}'");
        var end = events.Single(e => e!["eventName"]!["value"]!.GetValue<string>() == "EndRequest");
        Assert.Equal("Failed", end!["status"]!["value"]!.GetValue<string>());
        Assert.Equal("Error", end["level"]!.GetValue<string>());
        Assert.Equal("Conflict", end["properties"]!["statusCode"]!.GetValue<string>());
        Assert.Contains("OperationNotAllowed", end["properties"]!["statusMessage"]!.GetValue<string>());

        host.Faults.Add(new Faults.FaultRule { Effect = Faults.FaultEffect.FailOperation, Path = "*/powerOff", Count = 1 });
        var failing = Guid.NewGuid().ToString("D");
        var accepted = await PostWithCorrelationAsync(http, VmPath("vm-linux") + "/powerOff?api-version=" + ComputeApi, failing);
        await PollStatusAsync(http, Header(accepted, "Azure-AsyncOperation"));
        events = await EventsAsync(http, Window() + $" and correlationId eq '{failing}'");
        Assert.Equal(["Started", "Accepted", "Failed"], events.Select(e => e!["status"]!["value"]!.GetValue<string>()).Reverse());
        Assert.Contains("InternalExecutionError", events[0]!["properties"]!["statusMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Filters_narrow_by_resource_group_resource_provider_and_resource_and_select_trims()
    {
        await using var host = await TestSupport.StartAsync();
        using var http = Http(host);
        var (rgCreated, _) = await SendAsync(http, HttpMethod.Put, $"subscriptions/{Sub}/resourcegroups/rg-new?api-version=2022-09-01", new { location = "westeurope" });
        Assert.Equal(201, (int)rgCreated.StatusCode);
        Assert.Equal(200, (int)(await PostAsync(http, VmPath("vm-stopped") + "/generalize?api-version=" + ComputeApi)).Response.StatusCode);
        Assert.Equal(200, (int)(await GetAsync(http, VmGet())).Response.StatusCode);

        var all = await EventsAsync(http, Window());
        Assert.Equal(4, all.Count);

        var rg = await EventsAsync(http, Window() + " and resourceGroupName eq 'rg-new'");
        Assert.Equal(2, rg.Count);
        Assert.All(rg, e => Assert.Equal("Microsoft.Resources/subscriptions/resourceGroups/write", e!["operationName"]!["value"]!.GetValue<string>()));
        Assert.Equal("Created", rg[0]!["properties"]!["statusCode"]!.GetValue<string>());

        var compute = await EventsAsync(http, Window() + " and resourceProvider eq 'Microsoft.Compute'");
        Assert.Equal(2, compute.Count);
        var byUri = await EventsAsync(http, Window() + $" and resourceUri eq '/{VmPath("vm-stopped")}'");
        Assert.Equal(2, byUri.Count);
        Assert.Empty(await EventsAsync(http, Window(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(-1))));

        var selected = await EventsAsync(http, Window(), "eventName,operationName,status,eventTimestamp");
        Assert.All(selected, e => Assert.Equal(["eventName", "operationName", "status", "eventTimestamp"], e!.AsObject().Select(p => p.Key)));

        static string VmGet() => VmPath("vm-win") + "?api-version=" + ComputeApi;
    }

    [Fact]
    public async Task The_time_window_is_required()
    {
        await using var host = await TestSupport.StartAsync();
        using var http = Http(host);

        var (missing, body) = await GetAsync(http, $"subscriptions/{Sub}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01");
        Assert.Equal(400, (int)missing.StatusCode);
        Assert.Equal("BadRequest", body!["error"]!["code"]!.GetValue<string>());

        var (noWindow, _) = await GetAsync(http, ActivityPath("resourceGroupName eq 'rg-images'"));
        Assert.Equal(400, (int)noWindow.StatusCode);

        var (badField, _) = await GetAsync(http, ActivityPath(Window() + " and color eq 'blue'"));
        Assert.Equal(400, (int)badField.StatusCode);

        var (wrongVersion, wrongBody) = await GetAsync(http, ActivityPath(Window()).Replace("2015-04-01", "2099-01-01", StringComparison.Ordinal));
        Assert.Equal(400, (int)wrongVersion.StatusCode);
        Assert.Equal("InvalidApiVersionParameter", wrongBody!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_window_beyond_retention_is_rejected_and_old_events_age_out()
    {
        var yaml = Worlds.Standard + $$"""

            activityLog:
              retentionDays: 30
              events:
                - { daysAgo: 40, operationName: Microsoft.Compute/virtualMachines/write, resourceId: "/{{VmPath("vm-win")}}", caller: old@genimage.example }
                - { daysAgo: 10, operationName: Microsoft.Compute/virtualMachines/write, resourceId: "/{{VmPath("vm-win")}}", caller: recent@genimage.example }
            """;
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = yaml });
        using var http = Http(host);

        var (tooOld, body) = await GetAsync(http, ActivityPath(Window(DateTimeOffset.UtcNow.AddDays(-35))));
        Assert.Equal(400, (int)tooOld.StatusCode);
        Assert.Contains("retention", body!["error"]!["message"]!.GetValue<string>());

        var events = await EventsAsync(http, Window(DateTimeOffset.UtcNow.AddDays(-29)));
        Assert.Equal("recent@genimage.example", Assert.Single(events)!["caller"]!.GetValue<string>());
    }

    [Fact]
    public async Task More_than_200_events_are_paged_with_nextLink()
    {
        var yaml = new StringBuilder(Worlds.Standard).AppendLine().AppendLine("activityLog:").AppendLine("  events:");
        for (var i = 0; i < 230; i++)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    - {{ daysAgo: 0.{i + 100:D4}, operationName: Microsoft.Compute/virtualMachines/write, resourceId: \"/{VmPath("vm-win")}\" }}");
        }

        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = yaml.ToString() });
        using var http = Http(host);

        var (first, page1) = await GetAsync(http, ActivityPath(Window(DateTimeOffset.UtcNow.AddDays(-2))));
        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(200, page1!["value"]!.AsArray().Count);
        var next = page1["nextLink"]!.GetValue<string>();
        Assert.StartsWith(host.Endpoint.ToString(), next);

        var (second, page2) = await GetAsync(http, next);
        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equal(30, page2!["value"]!.AsArray().Count);
        Assert.Null(page2["nextLink"]);
        var ids = page1["value"]!.AsArray().Concat(page2["value"]!.AsArray()).Select(e => e!["eventDataId"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(230, ids.Count);
    }
}
