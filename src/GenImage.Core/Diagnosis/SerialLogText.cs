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
public sealed class SerialLogText
{
    private static readonly Regex Ansi = new Regex(@"\x1B\[[0-9;?]*[A-Za-z]", RegexOptions.CultureInvariant);

    private SerialLogText(IReadOnlyList<string> lines, int bytes)
    {
        Lines = lines;
        Bytes = bytes;
    }

    /// <summary>An empty log (no boot diagnostics, or a blob with no text).</summary>
    public static SerialLogText Empty { get; } = new SerialLogText(Array.Empty<string>(), 0);

    /// <summary>Every line, index 0 = line 1; cleaned, possibly empty.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The size of the text as read, in UTF-8 bytes.</summary>
    public int Bytes { get; }

    /// <summary>The number of lines of the original text.</summary>
    public int LineCount => Lines.Count;

    public bool IsEmpty => Lines.All(l => l.Length == 0);

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

        for (var i = 0; i < Lines.Count; i++)
        {
            var line = Lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            foreach (var p in list)
            {
                if (p.IsMatch(line))
                {
                    yield return new SerialLogLine { LineNumber = i + 1, Text = line };
                    break;
                }
            }
        }
    }

    /// <summary>The last <paramref name="count"/> non-empty lines, with their numbers.</summary>
    public IList<SerialLogLine> Tail(int count)
    {
        var result = new List<SerialLogLine>();
        for (var i = Lines.Count - 1; i >= 0 && result.Count < count; i--)
        {
            if (Lines[i].Length > 0)
            {
                result.Add(new SerialLogLine { LineNumber = i + 1, Text = Lines[i] });
            }
        }
        result.Reverse();
        return result;
    }
}
