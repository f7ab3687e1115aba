using System.Text;
using System.Text.RegularExpressions;

namespace GenImage.HelpGen;

public enum BlockKind
{
    /// <summary>Running text; lines joined.</summary>
    Paragraph,

    /// <summary>One list item (its marker kept: <c>- </c>, <c>1. </c>).</summary>
    ListItem,

    /// <summary>A heading inside a section (<c>###</c> or deeper, or a line that is only <c>**bold**</c>).</summary>
    Heading,

    /// <summary>A fenced code block; lines kept as written.</summary>
    Code,

    /// <summary>A table; <see cref="TextBlock.Rows"/> holds the header row first, then the data rows.</summary>
    Table,
}

/// <summary>A block of help text with its markdown removed.</summary>
public sealed class TextBlock
{
    public TextBlock(BlockKind kind, string text, string? language = null, IReadOnlyList<string[]>? rows = null)
    {
        Kind = kind;
        Text = text;
        Language = language;
        Rows = rows ?? Array.Empty<string[]>();
    }

    public BlockKind Kind { get; }

    /// <summary>The plain text (for a code block: its lines joined with new lines; for a table: empty).</summary>
    public string Text { get; }

    /// <summary>The info string of a code fence (<c>powershell</c>), if any.</summary>
    public string? Language { get; }

    public IReadOnlyList<string[]> Rows { get; }
}

/// <summary>
/// Turns the markdown the docs use into plain blocks of help text: paragraphs, list items, headings, code
/// and tables. Inline markup is removed: <c>`code`</c> and <c>**bold**</c> keep their text, a link keeps its
/// text (and, for a web address, the address in parentheses).
/// </summary>
public static class MarkdownText
{
    private static readonly Regex LinkPattern = new(@"\[([^\]]+)\]\(([^)\s]+)\)", RegexOptions.CultureInvariant);
    private static readonly Regex CodePattern = new(@"`+([^`]+?)`+", RegexOptions.CultureInvariant);
    private static readonly Regex BoldPattern = new(@"\*\*(.+?)\*\*", RegexOptions.CultureInvariant);
    private static readonly Regex ItalicPattern = new(@"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", RegexOptions.CultureInvariant);
    private static readonly Regex ListItemPattern = new(@"^(\s*)([-*+]|\d+[.)])\s+(.*)$", RegexOptions.CultureInvariant);
    private static readonly Regex TableDividerPattern = new(@"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$", RegexOptions.CultureInvariant);

    /// <summary>The plain text of one line of markdown.</summary>
    public static string Inline(string markdown)
    {
        // Code spans first, so that what they hold is taken literally.
        var spans = new List<string>();
        var text = CodePattern.Replace(markdown, m =>
        {
            spans.Add(m.Groups[1].Value);
            return "\u0001" + (spans.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "\u0002";
        });
        text = LinkPattern.Replace(text, m =>
        {
            var label = m.Groups[1].Value;
            var target = m.Groups[2].Value;
            return target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? (label == target ? target : $"{label} ({target})")
                : label;
        });
        text = BoldPattern.Replace(text, "$1");
        text = ItalicPattern.Replace(text, "$1");
        text = text.Replace("\\|", "|", StringComparison.Ordinal)
                   .Replace("\\*", "*", StringComparison.Ordinal)
                   .Replace("\\_", "_", StringComparison.Ordinal)
                   .Replace("\\`", "`", StringComparison.Ordinal);
        text = Regex.Replace(text, "\u0001(\\d+)\u0002", m => spans[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]);
        return text;
    }

    /// <summary>Splits markdown lines into blocks.</summary>
    public static IReadOnlyList<TextBlock> Blocks(IEnumerable<SourceLine> lines) => Blocks(lines.Select(l => l.Text));

    /// <summary>Splits markdown lines into blocks.</summary>
    public static IReadOnlyList<TextBlock> Blocks(IEnumerable<string> lines)
    {
        var blocks = new List<TextBlock>();
        var text = new List<string>();
        var textKind = BlockKind.Paragraph;
        var all = lines.ToList();

        void Flush()
        {
            if (text.Count == 0)
            {
                return;
            }

            blocks.Add(new TextBlock(textKind, Inline(string.Join(" ", text.Select(t => t.Trim())))));
            text.Clear();
            textKind = BlockKind.Paragraph;
        }

        for (var i = 0; i < all.Count; i++)
        {
            var line = all[i];
            var trimmed = line.Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                Flush();
                var fence = trimmed.Substring(0, 3);
                var language = trimmed.Substring(3).Trim();
                var indent = line.Length - line.TrimStart().Length;
                var code = new List<string>();
                for (i++; i < all.Count && all[i].Trim() != fence; i++)
                {
                    var codeLine = all[i];
                    var strip = Math.Min(indent, codeLine.Length - codeLine.TrimStart().Length);
                    code.Add(codeLine.Substring(strip).TrimEnd());
                }
                blocks.Add(new TextBlock(BlockKind.Code, string.Join("\n", code), language.Length == 0 ? null : language));
                continue;
            }
            if (trimmed.Length == 0)
            {
                Flush();
                continue;
            }
            if (trimmed.StartsWith("<!--", StringComparison.Ordinal) && trimmed.EndsWith("-->", StringComparison.Ordinal))
            {
                continue; // a comment for the docs tooling, not for readers
            }
            if (trimmed.StartsWith('|') && i + 1 < all.Count && TableDividerPattern.IsMatch(all[i + 1]))
            {
                Flush();
                var rows = new List<string[]> { Cells(trimmed) };
                for (i += 2; i < all.Count && all[i].Trim().StartsWith('|'); i++)
                {
                    rows.Add(Cells(all[i].Trim()));
                }
                i--;
                blocks.Add(new TextBlock(BlockKind.Table, string.Empty, rows: rows));
                continue;
            }
            if (trimmed.StartsWith('#'))
            {
                Flush();
                blocks.Add(new TextBlock(BlockKind.Heading, Inline(trimmed.TrimStart('#').Trim())));
                continue;
            }
            if (trimmed.Length > 4 && trimmed.StartsWith("**", StringComparison.Ordinal) && trimmed.EndsWith("**", StringComparison.Ordinal)
                && trimmed.IndexOf("**", 2, StringComparison.Ordinal) == trimmed.Length - 2)
            {
                Flush();
                blocks.Add(new TextBlock(BlockKind.Heading, Inline(trimmed)));
                continue;
            }
            var item = ListItemPattern.Match(line);
            if (item.Success && (text.Count == 0 || textKind == BlockKind.ListItem || item.Groups[1].Length == 0))
            {
                Flush();
                textKind = BlockKind.ListItem;
                var marker = item.Groups[2].Value is "*" or "+" ? "-" : item.Groups[2].Value;
                text.Add(marker + " " + item.Groups[3].Value);
                continue;
            }
            text.Add(trimmed);
        }
        Flush();
        return blocks;
    }

