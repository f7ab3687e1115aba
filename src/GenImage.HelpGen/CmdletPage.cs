namespace GenImage.HelpGen;

/// <summary>One <c>### Example N: title</c> of a page: its code blocks and its explanation.</summary>
public sealed class ExampleDoc
{
    public ExampleDoc(string title, int line, IReadOnlyList<string> code, IReadOnlyList<SourceLine> remarks, string? notRunReason = null)
    {
        Title = title;
        Line = line;
        Code = code;
        Remarks = remarks;
        NotRunReason = notRunReason;
    }

    /// <summary>
    /// Why the docs tests do not run this example against the emulator (it needs Azure itself, for instance),
    /// from a line <c>&lt;!-- not run: reason --&gt;</c>; null for an example that runs.
    /// </summary>
    public string? NotRunReason { get; }

    public string Title { get; }

    public int Line { get; }

    /// <summary>The text of each PowerShell code block, in order.</summary>
    public IReadOnlyList<string> Code { get; }

    /// <summary>The example's prose (before and after the code).</summary>
    public IReadOnlyList<SourceLine> Remarks { get; }
}

/// <summary>A <c>### -Name</c> section: the parameter's description and the generated metadata block.</summary>
public sealed class ParameterDoc
{
    public ParameterDoc(string name, int line, IReadOnlyList<SourceLine> description, string? metadata, int metadataLine)
    {
        Name = name;
        Line = line;
        Description = description;
        Metadata = metadata;
        MetadataLine = metadataLine;
    }

    public string Name { get; }

    public int Line { get; }

    public IReadOnlyList<SourceLine> Description { get; }

    /// <summary>The <c>```yaml</c> block (type, sets, aliases, …) as written, or null.</summary>
    public string? Metadata { get; }

    public int MetadataLine { get; }

    public bool HasDescription => Description.Any(l => !string.IsNullOrWhiteSpace(l.Text));
}

/// <summary>A <c>### TypeName</c> of INPUTS or OUTPUTS with its description.</summary>
public sealed record TypeDoc(string TypeName, int Line, IReadOnlyList<SourceLine> Description);

/// <summary>A SYNTAX block: <c>### SetName</c> (or <c>### SetName (Default)</c>) and its code block.</summary>
public sealed record SyntaxDoc(string SetName, bool IsDefault, int Line, string Text);

/// <summary>A link of RELATED LINKS.</summary>
public sealed record LinkDoc(string Text, string? Uri);

/// <summary>
/// A cmdlet page of <c>docs/cmdlets</c> in the help layout:
/// <code>
/// # Verb-Noun
/// ## SYNOPSIS | SYNTAX (### Set) | DESCRIPTION | EXAMPLES (### Example N: …) | PARAMETERS (### -Name) |
/// ## INPUTS (### Type) | OUTPUTS (### Type) | NOTES | RELATED LINKS
/// </code>
/// </summary>
public sealed class CmdletPage
{
    public static readonly string[] SectionOrder =
    {
        "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS",
    };

