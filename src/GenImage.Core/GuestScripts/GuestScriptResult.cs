using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Text.Json;

namespace GenImage.Core.Guest;

/// <summary>
/// The result a guest script reports on its last <c>GENIMAGE-RESULT {json}</c> line. Run Command's
/// action form returns no exit code, so this line is the only reliable outcome of a guest script.
/// </summary>
public sealed class GuestScriptResult
{
    /// <summary>The word that starts a result line.</summary>
    public const string LinePrefix = "GENIMAGE-RESULT";

    /// <summary>The <c>status</c> of a script that did its job.</summary>
    public const string StatusSucceeded = "succeeded";

    /// <summary>The <c>status</c> of a script that did not.</summary>
    public const string StatusFailed = "failed";

    private GuestScriptResult(string script, string status, string message, IReadOnlyDictionary<string, JsonElement> properties, string rawJson)
    {
        Script = script;
        Status = status;
        Message = message;
        Properties = properties;
        RawJson = rawJson;
    }

    /// <summary>The script that reported, e.g. <c>prepare-windows</c>.</summary>
    public string Script { get; }

    /// <summary>True when <see cref="Status"/> is <c>succeeded</c>.</summary>
    public bool Succeeded => Status == StatusSucceeded;

    /// <summary><c>succeeded</c> or <c>failed</c>.</summary>
    public string Status { get; }

    /// <summary>What happened, in an operator's words.</summary>
    public string Message { get; }

    /// <summary>Every key of the result JSON (including script, status and message), in order.</summary>
    public IReadOnlyDictionary<string, JsonElement> Properties { get; }

    /// <summary>The JSON text of the result line.</summary>
    public string? RawJson { get; }

    /// <summary>
    /// Finds the last line of <paramref name="stdout"/> that starts with <c>GENIMAGE-RESULT</c> (leading
    /// whitespace and CRLF endings are allowed) and reads its JSON.
    /// </summary>
    /// <param name="stdout">The script's standard output as Run Command returned it.</param>
    /// <param name="result">The result, or null when there is none.</param>
    /// <param name="error">Why there is no result: no result line, invalid JSON, or a missing or wrong key.</param>
    /// <returns>True when a valid result line was found.</returns>
    public static bool TryParse(string? stdout, out GuestScriptResult? result, out string? error)
    {
        result = null;
        error = null;
        if (string.IsNullOrWhiteSpace(stdout))
        {
            error = "the script wrote nothing to standard output, so there is no GENIMAGE-RESULT line";
            return false;
        }

        string? json = null;
        var lines = stdout!.Split('\n');
        for (var i = lines.Length - 1; i >= 0 && json == null; i--)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith(LinePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line.Substring(LinePrefix.Length);
            if (rest.Length > 0 && !char.IsWhiteSpace(rest[0]))
            {
                continue;
            }

            json = rest.Trim();
        }
        if (json == null)
        {
            error = stdout.IndexOf(LinePrefix, StringComparison.Ordinal) >= 0
                ? "the GENIMAGE-RESULT line is incomplete: no line starts with it (Run Command returns only the last 4,096 bytes of output, so a longer result is cut at the front)"
                : "the output has no GENIMAGE-RESULT line; the script did not finish, or the VM ran something else";
            return false;
        }
        if (json.Length == 0)
        {
            error = "the GENIMAGE-RESULT line carries no JSON";
            return false;
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            error = "the GENIMAGE-RESULT line is not valid JSON: " + ex.Message;
            return false;
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"the GENIMAGE-RESULT JSON must be an object, not {Describe(root.ValueKind)}";
            return false;
        }

        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            properties[property.Name] = property.Value;
        }

        if (!TryGetString(properties, "script", out var script, out error)
            || !TryGetString(properties, "status", out var status, out error)
            || !TryGetString(properties, "message", out var message, out error))
        {
            return false;
        }
        if (status != StatusSucceeded && status != StatusFailed)
        {
            error = $"the GENIMAGE-RESULT status is '{status}'; it must be '{StatusSucceeded}' or '{StatusFailed}'";
            return false;
        }

        result = new GuestScriptResult(script!, status!, message!, new ReadOnlyDictionary<string, JsonElement>(properties), json);
        return true;
    }

    /// <summary>The value of a key, or null when the key is missing.</summary>
    public JsonElement? GetProperty(string name) =>
        Properties.TryGetValue(name, out var value) ? value : (JsonElement?)null;

    /// <inheritdoc />
    public override string ToString() => $"{Script}: {Status}: {Message}";

    private static bool TryGetString(Dictionary<string, JsonElement> properties, string key, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!properties.TryGetValue(key, out var element))
        {
            error = $"the GENIMAGE-RESULT JSON has no '{key}' key";
            return false;
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"the GENIMAGE-RESULT key '{key}' must be a string, not {Describe(element.ValueKind)}";
            return false;
        }
        value = element.GetString() ?? string.Empty;
        if (key != "message" && value.Length == 0)
        {
            error = $"the GENIMAGE-RESULT key '{key}' is empty";
            return false;
        }
        return true;
    }

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
