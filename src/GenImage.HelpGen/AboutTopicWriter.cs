using System.Text;

namespace GenImage.HelpGen;

/// <summary>
/// Writes <c>about_*.help.txt</c> topics from markdown in the classic layout PowerShell reads: line 2 the
/// topic name, line 5 the short description (Get-Help shows it as the synopsis), text wrapped at 80 columns.
/// </summary>
public static class AboutTopicWriter
{
    public const int Width = 80;
    private const string Indent = "    ";

    /// <summary>
    /// A topic from a page laid out as <c># about_Name</c>, <c>## Short description</c> (one paragraph),
    /// <c>## Long description</c>, then any further <c>##</c> sections.
    /// </summary>
    public static string FromPage(MarkdownDocument page, List<DocProblem> problems, string displayPath)
    {
        var name = page.Title ?? string.Empty;
        if (!name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(DocProblem.Warning(displayPath, Math.Max(1, page.TitleLine), DocProblemCodes.BadAboutTopic, "The title must be '# about_Name'."));
        }
        var shortSection = page.Section("Short description");
        var shortText = shortSection is null ? string.Empty : string.Join(" ", MarkdownText.Blocks(shortSection.AllLines()).Select(b => b.Text));
        if (shortText.Length == 0)
        {
            problems.Add(DocProblem.Warning(displayPath, Math.Max(1, page.TitleLine), DocProblemCodes.BadAboutTopic, "The topic has no '## Short description' paragraph."));
        }

        var sb = Header(name, shortText);
        foreach (var section in page.Sections.Where(s => s != shortSection))
        {
            sb.Append(section.Heading.ToUpperInvariant()).Append('\n');
            AppendBody(sb, section.Preamble);
            foreach (var sub in section.Subsections)
            {
                sb.Append(Indent).Append(MarkdownText.Inline(sub.Heading)).Append('\n');
                sb.Append(Indent).Append(new string('-', MarkdownText.Inline(sub.Heading).Length)).Append('\n');
                AppendBody(sb, sub.Body);
            }
        }
        return sb.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>The first lines of a topic, so that the short description is line 5.</summary>
    public static StringBuilder Header(string name, string shortDescription)
    {
        var sb = new StringBuilder();
        sb.Append("TOPIC\n").Append(Indent).Append(name).Append("\n\n");
        sb.Append("SHORT DESCRIPTION\n");
        // Line 5 is the synopsis: one line, however long.
        sb.Append(Indent).Append(shortDescription).Append("\n\n");
        return sb;
    }

    /// <summary>Markdown lines as indented, wrapped text followed by a blank line.</summary>
    public static void AppendBody(StringBuilder sb, IEnumerable<SourceLine> lines, string indent = Indent)
    {
        foreach (var block in MarkdownText.Blocks(lines))
        {
            switch (block.Kind)
            {
                case BlockKind.Code:
                    foreach (var line in block.Text.Split('\n'))
                    {
                        sb.Append((indent + Indent + line).TrimEnd()).Append('\n');
                    }

                    break;
                case BlockKind.Table:
                    foreach (var line in MarkdownText.TableLines(block.Rows, indent, Width))
                    {
                        sb.Append(line).Append('\n');
                    }

                    break;
                case BlockKind.ListItem:
                    var marker = block.Text.IndexOf(' ', StringComparison.Ordinal) + 1;
                    foreach (var line in MarkdownText.Wrap(block.Text, Width, indent, indent + new string(' ', marker)))
                    {
                        sb.Append(line).Append('\n');
                    }

                    break;
                case BlockKind.Heading:
                    sb.Append(indent).Append(block.Text).Append('\n');
                    continue; // no blank line between a heading and its text
                default:
                    foreach (var line in MarkdownText.Wrap(block.Text, Width, indent))
                    {
                        sb.Append(line).Append('\n');
                    }

                    break;
            }
            sb.Append('\n');
        }
    }
}
