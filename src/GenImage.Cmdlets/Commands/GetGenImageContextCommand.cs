using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Shows the session's GenImage connection: environment, subscription, account. Never a token.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "GenImageContext")]
[OutputType(typeof(GenImageContext))]
public sealed class GetGenImageContextCommand : GenImageCmdlet
{
    protected override void ProcessRecord()
    {
        var connection = CurrentConnection;
        if (connection == null)
        {
            WriteVerbose("GenImage is not connected in this session. Run Connect-GenImage.");
            return;
        }
        WriteObject(connection.Context);
    }
}
