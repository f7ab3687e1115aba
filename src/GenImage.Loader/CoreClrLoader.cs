using System.Reflection;
using System.Runtime.Loader;

namespace GenImage.Loader;

/// <summary>
/// PowerShell 7 only. Answers the default AssemblyLoadContext for <c>GenImage.Core</c> alone, by loading it
/// into <see cref="PrivateLoadContext"/>; the engine's own references are then resolved by that context.
/// Kept apart from <see cref="DependencyLoader"/> so .NET Framework never loads the AssemblyLoadContext type.
/// </summary>
internal static class CoreClrLoader
{
    private static PrivateLoadContext? _context;

    internal static void Install(string dependencyDirectory)
    {
        _context = new PrivateLoadContext(dependencyDirectory);
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        if (_context == null || name.Name != DependencyLoader.EngineAssemblyName)
        {
            return null;
        }
        return _context.LoadFromAssemblyName(name);
    }
}
