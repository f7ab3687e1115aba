using System.Globalization;
using System.Text.Json.Nodes;

namespace GenImage.Emulator;

/// <summary>JSON helpers in ARM's formats.</summary>
internal static class Json
{
    /// <summary>ISO 8601 with seven fractional digits and an offset, as ARM writes times.</summary>
    public static string Time(DateTimeOffset time)
        => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);

    public static JsonObject Tags(IReadOnlyDictionary<string, string> tags)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in tags)
        {
            obj[k] = v;
        }

        return obj;
    }

    public static JsonObject List(IEnumerable<JsonNode> items)
    {
        var arr = new JsonArray();
        foreach (var item in items)
        {
            arr.Add(item);
        }

        return new JsonObject { ["value"] = arr };
    }
}
