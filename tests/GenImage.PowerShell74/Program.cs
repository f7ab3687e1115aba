using System.Management.Automation.Runspaces;
using Microsoft.PowerShell;

namespace GenImage.PowerShell74;

/// <summary>pwsh, as PowerShell 7.4 on .NET 8: the same console host and command line (-NoProfile, -File, -Command).</summary>
internal static class Program
{
    private static int Main(string[] args) =>
        ConsoleShell.Start(InitialSessionState.CreateDefault2(), bannerText: string.Empty, helpText: string.Empty, args);
}
