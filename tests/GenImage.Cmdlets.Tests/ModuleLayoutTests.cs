using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// The staged module keeps its dependencies private: the assemblies PowerShell loads into its own (default)
/// context reference nothing that another module (Az.Accounts) or an older runtime (PowerShell 7.4 on .NET 8)
/// could hold in a different version. Read from the files' metadata, without loading them.
/// </summary>
public sealed class ModuleLayoutTests
{
    private static string Staged(string file) => Path.Combine(RepoPaths.ModuleDirectory, file);

    private static string[] AssemblyReferences(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences
            .Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name))
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToArray();
    }

    [Fact]
    public void The_cmdlet_assembly_references_only_PowerShell_the_runtime_and_the_engine()
    {
        var references = AssemblyReferences(Staged("GenImage.Cmdlets.dll"));

        // Azure.*, Microsoft.Identity.*, YamlDotNet, System.Text.Json, System.ClientModel, ... would bind in the
        // default context, beside (or instead of) another module's copies.
        Assert.Equal(new[] { "GenImage.Core", "System.Management.Automation", "netstandard" }, references);
    }

    [Fact]
    public void The_loader_references_only_PowerShell_and_the_runtime()
    {
        var references = AssemblyReferences(Staged("GenImage.Loader.dll"));

        Assert.All(references, name => Assert.Contains(name, new[] { "netstandard", "System.Management.Automation", "System.Runtime.Loader" }));
    }

    [Fact]
    public void Only_the_manifest_format_file_help_and_the_two_module_assemblies_sit_at_the_top()
    {
        var topDlls = Directory.GetFiles(RepoPaths.ModuleDirectory, "*.dll")
            .Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;

        Assert.Equal(new[] { "GenImage.Cmdlets.dll", "GenImage.Loader.dll" }, topDlls);
        Assert.True(File.Exists(Path.Combine(RepoPaths.ModuleDirectory, "dependencies", "GenImage.Core.dll")), "The engine is not in dependencies/.");
        Assert.True(File.Exists(Path.Combine(RepoPaths.ModuleDirectory, "dependencies", "Azure.Core.dll")), "Azure.Core is not in dependencies/.");
    }

    [Theory]
    [InlineData("Azure.Storage.Blobs.dll")]
    [InlineData("Azure.Storage.Common.dll")]
    [InlineData("System.IO.Hashing.dll")]
    public void The_blob_run_store_s_assemblies_are_private_dependencies(string file)
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.ModuleDirectory, "dependencies", file)), $"{file} is not in dependencies/.");
        Assert.False(File.Exists(Path.Combine(RepoPaths.ModuleDirectory, file)), $"{file} sits at the top, where PowerShell's own context would load it.");
    }

    [Fact]
    public void The_engine_loads_into_the_module_private_context()
    {
        using var session = ScriptRunner.Open();
        var r = session.Run("""
            $null = Get-Command -Module GenImage   # binds the cmdlet types, which need the engine
            $rule = @(Get-ImageReadinessRule)[0]   # an engine object
            $engine = $rule.GetType().Assembly
            '{0}|{1}' -f $engine.GetName().Name, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).GetType().FullName
            """);

        Assert.True(r.Succeeded, r.Describe());
        var output = r.Output.Select(o => o.ToString()).ToArray();
        Assert.Contains("GenImage.Core|GenImage.Loader.PrivateLoadContext", output);
    }
}
