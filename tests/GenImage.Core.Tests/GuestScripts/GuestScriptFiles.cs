namespace GenImage.Core.Tests.GuestScripts;

/// <summary>Finds the guest script sources and this folder's test data from the test's output directory.</summary>
internal static class GuestScriptFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "src", "GenImage.Core", "GuestScripts")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Could not find the repository root (src/GenImage.Core/GuestScripts) above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => Root.Value;

    public static string Source(string fileName) => Path.Combine(RepoRoot, "src", "GenImage.Core", "GuestScripts", fileName);

    public static string TestData(string fileName) =>
        Path.Combine(RepoRoot, "tests", "GenImage.Core.Tests", "GuestScripts", "TestData", fileName);

    /// <summary>The first of the given programs that exists, or null.</summary>
    public static string? FindProgram(params string[] candidates) => candidates.FirstOrDefault(File.Exists);
}
