namespace GenImage.Demo;

/// <summary>Locates the repository and the files the demo and the tests use.</summary>
public static class RepoPaths
{
    /// <summary>The file that marks the repository root.</summary>
    public const string SolutionFileName = "GenImage.Cmdlets.sln";

    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder that contains <c>GenImage.Cmdlets.sln</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">Neither the application folder nor the current directory is inside the repository.</exception>
    public static string Root => LazyRoot.Value;

    /// <summary>The staged module folder, <c>out/GenImage</c>.</summary>
    public static string ModuleDirectory => Path.Combine(Root, "out", "GenImage");

    /// <summary>The staged module manifest, <c>out/GenImage/GenImage.psd1</c>.</summary>
    public static string ModuleManifest => Path.Combine(ModuleDirectory, "GenImage.psd1");

    /// <summary>The folder of example world files, <c>examples/worlds</c>.</summary>
    public static string WorldsDirectory => Path.Combine(Root, "examples", "worlds");

    /// <summary>The quickstart script, <c>examples/quickstart.ps1</c>.</summary>
    public static string Quickstart => Path.Combine(Root, "examples", "quickstart.ps1");

    /// <summary>The recipe quickstart, <c>examples/recipe-quickstart.ps1</c>: a recipe end to end and its evidence report.</summary>
    public static string RecipeQuickstart => Path.Combine(Root, "examples", "recipe-quickstart.ps1");

    /// <summary>
    /// Resolves a world: an existing file path as it is; otherwise a name such as <c>healthy</c> or
    /// <c>healthy.yaml</c> in <c>examples/worlds</c>.
    /// </summary>
    public static string World(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (File.Exists(nameOrPath))
        {
            return Path.GetFullPath(nameOrPath);
        }

        var fromRoot = Path.Combine(Root, nameOrPath);
        if (File.Exists(fromRoot))
        {
            return Path.GetFullPath(fromRoot);
        }

        var file = nameOrPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || nameOrPath.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            ? nameOrPath
            : nameOrPath + ".yaml";
        return Path.Combine(WorldsDirectory, file);
    }

    /// <summary>Searches upwards from <paramref name="start"/> for the folder holding the solution file.</summary>
    public static string? FindRootFrom(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            var root = FindRootFrom(start);
            if (root is not null)
            {
                return root;
            }
        }
        throw new DirectoryNotFoundException(
            $"Cannot find the GenImage repository: no folder above '{AppContext.BaseDirectory}' or " +
            $"'{Directory.GetCurrentDirectory()}' contains {SolutionFileName}.");
    }
}
