using Azure;
using GenImage.Emulator.Faults;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>Fault injection: every effect, counting, seeded fractions, triggers, the world file and the replication hooks.</summary>
public sealed class FaultTests
{
    private static string VmGet(string name) => VmPath(name) + "?api-version=" + ComputeApi;

    private static async Task<List<int>> StatusesAsync(HttpClient http, string path, int count)
    {
        var statuses = new List<int>();
        for (var i = 0; i < count; i++)
        {
            statuses.Add((int)(await GetAsync(http, path)).Response.StatusCode);
        }

        return statuses;
    }

    [Fact]
    public async Task A_fraction_of_requests_fails_with_500_the_same_way_for_the_same_seed()
    {
        var runs = new List<List<int>>();
        foreach (var seed in new[] { 42, 42, 7 })
        {
            await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = Worlds.Standard, FaultSeed = seed });
            host.Faults.Add(new FaultRule { Effect = FaultEffect.InternalServerError, Method = "GET", Path = "*/virtualMachines/vm-win", Fraction = 0.5 });
            using var http = Http(host);
            runs.Add(await StatusesAsync(http, VmGet("vm-win"), 24));

            var (failed, body) = (await FindFailureAsync(http));
            Assert.Equal(500, (int)failed.StatusCode);
            Assert.Equal("InternalServerError", body!["error"]!["code"]!.GetValue<string>());
            Assert.StartsWith("Encountered internal server error.", body["error"]!["message"]!.GetValue<string>());

