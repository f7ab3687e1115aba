using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace GenImage.Core.Diagnosis;

/// <summary>
/// A boot-diagnostics serial log split into numbered lines: line numbers count every line of the original text
/// (empty ones too), so "line 412" is line 412 of the blob as downloaded. ANSI escapes and control characters are
/// removed from each line.
/// </summary>
/// <remarks>
/// A text parsed from a string (<see cref="Parse"/>) keeps every line. A log read from a stream
/// (<see cref="SerialLogReader"/>) keeps only what memory may hold whatever the log's size (see
/// <see cref="SerialLogLimits"/>): the lines that match a boot-failure pattern of the catalogue (their numbers kept),
/// and the last non-empty lines; each kept line is cut at <see cref="SerialLogLimits.MaxLineChars"/> characters.
/// Matching against the catalogue gives the same lines either way.
/// </remarks>
public sealed class SerialLogText
{
    private static readonly Regex Ansi = new Regex(@"\x1B\[[0-9;?]*[A-Za-z]", RegexOptions.CultureInvariant);

    private readonly IReadOnlyList<SerialLogLine> _kept;
    private readonly IReadOnlyList<SerialLogLine>? _tail;

    private SerialLogText(IReadOnlyList<string> lines, long bytes)
    {
        Lines = lines;
        Bytes = bytes;
        LineCount = lines.Count;
        IsEmpty = lines.All(l => l.Length == 0);
        var kept = new List<SerialLogLine>();
        for (var i = 0; i < lines.Count; i++)
        {
            kept.Add(new SerialLogLine { LineNumber = i + 1, Text = lines[i] });
        }
        _kept = kept;
    }

    internal SerialLogText(IReadOnlyList<SerialLogLine> kept, IReadOnlyList<SerialLogLine> tail, int lineCount, long bytes, bool isEmpty, int matchesDropped)
    {
        _kept = kept;
        _tail = tail;
        Lines = kept.Select(l => l.Text).ToList();
        LineCount = lineCount;
        Bytes = bytes;
        IsEmpty = isEmpty;
        MatchesDropped = matchesDropped;
    }

    /// <summary>An empty log (no boot diagnostics, or a blob with no text).</summary>
    public static SerialLogText Empty { get; } = new SerialLogText(Array.Empty<string>(), 0);

    /// <summary>
    /// The lines held in memory, cleaned: every line (index 0 = line 1) for a parsed text; for a streamed log only the
    /// lines that match a catalogue pattern (their numbers are in <see cref="Matching"/>).
    /// </summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The size of the log as read, in UTF-8 bytes.</summary>
    public long Bytes { get; }

    /// <summary>The number of lines of the original text.</summary>
    public int LineCount { get; }

    /// <summary>No line has text.</summary>
    public bool IsEmpty { get; }

    /// <summary>Lines that matched a catalogue pattern but were not kept, past <see cref="SerialLogLimits.MaxKeptLines"/>.</summary>
    public int MatchesDropped { get; }

    public static SerialLogText Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Empty;
        }

        var raw = text!.Split('\n');
        var count = raw.Length;
        // A trailing newline ends the last line; it does not start another one.
        if (count > 0 && raw[count - 1].Length == 0)
        {
            count--;
        }

        var lines = new string[count];
        for (var i = 0; i < count; i++)
        {
            lines[i] = Clean(raw[i]);
        }

        return new SerialLogText(lines, Encoding.UTF8.GetByteCount(text));
    }

    /// <summary>A line without ANSI escapes, control characters and trailing blanks.</summary>
    public static string Clean(string line)
    {
        var plain = true;
        foreach (var c in line)
        {
            if (char.IsControl(c) && c != '\t')
            {
                plain = false;
                break;
            }
        }
        if (plain)
        {
            return line.TrimEnd();
        }

        var noEscapes = Ansi.Replace(line, string.Empty);
        var sb = new StringBuilder(noEscapes.Length);
        foreach (var c in noEscapes)
        {
            if (!char.IsControl(c) || c == '\t')
            {
                sb.Append(c);
            }
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>The non-empty lines that match any of <paramref name="patterns"/>, with their numbers, in log order.</summary>
    public IEnumerable<SerialLogLine> Matching(IEnumerable<Regex> patterns)
    {
        var list = patterns as IList<Regex> ?? patterns.ToList();
        if (list.Count == 0)
        {
            yield break;
        }

        foreach (var kept in _kept)
        {
            var line = kept.Text;
            if (line.Length == 0)
            {
                continue;
            }

            foreach (var p in list)
            {
                if (p.IsMatch(line))
                {
                    yield return new SerialLogLine { LineNumber = kept.LineNumber, Text = line };
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The last <paramref name="count"/> non-empty lines, with their numbers (a streamed log holds at most the number of
    /// lines it was read with).
    /// </summary>
    public IList<SerialLogLine> Tail(int count)
    {
        var source = _tail ?? _kept;
        var result = new List<SerialLogLine>();
        for (var i = source.Count - 1; i >= 0 && result.Count < count; i--)
        {
            if (source[i].Text.Length > 0)
            {
                result.Add(new SerialLogLine { LineNumber = source[i].LineNumber, Text = source[i].Text });
            }
        }
        result.Reverse();
        return result;
    }
}
