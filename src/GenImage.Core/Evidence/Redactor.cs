using System;
using System.Text.RegularExpressions;

namespace GenImage.Core.Evidence;

/// <summary>
/// Recognises secrets (SAS query strings, bearer tokens and JWTs, passwords, storage keys, connection
/// strings, private keys) and removes them from text. Recipes are refused when they hold one
/// (<see cref="FindSecretValue"/>, <see cref="IsSecretKey"/>); every string that reaches an evidence bundle
/// goes through <see cref="Redact"/>.
/// </summary>
public static class Redactor
{
    /// <summary>What replaces a secret.</summary>
    public const string Mask = "[REDACTED]";

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    private static readonly (Regex Pattern, string Reason, string Replacement)[] ValuePatterns =
    {
        (new Regex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)", Options),
            "it holds a private key", Mask),
        (new Regex(@"\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*", Options),
            "it looks like a token (JWT)", Mask),
        (new Regex(@"\bBearer\s+[A-Za-z0-9_\-\.=+/]{8,}", Options),
            "it holds a bearer token", "Bearer " + Mask),
        // A SAS: a query string with a signature (sig=) — the whole query goes, the URL path stays.
        (new Regex(@"\?(?=[^\s""'<>]*\bsig=)[^\s""'<>]+", Options),
            "it looks like a SAS URL (a query string with sig=)", "?" + Mask),
        (new Regex(@"(?<![A-Za-z])(sig|sv|se|sp|skoid|sktid)=[A-Za-z0-9%\-_.:+/=]{6,}(&(sig|sv|se|sp|sr|st|spr|srt|ss|skoid|sktid|skt|ske|sks|skv)=[^\s&""'<>]*)+", Options),
            "it looks like a SAS token", Mask),
        (new Regex(@"\b(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd|ClientSecret|client_secret)\s*=\s*(?!\[REDACTED\])[^;\s""'<>]+", Options),
            "it holds a key or password in a connection string", "$1=" + Mask),
        (new Regex(@"\b(?<k>[A-Za-z0-9_\-]*(password|passwd|pwd|secret|api[_-]?key|access[_-]?key|token))\s*[:=]\s*[""']?(?!\[REDACTED\])[^\s""',;}{]{3,}", Options),
            "it holds a password or key assignment", "${k}=" + Mask),
        // A storage account key: 88 base64 characters ending in ==.
        (new Regex(@"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])", Options),
            "it looks like a storage account key", Mask),
    };

    private static readonly Regex SecretKey = new Regex(
        @"(password|passwd|^pwd$|secret|token|^sas|sasurl|sas_?token|^sig$|signature|apikey|api_key|accesskey|access_key|accountkey|connectionstring|connection_string|privatekey|private_key|credential)",
        Options);

    /// <summary>True when a key name says its value is a secret (adminPassword, sasToken, clientSecret, …).</summary>
    public static bool IsSecretKey(string key) => !string.IsNullOrEmpty(key) && SecretKey.IsMatch(key);

    /// <summary>Why <paramref name="value"/> looks like a secret, or null when it does not.</summary>
    public static string? FindSecretValue(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        foreach (var (pattern, reason, _) in ValuePatterns)
        {
            if (pattern.IsMatch(value))
            {
                return reason;
            }
        }
        return null;
    }

    /// <summary>The text with every secret replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = text!;
        foreach (var (pattern, _, replacement) in ValuePatterns)
        {
            result = pattern.Replace(result, replacement);
        }
        return result;
    }

    /// <summary>True when <see cref="Redact"/> would change nothing.</summary>
    public static bool IsClean(string? text) => FindSecretValue(text) == null;

    /// <summary>A value under a key that names a secret is masked whatever it looks like.</summary>
    public static string RedactValue(string key, string? value) =>
        IsSecretKey(key) && !string.IsNullOrEmpty(value) ? Mask : Redact(value);

    internal static bool ContainsOrdinalIgnoreCase(string text, string part) =>
        text.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0;
}
