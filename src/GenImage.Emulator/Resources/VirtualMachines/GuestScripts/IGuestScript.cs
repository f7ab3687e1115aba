using GenImage.Emulator.State;

namespace GenImage.Emulator.Resources.VirtualMachines.GuestScripts;

/// <summary>
/// A guest script the emulator recognises by its marker line (<c># genimage-script: NAME/VERSION</c>) and answers
/// as a real guest would. Add a class and register it in <see cref="GuestScriptCatalog"/> to support another script.
/// </summary>
internal interface IGuestScript
{
    /// <summary>The NAME in the marker line.</summary>
    string Name { get; }

    /// <summary>The guest OS the script is written for (Windows or Linux).</summary>
    string OsType { get; }

    /// <summary>How long Run Command takes with this script, in Azure seconds.</summary>
    double AzureSeconds { get; }

    /// <summary>Runs the script when the Run Command completes (under the world lock) and applies its effects.</summary>
    GuestScriptOutput Run(GuestScriptContext context);
}

internal sealed record GuestScriptContext(VirtualMachineState Vm, string Version, DateTimeOffset Now, WorldStore Store);

/// <summary>What the script printed, and how it ended (<c>succeeded</c> / <c>failed</c>) for the VM's script history.</summary>
internal sealed record GuestScriptOutput(string StdOut, string StdErr, string Status);
