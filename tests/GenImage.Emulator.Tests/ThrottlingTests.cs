using System.Globalization;
using System.Net;
using GenImage.Emulator.Throttling;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>ARM-style token buckets: remaining-requests headers, 429 with Retry-After, and the SDK's retry policy.</summary>
public sealed class ThrottlingTests
{
    private static Task<EmulatorHost> StartAsync(int readBucket, double readRefill, int writeBucket = 200, double writeRefill = 10)
        => TestSupport.StartAsync(new EmulatorOptions
        {
            WorldYaml = Worlds.Standard,
            Throttling = new ThrottlingSettings
            {
                Enabled = true,
                Reads = new BucketSettings { Bucket = readBucket, RefillPerSecond = readRefill },
                Writes = new BucketSettings { Bucket = writeBucket, RefillPerSecond = writeRefill },
            },
        });

    [Fact]
    public async Task Remaining_headers_count_down_per_kind_of_request()
    {
        await using var host = await StartAsync(readBucket: 10, readRefill: 0.001, writeBucket: 5, writeRefill: 0.001);
        using var http = Http(host);

        var remaining = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var (response, _) = await GetAsync(http, VmPath("vm-win") + "?api-version=" + ComputeApi);
            Assert.Equal(200, (int)response.StatusCode);
            remaining.Add(int.Parse(Header(response, "x-ms-ratelimit-remaining-subscription-reads"), CultureInfo.InvariantCulture));
            Assert.False(response.Headers.Contains("x-ms-ratelimit-remaining-subscription-writes"));
        }

        Assert.Equal([9, 8, 7], remaining);

        var (write, _) = await PostAsync(http, VmPath("vm-stopped") + "/generalize?api-version=" + ComputeApi);
        Assert.Equal(200, (int)write.StatusCode);
        Assert.Equal("4", Header(write, "x-ms-ratelimit-remaining-subscription-writes"));
    }

    [Fact]
    public async Task An_empty_bucket_answers_429_with_Retry_After_and_the_ARM_body()
    {
        await using var host = await StartAsync(readBucket: 2, readRefill: 0.01);
        using var http = Http(host);
        var path = VmPath("vm-win") + "?api-version=" + ComputeApi;

        Assert.Equal(200, (int)(await GetAsync(http, path)).Response.StatusCode);
        Assert.Equal(200, (int)(await GetAsync(http, path)).Response.StatusCode);
        var (throttled, body) = await GetAsync(http, path);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(int.Parse(Header(throttled, "Retry-After"), CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("0", Header(throttled, "x-ms-ratelimit-remaining-subscription-reads"));
        Assert.Equal("TooManyRequests", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(
            "The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. For more information, refer to - https://aka.ms/ARMThrottling",
            body["error"]!["message"]!.GetValue<string>());

        // Buckets are per subscription: the second subscription still has its own.
        var (other, _) = await GetAsync(http, "subscriptions/00000000-0000-0000-0000-000000000002/resourcegroups?api-version=2022-09-01");
        Assert.Equal(200, (int)other.StatusCode);
        Assert.Contains(host.RequestLog, e => e.Status == 429 && e.ArmErrorCode == "TooManyRequests");
    }

    [Fact]
    public async Task The_SDK_retry_policy_recovers_once_the_bucket_refills()
    {
        // 2 reads in the bucket, refilled at 4 per second: the third and fourth reads are throttled, then succeed.
        await using var host = await StartAsync(readBucket: 2, readRefill: 4);
        var client = FrontDoorSupport.RetryingSdk(host);

        var names = new List<string>();
        foreach (var name in new[] { "vm-win", "vm-linux", "vm-stopped", "vm-deallocated" })
        {
            var vm = await Vm(client, name).GetAsync();
            names.Add(vm.Value.Data.Name);
        }

        Assert.Equal(["vm-win", "vm-linux", "vm-stopped", "vm-deallocated"], names);
        var log = host.RequestLog;
        Assert.Contains(log, e => e.Status == 429);
        Assert.Equal(4, log.Count(e => e.Status == 200));
    }

    [Fact]
    public async Task The_world_file_configures_throttling_and_by_default_it_counts_without_refusing()
    {
        await using (var plain = await TestSupport.StartAsync())
        {
            Assert.False(plain.Throttling.Enabled);
            using var http = Http(plain);
            var (response, _) = await GetAsync(http, VmPath("vm-win") + "?api-version=" + ComputeApi);
            Assert.Equal("249", Header(response, "x-ms-ratelimit-remaining-subscription-reads"));
            var (write, _) = await PostAsync(http, VmPath("vm-win") + "/powerOff?api-version=" + ComputeApi);
            Assert.Equal("199", Header(write, "x-ms-ratelimit-remaining-subscription-writes"));
        }

        var yaml = Worlds.Standard + """

            throttling:
              enabled: true
              reads: { bucket: 3, refillPerSecond: 0.5 }
            """;
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = yaml });
        Assert.True(host.Throttling.Enabled);
        Assert.Equal(3, host.Throttling.Reads.Bucket);
        Assert.Equal(0.5, host.Throttling.Reads.RefillPerSecond);
        Assert.Equal(200, host.Throttling.Writes.Bucket);
        Assert.Equal(10, host.Throttling.Writes.RefillPerSecond);
    }

    [Fact]
    public async Task Per_principal_buckets_throttle_one_caller_without_the_other()
    {
        await using var host = await TestSupport.StartAsync(new EmulatorOptions
        {
            WorldYaml = Worlds.Standard,
            Throttling = new ThrottlingSettings { Enabled = true, PerPrincipal = true, Reads = new BucketSettings { Bucket = 1, RefillPerSecond = 0.01 } },
        });
        using var tester = Http(host);
        using var other = FrontDoorSupport.Http(host, FrontDoorSupport.Token("other@genimage.example"));
        var path = VmPath("vm-win") + "?api-version=" + ComputeApi;

        Assert.Equal(200, (int)(await GetAsync(tester, path)).Response.StatusCode);
        Assert.Equal(429, (int)(await GetAsync(tester, path)).Response.StatusCode);
        Assert.Equal(200, (int)(await GetAsync(other, path)).Response.StatusCode);
    }

    [Fact]
    public void Invalid_throttling_in_the_world_file_names_the_line()
    {
        var yaml = Worlds.Standard + """

            throttling:
              reads: { bucket: 0 }
            """;
        var ex = Assert.Throws<WorldFileException>(() => World.WorldLoader.Parse(yaml, "w.yaml"));
        Assert.Contains("throttling.reads.bucket", ex.Message);
        Assert.True(ex.Line > 40);
    }
}
