using System.Text;

namespace GenImage.HelpGen;

/// <summary>
/// The parts of a cmdlet page that are copied from the cmdlet itself: the SYNTAX blocks and the
/// <c>```yaml</c> block of each parameter. They are generated (never hand-written) and checked, so the
/// pages cannot drift from the code.
/// </summary>
public static class GeneratedMetadata
{
    /// <summary>The yaml block of one parameter, platyPS style.</summary>
    public static string Yaml(ParameterModel p, CommandModel command)
    {
        var sb = new StringBuilder();
        sb.Append("Type: ").Append(p.TypeName).Append('\n');
        sb.Append("Parameter Sets: ").Append(p.InAllSets || command.Sets.Count == 1 ? "(All)" : string.Join(", ", p.Sets.Select(s => s.SetName))).Append('\n');
        sb.Append("Aliases:").Append(p.Aliases.Count > 0 ? " " + string.Join(", ", p.Aliases) : string.Empty).Append('\n');
        if (p.ValidValues.Count > 0)
        {
            sb.Append("Accepted values: ").Append(string.Join(", ", p.ValidValues)).Append('\n');
        }

        sb.Append('\n');
        sb.Append("Required: ").Append(PerSet(p, command, s => s.Mandatory ? "True" : "False")).Append('\n');
        sb.Append("Position: ").Append(PerSet(p, command, s => s.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "Named")).Append('\n');
        sb.Append("Default value: ").Append(p.DefaultValue).Append('\n');
        sb.Append("Accept pipeline input: ").Append(p.PipelineInput).Append('\n');
        sb.Append("Accept wildcard characters: ").Append(p.SupportsWildcards ? "True" : "False");
        return sb.ToString();
    }

    /// <summary>The SYNTAX section's body: one <c>### Set</c> with a code block per parameter set.</summary>
    public static string SyntaxSection(CommandModel command)
    {
        var sb = new StringBuilder();
        var single = command.Sets.Count == 1;
        foreach (var set in command.Sets)
        {
            if (!single || set.Name != "__AllParameterSets")
            {
                sb.Append("### ").Append(set.Name).Append(set.IsDefault && !single ? " (Default)" : string.Empty).Append("\n\n");
            }
            sb.Append("```\n").Append(set.Syntax).Append("\n```\n\n");
        }
        return sb.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>True when the page's SYNTAX blocks say what the cmdlet's parameter sets say.</summary>
    public static bool SyntaxMatches(CmdletPage page, CommandModel command)
    {
        if (page.Syntax.Count != command.Sets.Count)
        {
            return false;
        }

        var expected = command.Sets.ToDictionary(s => s.Name, s => Normalize(s.Syntax), StringComparer.Ordinal);
        var single = command.Sets.Count == 1;
        foreach (var doc in page.Syntax)
        {
            var name = single && doc.SetName == "__AllParameterSets" ? command.Sets[0].Name : doc.SetName;
            if (!expected.TryGetValue(name, out var syntax) || syntax != Normalize(doc.Text))
            {
                return false;
            }

            var isDefault = command.Sets.First(s => s.Name == name).IsDefault;
            if (!single && doc.IsDefault != isDefault)
            {
                return false;
            }
        }
        return true;
    }

    private static readonly char[] Whitespace = [' ', '\t', '\r', '\n'];

    public static string Normalize(string text) =>
        string.Join(" ", text.Split(Whitespace, StringSplitOptions.RemoveEmptyEntries));

    private static string PerSet(ParameterModel p, CommandModel command, Func<ParameterSetUse, string> value)
    {
        var values = p.Sets.Select(value).Distinct().ToList();
        if (values.Count == 1)
        {
            return values[0];
        }

        return string.Join(", ", p.Sets.Select(s => $"{value(s)} ({s.SetName})"));
    }
}
