using System;
using System.IO;
using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Diagnosis;
using GenImage.Core.Errors;
using GenImage.Core.Vm;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Diagnoses why a VM did not boot: a GI7xxx diagnosis with explanation and fix (or "no failure found" with what was checked), its provisioning and agent state, the serial-log lines that prove it, and the image it came from with how that image was made and validated. Read-only.</para>
/// <para type="description">Works on any VM, not only validation VMs. With -ScreenshotPath saves the boot screenshot as PNG; with -OutputPath writes a bundle (diagnosis.json, report.md, attachments, SHA256SUMS). Sources that cannot be read are reported as gaps.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmBootDiagnosis", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(VmBootDiagnosis))]
public sealed class GetVmBootDiagnosisCommand : GenImageCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByIdSet = "ById";

    /// <summary>The VM's resource group.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    /// <summary>The VM's name.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByNameSet)]
    [Alias("VMName")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>The VM's resource id; takes the Id of Get-SourceVm output (or of any object with an Id) from the pipeline.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [Alias("ResourceId", "VmId")]
    [ValidateNotNullOrEmpty]
    public string? Id { get; set; }

    /// <summary>Save the boot screenshot here as PNG. A folder (existing, or with VMs from the pipeline) gets VMNAME.png.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ScreenshotPath { get; set; }

    /// <summary>Write the diagnosis bundle to this folder (with VMs from the pipeline: to a subfolder per VM).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>Hours of Activity Log before the failure to include (default 24; one hour after it is always included).</summary>
    [Parameter]
    [ValidateRange(1, 2160)]
    public int ActivityLogWindowHours { get; set; } = 24;

    /// <summary>How many of the serial log's last lines to return (default 30).</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int SerialLogTail { get; set; } = 30;

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        string vmId;
        try
        {
            vmId = ParameterSetName == ByIdSet
                ? Id!
                : ResourceIds.VirtualMachine(connection.SubscriptionId, ResourceGroupName!, Name!);
            ResourceIds.ValidateVirtualMachine(vmId);
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, Id ?? Name);
            return;
        }

        var piped = MyInvocation.ExpectingInput;
        var screenshot = ScreenshotPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ScreenshotPath);
        var output = OutputPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputPath);
        var bundle = output == null ? null : piped ? Path.Combine(output, vmId.Substring(vmId.LastIndexOf('/') + 1)) : output;
        var request = new BootDiagnosisRequest
        {
            VmId = vmId,
            // With a bundle, the whole serial log streams straight into it, once; memory keeps the tail and matched lines.
            SerialLogPath = bundle == null ? null : DiagnosisBundleWriter.SerialLogPath(bundle),
            Screenshot = screenshot != null || output != null,
            SerialLogTailLines = SerialLogTail,
            ActivityLogWindow = TimeSpan.FromHours(ActivityLogWindowHours),
            DiagnosedBy = connection.Context.Account,
        };

        try
        {
            var outcome = RunAsync(async (log, ct) =>
            {
                var result = await new VmBootDiagnoser(new ArmBootDiagnosisSource(connection), log).DiagnoseAsync(request, ct).ConfigureAwait(false);
                var d = result.Diagnosis;
                if (screenshot != null && result.Screenshot != null)
                {
                    var path = piped || Directory.Exists(screenshot) ? Path.Combine(screenshot, d.Name + ".png") : screenshot;
                    d.BootDiagnostics.ScreenshotPath = DiagnosisBundleWriter.SaveScreenshot(result.Screenshot, path);
                    log.Verbose($"Screenshot of {d.Name} saved to {d.BootDiagnostics.ScreenshotPath}.");
                }
                if (bundle != null)
                {
                    DiagnosisBundleWriter.Write(result, bundle);
                    log.Verbose($"Boot diagnosis bundle of {d.Name} written to {d.BundlePath}.");
                }
                return result;
            }, target: output ?? screenshot ?? vmId);
            var diagnosis = outcome.Diagnosis;
            if (screenshot != null && outcome.Screenshot == null)
            {
                WriteWarning($"No screenshot of {diagnosis.Name} to save: {diagnosis.BootDiagnostics.Gap ?? "the screenshot blob is not there"}");
            }
            foreach (var gap in diagnosis.Gaps)
            {
                WriteVerbose($"Boot diagnosis gap: {gap}");
            }

            WriteObject(diagnosis);
        }
        catch (GenImageException ex)
        {
            // A screenshot or bundle that cannot be written arrives here as GenImage.DiskFull, PathNotFound, … naming the path.
            WriteItemError(ex, ex.Target ?? vmId);
        }
    }
}
