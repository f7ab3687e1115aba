using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenImage.Emulator.Resources.VirtualMachines.GuestScripts;

/// <summary>
/// Writes JSON exactly as the module's guest scripts do: compact, keys in order, non-ASCII as is. inspect-linux.sh
/// (awk json_str) escapes <c>"</c>, <c>\</c>, <c>\n</c>, <c>\r</c>, <c>\t</c> and other control characters as <c>\u00xx</c>;
/// Inspect-Windows.ps1 (ConvertTo-GenImageJson) escapes <c>"</c>, <c>\</c> and every control character as <c>\u00xx</c>.
/// </summary>
internal static class GuestJson
{
    public static string Write(JsonNode? node, bool windows)
    {
        var sb = new StringBuilder();
        Append(sb, node, windows);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, JsonNode? node, bool windows)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    AppendString(sb, key, windows);
                    sb.Append(':');
                    Append(sb, value, windows);
                }

                sb.Append('}');
                break;
            case JsonArray arr:
                sb.Append('[');
                for (var i = 0; i < arr.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Append(sb, arr[i], windows);
                }

                sb.Append(']');
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        AppendString(sb, value.GetValue<string>(), windows);
                        break;
                    case JsonValueKind.True:
                        sb.Append("true");
                        break;
                    case JsonValueKind.False:
                        sb.Append("false");
                        break;
                    case JsonValueKind.Number:
                        sb.Append(value.TryGetValue<int>(out var i) ? i.ToString(CultureInfo.InvariantCulture) : value.GetValue<double>().ToString(CultureInfo.InvariantCulture));
                        break;
                    default:
                        sb.Append("null");
                        break;
                }

                break;
        }
    }

    private static void AppendString(StringBuilder sb, string text, bool windows)
    {
        sb.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n' when !windows: sb.Append("\\n"); break;
                case '\r' when !windows: sb.Append("\\r"); break;
                case '\t' when !windows: sb.Append("\\t"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }

        sb.Append('"');
    }
}
