using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace GenImage.Emulator.World;

/// <summary>
/// Reads one YAML mapping with strict rules: only the allowed keys, typed values, and every problem reported as a
/// <see cref="WorldFileException"/> carrying the line and column of the offending node.
/// </summary>
internal sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    private YamlMap(YamlMappingNode node, string where, string? source)
    {
        _node = node;
        Where = where;
        Source = source;
    }

    public string Where { get; }
    public string? Source { get; }

    public static YamlMap Read(YamlNode node, string where, string? source, IReadOnlyCollection<string> allowedKeys)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Error(source, node, $"{where} must be a mapping (key: value pairs), not {Describe(node)}.");
        }

        var map = new YamlMap(mapping, where, source);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode key || key.Value is null)
            {
                throw Error(source, keyNode, $"{where} has a key that is not a plain name.");
            }

            if (!allowedKeys.Contains(key.Value))
            {
                var near = allowedKeys.FirstOrDefault(k => string.Equals(k, key.Value, StringComparison.OrdinalIgnoreCase));
                var hint = near is not null ? $" Did you mean '{near}'? Keys are case-sensitive." : "";
                throw Error(source, key, $"unknown key '{key.Value}' in {where}.{hint} Allowed keys: {string.Join(", ", allowedKeys)}.");
            }

            map._entries[key.Value] = (key, value);
        }

        return map;
    }

    public static WorldFileException Error(string? source, YamlNode node, string problem)
        => new(source, (int)node.Start.Line, (int)node.Start.Column, problem);

    public WorldFileException ErrorAt(string key, string problem)
        => _entries.TryGetValue(key, out var e) ? Error(Source, e.Value, problem) : Error(Source, _node, problem);

    public bool Has(string key) => _entries.TryGetValue(key, out var e) && !IsNull(e.Value);

    public YamlNode? Node(string key) => _entries.TryGetValue(key, out var e) && !IsNull(e.Value) ? e.Value : null;

    public string? String(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required)
            {
                throw Error(Source, _node, $"{Where} is missing the required key '{key}'.");
            }

            return null;
        }

        if (node is not YamlScalarNode scalar)
        {
            throw Error(Source, node, $"{Where}.{key} must be a single value, not {Describe(node)}.");
        }

        var value = scalar.Value ?? "";
        if (required && value.Trim().Length == 0)
        {
            throw Error(Source, node, $"{Where}.{key} must not be empty.");
        }

        return value;
    }

    public string Enum(string key, IReadOnlyList<string> allowed, string fallback)
    {
        var value = String(key);
        if (value is null)
        {
            return fallback;
        }

        var match = allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
        return match ?? throw ErrorAt(key, $"{Where}.{key} has the value '{value}'; expected one of: {string.Join(", ", allowed)}.");
    }

    public string Guid(string key, bool required)
    {
        var value = String(key, required);
        if (value is null)
        {
            return "";
        }

        if (!System.Guid.TryParseExact(value, "D", out var guid))
        {
            throw ErrorAt(key, $"{Where}.{key} must be a GUID like 00000000-0000-0000-0000-000000000001, not '{value}'.");
        }

        return guid.ToString("D");
    }

    public bool Bool(string key, bool fallback)
    {
        var value = String(key);
        if (value is null)
        {
            return fallback;
        }

        return value.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw ErrorAt(key, $"{Where}.{key} must be true or false, not '{value}'."),
        };
    }

    public double Double(string key, double fallback, double min, double max)
    {
        var value = String(key);
        if (value is null)
        {
            return fallback;
        }

        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d < min || d > max)
        {
            throw ErrorAt(key, $"{Where}.{key} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{value}'.");
        }

        return d;
    }

    public int Int(string key, int fallback, int min, int max)
    {
        var value = String(key);
        if (value is null)
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < min || i > max)
        {
            throw ErrorAt(key, $"{Where}.{key} must be a whole number from {min} to {max}, not '{value}'.");
        }

        return i;
    }

    public long Long(string key, long fallback, long min, long max)
    {
        var value = String(key);
        if (value is null)
        {
            return fallback;
        }

        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < min || i > max)
        {
            throw ErrorAt(key, $"{Where}.{key} must be a whole number from {min} to {max}, not '{value}'.");
        }

        return i;
    }

    public IReadOnlyList<YamlNode> Sequence(string key)
    {
        var node = Node(key);
        if (node is null)
        {
            return Array.Empty<YamlNode>();
        }

        if (node is not YamlSequenceNode seq)
        {
            throw Error(Source, node, $"{Where}.{key} must be a list, not {Describe(node)}.");
        }

        return seq.Children.ToList();
    }

    public List<(YamlNode Node, string Value)> StringList(string key)
    {
        var list = new List<(YamlNode, string)>();
        foreach (var item in Sequence(key))
        {
            if (item is not YamlScalarNode s || string.IsNullOrWhiteSpace(s.Value))
            {
                throw Error(Source, item, $"{Where}.{key} must be a list of non-empty strings.");
            }

            list.Add((item, s.Value));
        }

        return list;
    }

    public Dictionary<string, string> StringMap(string key)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var node = Node(key);
        if (node is null)
        {
            return result;
        }

        if (node is not YamlMappingNode mapping)
        {
            throw Error(Source, node, $"{Where}.{key} must be a mapping of names to values, not {Describe(node)}.");
        }

        foreach (var (k, v) in mapping.Children)
        {
            if (k is not YamlScalarNode ks || string.IsNullOrEmpty(ks.Value) || v is not YamlScalarNode vs)
            {
                throw Error(Source, k, $"{Where}.{key} must map names to single values.");
            }

            result[ks.Value] = vs.Value ?? "";
        }

        return result;
    }

    private static bool IsNull(YamlNode node)
        => node is YamlScalarNode s && s.Style == YamlDotNet.Core.ScalarStyle.Plain
           && (string.IsNullOrEmpty(s.Value) || s.Value == "~" || s.Value == "null");

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"the value '{s.Value}'",
        _ => "something else",
    };
}
