using System;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GenImage.Core.Connection;

/// <summary>
/// The HTTP handler for an emulator connection: it accepts exactly one server certificate, the one whose
/// SHA-256 thumbprint was pinned, and nothing else. Real Azure connections never use it.
/// </summary>
internal static class PinnedCertificateHandler
{
    public static HttpClientHandler Create(string sha256Thumbprint)
    {
        var pinned = sha256Thumbprint;
        return new HttpClientHandler
        {
            UseProxy = false,
            ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) =>
                certificate != null && string.Equals(Sha256Thumbprint(certificate), pinned, StringComparison.Ordinal),
        };
    }

    public static string Sha256Thumbprint(X509Certificate2 certificate)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(certificate.RawData);
        var text = new System.Text.StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            text.Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
