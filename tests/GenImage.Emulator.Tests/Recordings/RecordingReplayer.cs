using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GenImage.Emulator.Tests.Recordings;

/// <summary>A recorded exchange and what the emulator answered to the same request.</summary>
internal sealed record ReplayedExchange(
    RecordedExchange Recorded,
    int Status,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    string? NotSent = null);

/// <summary>
/// Replays a recording against an emulator whose world is seeded to match (<see cref="RecordingSuite"/>), once per
/// recording (the theory's cases share the result).
/// <para>
/// Requests go out as recorded (method, path, query, body) in the recording's order of events. Operation URLs differ
/// between Azure and the emulator, so a recorded poll is sent to the URL the emulator gave in the same header of its
/// answer to the request that started the operation. Time: the emulator runs at scale 1 (Azure seconds are real
/// seconds) on a clock that stands still, so an operation stays in progress for every poll the recording shows in
/// progress; where the recording shows an operation ended (a poll saying Succeeded or Failed, a monitor or
/// operationresults URL answering 200) the clock first moves an hour on, which ends every operation the emulator
/// models.
/// </para>
/// </summary>
internal static class RecordingReplayer
{
    private static readonly TimeSpan OperationEnds = TimeSpan.FromHours(1);
    private static readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<ReplayedExchange>>>> Cache = new();

    public static Task<IReadOnlyList<ReplayedExchange>> ReplayAsync(Recording recording)
        => Cache.GetOrAdd(recording.Name, _ => new Lazy<Task<IReadOnlyList<ReplayedExchange>>>(() => RunAsync(recording))).Value;

    /// <summary>An operation's status, monitor or ARM operationresults URL.</summary>
    public static bool IsOperationUrl(string uri)
        => Regex.IsMatch(uri, "/providers/Microsoft\\.Compute/locations/[^/]+/(operations|capsOperations|DiskOperations)/|/operationresults/", RegexOptions.IgnoreCase);

    public static bool IsMonitorUrl(string uri) => Regex.IsMatch(uri, "[?&]monitor=true(&|$)", RegexOptions.IgnoreCase);

    /// <summary>Whether the recorded answer shows the operation ended.</summary>
    public static bool EndsOperation(RecordedExchange x)
    {
        if (!IsOperationUrl(x.Uri))
        {
            return false;
        }

        if (IsMonitorUrl(x.Uri) || x.Uri.Contains("/operationresults/", StringComparison.OrdinalIgnoreCase))
        {
            return x.Status != 202;
        }

        return OperationStatus(x.Body) is "Succeeded" or "Failed" or "Canceled";
    }

    public static string? OperationStatus(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body) is JsonObject o && o["status"] is JsonValue v ? v.ToString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static async Task<IReadOnlyList<ReplayedExchange>> RunAsync(Recording recording)
    {
        var seed = RecordingSuite.Seed(recording.Name);
        var clock = new ManualClock(recording.Timeline[0].Date);
        await using var host = await TestSupport.StartAsync(new EmulatorOptions
        {
            WorldYaml = seed.WorldYaml(recording.SubscriptionId),
            ClockScale = 1,
            TimeProvider = clock,
        });
        using var http = TestSupport.Http(host);

        // Recorded operation URL (path and query) -> the emulator's, from the same header of the answers that started them.
        var operationUrls = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var startedBy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var generated = new GeneratedValues();
        var results = new List<ReplayedExchange>();
        foreach (var recorded in recording.Timeline)
        {
            foreach (var step in seed.Steps.Where(s => s.BeforeEntry == recorded.Entry))
            {
                await RunStepAsync(http, clock, step, operationUrls);
            }

            var target = recorded.Uri;
            if (IsOperationUrl(recorded.Uri))
            {
                if (!operationUrls.TryGetValue(recorded.Uri, out var mapped))
                {
                    var why = startedBy.TryGetValue(recorded.Uri, out var starter)
                        ? $"the emulator's answer to {starter} had no such URL, so this poll has nowhere to go"
                        : "the recording polls an operation it does not start";
                    results.Add(new ReplayedExchange(recorded, 0, new Dictionary<string, string>(), "", why));
                    continue;
                }

                target = mapped;
                if (EndsOperation(recorded))
                {
                    clock.Advance(OperationEnds);
                }
            }

            var requestBody = seed.RequestBodies.TryGetValue(recorded.Entry, out var replaced) ? replaced.Body : generated.Apply(recorded.RequestBody);
            var (status, headers, body) = await SendAsync(http, recorded.Method, target, requestBody, recorded.RequestContentType);
            results.Add(new ReplayedExchange(recorded, status, headers, body));
            generated.Learn(recorded, status, body);

            foreach (var name in new[] { "Azure-AsyncOperation", "Location" })
            {
                if (recorded.Headers.TryGetValue(name, out var recordedUrl))
                {
                    var key = Recording.PathAndQuery(recordedUrl);
                    startedBy[key] = $"#{recorded.Entry} {recorded.Method} ({name})";
                    if (headers.TryGetValue(name, out var actualUrl))
                    {
                        operationUrls[key] = Recording.PathAndQuery(actualUrl);
                    }
                }
            }
        }

        return results;
    }

