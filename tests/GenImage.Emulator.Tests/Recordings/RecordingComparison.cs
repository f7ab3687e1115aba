using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenImage.Emulator.Tests.Conformance;

namespace GenImage.Emulator.Tests.Recordings;

/// <summary>One way the emulator's answer differs from the recorded one. <see cref="Aspect"/> is what a known difference names.</summary>
internal sealed record Difference(string Aspect, string Detail)
{
    public override string ToString() => $"{Aspect}: {Detail}";
}

/// <summary>
/// What the replay compares, per exchange: the status code; the presence (not the value) of each header in
/// <see cref="ComparedHeaders"/>; the operation groups named in <c>x-ms-ratelimit-remaining-resource</c>; the shape of
/// operation URLs (which service answers them, monitor or not); whether there is a body; the body's property names,
/// nesting and JSON value kinds (the recorded body is the example; values may differ and the emulator may add
/// properties, as in the REST-example conformance suite); the error code of an error; and the status an operation
/// poll reports (which the replay's clock is built to reproduce).
/// </summary>
internal static class RecordingComparison
{
    /// <summary>Headers whose presence or absence must be the same as recorded.</summary>
    public static readonly IReadOnlyList<string> ComparedHeaders =
    [
        // Long-running operations.
        "Azure-AsyncOperation", "Location", "Retry-After",

        // Throttling: Compute's operation groups and ARM's subscription budgets.
        "x-ms-ratelimit-remaining-resource",
        "x-ms-ratelimit-remaining-subscription-reads", "x-ms-ratelimit-remaining-subscription-writes", "x-ms-ratelimit-remaining-subscription-deletes",

        // ARM's envelope on every answer.
        "x-ms-request-id", "x-ms-correlation-request-id", "x-ms-routing-request-id",
        "Cache-Control", "Pragma", "Expires", "Strict-Transport-Security", "X-Content-Type-Options", "Content-Type",
    ];

