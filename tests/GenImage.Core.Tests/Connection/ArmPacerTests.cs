using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using GenImage.Core.Connection;

namespace GenImage.Core.Tests.Connection;

/// <summary>
/// The pacer's decisions from sequences of ARM answers, on a clock the test moves: nothing waits while the budgets are
/// not low; once they are, requests are let go at the budget's refill rate, and concurrent requests queue behind each
/// other. No test sleeps: the waits are returned (or recorded by the policy), never waited for.
/// </summary>
public class ArmPacerTests
{
    private const string Sub = "00000000-0000-0000-0000-000000000001";
    private static readonly Uri Version1 = new($"https://management.azure.com/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/d/versions/1.0.1?api-version=2022-03-03");
    private static readonly Uri Version2 = new($"https://management.azure.com/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/d/versions/1.0.2?api-version=2022-03-03");
    private static readonly Uri Vm = new($"https://management.azure.com/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2022-03-01");

    private TimeSpan _now = TimeSpan.FromSeconds(100);

    private ArmPacer Pacer() => new(() => _now);

    private static Func<string, string?> Headers(params (string Name, string Value)[] headers) =>
        name => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Func<string, string?> Reads(int remaining) => Headers(("x-ms-ratelimit-remaining-subscription-reads", remaining.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Nothing_waits_before_any_budget_is_known()
    {
        var pacer = Pacer();

        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(TimeSpan.Zero, pacer.Reserve("GET", Version1).Wait);
        }

        Assert.Equal(0, pacer.Paced);
    }

    [Fact]
    public void Nothing_waits_while_the_read_budget_is_not_low()
    {
        var pacer = Pacer();
        pacer.Observe("GET", Version1, 200, Reads(249));

        for (var i = 0; i < 240; i++)
        {
            Assert.Equal(TimeSpan.Zero, pacer.Reserve("GET", Version2).Wait);
        }

        Assert.Equal(0, pacer.Paced);
    }

    [Fact]
    public void A_low_read_budget_delays_the_next_read_just_until_the_reserve_has_refilled()
    {
        var pacer = Pacer();
        pacer.Observe("GET", Version1, 200, Reads(249));
        pacer.Observe("GET", Version1, 200, Reads(3));

        var decision = pacer.Reserve("GET", Version2);

        // Bucket 250 (learned), reserve 2 % = 5 tokens: the request needs 6, there are 3; ARM refills reads at 25/s.
        Assert.Equal(3.0 / 25, decision.Wait.TotalSeconds, 6);
        Assert.Equal("x-ms-ratelimit-remaining-subscription-reads", decision.Budget);
        Assert.Equal(25, decision.RefillPerSecond);
    }

    [Fact]
    public void Requests_queued_behind_an_empty_budget_are_let_go_at_the_refill_rate()
    {
        var pacer = Pacer();
        pacer.Observe("GET", Version1, 200, Reads(249));
        pacer.Observe("GET", Version1, 200, Reads(0));

        // 100 requests asked for at the same instant (the clock does not move): each goes 1/25 s after the one before.
        var sendTimes = Enumerable.Range(0, 100).Select(_ => _now + pacer.Reserve("GET", Version2).Wait).ToList();

        var gaps = sendTimes.Zip(sendTimes.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps, gap => Assert.Equal(1.0 / 25, gap.TotalSeconds, 6));
        // The first waits for the reserve (5) and its own token: 6 tokens at 25/s.
        Assert.Equal(6.0 / 25, (sendTimes[0] - _now).TotalSeconds, 6);
        Assert.Equal(100, pacer.Paced);
    }

    [Fact]
    public void Time_refills_the_estimate()
    {
        var pacer = Pacer();
        pacer.Observe("GET", Version1, 200, Reads(249));
        pacer.Observe("GET", Version1, 200, Reads(0));

        _now += TimeSpan.FromSeconds(1);

        // 25 tokens back: 20 requests go at once (5 stay in reserve), the 21st waits.
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(TimeSpan.Zero, pacer.Reserve("GET", Version2).Wait));
        Assert.True(pacer.Reserve("GET", Version2).Wait > TimeSpan.Zero);
    }

