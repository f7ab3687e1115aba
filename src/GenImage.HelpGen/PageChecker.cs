namespace GenImage.HelpGen;

/// <summary>Compares the cmdlet pages with the cmdlets the module exports.</summary>
public static class PageChecker
{
    public const string UpdateCommand = "dotnet run --project src/GenImage.HelpGen -- update";

    /// <summary>Every problem of every page, and a problem for each cmdlet without a page.</summary>
    public static IReadOnlyList<DocProblem> Check(IReadOnlyList<CmdletPage> pages, IReadOnlyList<CommandModel> commands, string cmdletDocsDisplayPath)
    {
        var problems = new List<DocProblem>();
        foreach (var command in commands)
        {
            var page = pages.FirstOrDefault(p => string.Equals(p.Name, command.Name, StringComparison.OrdinalIgnoreCase));
            if (page is null)
            {
                problems.Add(DocProblem.Warning(Path.Combine(cmdletDocsDisplayPath, command.Name + ".md"), 1, DocProblemCodes.MissingPage,
                    $"{command.Name} is exported but has no page; create it with: {UpdateCommand}"));
                continue;
            }
            problems.AddRange(Check(page, command));
        }
        foreach (var page in pages)
        {
            if (!commands.Any(c => string.Equals(c.Name, page.Name, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add(DocProblem.Warning(page.DisplayPath, page.Document.TitleLine, DocProblemCodes.UnknownCmdlet,
                    $"'{page.Name}' is not a cmdlet the module exports."));
            }
        }
        return problems;
    }

    /// <summary>The page's own layout problems plus what it says wrongly or not at all about <paramref name="command"/>.</summary>
    public static IReadOnlyList<DocProblem> Check(CmdletPage page, CommandModel command)
    {
        var problems = new List<DocProblem>(page.Problems);
        var file = page.DisplayPath;
        if (!string.Equals(page.Name, command.Name, StringComparison.Ordinal))
        {
            problems.Add(DocProblem.Warning(file, page.Document.TitleLine, DocProblemCodes.UnknownCmdlet,
                $"The title '{page.Name}' is not spelled as the cmdlet's name '{command.Name}'."));
        }
        if (page.Syntax.Count > 0 && !GeneratedMetadata.SyntaxMatches(page, command))
        {
            var line = page.Document.Section("SYNTAX")?.Line ?? 1;
            problems.Add(DocProblem.Warning(file, line, DocProblemCodes.StaleMetadata,
                $"SYNTAX differs from the parameter sets of {command.Name}; regenerate it with: {UpdateCommand}"));
        }
        var parametersLine = page.Document.Section("PARAMETERS")?.Line ?? page.Document.TitleLine;
        foreach (var parameter in command.Parameters)
        {
            var doc = page.Parameter(parameter.Name);
            if (doc is null)
            {
                problems.Add(DocProblem.Warning(file, parametersLine, DocProblemCodes.UndocumentedParameter,
                    $"-{parameter.Name} has no '### -{parameter.Name}' section under PARAMETERS (add it with: {UpdateCommand}, then describe it)."));
                continue;
            }
            if (!doc.HasDescription)
            {
                problems.Add(DocProblem.Warning(file, doc.Line, DocProblemCodes.UndocumentedParameter,
                    $"-{parameter.Name} has no description."));
            }
            var expected = GeneratedMetadata.Yaml(parameter, command);
            if (doc.Metadata is null || GeneratedMetadata.Normalize(doc.Metadata) != GeneratedMetadata.Normalize(expected))
            {
                problems.Add(DocProblem.Warning(file, doc.Metadata is null ? doc.Line : doc.MetadataLine, DocProblemCodes.StaleMetadata,
                    $"The metadata block of -{parameter.Name} differs from the cmdlet; regenerate it with: {UpdateCommand}"));
            }
        }
        foreach (var doc in page.Parameters)
        {
            if (command.Parameter(doc.Name) is null)
            {
                problems.Add(DocProblem.Warning(file, doc.Line, DocProblemCodes.UnknownParameter,
                    $"'### -{doc.Name}' names no parameter of {command.Name}" +
                    (CommandModel.CommonParameters.Contains(doc.Name) ? " (common parameters are documented by about_CommonParameters)." : ".")));
            }
        }
        return problems;
    }
}
