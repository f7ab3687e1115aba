using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Forgets this session's GenImage connection.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "GenImage")]
[OutputType(typeof(void))]
public sealed class DisconnectGenImageCommand : GenImageCmdlet
{
    /// <summary>Which connection to forget: Process or Runspace; by default the one this session uses.</summary>
    [Parameter]
    [ValidateSet(SessionConnections.Process, SessionConnections.Runspace, IgnoreCase = true)]
    public string? Scope { get; set; }

    protected override void ProcessRecord()
    {
        if (!SessionConnections.Remove(SessionKey, Scope, RunspaceOnly))
        {
            WriteVerbose("GenImage was not connected in this session; nothing to disconnect.");
            return;
        }
        WriteVerbose("Disconnected: this session no longer holds a GenImage connection.");
    }
}
