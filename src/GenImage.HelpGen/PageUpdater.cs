using System.Text;

namespace GenImage.HelpGen;

/// <summary>
/// Rewrites the generated parts of a cmdlet page from the cmdlet: the SYNTAX section and each parameter's
/// metadata block. Adds a section (with no description, so the coverage test fails until one is written)
/// for a parameter the page lacks; keeps every description and every other section as written.
/// </summary>
public static class PageUpdater
{
    /// <summary>A new page for a cmdlet that has none: the layout, generated parts filled, text left to write.</summary>
    public static string NewPage(CommandModel command)
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(command.Name).Append("\n\n## SYNOPSIS\n\n## SYNTAX\n\n").Append(GeneratedMetadata.SyntaxSection(command));
        sb.Append("\n## DESCRIPTION\n\n## EXAMPLES\n\n### Example 1: \n\n```powershell\n```\n\n## PARAMETERS\n\n");
        foreach (var p in command.Parameters)
        {
            AppendParameter(sb, p, command, Array.Empty<string>());
        }

        sb.Append("## INPUTS\n\n### None\n\n## OUTPUTS\n\n");
        foreach (var output in command.OutputTypes.DefaultIfEmpty("None"))
        {
            sb.Append("### ").Append(output).Append("\n\n");
        }

        sb.Append("## NOTES\n\n## RELATED LINKS\n");
        return sb.ToString();
    }

    /// <summary>The page's text with SYNTAX and PARAMETERS regenerated around the written descriptions.</summary>
    public static string Update(CmdletPage page, CommandModel command, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var sections = page.Document.Sections;
        var replacements = new List<(int Start, int End, string Text)>();

        int EndOf(MarkdownSection section)
        {
            var index = sections.IndexOf(section);
            return index + 1 < sections.Count ? sections[index + 1].Line - 1 : lines.Length;
        }

        if (page.Document.Section("SYNTAX") is { } syntax)
        {
            replacements.Add((syntax.Line, EndOf(syntax), "## SYNTAX\n\n" + GeneratedMetadata.SyntaxSection(command) + "\n"));
        }
        if (page.Document.Section("PARAMETERS") is { } parameters)
        {
            var sb = new StringBuilder("## PARAMETERS\n\n");
            foreach (var line in Trim(parameters.Preamble.Select(l => l.Text)))
            {
                sb.Append(line).Append('\n');
            }
            if (parameters.Preamble.Any(l => !string.IsNullOrWhiteSpace(l.Text)))
            {
                sb.Append('\n');
            }

            foreach (var p in command.Parameters)
            {
                var doc = page.Parameter(p.Name);
                AppendParameter(sb, p, command, doc?.Description.Select(l => l.Text) ?? Array.Empty<string>());
            }
            foreach (var doc in page.Parameters.Where(d => command.Parameter(d.Name) is null))
            {
                // Kept, so no text is lost; the checker reports it until it is removed or renamed.
                sb.Append("### -").Append(doc.Name).Append("\n\n");
                foreach (var line in Trim(doc.Description.Select(l => l.Text)))
                {
                    sb.Append(line).Append('\n');
                }

                sb.Append('\n');
            }
            replacements.Add((parameters.Line, EndOf(parameters), sb.ToString()));
        }

        var result = new StringBuilder();
        var next = 1;
        foreach (var (start, end, replacement) in replacements.OrderBy(r => r.Start))
        {
            for (; next < start; next++)
            {
                result.Append(lines[next - 1]).Append('\n');
            }

            result.Append(replacement);
            next = end + 1;
        }
        for (; next <= lines.Length; next++)
        {
            result.Append(lines[next - 1]);
            if (next < lines.Length)
            {
                result.Append('\n');
            }
        }
        return result.ToString();
    }

    private static void AppendParameter(StringBuilder sb, ParameterModel p, CommandModel command, IEnumerable<string> description)
    {
        sb.Append("### -").Append(p.Name).Append("\n\n");
        var text = Trim(description).ToList();
        foreach (var line in text)
        {
            sb.Append(line).Append('\n');
        }

        if (text.Count > 0)
        {
            sb.Append('\n');
        }

        sb.Append("```yaml\n").Append(GeneratedMetadata.Yaml(p, command)).Append("\n```\n\n");
    }

    private static IEnumerable<string> Trim(IEnumerable<string> lines)
    {
        var list = lines.ToList();
        int start = 0, end = list.Count;
        while (start < end && string.IsNullOrWhiteSpace(list[start]))
        {
            start++;
        }

        while (end > start && string.IsNullOrWhiteSpace(list[end - 1]))
        {
            end--;
        }

        return list.Skip(start).Take(end - start);
    }
}
