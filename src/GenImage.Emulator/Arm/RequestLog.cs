using System.Text;

namespace GenImage.Emulator.Arm;

/// <summary>Thread-safe, ordered log of answered requests.</summary>
internal sealed class RequestLog
{
    private static readonly string[] SensitiveKeyParts = ["sig", "token", "secret", "password", "key", "code", "credential", "assertion"];
    private readonly Lock _gate = new();
    private readonly List<RequestLogEntry> _entries = new();

    public event Action<RequestLogEntry>? Added;

    public void Add(RequestLogEntry entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
        }

        Added?.Invoke(entry);
    }

    public IReadOnlyList<RequestLogEntry> Snapshot()
    {
        lock (_gate)
        {
            return _entries.ToArray();
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    /// <summary>The query string with the value of every parameter whose name suggests a secret replaced by <c>REDACTED</c>.</summary>
    public static string SanitizeQuery(IEnumerable<KeyValuePair<string, string>> query)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in query)
        {
            sb.Append(sb.Length == 0 ? '?' : '&');
            sb.Append(Escape(key)).Append('=');
            var sensitive = SensitiveKeyParts.Any(p => key.Contains(p, StringComparison.OrdinalIgnoreCase));
            sb.Append(sensitive ? "REDACTED" : Escape(value));
        }

        return sb.ToString();
    }

    /// <summary>Escapes only what would make the query ambiguous, so <c>$expand</c> and commas stay readable.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (ch is '%' or '&' or '=' or '#' or '+' or ' ' || ch < 0x20 || ch > 0x7E)
            {
                foreach (var b in Encoding.UTF8.GetBytes(ch.ToString()))
                {
                    sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            else
            {
                sb.Append(ch);
            }
        }

        return sb.ToString();
    }
}