    private static async Task RunStepAsync(HttpClient http, ManualClock clock, SeedStep step, Dictionary<string, string> operationUrls)
    {
        if (step.AdvanceClock)
        {
            clock.Advance(OperationEnds);
        }

        if (step.Method is null)
        {
            return;
        }

        var (status, headers, body) = await SendAsync(http, step.Method, step.Uri!, step.Body, "application/json; charset=utf-8");
        if (status >= 300)
        {
            throw new InvalidOperationException($"Seed step before entry {step.BeforeEntry} ({step.Why}): {step.Method} {step.Uri} answered {status}: {body}");
        }

        if (step.StandsForOperation is not null)
        {
            if (!headers.TryGetValue("Azure-AsyncOperation", out var url))
            {
                throw new InvalidOperationException($"Seed step before entry {step.BeforeEntry} ({step.Why}) started no operation.");
            }

            operationUrls[step.StandsForOperation] = Recording.PathAndQuery(url);
        }
    }

    private static async Task<(int Status, IReadOnlyDictionary<string, string> Headers, string Body)> SendAsync(
        HttpClient http, string method, string uri, string? body, string? contentType)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (!string.IsNullOrEmpty(body))
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType ?? "application/json; charset=utf-8");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
        {
            headers[name] = string.Join(", ", values);
        }

        return ((int)response.StatusCode, headers, text);
    }
}

/// <summary>
/// Values Azure generated and a client echoes in later requests (an OS disk's name and id in a VM PATCH): where a
/// recorded answer and the emulator's answer have different strings at the same <c>…name</c> or <c>…id</c> path, later
/// recorded request bodies get the emulator's value in place of Azure's, as a client reading the emulator would send.
/// </summary>
internal sealed class GeneratedValues
{
    private readonly Dictionary<string, string> _map = new(StringComparer.Ordinal);

    public string? Apply(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return body;
        }

        foreach (var (recorded, actual) in _map)
        {
            body = body.Replace(JsonString(recorded), JsonString(actual), StringComparison.Ordinal);
        }

        return body;
    }

    public void Learn(RecordedExchange recorded, int status, string body)
    {
        if (recorded.Status >= 300 || status >= 300 || string.IsNullOrWhiteSpace(recorded.Body) || string.IsNullOrWhiteSpace(body))
        {
            return;
        }

        try
        {
            Walk(JsonNode.Parse(recorded.Body), JsonNode.Parse(body), null);
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON on one side: nothing to learn.
        }
    }

    private void Walk(JsonNode? recorded, JsonNode? actual, string? name)
    {
        switch (recorded)
        {
            case JsonObject o when actual is JsonObject a:
                foreach (var (key, value) in o)
                {
                    Walk(value, a[key], key);
                }

                break;
            case JsonArray r when actual is JsonArray a:
                for (var i = 0; i < Math.Min(r.Count, a.Count); i++)
                {
                    Walk(r[i], a[i], name);
                }

                break;
            case JsonValue v when actual is JsonValue w && name is "name" or "id"
                                  && v.GetValueKind() == System.Text.Json.JsonValueKind.String && w.GetValueKind() == System.Text.Json.JsonValueKind.String:
                var (from, to) = (v.GetValue<string>(), w.GetValue<string>());
                if (from.Length > 0 && !string.Equals(from, to, StringComparison.Ordinal))
                {
                    _map[from] = to;
                }

                break;
        }
    }

    private static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
