using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace GenImage.Core.Connection;

/// <summary>
/// The Debug lines of one HTTP exchange: the request line and its headers, the response's status line and its
/// headers. Never a body. Secrets are replaced by <see cref="Redacted"/>: the value of Authorization and the other
/// credential headers, and in every URL (the request's, and any URL a header carries, such as Location or
/// Azure-AsyncOperation) the value of a SAS signature (<c>sig=</c>) and of the other query parameters that carry a
/// credential.
/// </summary>
internal static class HttpTrace
{
    public const string Redacted = "REDACTED";

    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "x-ms-authorization-auxiliary", "x-ms-encryption-key",
        "x-ms-copy-source-authorization",
    };

    private static readonly HashSet<string> SecretQueryParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "sig", "signature", "code", "client_secret", "access_token", "token", "refresh_token", "password",
    };

    /// <summary>Where a query parameter's value ends in a URL, or in a header that quotes one.</summary>
    private const string ValueEnds = "&#\"'<>;,";

    /// <summary>"HTTP request: GET https://…" and one indented line per header.</summary>
    public static string Request(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers) =>
        Lines($"HTTP request: {method} {RedactUrl(uri.AbsoluteUri)}", headers);

    /// <summary>"HTTP response: 200 OK (35 ms) for GET /path" and one indented line per header.</summary>
    public static string Response(int status, string? reason, long elapsedMilliseconds, string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var line = string.Format(CultureInfo.InvariantCulture, "HTTP response: {0}{1} ({2} ms) for {3} {4}",
            status, string.IsNullOrEmpty(reason) ? string.Empty : " " + reason, elapsedMilliseconds, method, uri.AbsolutePath);
        return Lines(line, headers);
    }

    /// <summary>A header as it may be shown: credential headers redacted, secrets in URLs redacted.</summary>
    public static string HeaderValue(string name, string value) =>
        SecretHeaders.Contains(name) ? Redacted : RedactUrl(value);

    /// <summary>
    /// <paramref name="text"/> with the value of every secret query parameter (<c>sig=</c>, …) replaced by
    /// <see cref="Redacted"/>, wherever in the text a query string is.
    /// </summary>
    public static string RedactUrl(string text)
    {
        if (string.IsNullOrEmpty(text) || text.IndexOf('=') < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            result.Append(c);
            i++;
            if (c != '?' && c != '&')
            {
                continue;
            }

            // A parameter starts here: name=value up to the next & # or whitespace.
            var nameEnd = i;
            while (nameEnd < text.Length && text[nameEnd] != '=' && text[nameEnd] != '&' && text[nameEnd] != '#' && !char.IsWhiteSpace(text[nameEnd]))
            {
                nameEnd++;
            }
            if (nameEnd >= text.Length || text[nameEnd] != '=')
            {
                continue;
            }

            var name = Uri.UnescapeDataString(text.Substring(i, nameEnd - i));
            if (!SecretQueryParameters.Contains(name))
            {
                continue;
            }

            var valueEnd = nameEnd + 1;
            while (valueEnd < text.Length && ValueEnds.IndexOf(text[valueEnd]) < 0 && !char.IsWhiteSpace(text[valueEnd]))
            {
                valueEnd++;
            }
            result.Append(text, i, nameEnd + 1 - i).Append(Redacted);
            i = valueEnd;
        }
        return result.ToString();
    }

    private static string Lines(string first, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var text = new StringBuilder(first);
        foreach (var header in headers)
        {
            text.Append('\n').Append("  ").Append(header.Key).Append(": ").Append(HeaderValue(header.Key, header.Value));
        }
        return text.ToString();
    }
}
