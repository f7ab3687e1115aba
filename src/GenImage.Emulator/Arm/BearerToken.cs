using System.Text;
using System.Text.Json;

namespace GenImage.Emulator.Arm;

/// <summary>
/// Reads the caller's name from a bearer token without verifying it (the emulator trusts every token). The token
/// itself is never stored or logged.
/// </summary>
internal static class BearerToken
{
    /// <summary>Returns the token from an <c>Authorization</c> header value, or null when it is not a bearer token.</summary>
    public static string? Extract(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return null;
        }

        const string prefix = "Bearer ";
        if (!authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = authorization[prefix.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>The principal named by the token's <c>upn</c>, <c>unique_name</c>, <c>appid</c> or <c>oid</c> claim, else "unknown".</summary>
    public static string CallerName(string token)
    {
        try
        {
            var parts = token.Split('.');
            if (parts.Length < 2)
            {
                return "unknown";
            }

            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            foreach (var claim in new[] { "upn", "unique_name", "appid", "oid" })
            {
                if (doc.RootElement.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s)
                {
                    return s;
                }
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or DecoderFallbackException)
        {
            // Not a JWT: the caller stays unknown.
        }

        return "unknown";
    }
}
