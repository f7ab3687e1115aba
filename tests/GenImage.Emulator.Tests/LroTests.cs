using System.Net;
using System.Text.Json.Nodes;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>The long-running operation protocol on the wire (NOTES.md §3), with a raw HTTP client.</summary>
public sealed class LroTests
{
    [Fact]
    public async Task Deallocate_answers_202_with_polling_headers_and_shows_progress()
    {
        // Clock scale 1 on a clock that stands still: the deallocation (60 Azure seconds) runs until the test moves time on.
        var clock = new TestClock(frozen: true);
        await using var host = await StartAsync(scale: 1, time: clock);
        using var http = Http(host);

        var (accepted, body) = await PostAsync(http, VmPath("vm-win") + "/deallocate?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Null(body);

        var asyncOp = Header(accepted, "Azure-AsyncOperation");
        var location = Header(accepted, "Location");
        Assert.Matches($@"^{host.Endpoint}subscriptions/{Sub}/providers/Microsoft.Compute/locations/westeurope/operations/[0-9a-f-]{{36}}\?p=[0-9a-f-]{{36}}&api-version=2023-07-01$", asyncOp);
        Assert.Equal(asyncOp.Replace("&api-version=", "&monitor=true&api-version=", StringComparison.Ordinal), location);
        Assert.True(int.TryParse(Header(accepted, "Retry-After"), out var retryAfter) && retryAfter >= 0);

        var (_, during) = await GetAsync(http, VmPath("vm-win") + "/instanceView?api-version=2023-07-01");
        Assert.Contains(during!["statuses"]!.AsArray(), s => s!["code"]!.GetValue<string>() == "PowerState/deallocating");
        Assert.Equal("deallocating", host.GetVm(Sub, Rg, "vm-win")!.PowerState);
        Assert.Equal("Updating", host.GetVm(Sub, Rg, "vm-win")!.ProvisioningState);

        var (monitorRunning, _) = await GetAsync(http, location);
        Assert.Equal(HttpStatusCode.Accepted, monitorRunning.StatusCode);

        var (_, running) = await GetAsync(http, asyncOp);
        Assert.Equal("InProgress", running!["status"]!.GetValue<string>());
        Assert.Null(running["endTime"]);

        clock.Advance(TimeSpan.FromSeconds(61));
        var statuses = await PollStatusAsync(http, asyncOp);
        var final = statuses[^1];
        Assert.Equal("Succeeded", final["status"]!.GetValue<string>());
        Assert.NotNull(final["startTime"]);
        Assert.NotNull(final["endTime"]);
        Assert.Equal(asyncOp.Split('?')[0].Split('/')[^1], final["name"]!.GetValue<string>());

        var (monitorDone, _) = await GetAsync(http, location);
        Assert.Equal(HttpStatusCode.OK, monitorDone.StatusCode);

        var (_, after) = await GetAsync(http, VmPath("vm-win") + "?api-version=2023-07-01&$expand=instanceView");
        var codes = after!["properties"]!["instanceView"]!["statuses"]!.AsArray().Select(s => s!["code"]!.GetValue<string>()).ToList();
        Assert.Contains("PowerState/deallocated", codes);
        Assert.Contains("ProvisioningState/succeeded", codes);
        Assert.Null(after["properties"]!["instanceView"]!["vmAgent"]);
    }

    [Fact]
    public async Task RunCommand_monitor_url_answers_202_then_the_result()
    {
        // The command takes 20 Azure seconds, on a clock that stands still until the test moves it.
        var clock = new TestClock(frozen: true);
        await using var host = await StartAsync(scale: 1, time: clock);
        using var http = Http(host);

        var (accepted, _) = await PostAsync(http, VmPath("vm-linux") + "/runCommand?api-version=2023-07-01",
            new { commandId = "RunShellScript", script = new[] { "echo hi" } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = Header(accepted, "Location");

        var (running, _) = await GetAsync(http, location);
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.Equal(location, Header(running, "Location"));

        clock.Advance(TimeSpan.FromSeconds(21));
        await PollStatusAsync(http, Header(accepted, "Azure-AsyncOperation"));
        var (done, result) = await GetAsync(http, location);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var value = result!["value"]!.AsArray();
        Assert.Equal("ComponentStatus/StdOut/succeeded", value[0]!["code"]!.GetValue<string>());
        Assert.Equal("Info", value[0]!["level"]!.GetValue<string>());
        Assert.Equal("Provisioning succeeded", value[0]!["displayStatus"]!.GetValue<string>());
        Assert.Equal("", value[0]!["message"]!.GetValue<string>());
        Assert.Equal("ComponentStatus/StdErr/succeeded", value[1]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Failed_operation_reports_status_Failed_with_error()
    {
        await using var host = await StartAsync();
        using var http = Http(host);

        var (accepted, _) = await PostAsync(http, VmPath("vm-agent-notready") + "/runCommand?api-version=2023-07-01",
            new { commandId = "RunShellScript", script = new[] { "uptime" } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        var final = (await PollStatusAsync(http, Header(accepted, "Azure-AsyncOperation")))[^1];
        Assert.Equal("Failed", final["status"]!.GetValue<string>());
        Assert.Equal("VMAgentStatusCommunicationError", final["error"]!["code"]!.GetValue<string>());
        Assert.Contains("vm-agent-notready", final["error"]!["message"]!.GetValue<string>());

        var (monitor, error) = await GetAsync(http, Header(accepted, "Location"));
        Assert.Equal(HttpStatusCode.Conflict, monitor.StatusCode);
        Assert.Equal("VMAgentStatusCommunicationError", EnvelopeTests.Code(error));
    }

    [Fact]
    public async Task Unknown_operation_is_404()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        var (response, body) = await GetAsync(http, $"subscriptions/{Sub}/providers/Microsoft.Compute/locations/westeurope/operations/{Guid.NewGuid()}?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NotFound", EnvelopeTests.Code(body));
    }

    [Fact]
    public async Task On_a_scaled_clock_retry_after_ms_says_what_whole_seconds_cannot()
    {
        // Scale 0.01: deallocate's 60 Azure seconds are 0.6 s; Retry-After can only say 1, retry-after-ms says 600.
        await using var host = await StartAsync(scale: 0.01, time: new TestClock(frozen: true));
        using var http = Http(host);
        var (accepted, _) = await PostAsync(http, VmPath("vm-win") + "/deallocate?api-version=2023-07-01");

        Assert.Equal("1", Header(accepted, "Retry-After"));
        var ms = int.Parse(Header(accepted, "retry-after-ms"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ms, 100, 999);
        var (status, _) = await GetAsync(http, Header(accepted, "Azure-AsyncOperation"));
        Assert.True(status.Headers.Contains("retry-after-ms"));
    }

    [Fact]
    public async Task At_real_time_an_operation_says_Retry_After_alone_as_ARM_does()
    {
        await using var host = await StartAsync(scale: 1, time: new TestClock(frozen: true));
        using var http = Http(host);
        var (accepted, _) = await PostAsync(http, VmPath("vm-win") + "/deallocate?api-version=2023-07-01");

        Assert.True(accepted.Headers.Contains("Retry-After"));
        Assert.False(accepted.Headers.Contains("retry-after-ms"));
    }

    [Fact]
    public async Task Retry_after_is_scaled_azure_time()
    {
        // Scale 1: deallocate takes 60 seconds and says so; the clock stands still, and nothing waits for it.
        await using var host = await StartAsync(scale: 1, time: new TestClock(frozen: true));
        using var http = Http(host);
        var (accepted, _) = await PostAsync(http, VmPath("vm-win") + "/deallocate?api-version=2023-07-01");
        var retryAfter = int.Parse(Header(accepted, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 55, 60);

        var (status, _) = await GetAsync(http, Header(accepted, "Azure-AsyncOperation"));
        Assert.True(status.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Power_operation_while_another_runs_is_409_Conflict()
    {
        await using var host = await StartAsync(scale: 1);
        using var http = Http(host);
        var (first, _) = await PostAsync(http, VmPath("vm-win") + "/powerOff?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("stopping", host.GetVm(Sub, Rg, "vm-win")!.PowerState);

        var (second, body) = await PostAsync(http, VmPath("vm-win") + "/deallocate?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("Conflict", EnvelopeTests.Code(body));
    }

    [Fact]
    public async Task A_power_operation_preempts_a_running_command()
    {
        // The command takes 20 Azure seconds, the power-off 30; the clock stands still, so the power-off arrives while
        // the command runs.
        var clock = new TestClock(frozen: true);
        await using var host = await StartAsync(scale: 1, time: clock);
        using var http = Http(host);
        var (run, _) = await PostAsync(http, VmPath("vm-linux") + "/runCommand?api-version=2023-07-01", new { commandId = "RunShellScript" });
        var (stop, _) = await PostAsync(http, VmPath("vm-linux") + "/powerOff?api-version=2023-07-01");
        Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);

        clock.Advance(TimeSpan.FromSeconds(31));
        var final = (await PollStatusAsync(http, Header(run, "Azure-AsyncOperation")))[^1];
        Assert.Equal("Failed", final["status"]!.GetValue<string>());
        Assert.Equal("OperationPreempted", final["error"]!["code"]!.GetValue<string>());
        await PollStatusAsync(http, Header(stop, "Azure-AsyncOperation"));
        Assert.Equal("stopped", host.GetVm(Sub, Rg, "vm-linux")!.PowerState);
    }

    internal static JsonNode? Status(JsonNode view, string prefix)
        => view["statuses"]!.AsArray().FirstOrDefault(s => s!["code"]!.GetValue<string>().StartsWith(prefix, StringComparison.Ordinal));
}
