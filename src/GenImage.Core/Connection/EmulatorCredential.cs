using System;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace GenImage.Core.Connection;

/// <summary>
/// The credential for the local emulator: an unsigned test token (alg "none") that names a principal.
/// The emulator reads the principal and does not verify signatures. Real Azure would reject it.
/// The token is made in memory and never written anywhere.
/// </summary>
internal sealed class EmulatorCredential : TokenCredential
{
    private readonly string _principal;
    private readonly string _tenantId;

    public EmulatorCredential(string principal, string tenantId)
    {
        _principal = principal;
        _tenantId = tenantId;
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        var header = Encode(new { alg = "none", typ = "JWT" });
        var payload = Encode(new
        {
            aud = "https://management.azure.com/",
            iss = "https://sts.emulator.genimage.local/" + _tenantId + "/",
            tid = _tenantId,
            oid = StableGuid(_principal),
            upn = _principal,
            name = _principal,
            exp = expires.ToUnixTimeSeconds(),
        });
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