    private static readonly string[] RequiredSections = { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS" };

    private CmdletPage(MarkdownDocument document, string displayPath)
    {
        Document = document;
        DisplayPath = displayPath;
    }

    public MarkdownDocument Document { get; }

    /// <summary>The path used in problem messages (relative to the repository when known).</summary>
    public string DisplayPath { get; }

    public string Name => Document.Title ?? string.Empty;

    public IReadOnlyList<SourceLine> Synopsis { get; private set; } = Array.Empty<SourceLine>();

    public IReadOnlyList<SyntaxDoc> Syntax { get; private set; } = Array.Empty<SyntaxDoc>();

    public IReadOnlyList<SourceLine> Description { get; private set; } = Array.Empty<SourceLine>();

    public IReadOnlyList<ExampleDoc> Examples { get; private set; } = Array.Empty<ExampleDoc>();

    public IReadOnlyList<ParameterDoc> Parameters { get; private set; } = Array.Empty<ParameterDoc>();

    public IReadOnlyList<TypeDoc> Inputs { get; private set; } = Array.Empty<TypeDoc>();

    public IReadOnlyList<TypeDoc> Outputs { get; private set; } = Array.Empty<TypeDoc>();

    public IReadOnlyList<SourceLine> Notes { get; private set; } = Array.Empty<SourceLine>();

    public IReadOnlyList<LinkDoc> RelatedLinks { get; private set; } = Array.Empty<LinkDoc>();

    /// <summary>What is wrong with the page's layout (not with what it says about the cmdlet).</summary>
    public List<DocProblem> Problems { get; } = new();

    public ParameterDoc? Parameter(string name) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public static CmdletPage Load(string path, string? displayPath = null) =>
        From(MarkdownDocument.Load(path), displayPath ?? path);

    public static CmdletPage Parse(string displayPath, string text) =>
        From(MarkdownDocument.Parse(displayPath, text), displayPath);

    public static CmdletPage From(MarkdownDocument document, string displayPath)
    {
        var page = new CmdletPage(document, displayPath);
        page.Read();
        return page;
    }

    private void Read()
    {
        if (string.IsNullOrWhiteSpace(Document.Title))
        {
            Error(1, DocProblemCodes.UnknownCmdlet, "The page has no '# Verb-Noun' title.");
        }

        foreach (var section in Document.Sections)
        {
            var key = section.Heading.ToUpperInvariant();
            if (!SectionOrder.Contains(key))
            {
                Error(section.Line, DocProblemCodes.UnknownSection,
                    $"'## {section.Heading}' is not a section of the help layout; use one of: {string.Join(", ", SectionOrder)}.");
            }
        }
        foreach (var required in RequiredSections)
        {
            if (Document.Section(required) is null)
            {
                Error(Document.TitleLine, DocProblemCodes.MissingSection, $"The page has no '## {required}' section.");
            }
        }

        if (Document.Section("SYNOPSIS") is { } synopsis)
        {
            Synopsis = synopsis.AllLines();
            if (!HasText(Synopsis))
            {
                Error(synopsis.Line, DocProblemCodes.MissingSection, "SYNOPSIS is empty.");
            }
        }
        if (Document.Section("SYNTAX") is { } syntax)
        {
            ReadSyntax(syntax);
        }

        if (Document.Section("DESCRIPTION") is { } description)
        {
            Description = description.AllLines();
            if (!HasText(Description))
            {
                Error(description.Line, DocProblemCodes.MissingSection, "DESCRIPTION is empty.");
            }
        }
        if (Document.Section("EXAMPLES") is { } examples)
        {
            ReadExamples(examples);
        }

        if (Document.Section("PARAMETERS") is { } parameters)
        {
            ReadParameters(parameters);
        }

        if (Document.Section("INPUTS") is { } inputs)
        {
            Inputs = ReadTypes(inputs);
        }

        if (Document.Section("OUTPUTS") is { } outputs)
        {
            Outputs = ReadTypes(outputs);
        }

        if (Document.Section("NOTES") is { } notes)
        {
            Notes = notes.AllLines();
        }

        if (Document.Section("RELATED LINKS") is { } links)
        {
            ReadLinks(links);
        }
    }

    private void ReadSyntax(MarkdownSection section)
    {
        var list = new List<SyntaxDoc>();
        foreach (var sub in section.Subsections)
        {
            var heading = sub.Heading;
            var isDefault = heading.EndsWith("(Default)", StringComparison.OrdinalIgnoreCase);
            if (isDefault)
            {
                heading = heading.Substring(0, heading.Length - "(Default)".Length).Trim();
            }

            var code = MarkdownText.Blocks(sub.Body).Where(b => b.Kind == BlockKind.Code).Select(b => b.Text).ToList();
            list.Add(new SyntaxDoc(heading, isDefault, sub.Line, string.Join("\n", code).Trim()));
        }
        if (list.Count == 0)
        {
            // A cmdlet with one parameter set may give its syntax without a set heading.
            var code = MarkdownText.Blocks(section.Preamble).Where(b => b.Kind == BlockKind.Code).Select(b => b.Text).ToList();
            if (code.Count > 0)
            {
                list.Add(new SyntaxDoc("__AllParameterSets", true, section.Line, string.Join("\n", code).Trim()));
            }
        }
        if (list.Count == 0)
        {
            Error(section.Line, DocProblemCodes.MissingSection, "SYNTAX has no code block.");
        }

        Syntax = list;
    }

    private void ReadExamples(MarkdownSection section)
    {
        var list = new List<ExampleDoc>();
        foreach (var sub in section.Subsections)
        {
            var code = new List<string>();
            var remarks = new List<SourceLine>();
            string? notRun = null;
            var body = sub.Body;
            for (var i = 0; i < body.Count; i++)
            {
                var trimmed = body[i].Text.Trim();
                var marker = System.Text.RegularExpressions.Regex.Match(trimmed, @"^<!--\s*not run:\s*(.+?)\s*-->$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
                if (marker.Success)
                {
                    notRun = marker.Groups[1].Value;
                    continue;
                }
                if (trimmed.StartsWith("```", StringComparison.Ordinal))
                {
                    var language = trimmed.Substring(3).Trim();
                    var lines = new List<string>();
                    for (i++; i < body.Count && body[i].Text.Trim() != "```"; i++)
                    {
                        lines.Add(body[i].Text);
                    }

                    if (language.Length == 0 || language.Equals("powershell", StringComparison.OrdinalIgnoreCase) || language.Equals("pwsh", StringComparison.OrdinalIgnoreCase) || language.Equals("ps1", StringComparison.OrdinalIgnoreCase))
                    {
                        code.Add(string.Join("\n", lines).TrimEnd());
                    }
                    else
                    {
                        remarks.Add(new SourceLine(body[i < body.Count ? i : body.Count - 1].Number, "```" + language));
                        remarks.AddRange(lines.Select(l => new SourceLine(0, l)));
                        remarks.Add(new SourceLine(0, "```"));
                    }
                    continue;
                }
                remarks.Add(body[i]);
            }
            if (code.Count == 0)
            {
                Error(sub.Line, DocProblemCodes.ExampleWithoutCode, $"'### {sub.Heading}' has no ```powershell code block.");
            }
            list.Add(new ExampleDoc(sub.Heading, sub.Line, code, remarks, notRun));
        }
        if (list.Count == 0)
        {
            Error(section.Line, DocProblemCodes.MissingSection, "EXAMPLES has no '### Example 1: …' subsection.");
        }

        Examples = list;
    }

    private void ReadParameters(MarkdownSection section)
    {
        var list = new List<ParameterDoc>();
        foreach (var sub in section.Subsections)
        {
            var heading = sub.Heading.Trim();
            if (!heading.StartsWith('-') || heading.Length < 2 || heading.Contains(' ', StringComparison.Ordinal))
            {
                Error(sub.Line, DocProblemCodes.UnknownParameter, $"'### {heading}' under PARAMETERS must name one parameter: '### -Name'.");
                continue;
            }
            string? metadata = null;
            var metadataLine = 0;
            var description = new List<SourceLine>();
            var body = sub.Body;
            for (var i = 0; i < body.Count; i++)
            {
                var trimmed = body[i].Text.Trim();
                if (metadata is null && trimmed == "```yaml")
                {
                    metadataLine = body[i].Number;
                    var lines = new List<string>();
                    for (i++; i < body.Count && body[i].Text.Trim() != "```"; i++)
                    {
                        lines.Add(body[i].Text.TrimEnd());
                    }

                    metadata = string.Join("\n", lines).Trim();
                    continue;
                }
                description.Add(body[i]);
            }
            list.Add(new ParameterDoc(heading.Substring(1), sub.Line, description, metadata, metadataLine));
        }
        Parameters = list;
    }

    private List<TypeDoc> ReadTypes(MarkdownSection section)
    {
        var list = section.Subsections.Select(s => new TypeDoc(MarkdownText.Inline(s.Heading), s.Line, s.Body)).ToList();
        if (list.Count == 0)
        {
            Error(section.Line, DocProblemCodes.MissingSection, $"{section.Heading} has no '### TypeName' subsection (write '### None' when there is nothing).");
        }
        return list;
    }

    private void ReadLinks(MarkdownSection section)
    {
        var links = new List<LinkDoc>();
        foreach (var line in section.AllLines())
        {
            var m = System.Text.RegularExpressions.Regex.Match(line.Text, @"\[([^\]]+)\]\(([^)\s]+)\)");
            if (m.Success)
            {
                var target = m.Groups[2].Value;
                var web = target.StartsWith("http", StringComparison.OrdinalIgnoreCase);
                links.Add(new LinkDoc(m.Groups[1].Value, web ? target : null));
            }
            else if (line.Text.Trim().TrimStart('-', '*').Trim() is { Length: > 0 } text)
            {
                links.Add(new LinkDoc(MarkdownText.Inline(text), null));
            }
        }
        RelatedLinks = links;
    }

    private static bool HasText(IEnumerable<SourceLine> lines) => lines.Any(l => !string.IsNullOrWhiteSpace(l.Text));

    private void Error(int line, string code, string message) => Problems.Add(DocProblem.Warning(DisplayPath, line, code, message));
}
