using System.Text.Json.Nodes;

namespace GenImage.Emulator.Arm;

/// <summary>A request as handlers see it, after the envelope checks.</summary>
internal sealed class ArmRequest
{
    public required string Method { get; init; }
    public required string Path { get; init; }
    public required IReadOnlyDictionary<string, string> RouteValues { get; init; }
    public required IReadOnlyDictionary<string, string> Query { get; init; }
    public required string ApiVersion { get; init; }
    public JsonNode? Body { get; init; }
    public required string Caller { get; init; }

    /// <summary>The response's <c>x-ms-request-id</c>; gallery operations take it as their id, as ARM's do.</summary>
    public string RequestId { get; init; } = Guid.NewGuid().ToString("D");

    /// <summary>The emulator's base address, e.g. <c>https://127.0.0.1:50123/</c>.</summary>
    public required Uri BaseUri { get; init; }

    public string this[string routeValue] => RouteValues[routeValue];

    public string? QueryValue(string key) => Query.TryGetValue(key, out var v) ? v : null;
}
