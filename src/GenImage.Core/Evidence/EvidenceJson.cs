using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenImage.Core.Evidence;

/// <summary>JSON settings of the bundle and the journal, and a writer that redacts every string on the way out.</summary>
public static class EvidenceJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions(true);
    public static readonly JsonSerializerOptions Compact = CreateOptions(false);

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    /// <summary>Serializes <paramref name="value"/> and replaces every secret in it (values under secret-looking keys, SAS, tokens, …).</summary>
    public static string SerializeRedacted<T>(T value, bool indented = true)
    {
        var raw = JsonSerializer.SerializeToUtf8Bytes(value, indented ? Options : Compact);
        using var document = JsonDocument.Parse(raw);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, document.RootElement, null);
        }
        return new UTF8Encoding(false).GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, string? key)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(Redactor.IsSecretKey(property.Name) ? Redactor.Redact(property.Name) : property.Name);
                    Write(writer, property.Value, property.Name);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, key);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                var text = element.GetString() ?? string.Empty;
                writer.WriteStringValue(key != null ? Redactor.RedactValue(key, text) : Redactor.Redact(text));
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
