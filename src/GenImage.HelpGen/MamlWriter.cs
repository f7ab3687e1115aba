using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace GenImage.HelpGen;

/// <summary>
/// Writes external MAML help (<c>GenImage.Cmdlets.dll-Help.xml</c>): the text comes from the cmdlet pages,
/// the syntax and the parameters' attributes from the cmdlets themselves.
/// </summary>
public static class MamlWriter
{
    private static readonly XNamespace MshNs = "http://msh";
    private static readonly XNamespace MamlNs = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace CommandNs = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace DevNs = "http://schemas.microsoft.com/maml/dev/2004/10";
    private static readonly XNamespace MsHelpNs = "http://msdn.microsoft.com/mshelp";

    /// <summary>Width at which tables in the help text are laid out.</summary>
    private const int TableWidth = 100;

    /// <summary>
    /// The MAML document for <paramref name="commands"/>. A command without a page gets its syntax only.
    /// <paramref name="onlineUri"/> turns a cmdlet name into the address of its page (for <c>Get-Help -Online</c>).
    /// </summary>
    public static XDocument Build(IReadOnlyList<CommandModel> commands, IReadOnlyList<CmdletPage> pages, Func<string, string?>? onlineUri = null)
    {
        var root = new XElement(MshNs + "helpItems", new XAttribute("schema", "maml"));
        foreach (var command in commands)
        {
            var page = pages.FirstOrDefault(p => string.Equals(p.Name, command.Name, StringComparison.OrdinalIgnoreCase));
            root.Add(Command(command, page, onlineUri?.Invoke(command.Name)));
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    public static void Save(XDocument document, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using var writer = XmlWriter.Create(path, settings);
        document.Save(writer);
    }

    private static XElement Command(CommandModel command, CmdletPage? page, string? onlineUri)
    {
        var element = new XElement(CommandNs + "command",
            new XAttribute(XNamespace.Xmlns + "maml", MamlNs),
            new XAttribute(XNamespace.Xmlns + "command", CommandNs),
            new XAttribute(XNamespace.Xmlns + "dev", DevNs),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MsHelpNs),
            new XElement(CommandNs + "details",
                new XElement(CommandNs + "name", command.Name),
                new XElement(CommandNs + "verb", command.Verb),
                new XElement(CommandNs + "noun", command.Noun),
                new XElement(MamlNs + "description", Paras(page?.Synopsis))),
            new XElement(MamlNs + "description", Paras(page?.Description)),
            Syntax(command, page),
            new XElement(CommandNs + "parameters", command.Parameters.Select(p => Parameter(p, page, setName: null))),
            new XElement(CommandNs + "inputTypes", (page?.Inputs ?? Array.Empty<TypeDoc>()).Select(t => TypeElement("inputType", t))),
            new XElement(CommandNs + "returnValues", (page?.Outputs ?? Array.Empty<TypeDoc>()).Select(t => TypeElement("returnValue", t))),
            new XElement(MamlNs + "alertSet", new XElement(MamlNs + "alert", Paras(page?.Notes))),
            new XElement(CommandNs + "examples", (page?.Examples ?? Array.Empty<ExampleDoc>()).Select((e, i) => Example(e, i))),
            RelatedLinks(page, onlineUri));
        return element;
    }

    private static XElement Syntax(CommandModel command, CmdletPage? page)
    {
        var syntax = new XElement(CommandNs + "syntax");
        // The default set first, as Get-Command -Syntax lists it.
        foreach (var set in command.Sets.OrderBy(s => s.IsDefault ? 0 : 1))
        {
            var item = new XElement(CommandNs + "syntaxItem", new XElement(MamlNs + "name", command.Name));
            foreach (var name in set.ParameterNames)
            {
                var parameter = command.Parameter(name);
                if (parameter is not null)
                {
                    item.Add(Parameter(parameter, page, set.Name));
                }
            }
            syntax.Add(item);
        }
        return syntax;
    }

    private static XElement Parameter(ParameterModel p, CmdletPage? page, string? setName)
    {
        var use = setName is null ? null : p.Sets.FirstOrDefault(s => s.SetName == setName);
        var required = use?.Mandatory ?? p.AnyMandatory;
        var position = use is null ? p.Position : use.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named";
        var pipeline = use is null
            ? p.PipelineInput
            : (use.ByPropertyName, use.ByValue) switch
            {
                (true, true) => "True (ByPropertyName, ByValue)",
                (true, false) => "True (ByPropertyName)",
                (false, true) => "True (ByValue)",
                _ => "False",
            };
        var element = new XElement(CommandNs + "parameter",
            new XAttribute("required", required ? "true" : "false"),
            new XAttribute("variableLength", p.IsArray ? "true" : "false"),
            new XAttribute("globbing", p.SupportsWildcards ? "true" : "false"),
            new XAttribute("pipelineInput", pipeline),
            new XAttribute("position", position.Equals("Named", StringComparison.OrdinalIgnoreCase) ? "named" : position),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(MamlNs + "name", p.Name),
            new XElement(MamlNs + "description", Paras(page?.Parameter(p.Name)?.Description)));
        if (p.ValidValues.Count > 0 && setName is not null)
        {
            element.Add(new XElement(CommandNs + "parameterValueGroup",
                p.ValidValues.Select(v => new XElement(CommandNs + "parameterValue",
                    new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))));
        }
        if (!p.IsSwitch)
        {
            element.Add(new XElement(CommandNs + "parameterValue",
                new XAttribute("required", "true"), new XAttribute("variableLength", p.IsArray ? "true" : "false"), p.TypeName));
        }
        element.Add(new XElement(DevNs + "type", new XElement(MamlNs + "name", p.FullTypeName), new XElement(MamlNs + "uri")));
        element.Add(new XElement(DevNs + "defaultValue", p.DefaultValue));
        return element;
    }

    private static XElement TypeElement(string kind, TypeDoc type) =>
        new(CommandNs + kind,
            new XElement(DevNs + "type", new XElement(MamlNs + "name", type.TypeName)),
            new XElement(MamlNs + "description", Paras(type.Description)));

    private static XElement Example(ExampleDoc example, int index)
    {
        var title = example.Title;
        return new XElement(CommandNs + "example",
            new XElement(MamlNs + "title", $"--------- {title} ---------"),
            new XElement(DevNs + "code", string.Join("\n\n", example.Code)),
            new XElement(DevNs + "remarks", Paras(example.Remarks)));
    }

    private static XElement RelatedLinks(CmdletPage? page, string? onlineUri)
    {
        var links = new XElement(CommandNs + "relatedLinks");
        if (onlineUri is not null)
        {
            links.Add(Link("Online Version:", onlineUri));
        }
        foreach (var link in page?.RelatedLinks ?? Array.Empty<LinkDoc>())
        {
            links.Add(Link(link.Text, link.Uri));
        }
        return links;
    }

    private static XElement Link(string text, string? uri) =>
        new(MamlNs + "navigationLink", new XElement(MamlNs + "linkText", text), new XElement(MamlNs + "uri", uri ?? string.Empty));

    /// <summary>The markdown as <c>maml:para</c> elements: one per paragraph, list item or heading; code and tables keep their lines.</summary>
    private static IEnumerable<XElement> Paras(IEnumerable<SourceLine>? lines)
    {
        if (lines is null)
        {
            return new[] { new XElement(MamlNs + "para") };
        }

        var paras = new List<XElement>();
        foreach (var block in MarkdownText.Blocks(lines))
        {
            var text = block.Kind switch
            {
                BlockKind.Code => string.Join("\n", block.Text.Split('\n').Select(l => "    " + l)),
                BlockKind.Table => string.Join("\n", MarkdownText.TableLines(block.Rows, string.Empty, TableWidth)),
                _ => block.Text,
            };
            paras.Add(new XElement(MamlNs + "para", text));
        }
        return paras.Count == 0 ? new[] { new XElement(MamlNs + "para") } : paras;
    }
}
