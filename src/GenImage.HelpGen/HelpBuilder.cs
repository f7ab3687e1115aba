using System.Text;

namespace GenImage.HelpGen;

/// <summary>
/// Where the help comes from and where it goes: <c>docs/cmdlets/*.md</c> become
/// <c>en-US/GenImage.Cmdlets.dll-Help.xml</c>; <c>docs/about/about_*.md</c> become <c>en-US/about_*.help.txt</c>,
/// and the readiness rules topic also takes every <c>docs/rules/GI*.md</c>.
/// </summary>
public sealed class HelpBuilder
{
    public const string HelpFileName = "GenImage.Cmdlets.dll-Help.xml";
    public const string RulesTopic = "about_GenImage_Readiness_Rules";

    public HelpBuilder(string docsRoot, string? repoRoot = null)
    {
        DocsRoot = Path.GetFullPath(docsRoot);
        RepoRoot = repoRoot is null ? Path.GetDirectoryName(DocsRoot)! : Path.GetFullPath(repoRoot);
    }

    public string DocsRoot { get; }

    public string RepoRoot { get; }

    public string CmdletDocs => Path.Combine(DocsRoot, "cmdlets");

    public string AboutDocs => Path.Combine(DocsRoot, "about");

    public string RuleDocs => Path.Combine(DocsRoot, "rules");

    /// <summary>A path as problems show it: relative to the repository.</summary>
    public string Display(string path) => Path.GetRelativePath(RepoRoot, path).Replace('\\', '/');

    public IReadOnlyList<CmdletPage> LoadCmdletPages() =>
        Directory.Exists(CmdletDocs)
            ? Directory.GetFiles(CmdletDocs, "*.md").OrderBy(f => f, StringComparer.Ordinal).Select(f => CmdletPage.Load(f, Display(f))).ToList()
            : new List<CmdletPage>();

    /// <summary>The page of one cmdlet, or null.</summary>
    public CmdletPage? LoadCmdletPage(string cmdlet)
    {
        var path = Path.Combine(CmdletDocs, cmdlet + ".md");
        return File.Exists(path) ? CmdletPage.Load(path, Display(path)) : null;
    }

    /// <summary>Writes the MAML help and the about topics to <paramref name="outputDirectory"/> (the culture folder).</summary>
    public IReadOnlyList<DocProblem> Generate(IReadOnlyList<CommandModel> commands, string outputDirectory, string? onlineBase)
    {
        var pages = LoadCmdletPages();
        var problems = new List<DocProblem>(PageChecker.Check(pages, commands, Display(CmdletDocs)));

        Directory.CreateDirectory(outputDirectory);
        var maml = MamlWriter.Build(commands, pages, onlineBase is null ? null : name => onlineBase.TrimEnd('/') + "/" + name + ".md");
        MamlWriter.Save(maml, Path.Combine(outputDirectory, HelpFileName));

        foreach (var (name, text) in AboutTopics(problems))
        {
            File.WriteAllText(Path.Combine(outputDirectory, name + ".help.txt"), text, new UTF8Encoding(false));
        }
        return problems;
    }

    /// <summary>Every problem of the docs against the module's cmdlets, without writing anything.</summary>
    public IReadOnlyList<DocProblem> Check(IReadOnlyList<CommandModel> commands)
    {
        var problems = new List<DocProblem>(PageChecker.Check(LoadCmdletPages(), commands, Display(CmdletDocs)));
        _ = AboutTopics(problems).ToList();
        return problems;
    }

    /// <summary>Regenerates the SYNTAX and parameter metadata of every page; creates pages for cmdlets without one. Returns the files changed.</summary>
    public IReadOnlyList<string> Update(IReadOnlyList<CommandModel> commands)
    {
        var changed = new List<string>();
        Directory.CreateDirectory(CmdletDocs);
        foreach (var command in commands)
        {
            var path = Path.Combine(CmdletDocs, command.Name + ".md");
            var before = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
            var after = before.Length == 0
                ? PageUpdater.NewPage(command)
                : PageUpdater.Update(CmdletPage.Parse(Display(path), before), command, before);
            if (after != before)
            {
                File.WriteAllText(path, after, new UTF8Encoding(false));
                changed.Add(Display(path));
            }
        }
        return changed;
    }

    /// <summary>The about topics: name and text.</summary>
    public IEnumerable<(string Name, string Text)> AboutTopics(List<DocProblem> problems)
    {
        if (!Directory.Exists(AboutDocs))
        {
            yield break;
        }

        foreach (var file in Directory.GetFiles(AboutDocs, "about_*.md").OrderBy(f => f, StringComparer.Ordinal))
        {
            var page = MarkdownDocument.Load(file);
            var text = AboutTopicWriter.FromPage(page, problems, Display(file));
            var name = page.Title ?? Path.GetFileNameWithoutExtension(file);
            if (string.Equals(name, RulesTopic, StringComparison.OrdinalIgnoreCase))
            {
                text = text.TrimEnd('\n') + "\n\n" + RulesSection();
            }
            yield return (name, text);
        }
    }

    /// <summary>The RULES section of the readiness topic: every rule page's facts and its inspects/why/fix/skip text.</summary>
    private string RulesSection()
    {
        var sb = new StringBuilder("RULES\n");
        if (!Directory.Exists(RuleDocs))
        {
            return sb.ToString();
        }

        foreach (var file in Directory.GetFiles(RuleDocs, "GI*.md").OrderBy(f => f, StringComparer.Ordinal))
        {
            var rule = MarkdownDocument.Load(file);
            var title = MarkdownText.Inline(rule.Title ?? Path.GetFileNameWithoutExtension(file));
            sb.Append("    ").Append(title).Append('\n');
            sb.Append("    ").Append(new string('-', Math.Min(title.Length, AboutTopicWriter.Width - 4))).Append('\n');
            var facts = MarkdownText.Blocks(rule.Preamble).FirstOrDefault(b => b.Kind == BlockKind.Table);
            if (facts is not null)
            {
                var line = string.Join(". ", facts.Rows.Where(r => r.Length >= 2 && r[0].Length > 0).Select(r => $"{r[0]}: {r[1]}")) + ".";
                foreach (var wrapped in MarkdownText.Wrap(line, AboutTopicWriter.Width, "        "))
                {
                    sb.Append(wrapped).Append('\n');
                }

                sb.Append('\n');
            }
            foreach (var heading in new[] { "What it inspects", "Why it matters", "How to fix it", "When it is skipped" })
            {
                var section = rule.Section(heading);
                if (section is null)
                {
                    continue;
                }

                sb.Append("        ").Append(heading).Append(":\n");
                AboutTopicWriter.AppendBody(sb, section.AllLines(), "        ");
            }
        }
        return sb.ToString().TrimEnd('\n') + "\n";
    }
}
