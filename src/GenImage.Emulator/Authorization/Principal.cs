using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GenImage.Emulator.Authorization;

/// <summary>
/// The caller named by a bearer token (read, never verified): its name (<c>upn</c>, <c>unique_name</c> or
/// <c>appid</c>), its object id (<c>oid</c>, else derived from the name as the GenImage module derives it) and the
/// harmless claims the Activity Log shows. The token itself is never kept.
/// </summary>
internal sealed record Principal(string Name, string ObjectId, IReadOnlyDictionary<string, string> Claims)
{
    public static readonly Principal Unknown = new("unknown", Guid.Empty.ToString("D"), new Dictionary<string, string>());

    /// <summary>Claims that name the caller, most readable first.</summary>
    private static readonly string[] NameClaims = ["upn", "unique_name", "appid", "oid"];

    /// <summary>Claims copied to Activity Log events, under the names ARM uses there. Nothing that could be replayed.</summary>
    private static readonly (string Claim, string Name)[] SafeClaims =
    [
        ("aud", "aud"),
        ("iss", "iss"),
        ("iat", "iat"),
        ("nbf", "nbf"),
        ("exp", "exp"),
        ("ver", "ver"),
        ("tid", "http://schemas.microsoft.com/identity/claims/tenantid"),
        ("oid", "http://schemas.microsoft.com/identity/claims/objectidentifier"),
        ("upn", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"),
        ("name", "name"),
        ("appid", "appid"),
        ("appidacr", "appidacr"),
        ("scp", "http://schemas.microsoft.com/identity/claims/scope"),
    ];

    public static Principal FromToken(string token)
    {
        try
        {
            var parts = token.Split('.');
            if (parts.Length < 2)
            {
                return Unknown;
            }

            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Unknown;
            }

            var raw = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                raw[p.Name] = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString() ?? "",
                    JsonValueKind.Number => p.Value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => "",
                };
            }

            var name = NameClaims.Select(c => raw.GetValueOrDefault(c)).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "unknown";
            var oid = raw.GetValueOrDefault("oid") is { Length: > 0 } o ? o : name == "unknown" ? Guid.Empty.ToString("D") : StableObjectId(name);
            var claims = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (claim, armName) in SafeClaims)
            {
                if (raw.TryGetValue(claim, out var v) && v.Length > 0)
                {
                    claims[armName] = v;
                }
            }

            return new Principal(name, oid, claims);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or DecoderFallbackException)
        {
            return Unknown;
        }
    }

    /// <summary>
    /// The object id the GenImage module puts in its emulator token for a principal name: the MD5 of the lower-case
    /// UTF-8 name read as a GUID. Lets a world assign roles by <c>principalName</c>.
    /// </summary>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms",
        Justification = "MD5 derives an id from a name, not a secret; it must equal the id the GenImage module puts in its token (EmulatorCredential.StableGuid).")]
    public static string StableObjectId(string name)
        => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(name.ToLowerInvariant()))).ToString("D", CultureInfo.InvariantCulture);

    /// <summary>True when a role assignment or deny entry naming <paramref name="principal"/> (name, object id or *) means this caller.</summary>
    public bool Is(string principal)
        => principal == "*"
           || string.Equals(principal, ObjectId, StringComparison.OrdinalIgnoreCase)
           || string.Equals(principal, Name, StringComparison.OrdinalIgnoreCase);
}
