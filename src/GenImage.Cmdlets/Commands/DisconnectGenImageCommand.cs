using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Connection;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Forgets this session's GenImage connection.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "GenImage")]
[OutputType(typeof(void))]
public sealed class DisconnectGenImageCommand : GenImageCmdlet
{
    protected override void ProcessRecord()
    {
        if (!ConnectionRegistry.Remove(SessionKey))
        {
            WriteVerbose("GenImage was not connected in this session; nothing to disconnect.");
            return;
        }
        WriteVerbose("Disconnected: this session no longer holds a GenImage connection.");
    }
}