    [Fact]
    public void A_header_lower_than_the_estimate_lowers_it_and_a_higher_one_does_not_raise_it()
    {
        var pacer = Pacer();
        pacer.Observe("GET", Version1, 200, Reads(249));
        // Another client drew the budget down to 2: the next read waits.
        pacer.Observe("GET", Version1, 200, Reads(2));
        Assert.True(pacer.Reserve("GET", Version2).Wait > TimeSpan.Zero);

        // An answer that left the server before the requests this pacer let go since: it does not give tokens back.
        var other = Pacer();
        other.Observe("GET", Version1, 200, Reads(249));
        other.Observe("GET", Version1, 200, Reads(0));
        var queued = Enumerable.Range(0, 10).Select(_ => other.Reserve("GET", Version2).Wait).Last();
        other.Observe("GET", Version1, 200, Reads(3));
        Assert.True(other.Reserve("GET", Version2).Wait > queued);
    }

    [Fact]
    public void Deletes_and_writes_are_paced_by_their_own_budgets_at_10_per_second()
    {
        var pacer = Pacer();
        pacer.Observe("DELETE", Version1, 202, Headers(("x-ms-ratelimit-remaining-subscription-deletes", "199")));
        pacer.Observe("DELETE", Version1, 202, Headers(("x-ms-ratelimit-remaining-subscription-deletes", "0")));
        pacer.Observe("PUT", Vm, 200, Headers(("x-ms-ratelimit-remaining-subscription-writes", "150")));

        var first = pacer.Reserve("DELETE", Version2);
        var second = pacer.Reserve("DELETE", Version2);

        Assert.Equal("x-ms-ratelimit-remaining-subscription-deletes", first.Budget);
        Assert.Equal(10, first.RefillPerSecond);
        Assert.Equal(0.1, (second.Wait - first.Wait).TotalSeconds, 6);
        Assert.Equal(TimeSpan.Zero, pacer.Reserve("PUT", Vm).Wait);
        Assert.Equal(TimeSpan.Zero, pacer.Reserve("GET", Vm).Wait);
    }

    [Fact]
    public void A_compute_operation_group_paces_its_own_route_at_its_window_rate()
    {
        var pacer = Pacer();
        const string header = "x-ms-ratelimit-remaining-resource";
        pacer.Observe("GET", Version1, 200, Headers(("x-ms-ratelimit-remaining-subscription-reads", "249"),
            (header, "Microsoft.Compute/GetGalleryImageVersion3Min;179,Microsoft.Compute/GetGalleryImageVersion30Min;999")));
        pacer.Observe("GET", Version1, 200, Headers(("x-ms-ratelimit-remaining-subscription-reads", "248"),
            (header, "Microsoft.Compute/GetGalleryImageVersion3Min;0,Microsoft.Compute/GetGalleryImageVersion30Min;998")));
        pacer.Observe("GET", Vm, 200, Headers(("x-ms-ratelimit-remaining-subscription-reads", "247"),
            (header, "Microsoft.Compute/LowCostGet3Min;3999,Microsoft.Compute/LowCostGet30Min;31999")));

        var first = pacer.Reserve("GET", Version2);
        var second = pacer.Reserve("GET", Version2);

        // 180 over 3 minutes: one token a second; the bucket of 180 keeps a reserve of 3.6 tokens.
        Assert.Equal("Microsoft.Compute/GetGalleryImageVersion3Min", first.Budget);
        Assert.Equal(1, first.RefillPerSecond, 6);
        Assert.Equal(4.6, first.Wait.TotalSeconds, 6);
        Assert.Equal(1, (second.Wait - first.Wait).TotalSeconds, 6);
        // Another route (a VM GET, LowCostGet) does not wait for the gallery group.
        Assert.Equal(TimeSpan.Zero, pacer.Reserve("GET", Vm).Wait);
    }

    [Fact]
    public void A_429_that_names_no_budget_empties_the_estimate_of_the_budgets_the_request_drew_on()
    {
        var pacer = Pacer();
        pacer.Observe("GET", Version1, 200, Reads(249));
        pacer.Observe("GET", Version1, 200, Reads(100));
        var sent = pacer.Reserve("GET", Version2);
        Assert.Equal(TimeSpan.Zero, sent.Wait);

        pacer.Observe("GET", Version2, 429, Headers(), sent);

        Assert.Equal(6.0 / 25, pacer.Reserve("GET", Version2).Wait.TotalSeconds, 6);
        Assert.Equal(1, pacer.Throttled);
    }

