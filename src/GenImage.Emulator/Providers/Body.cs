using System.Text.Json;
using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;

namespace GenImage.Emulator.Providers;

/// <summary>Typed reads from a request body, with ARM's errors for wrong types and missing values.</summary>
internal static class Body
{
    public static JsonObject Object(ArmRequest request, string parameter)
        => request.Body as JsonObject ?? throw ArmErrors.InvalidParameter($"Required parameter '{parameter}' is missing (null).", parameter);

    public static JsonObject? Obj(JsonNode? parent, string name, string path)
    {
        var node = parent?[name];
        return node switch
        {
            null => null,
            JsonObject o => o,
            _ => throw ArmErrors.InvalidRequestContent($"'{path}' must be an object."),
        };
    }

    public static JsonArray? Arr(JsonNode? parent, string name, string path)
    {
        var node = parent?[name];
        return node switch
        {
            null => null,
            JsonArray a => a,
            _ => throw ArmErrors.InvalidRequestContent($"'{path}' must be an array."),
        };
    }

    public static string? Str(JsonNode? parent, string name, string path)
    {
        var node = parent?[name];
        if (node is null)
        {
            return null;
        }

        return node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw ArmErrors.InvalidRequestContent($"'{path}' must be a string.");
    }

    public static bool? Bool(JsonNode? parent, string name, string path)
    {
        var node = parent?[name];
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(node.GetValue<string>(), out var b) => b,
            _ => throw ArmErrors.InvalidRequestContent($"'{path}' must be true or false."),
        };
    }

    public static int? Int(JsonNode? parent, string name, string path)
    {
        var node = parent?[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (node is JsonValue n && n.GetValueKind() == JsonValueKind.Number && n.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue)
        {
            return (int)d;
        }

        throw ArmErrors.InvalidRequestContent($"'{path}' must be an integer.");
    }

    public static Dictionary<string, string>? Tags(JsonNode? body)
    {
        if (body?["tags"] is not JsonObject tags)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in tags)
        {
            result[k] = v is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : v?.ToJsonString() ?? "";
        }

        return result;
    }

    /// <summary>The request's <c>location</c> as an ARM name; 400 LocationRequired when missing.</summary>
    public static string Location(JsonObject body)
    {
        var location = Str(body, "location", "location");
        if (string.IsNullOrWhiteSpace(location))
        {
            throw new ArmException(400, "LocationRequired", "The location property is required for this definition.");
        }

        return State.Locations.Normalize(location);
    }

    /// <summary>Case-insensitive match against allowed values; returns the canonical spelling or throws InvalidParameter.</summary>
    public static string Enum(string? value, string[] allowed, string parameter, string? fallback = null)
    {
        if (value is null)
        {
            return fallback ?? throw ArmErrors.InvalidParameter($"Required parameter '{parameter}' is missing (null).", parameter);
        }

        return allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
            ?? throw ArmErrors.InvalidParameter(
                $"The value '{value}' of parameter '{parameter}' is not valid. Allowed values: {string.Join(", ", allowed)}.", parameter);
    }

    /// <summary>ARM's answer when a resource exists in another location.</summary>
    public static void RequireSameLocation(string existingLocation, string requested, string name, string resourceGroup)
    {
        if (!string.Equals(existingLocation, requested, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmException(409, "InvalidResourceLocation",
                $"The resource '{name}' already exists in location '{existingLocation}' in resource group '{resourceGroup}'. A resource with the same name cannot be created in location '{requested}'. Please select a new resource name.");
        }
    }
}
