namespace GenImage.HelpGen;

/// <summary>One line of a markdown file with its 1-based line number.</summary>
public readonly record struct SourceLine(int Number, string Text);

/// <summary>A <c>### heading</c> and the lines under it, up to the next heading of level 3 or less.</summary>
public sealed class MarkdownSubsection
{
    public MarkdownSubsection(string heading, int line)
    {
        Heading = heading;
        Line = line;
    }

    public string Heading { get; }

    public int Line { get; }

    public List<SourceLine> Body { get; } = new();
}

/// <summary>A <c>## heading</c>: the lines before its first <c>###</c> heading, then its subsections.</summary>
public sealed class MarkdownSection
{
    public MarkdownSection(string heading, int line)
    {
        Heading = heading;
        Line = line;
    }

    public string Heading { get; }

    public int Line { get; }

    public List<SourceLine> Preamble { get; } = new();

    public List<MarkdownSubsection> Subsections { get; } = new();

    /// <summary>Every line of the section as written, <c>###</c> heading lines included.</summary>
    public IReadOnlyList<SourceLine> AllLines()
    {
        var lines = new List<SourceLine>(Preamble);
        foreach (var sub in Subsections)
        {
            lines.Add(new SourceLine(sub.Line, "### " + sub.Heading));
            lines.AddRange(sub.Body);
        }
        return lines;
    }
}

/// <summary>
/// A markdown file split at its headings: the <c>#</c> title, then <c>##</c> sections holding <c>###</c>
/// subsections. Headings inside fenced code blocks are text. Deeper headings stay in the body.
/// </summary>
public sealed class MarkdownDocument
{
    private MarkdownDocument(string path) => Path = path;

    public string Path { get; }

    public string? Title { get; private set; }

    public int TitleLine { get; private set; }

    /// <summary>Lines between the title and the first <c>##</c> heading.</summary>
    public List<SourceLine> Preamble { get; } = new();

    public List<MarkdownSection> Sections { get; } = new();

    public static MarkdownDocument Load(string path) => Parse(path, File.ReadAllText(path));

    public static MarkdownDocument Parse(string path, string text)
    {
        var doc = new MarkdownDocument(path);
        MarkdownSection? section = null;
        MarkdownSubsection? sub = null;
        string? fence = null;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var source = new SourceLine(i + 1, line);
            var trimmed = line.TrimStart();
            if (fence is null && (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal)))
            {
                fence = trimmed.Substring(0, 3);
            }
            else if (fence is not null && trimmed.StartsWith(fence, StringComparison.Ordinal) && trimmed.Trim() == fence)
            {
                fence = null;
            }
            else if (fence is null && HeadingLevel(line) is int level and <= 3)
            {
                var heading = line.Substring(level).Trim().TrimEnd('#').Trim();
                switch (level)
                {
                    case 1 when doc.Title is null && section is null:
                        doc.Title = heading;
                        doc.TitleLine = i + 1;
                        continue;
                    case 2:
                        section = new MarkdownSection(heading, i + 1);
                        doc.Sections.Add(section);
                        sub = null;
                        continue;
                    case 3 when section is not null:
                        sub = new MarkdownSubsection(heading, i + 1);
                        section.Subsections.Add(sub);
                        continue;
                }
            }

            if (sub is not null)
            {
                sub.Body.Add(source);
            }
            else if (section is not null)
            {
                section.Preamble.Add(source);
            }
            else if (doc.Title is not null || !string.IsNullOrWhiteSpace(line))
            {
                doc.Preamble.Add(source);
            }
        }
        return doc;
    }

    /// <summary>The section whose heading is <paramref name="heading"/> (case-insensitive), or null.</summary>
    public MarkdownSection? Section(string heading) =>
        Sections.FirstOrDefault(s => string.Equals(s.Heading, heading, StringComparison.OrdinalIgnoreCase));

    private static int? HeadingLevel(string line)
    {
        var level = 0;
        while (level < line.Length && line[level] == '#')
        {
            level++;
        }

        if (level == 0 || level > 6 || level >= line.Length || line[level] != ' ')
        {
            return null;
        }

        return level;
    }
}
