using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace GenImage.Loader;

/// <summary>
/// The module-private AssemblyLoadContext of the engine and its closure (Azure.*, MSAL, YamlDotNet and the
/// out-of-band System.* packages), loaded from the module's <c>dependencies</c> folder.
/// <para>
/// An assembly that the runtime itself ships (its trusted platform assemblies) is shared with the runtime when
/// the runtime's copy is at least as new as ours: <c>System.Memory</c> or <c>System.Buffers</c> must be the
/// runtime's, or <c>Span&lt;T&gt;</c> would be two types. When ours is newer (System.Text.Json 10 against
/// PowerShell 7.4's .NET 8 copy, System.Diagnostics.DiagnosticSource), ours loads here, privately, so the
/// engine gets the version it was built against on every supported runtime.
/// </para>
/// </summary>
internal sealed class PrivateLoadContext : AssemblyLoadContext
{
    private readonly string _directory;
    private readonly Dictionary<string, string> _platformAssemblies;

    internal PrivateLoadContext(string directory)
    {
        _directory = directory;
        _platformAssemblies = ReadPlatformAssemblies();
    }

    /// <inheritdoc/>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name;
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }
        var path = Path.Combine(_directory, name + ".dll");
        if (!File.Exists(path))
        {
            return null;
        }
        if (_platformAssemblies.TryGetValue(name!, out var platformPath) &&
            VersionOf(platformPath) >= VersionOf(path))
        {
            return null;
        }
        return LoadFromAssemblyPath(path);
    }

    private static Version VersionOf(string path)
    {
        try
        {
            return AssemblyName.GetAssemblyName(path).Version ?? new Version(0, 0);
        }
        catch (Exception ex) when (ex is IOException || ex is BadImageFormatException || ex is UnauthorizedAccessException)
        {
            return new Version(0, 0);
        }
    }

    private static Dictionary<string, string> ReadPlatformAssemblies()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(Path.PathSeparator))
            {
                if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                {
                    map[Path.GetFileNameWithoutExtension(path)] = path;
                }
            }
        }
        return map;
    }
}