    [Fact]
    public void An_exact_reading_raises_the_estimate_and_one_taken_with_requests_in_flight_does_not()
    {
        var pacer = Pacer();
        pacer.Observe("GET", Version1, 200, Reads(249));
        pacer.Observe("GET", Version1, 200, Reads(0));
        var first = pacer.Reserve("GET", Version2);
        var second = pacer.Reserve("GET", Version2);
        Assert.True(second.Wait > first.Wait);

        // The first answers while the second is still in flight: 50 left does not count the second, so it cannot raise.
        pacer.Observe("GET", Version2, 200, Reads(50), first);
        Assert.True(pacer.Reserve("GET", Version2).Wait > TimeSpan.Zero);

        // Once nothing else is in flight the answer is exact: 50 left, nothing waits.
        var quiet = Pacer();
        quiet.Observe("GET", Version1, 200, Reads(249));
        quiet.Observe("GET", Version1, 200, Reads(0));
        var only = quiet.Reserve("GET", Version2);
        quiet.Observe("GET", Version2, 200, Reads(50), only);
        Assert.Equal(TimeSpan.Zero, quiet.Reserve("GET", Version2).Wait);
    }

    /// <summary>
    /// Drives the pacer against a simulated server bucket on a simulated clock: <paramref name="workers"/> callers, each
    /// sending its next request as soon as the last is answered, <paramref name="latency"/> per round trip.
    /// </summary>
    private (int Served, int Refused, double Seconds) Simulate(ArmPacer pacer, Func<int, (string Name, string Value)> header, Uri uri, string method,
        int size, double refill, int workers, double latency, int requests)
    {
        var start = _now;
        var tokens = (double)size;
        var at = 0.0;
        int served = 0, refused = 0, sent = 0;
        var events = new PriorityQueue<(int Kind, PaceDecision Decision, int Remaining, bool Ok), double>();
        for (var w = 0; w < workers; w++)
        {
            events.Enqueue((0, default, 0, false), 0);
        }

        var last = 0.0;
        while (events.TryDequeue(out var e, out var t))
        {
            _now = start + TimeSpan.FromSeconds(t);
            last = t;
            switch (e.Kind)
            {
                case 0 when sent < requests:
                    sent++;
                    var decision = pacer.Reserve(method, uri);
                    events.Enqueue((1, decision, 0, false), t + decision.Wait.TotalSeconds + (latency / 2));
                    break;
                case 1:
                    tokens = Math.Min(size, tokens + ((t - at) * refill));
                    at = t;
                    var ok = tokens >= 1;
                    if (ok)
                    {
                        tokens -= 1;
                    }

                    events.Enqueue((2, e.Decision, (int)Math.Floor(tokens), ok), t + (latency / 2));
                    break;
                case 2:
                    served += e.Ok ? 1 : 0;
                    refused += e.Ok ? 0 : 1;
                    var answer = header(e.Remaining);
                    pacer.Observe(method, uri, e.Ok ? 200 : 429, name => name == answer.Name ? answer.Value : null, e.Decision);
                    events.Enqueue((0, default, 0, false), t);
                    break;
            }
        }

        return (served, refused, last);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void Paced_against_ARMs_read_bucket_a_long_listing_sustains_the_refill_rate_without_a_429(int workers)
    {
        var (served, refused, seconds) = Simulate(Pacer(), r => ("x-ms-ratelimit-remaining-subscription-reads", Text(r)), Version1, "GET",
            size: 250, refill: 25, workers, latency: 0.02, requests: 2000);

        Assert.Equal(0, refused);
        Assert.Equal(2000, served);
        // Beyond the first 250, the reads go at no less than 90 % of ARM's 25 a second.
        Assert.True((served - 250) / seconds >= 0.9 * 25, $"{(served - 250) / seconds:0.00} reads/s");
    }

    [Fact]
    public void Paced_deletes_eight_at_a_time_stay_within_the_delete_budget()
    {
        var (served, refused, seconds) = Simulate(Pacer(), r => ("x-ms-ratelimit-remaining-subscription-deletes", Text(r)), Version1, "DELETE",
            size: 10, refill: 10, workers: 8, latency: 0.03, requests: 96);

        Assert.Equal(0, refused);
        Assert.Equal(96, served);
        Assert.True((served - 10) / seconds >= 0.9 * 10, $"{(served - 10) / seconds:0.00} deletes/s");
    }

    [Fact]
    public void A_compute_window_that_refills_faster_than_assumed_is_learned_from_exact_readings()
    {
        // Compute's window of 5 over 3 minutes would be assumed to refill at 1 a second (the floor); the server gives 4.
        const string window = "Microsoft.Compute/GetGalleryImageVersion3Min";
        var (served, refused, seconds) = Simulate(Pacer(), r => (ArmPacer.ResourceHeader, window + ";" + Text(r)), Version1, "GET",
            size: 5, refill: 4, workers: 1, latency: 0.02, requests: 400);

        Assert.Equal(0, refused);
        Assert.True((served - 5) / seconds >= 0.75 * 4, $"{(served - 5) / seconds:0.00} reads/s");
    }

    [Fact]
    public void A_bucket_of_one_waits_for_one_token_only()
    {
        var pacer = new ArmPacer(() => _now, new Dictionary<string, (int, double)> { ["reads"] = (1, 2), ["writes"] = (1, 2), ["deletes"] = (1, 2) });
        pacer.Observe("GET", Version1, 200, Reads(0));

        Assert.Equal(0.5, pacer.Reserve("GET", Version2).Wait.TotalSeconds, 6);
        Assert.Equal(1.0, pacer.Reserve("GET", Version2).Wait.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("GET", "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/galleries/G/images/D/versions/1.0.0",
        "GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/galleries/{}/images/{}/versions/{}")]
    [InlineData("get", "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/galleries/G/images/D/versions",
        "GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/galleries/{}/images/{}/versions")]
    [InlineData("POST", "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm/generalize",
        "POST /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/virtualmachines/{}/generalize")]
    [InlineData("GET", "/providers/Microsoft.Compute/operations", "GET /providers/microsoft.compute/operations")]
    public void A_route_leaves_out_the_names(string method, string path, string route) =>
        Assert.Equal(route, ArmPacer.Route(method, path));

    [Fact]
    public void The_resource_header_gives_each_window_its_length()
    {
        var windows = ArmPacer.ParseResource("Microsoft.Compute/HighCostGet3Min;159,Microsoft.Compute/HighCostGet30Min;799, broken, Microsoft.Compute/NoWindow;5").ToList();

        Assert.Equal(new[] { ("Microsoft.Compute/HighCostGet3Min", 159, 180.0), ("Microsoft.Compute/HighCostGet30Min", 799, 1800.0) }, windows);
    }

    [Fact]
    public async Task The_policy_waits_what_the_pacer_decides_and_reads_every_answer()
    {
        var remaining = 4;
        var handler = new Answering(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Headers = { { "x-ms-ratelimit-remaining-subscription-reads", (remaining--).ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        });
        var waits = new List<TimeSpan>();
        var pacer = new ArmPacer(() => _now, new Dictionary<string, (int, double)> { ["reads"] = (5, 10), ["writes"] = (5, 10), ["deletes"] = (5, 10) });
        var policy = new ArmPacingPolicy(pacer, (wait, _) =>
        {
            waits.Add(wait);
            return Task.CompletedTask;
        });
        var options = new PipelineOptions { Transport = new HttpClientTransport(new HttpClient(handler)) };
        options.Retry.MaxRetries = 0;
        var pipeline = HttpPipelineBuilder.Build(options, [], [policy], new ResponseClassifier());

        for (var i = 0; i < 6; i++)
        {
            using var message = pipeline.CreateMessage();
            message.Request.Method = RequestMethod.Get;
            message.Request.Uri.Reset(Version1);
            await pipeline.SendAsync(message, CancellationToken.None);
        }

        // Answers 4, 3, 2, 1 (bucket 5, reserve 1): the fourth request still found 2 tokens; the fifth finds 1 and
        // waits for one at 10/s; the sixth queues behind it.
        Assert.Equal(6, handler.Count);
        Assert.Equal(2, waits.Count);
        Assert.Equal(0.1, waits[0].TotalSeconds, 6);
        Assert.Equal(0.2, waits[1].TotalSeconds, 6);
    }

    private sealed class PipelineOptions : ClientOptions;

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public int Count { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Count++;
            return Task.FromResult(answer(request));
        }
    }
}
