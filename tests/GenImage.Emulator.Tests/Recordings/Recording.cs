using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GenImage.Emulator.Tests.Recordings;

/// <summary>One recorded ARM exchange (request and Azure's answer) of a file in <c>../shared/arm-recordings</c>.</summary>
internal sealed record RecordedExchange
{
    /// <summary>The recording's file name without <c>.json</c>.</summary>
    public required string Recording { get; init; }

    /// <summary>The entry's position in the file's <c>Entries</c> (the numbers INDEX.md and the tests use).</summary>
    public required int Entry { get; init; }

    public required string Method { get; init; }

    /// <summary>Path and query as recorded, without scheme and host.</summary>
    public required string Uri { get; init; }

    public string? RequestBody { get; init; }
    public string? RequestContentType { get; init; }
    public required int Status { get; init; }

    /// <summary>Response headers (case-insensitive names; repeated values joined with ", ").</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The response body as text; empty when there was none.</summary>
    public required string Body { get; init; }

    /// <summary>The response's <c>Date</c> header (whole seconds).</summary>
    public required DateTimeOffset Date { get; init; }

    public bool IsRead => Method is "GET" or "HEAD";

    /// <summary>The operation URLs (path and query) the answer gave in <c>Azure-AsyncOperation</c> and <c>Location</c>.</summary>
    public IEnumerable<string> OperationUrls
        => new[] { "Azure-AsyncOperation", "Location" }.Where(Headers.ContainsKey).Select(h => Recordings.Recording.PathAndQuery(Headers[h]));

    /// <summary>The request as the theory names it: method and path below the subscription.</summary>
    public string Display
    {
        get
        {
            var path = Regex.Replace(Uri, "^/subscriptions/[^/?]+", "", RegexOptions.IgnoreCase);
            path = Regex.Replace(path, "(operationresults/)[^?]+", "$1…", RegexOptions.IgnoreCase);
            return $"{Method} {(path.Length == 0 ? "/" : path)}";
        }
    }

    public override string ToString() => $"{Recording} #{Entry} {Method} {Uri} -> {Status}";
}

/// <summary>A recording file: its exchanges in file order and in replay order.</summary>
internal sealed class Recording
{
    /// <summary>The recording file's list of exchanges (the Azure SDK test recorder's JSON).</summary>
    private const string RecordingEntriesKey = "Entries";

    private static readonly Lazy<IReadOnlyList<Recording>> Loaded = new(LoadAll);

    private Recording(string name, IReadOnlyList<RecordedExchange> entries)
    {
        Name = name;
        Entries = entries;
        Timeline = Order(entries);
        SubscriptionId = Regex.Match(entries[0].Uri, "^/subscriptions/([^/?]+)", RegexOptions.IgnoreCase).Groups[1].Value;
    }

    public string Name { get; }

    /// <summary>The exchanges in file order.</summary>
    public IReadOnlyList<RecordedExchange> Entries { get; }

    /// <summary>The exchanges in the order they happened, as far as the recording tells it (see <see cref="Order"/>).</summary>
    public IReadOnlyList<RecordedExchange> Timeline { get; }

    public string SubscriptionId { get; }

    /// <summary>Every recording, in file-name order.</summary>
    public static IReadOnlyList<Recording> All => Loaded.Value;

    public static Recording Get(string name) => All.SingleOrDefault(r => r.Name == name)
        ?? throw new InvalidOperationException($"No recording named {name} in {Root()}.");

    /// <summary>The recordings folder, the repository's sibling <c>shared/arm-recordings</c>; fails (never skips) when missing.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GenImage.Cmdlets.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException($"Cannot find the repository root (GenImage.Cmdlets.sln) above {AppContext.BaseDirectory}.");
        }

        var root = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "arm-recordings"));
        if (!Directory.Exists(root) || Directory.GetFiles(root, "*.json").Length == 0)
        {
            throw new InvalidOperationException(
                $"The recorded Azure exchanges are missing: expected the *.json files of shared/arm-recordings at {root} (beside the repository, as in CI). The replay reads them in place and cannot run without them.");
        }

        return root;
    }

    private static IReadOnlyList<Recording> LoadAll()
        => Directory.GetFiles(Root(), "*.json")
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(Load)
            .ToList();

    private static Recording Load(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var entries = new List<RecordedExchange>();
        var index = 0;
        foreach (var entry in doc[RecordingEntriesKey]!.AsArray())
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in entry!["ResponseHeaders"]!.AsObject())
            {
                headers[key] = value is JsonArray values ? string.Join(", ", values.Select(v => v!.GetValue<string>())) : value!.GetValue<string>();
            }

            var requestHeaders = entry["RequestHeaders"] as JsonObject;
            var contentType = requestHeaders?["Content-Type"] switch
            {
                JsonArray a => a[0]!.GetValue<string>(),
                JsonValue v => v.GetValue<string>(),
                _ => null,
            };
            entries.Add(new RecordedExchange
            {
                Recording = name,
                Entry = index++,
                Method = entry["RequestMethod"]!.GetValue<string>().ToUpperInvariant(),
                Uri = PathAndQuery(entry["RequestUri"]!.GetValue<string>()),
                RequestBody = Text(entry["RequestBody"]),
                RequestContentType = contentType,
                Status = entry["StatusCode"]!.GetValue<int>(),
                Headers = headers,
                Body = Text(entry["ResponseBody"]),
                Date = DateTimeOffset.Parse(headers["Date"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            });
        }

        if (entries.Count == 0)
        {
            throw new InvalidOperationException($"The recording {path} has no entries.");
        }

        return new Recording(name, entries);
    }

    /// <summary>
    /// A body as the recorders store it: text (the older recorder), an array of text lines or a parsed JSON value (the
    /// newer one), or nothing.
    /// </summary>
    private static string Text(JsonNode? body) => body switch
    {
        null => "",
        JsonArray { Count: 0 } => "",
        JsonArray lines when lines.All(l => l is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            => string.Concat(lines.Select(l => l!.GetValue<string>())),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => body.ToJsonString(),
    };

    /// <summary>Path and query of an absolute or relative URL.</summary>
    public static string PathAndQuery(string url)
        => System.Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.OrdinalIgnoreCase)
            ? absolute.PathAndQuery
            : url;

    /// <summary>
    /// The replay order. The older recorder stores entries with the same request URI together, so file order is not
    /// the order of events (INDEX.md, "Ordering caveat"); the <c>Date</c> header restores it to the second. Within one
    /// second the true order is unknown: reads go before writes there, because these tests read what an operation
    /// left (its final poll, the resource) before they send the next write, and otherwise the file order holds; but a
    /// poll never goes before the request whose answer gave its URL.
    /// </summary>
    private static IReadOnlyList<RecordedExchange> Order(IReadOnlyList<RecordedExchange> entries)
    {
        var ordered = entries
            .OrderBy(e => e.Date)
            .ThenBy(e => e.IsRead ? 0 : 1)
            .ThenBy(e => e.Entry)
            .ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            var poll = ordered[i];
            // The request that started an operation is not itself a poll (an operationresults poll repeats its own URL in Location).
            var starter = ordered.FindIndex(i + 1, e => !RecordingReplayer.IsOperationUrl(e.Uri) && e.OperationUrls.Contains(poll.Uri, StringComparer.OrdinalIgnoreCase));
            if (starter > i)
            {
                ordered.RemoveAt(i);
                ordered.Insert(starter, poll);
                i--;
            }
        }

        return ordered;
    }
}