            // Other paths are not affected.
            Assert.Equal(200, (int)(await GetAsync(http, VmGet("vm-linux"))).Response.StatusCode);
        }

        Assert.Equal(runs[0], runs[1]);
        Assert.Contains(500, runs[0]);
        Assert.Contains(200, runs[0]);
        Assert.NotEqual(runs[0], runs[2]);

        static async Task<(HttpResponseMessage, System.Text.Json.Nodes.JsonNode?)> FindFailureAsync(HttpClient http)
        {
            for (var i = 0; i < 50; i++)
            {
                var r = await GetAsync(http, VmGet("vm-win"));
                if ((int)r.Response.StatusCode == 500)
                {
                    return r;
                }
            }

            throw new Xunit.Sdk.XunitException("No request failed.");
        }
    }

    [Fact]
    public async Task Skip_and_count_fail_exactly_the_third_request_with_503()
    {
        await using var host = await TestSupport.StartAsync();
        var rule = host.Faults.Add(new FaultRule { Effect = FaultEffect.ServiceUnavailable, Path = "/subscriptions/*/virtualMachines/vm-win", Skip = 2, Count = 1, RetryAfterSeconds = 7 });
        using var http = Http(host);

        var statuses = new List<int>();
        HttpResponseMessage? unavailable = null;
        for (var i = 0; i < 5; i++)
        {
            var (response, body) = await GetAsync(http, VmGet("vm-win"));
            statuses.Add((int)response.StatusCode);
            if ((int)response.StatusCode == 503)
            {
                unavailable = response;
                Assert.Equal("ServiceUnavailable", body!["error"]!["code"]!.GetValue<string>());
            }
        }

        Assert.Equal([200, 200, 503, 200, 200], statuses);
        Assert.Equal("7", Header(unavailable!, "Retry-After"));
        Assert.Equal(5, rule.Matched);
        Assert.Equal(1, rule.Fired);

        host.Faults.Clear();
        Assert.Empty(host.Faults.Rules);
    }

    [Fact]
    public async Task The_SDK_retry_policy_rides_out_a_429_storm()
    {
        await using var host = await TestSupport.StartAsync();
        host.Faults.Add(new FaultRule { Effect = FaultEffect.TooManyRequests, Method = "GET", Path = "*/vm-linux", Count = 3, RetryAfterSeconds = 0 });
        var client = FrontDoorSupport.RetryingSdk(host);

        var vm = await Vm(client, "vm-linux").GetAsync();

        Assert.Equal("vm-linux", vm.Value.Data.Name);
        var statuses = host.RequestLog.Select(e => e.Status).ToList();
        Assert.Equal([429, 429, 429, 200], statuses);
    }

    [Fact]
    public async Task A_dropped_connection_gives_the_client_a_transport_error()
    {
        await using var host = await TestSupport.StartAsync();
        host.Faults.Add(new FaultRule { Effect = FaultEffect.DropConnection, Path = "*/vm-win", Count = 1 });
        using var http = Http(host);

        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(http, VmGet("vm-win")));
        Assert.Equal(200, (int)(await GetAsync(http, VmGet("vm-win"))).Response.StatusCode);
        Assert.Contains(host.RequestLog, e => e.Status == 0 && e.ArmErrorCode == "ConnectionDropped");
    }

    [Fact]
    public async Task The_next_deallocate_operation_ends_Failed_with_the_given_code()
    {
        await using var host = await TestSupport.StartAsync();
        host.Faults.Add(new FaultRule { Effect = FaultEffect.FailOperation, Method = "POST", Path = "*/deallocate", Count = 1, ErrorCode = "InternalExecutionError", ErrorMessage = "Deallocation failed in the fabric." });
        using var http = Http(host);

        var (accepted, _) = await PostAsync(http, VmPath("vm-win") + "/deallocate?api-version=" + ComputeApi);
        Assert.Equal(202, (int)accepted.StatusCode);
        var seen = await PollStatusAsync(http, Header(accepted, "Azure-AsyncOperation"));
        var last = seen[^1];
        Assert.Equal("Failed", last["status"]!.GetValue<string>());
        Assert.Equal("InternalExecutionError", last["error"]!["code"]!.GetValue<string>());
        Assert.Equal("Deallocation failed in the fabric.", last["error"]!["message"]!.GetValue<string>());

        // The SDK reports it as a failed operation; the second deallocate is not affected (Count = 1).
        var sdkVm = Vm(Sdk(host), "vm-linux");
        host.Faults.Add(new FaultRule { Effect = FaultEffect.FailOperation, Path = "*/vm-linux/deallocate", Count = 1 });
        var failure = await Assert.ThrowsAsync<RequestFailedException>(async () =>
        {
            var op = await sdkVm.DeallocateAsync(WaitUntil.Started);
            await op.WaitForCompletionResponseAsync(Poll);
        });
        Assert.Equal("InternalExecutionError", failure.ErrorCode);
        var again = await sdkVm.DeallocateAsync(WaitUntil.Started);
        var response = await again.WaitForCompletionResponseAsync(Poll);
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task A_rule_armed_by_a_trigger_fires_once_after_the_first_generalize()
    {
        await using var host = await TestSupport.StartAsync();
        var rule = host.Faults.Add(new FaultRule
        {
            Effect = FaultEffect.InternalServerError,
            Method = "GET",
            Path = "*/virtualMachines/vm-stopped",
            Count = 1,
            After = new FaultTrigger { Method = "POST", Path = "*/generalize" },
        });
        using var http = Http(host);

        Assert.Equal(200, (int)(await GetAsync(http, VmGet("vm-stopped"))).Response.StatusCode);
        Assert.False(rule.Armed);
        Assert.Equal(200, (int)(await PostAsync(http, VmPath("vm-stopped") + "/generalize?api-version=" + ComputeApi)).Response.StatusCode);
        Assert.True(rule.Armed);
        Assert.Equal([500, 200], await StatusesAsync(http, VmGet("vm-stopped"), 2));
    }

    [Fact]
    public async Task Replication_hooks_answer_from_region_rules()
    {
        await using var host = await TestSupport.StartAsync();
        IFaultPolicy policy = host.Faults;
        Assert.False(policy.ShouldFailReplication("westeurope"));
        Assert.Equal(1, policy.ReplicationSlowFactor("westeurope"));

        host.Faults.Add(new FaultRule { Effect = FaultEffect.FailReplication, Region = "westeurope", Count = 1 });
        host.Faults.Add(new FaultRule { Effect = FaultEffect.SlowReplication, Region = "East US", SlowFactor = 4 });

        Assert.True(policy.ShouldFailReplication("WestEurope"));
        Assert.False(policy.ShouldFailReplication("westeurope"));
        Assert.False(policy.ShouldFailReplication("eastus"));
        Assert.Equal(4, policy.ReplicationSlowFactor("eastus"));
        Assert.Equal(1, policy.ReplicationSlowFactor("northeurope"));
        Assert.Throws<ArgumentException>(() => host.Faults.Add(new FaultRule { Effect = FaultEffect.FailReplication }));
    }

    [Fact]
    public async Task The_world_file_declares_seeded_rules()
    {
        var yaml = Worlds.Standard + """

            faults:
              seed: 42
              rules:
                - name: flaky-get
                  effect: ServiceUnavailable
                  method: GET
                  path: "*/vm-win"
                  count: 2
                - effect: FailOperation
                  kind: Action
                  pathRegex: "/virtualMachines/[^/]+/powerOff$"
                  errorCode: InternalExecutionError
                - effect: SlowReplication
                  region: West Europe
                  slowFactor: 3
            """;
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = yaml });
        Assert.Equal(42, host.Faults.Seed);
        Assert.Equal([FaultEffect.ServiceUnavailable, FaultEffect.FailOperation, FaultEffect.SlowReplication], host.Faults.Rules.Select(r => r.Effect));
        using var http = Http(host);
        Assert.Equal([503, 503, 200], await StatusesAsync(http, VmGet("vm-win"), 3));
        Assert.Equal(3, ((IFaultPolicy)host.Faults).ReplicationSlowFactor("westeurope"));

        var bad = Worlds.Standard + """

            faults:
              rules:
                - effect: Explode
            """;
        var ex = Assert.Throws<WorldFileException>(() => World.WorldLoader.Parse(bad, "w.yaml"));
        Assert.Contains("faults.rules[0].effect", ex.Message);
    }
}
