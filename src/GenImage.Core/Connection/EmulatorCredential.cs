using System;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace GenImage.Core.Connection;

/// <summary>
/// The credential for the local emulators: an unsigned test token (alg "none") that names a principal.
/// The ARM emulator reads the principal and does not verify signatures; for Azure Storage (Azurite started with
/// --oauth basic) the token carries what Azurite's basic check reads: an issuer under https://sts.windows.net/, the
/// storage audience https://storage.azure.com, and nbf/iat/exp around now. Real Azure would reject it.
/// The token is made in memory and never written anywhere.
/// </summary>
internal sealed class EmulatorCredential : TokenCredential
{
    /// <summary>The ARM audience (the ARM emulator's token).</summary>
    public const string ArmAudience = "https://management.azure.com/";
    /// <summary>Azure Storage's audience, one of those Azurite's basic OAuth accepts (VALID_BLOB_AUDIENCES).</summary>
    public const string StorageAudience = "https://storage.azure.com";

    private readonly string _principal;
    private readonly string _tenantId;
    private readonly string _audience;

    public EmulatorCredential(string principal, string tenantId, string audience = ArmAudience)
    {
        _principal = principal;
        _tenantId = tenantId;
        _audience = audience;
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var expires = now.AddHours(1);
        var header = Encode(new { alg = "none", typ = "JWT" });
        object claims = _audience == ArmAudience
            ? new
            {
                aud = _audience,
                iss = "https://sts.emulator.genimage.local/" + _tenantId + "/",
                tid = _tenantId,
                oid = StableGuid(_principal),
                upn = _principal,
                name = _principal,
                exp = expires.ToUnixTimeSeconds(),
            }
            : new
            {
                aud = _audience,
                // Azurite's basic OAuth accepts issuers that start with https://sts.windows.net/ (VALID_ISSUE_PREFIXES).
                iss = "https://sts.windows.net/" + _tenantId + "/",
                tid = _tenantId,
                oid = StableGuid(_principal),
                upn = _principal,
                name = _principal,
                iat = now.AddMinutes(-5).ToUnixTimeSeconds(),
                nbf = now.AddMinutes(-5).ToUnixTimeSeconds(),
                exp = expires.ToUnixTimeSeconds(),
            };
        var payload = Encode(claims);
        return new AccessToken(header + "." + payload + ".", expires);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new ValueTask<AccessToken>(GetToken(requestContext, cancellationToken));

    private static string Encode(object value)
    {
        var json = JsonSerializer.Serialize(value);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>A stable object id for a principal name, so role assignments can name it.</summary>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms",
        Justification = "MD5 derives an id from a name, not a secret; the emulator derives the same id (Principal.StableObjectId), so the algorithm must not change.")]
    internal static string StableGuid(string name)
    {
        using var md5 = System.Security.Cryptography.MD5.Create();
        var hash = md5.ComputeHash(Encoding.UTF8.GetBytes(name.ToLowerInvariant()));
        return new Guid(hash).ToString();
    }
}
