namespace GenImage.HelpGen;

/// <summary>
/// <code>
/// GenImage.HelpGen generate --module out/GenImage/GenImage.psd1 [--docs docs] [--out out/GenImage/en-US] [--online-base URL] [--strict]
/// GenImage.HelpGen update   [--module …] [--docs …]     regenerate SYNTAX and parameter metadata in the pages
/// GenImage.HelpGen check    [--module …] [--docs …]     list what the pages lack or say wrongly; exit 1 when anything
/// </code>
/// Problems are printed as <c>FILE(LINE): warning GIHELPnnn: message</c>, which MSBuild and editors show.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine("usage: GenImage.HelpGen generate|update|check [--module PSD1] [--docs DIR] [--out DIR] [--online-base URL] [--strict]");
            return args.Length == 0 ? 2 : 0;
        }

        var verb = args[0];
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var flags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--strict")
            {
                flags.Add("strict");
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                options[args[i].Substring(2)] = args[++i];
            }
            else
            {
                Console.Error.WriteLine($"GenImage.HelpGen: unknown argument '{args[i]}'.");
                return 2;
            }
        }

        var root = FindRepoRoot() ?? Directory.GetCurrentDirectory();
        var docs = options.GetValueOrDefault("docs") ?? Path.Combine(root, "docs");
        var module = options.GetValueOrDefault("module") ?? Path.Combine(root, "out", "GenImage", "GenImage.psd1");
        var output = options.GetValueOrDefault("out") ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(module))!, "en-US");
        var builder = new HelpBuilder(docs, root);

        if (!File.Exists(module))
        {
            Console.Error.WriteLine($"GenImage.HelpGen: error GIHELP000: the module manifest '{module}' does not exist; build GenImage.Cmdlets first.");
            return 1;
        }

        IReadOnlyList<CommandModel> commands;
        try
        {
            commands = CommandModel.LoadModule(module);
        }
        catch (Exception ex) when (ex is System.Management.Automation.RuntimeException or InvalidOperationException or IOException)
        {
            Console.Error.WriteLine($"GenImage.HelpGen: error GIHELP000: importing '{module}' failed: {ex.Message}");
            return 1;
        }

        switch (verb)
        {
            case "generate":
            {
                var problems = builder.Generate(commands, output, options.GetValueOrDefault("online-base"));
                foreach (var p in problems)
                {
                    Console.WriteLine(p);
                }

                Console.WriteLine($"GenImage.HelpGen: help for {commands.Count} cmdlets written to {output}");
                return flags.Contains("strict") && problems.Count > 0 ? 1 : 0;
            }
            case "update":
            {
                foreach (var file in builder.Update(commands))
                {
                    Console.WriteLine($"updated {file}");
                }

                var problems = builder.Check(commands);
                foreach (var p in problems)
                {
                    Console.WriteLine(p);
                }

                return 0;
            }
            case "check":
            {
                var problems = builder.Check(commands);
                foreach (var p in problems)
                {
                    Console.WriteLine(p);
                }

                Console.WriteLine(problems.Count == 0 ? "GenImage.HelpGen: the docs cover every cmdlet and parameter." : $"GenImage.HelpGen: {problems.Count} problem(s).");
                return problems.Count == 0 ? 0 : 1;
            }
            default:
                Console.Error.WriteLine($"GenImage.HelpGen: unknown command '{verb}'; use generate, update or check.");
                return 2;
        }
    }

    private static string? FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "GenImage.Cmdlets.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }
}
