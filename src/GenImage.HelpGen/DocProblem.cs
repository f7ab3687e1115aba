namespace GenImage.HelpGen;

/// <summary>
/// A problem in a docs page, printed in the canonical format MSBuild and editors understand:
/// <c>docs/cmdlets/X.md(12): error GIHELP002: message</c>.
/// </summary>
public sealed record DocProblem(string File, int Line, string Code, string Message, bool IsError)
{
    public override string ToString() =>
        $"{File}({Math.Max(Line, 1)}): {(IsError ? "error" : "warning")} {Code}: {Message}";

    public static DocProblem Error(string file, int line, string code, string message) => new(file, line, code, message, true);

    public static DocProblem Warning(string file, int line, string code, string message) => new(file, line, code, message, false);
}

/// <summary>The problem codes, so that tests and readers can tell them apart.</summary>
public static class DocProblemCodes
{
    /// <summary>The page's title is not the cmdlet's name, or a page exists for a cmdlet the module does not export.</summary>
    public const string UnknownCmdlet = "GIHELP001";

    /// <summary>A required section (SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS) is missing or empty.</summary>
    public const string MissingSection = "GIHELP002";

    /// <summary>A <c>##</c> heading that is not one of the sections of the layout.</summary>
    public const string UnknownSection = "GIHELP003";

    /// <summary>A parameter of the cmdlet has no <c>### -Name</c> section, or that section has no description.</summary>
    public const string UndocumentedParameter = "GIHELP004";

    /// <summary>A <c>### -Name</c> section names no parameter of the cmdlet.</summary>
    public const string UnknownParameter = "GIHELP005";

    /// <summary>The SYNTAX blocks or a parameter's metadata block differ from the cmdlet (run the update command).</summary>
    public const string StaleMetadata = "GIHELP006";

    /// <summary>An example has no PowerShell code block.</summary>
    public const string ExampleWithoutCode = "GIHELP007";

    /// <summary>An exported cmdlet has no page.</summary>
    public const string MissingPage = "GIHELP008";

    /// <summary>An about topic's source is malformed (no title, no short description).</summary>
    public const string BadAboutTopic = "GIHELP009";
}