    /// <summary>Recorded headers the replay does not compare, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> UncomparedHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Date"] = "the time of the answer; the emulator's clock is the replay's, not 2019's",
        ["Content-Length"] = "follows the body, which is compared by shape",
        ["Server"] = "names Azure's front-end software (Microsoft-HTTPAPI/2.0); no client reads it",
        ["x-ms-served-by"] = "identifies the Compute host instance that answered; internal to Azure, no client reads it",
        ["Azure-AsyncNotification"] = "an internal ComputeRP flag on VM writes ('Enabled'); not part of ARM's LRO contract and read by no SDK",
        ["x-ms-client-request-id"] = "an echo of the request's header, which the trimmed recordings do not keep",
    };

    public static IReadOnlyList<Difference> Differences(ReplayedExchange x)
    {
        var recorded = x.Recorded;
        if (x.NotSent is not null)
        {
            return [new Difference("replay", $"not sent: {x.NotSent}")];
        }

        var differences = new List<Difference>();
        if (recorded.Status != x.Status)
        {
            differences.Add(new Difference("status", $"recorded {recorded.Status}, the emulator {x.Status} {Short(x.Body)}"));
        }

        foreach (var name in ComparedHeaders)
        {
            var inRecording = recorded.Headers.ContainsKey(name);
            var inEmulator = x.Headers.ContainsKey(name);
            if (inRecording != inEmulator)
            {
                differences.Add(new Difference($"header:{name}", inRecording
                    ? $"recorded ({recorded.Headers[name]}), the emulator sent none"
                    : $"not recorded, the emulator sent it ({x.Headers[name]})"));
            }
        }

        if (recorded.Headers.TryGetValue("x-ms-ratelimit-remaining-resource", out var recordedBuckets)
            && x.Headers.TryGetValue("x-ms-ratelimit-remaining-resource", out var actualBuckets)
            && Buckets(recordedBuckets) != Buckets(actualBuckets))
        {
            differences.Add(new Difference("buckets", $"recorded {Buckets(recordedBuckets)}, the emulator {Buckets(actualBuckets)}"));
        }

        foreach (var name in new[] { "Azure-AsyncOperation", "Location" })
        {
            if (recorded.Headers.TryGetValue(name, out var recordedUrl) && x.Headers.TryGetValue(name, out var actualUrl)
                && UrlShape(recordedUrl) != UrlShape(actualUrl))
            {
                differences.Add(new Difference($"url:{name}", $"recorded {UrlShape(recordedUrl)}, the emulator {UrlShape(actualUrl)}"));
            }
        }

        CompareBodies(x, differences);
        return differences;
    }

    private static void CompareBodies(ReplayedExchange x, List<Difference> differences)
    {
        var recorded = x.Recorded;
        var recordedEmpty = string.IsNullOrWhiteSpace(recorded.Body);
        var actualEmpty = string.IsNullOrWhiteSpace(x.Body);
        if (recordedEmpty && actualEmpty)
        {
            return;
        }

        if (recordedEmpty || actualEmpty)
        {
            differences.Add(new Difference("body", recordedEmpty ? $"recorded none, the emulator {Short(x.Body)}" : "recorded a body, the emulator none"));
            return;
        }

        var expected = JsonNode.Parse(recorded.Body);
        JsonNode? actual;
        try
        {
            actual = JsonNode.Parse(x.Body);
        }
        catch (JsonException)
        {
            differences.Add(new Difference("body", $"the emulator's body is not JSON: {Short(x.Body)}"));
            return;
        }

        foreach (var problem in ShapeDifferences(expected, actual))
        {
            var colon = problem.IndexOf(": ", StringComparison.Ordinal);
            differences.Add(new Difference("body:" + problem[..colon], problem[(colon + 2)..]));
        }

        if (recorded.Status >= 400 && ErrorCode(expected) is { } recordedCode && ErrorCode(actual) is var actualCode && recordedCode != actualCode)
        {
            differences.Add(new Difference("error.code", $"recorded {recordedCode}, the emulator {actualCode ?? "none"}"));
        }

        if (RecordingReplayer.IsOperationUrl(recorded.Uri) && !RecordingReplayer.IsMonitorUrl(recorded.Uri)
            && RecordingReplayer.OperationStatus(recorded.Body) is { } recordedStatus
            && RecordingReplayer.OperationStatus(x.Body) is var actualStatus && recordedStatus != actualStatus)
        {
            differences.Add(new Difference("operation.status", $"recorded {recordedStatus}, the emulator {actualStatus ?? "none"}"));
        }
    }

    /// <summary>
    /// The body's shape differences. A list (<c>value</c>) is compared item by item, each recorded item with the
    /// emulator's item of the same name, so that items of different kinds (a Windows and a Linux VM) are not compared
    /// with each other.
    /// </summary>
    private static IEnumerable<string> ShapeDifferences(JsonNode? expected, JsonNode? actual)
    {
        if (expected is JsonObject { Count: 1 } e && e["value"] is JsonArray items && items.All(i => i?["name"] is JsonValue)
            && actual is JsonObject a && a["value"] is JsonArray actualItems)
        {
            foreach (var item in items)
            {
                var name = item!["name"]!.ToString();
                var match = actualItems.FirstOrDefault(i => string.Equals(i?["name"]?.ToString(), name, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    yield return $"value[]: the emulator's list has no item named {name}";
                    continue;
                }

                foreach (var problem in ExampleShape.Differences(item, match, []))
                {
                    yield return problem.StartsWith("(body)", StringComparison.Ordinal) ? "value[]" + problem[6..] : "value[]." + problem;
                }
            }

            yield break;
        }

        foreach (var problem in ExampleShape.Differences(expected, actual, []))
        {
            yield return problem;
        }
    }

    private static string? ErrorCode(JsonNode? body)
        => body is JsonObject o && (o["error"] ?? o["Error"]) is JsonObject e && (e["code"] ?? e["Code"]) is JsonValue v ? v.ToString() : null;

    /// <summary>The operation groups of a remaining-resource header, without their counts, e.g. "PutVM3Min,PutVM30Min".</summary>
    public static string Buckets(string header)
        => string.Join(",", Regex.Matches(header, "Microsoft\\.Compute/([A-Za-z0-9]+);").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));

    /// <summary>Which service answers an operation URL, and whether it is the monitor URL, e.g. "capsOperations?monitor=true".</summary>
    public static string UrlShape(string url)
    {
        var kind = Regex.Match(url, "/(operations|capsOperations|DiskOperations|operationresults)/", RegexOptions.IgnoreCase) is { Success: true } m ? m.Groups[1].Value : "other";
        return RecordingReplayer.IsMonitorUrl(url) ? kind + "?monitor=true" : kind;
    }

    private static string Short(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
