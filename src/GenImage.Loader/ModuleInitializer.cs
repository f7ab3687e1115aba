using System.Management.Automation;

namespace GenImage.Loader;

/// <summary>
/// Runs when PowerShell imports the module, before any cmdlet runs: makes the engine
/// (<c>GenImage.Core</c>) and its dependencies loadable from the module's <c>dependencies</c> folder.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <inheritdoc/>
    public void OnImport() => DependencyLoader.Install();

    /// <inheritdoc/>
    public void OnRemove(PSModuleInfo psModuleInfo) => DependencyLoader.Uninstall();
}
