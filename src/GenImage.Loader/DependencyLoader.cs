using System;
using System.IO;
using System.Reflection;

namespace GenImage.Loader;

/// <summary>
/// Where the engine and its dependencies come from. The module folder holds only this assembly, the manifest,
/// the format file and help; everything else is in <c>dependencies/</c>, so PowerShell never puts it on its own
/// probing path and another module's copies (Az.Accounts ships older Azure.Core, Azure.Identity and MSAL) are
/// never mixed with ours.
/// <list type="bullet">
/// <item>PowerShell 7 (.NET): the engine loads into a module-private AssemblyLoadContext
/// (<see cref="PrivateLoadContext"/>); the default context is asked only for <c>GenImage.Core</c>.</item>
/// <item>Windows PowerShell 5.1 (.NET Framework): an AppDomain.AssemblyResolve handler loads files from
/// <c>dependencies/</c>. This branch is a few lines on purpose: it is built, but no test runs it here.</item>
/// </list>
/// </summary>
internal static class DependencyLoader
{
    /// <summary>The engine's assembly name: the only name the default context is answered for.</summary>
    internal const string EngineAssemblyName = "GenImage.Core";

    private static readonly object Gate = new object();
    private static bool _installed;

    /// <summary>The module's <c>dependencies</c> folder, beside this assembly.</summary>
    internal static string DependencyDirectory { get; } =
        Path.Combine(Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? ".", "dependencies");

    /// <summary>True on .NET Framework (Windows PowerShell 5.1).</summary>
    internal static bool IsNetFramework { get; } =
        typeof(object).Assembly.GetName().Name == "mscorlib";

    internal static void Install()
    {
        lock (Gate)
        {
            if (_installed)
            {
                return;
            }
            if (IsNetFramework)
            {
                AppDomain.CurrentDomain.AssemblyResolve += ResolveOnNetFramework;
            }
            else
            {
                CoreClrLoader.Install(DependencyDirectory);
            }
            _installed = true;
        }
    }

    internal static void Uninstall()
    {
        // The handlers stay: an engine assembly already loaded cannot be unloaded, and a later
        // Import-Module in this process must find the same engine again.
    }

    // Windows PowerShell 5.1 only (untested here): any assembly that fails to bind and has a file in
    // dependencies/ is loaded from there.
    private static Assembly? ResolveOnNetFramework(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name).Name ?? string.Empty;
        var path = Path.Combine(DependencyDirectory, name + ".dll");
        return File.Exists(path) ? Assembly.LoadFrom(path) : null;
    }
}