    private static string[] Cells(string row)
    {
        var inner = row.Trim();
        if (inner.StartsWith('|'))
        {
            inner = inner.Substring(1);
        }

        if (inner.EndsWith('|') && !inner.EndsWith("\\|", StringComparison.Ordinal))
        {
            inner = inner.Substring(0, inner.Length - 1);
        }

        var cells = new List<string>();
        var cell = new StringBuilder();
        var inCode = false;
        for (var i = 0; i < inner.Length; i++)
        {
            var c = inner[i];
            if (c == '\\' && i + 1 < inner.Length && inner[i + 1] == '|')
            {
                cell.Append("\\|");
                i++;
                continue;
            }
            if (c == '`')
            {
                inCode = !inCode;
            }

            if (c == '|' && !inCode)
            {
                cells.Add(Inline(cell.ToString().Trim()));
                cell.Clear();
                continue;
            }
            cell.Append(c);
        }
        cells.Add(Inline(cell.ToString().Trim()));
        return cells.ToArray();
    }

    /// <summary>Wraps <paramref name="text"/> at <paramref name="width"/> columns, each line starting with <paramref name="indent"/>.</summary>
    public static IEnumerable<string> Wrap(string text, int width, string indent, string? hangingIndent = null)
    {
        hangingIndent ??= indent;
        var line = new StringBuilder(indent);
        var empty = true;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear().Append(hangingIndent);
                empty = true;
            }
            if (!empty)
            {
                line.Append(' ');
            }

            line.Append(word);
            empty = false;
        }
        if (!empty)
        {
            yield return line.ToString();
        }
    }

    /// <summary>A table as aligned columns: header, a rule, then the rows; cells wider than a third of the width wrap.</summary>
    public static IEnumerable<string> TableLines(IReadOnlyList<string[]> rows, string indent, int width)
    {
        if (rows.Count == 0)
        {
            yield break;
        }

        var columns = rows.Max(r => r.Length);
        var widths = new int[columns];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }
        // Every column but the last keeps its natural width up to a share of the line (never narrower than
        // its longest word); the last takes what is left and wraps.
        var available = Math.Max(20, width - indent.Length - 2 * (columns - 1));
        var share = Math.Max(12, available / (columns + 1));
        for (var c = 0; c < columns - 1; c++)
        {
            var longestWord = rows.Where(r => c < r.Length).SelectMany(r => r[c].Split(' ')).Select(w => w.Length).DefaultIfEmpty(0).Max();
            widths[c] = Math.Min(widths[c], Math.Max(share, longestWord));
        }
        var used = widths.Take(columns - 1).Sum() + 2 * (columns - 1);
        widths[columns - 1] = Math.Max(20, width - indent.Length - used);

        var header = true;
        foreach (var row in rows)
        {
            var cellLines = new List<string>[columns];
            for (var c = 0; c < columns; c++)
            {
                var cell = c < row.Length ? row[c] : string.Empty;
                cellLines[c] = Wrap(cell, widths[c], string.Empty).ToList();
                if (cellLines[c].Count == 0)
                {
                    cellLines[c].Add(string.Empty);
                }
            }
            var height = cellLines.Max(l => l.Count);
            for (var l = 0; l < height; l++)
            {
                var sb = new StringBuilder(indent);
                for (var c = 0; c < columns; c++)
                {
                    var part = l < cellLines[c].Count ? cellLines[c][l] : string.Empty;
                    sb.Append(c == columns - 1 ? part : part.PadRight(widths[c] + 2));
                }
                yield return sb.ToString().TrimEnd();
            }
            if (header)
            {
                var rule = new StringBuilder(indent);
                for (var c = 0; c < columns; c++)
                {
                    var w = c == columns - 1 ? Math.Min(widths[c], Math.Max(3, rows.Max(r => c < r.Length ? r[c].Length : 0))) : widths[c];
                    rule.Append(new string('-', w));
                    if (c < columns - 1)
                    {
                        rule.Append("  ");
                    }
                }
                yield return rule.ToString().TrimEnd();
                header = false;
            }
        }
    }
}
