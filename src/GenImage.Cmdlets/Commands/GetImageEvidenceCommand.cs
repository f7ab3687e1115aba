using System;
using System.IO;
using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Gallery;
using GenImage.Core.Recipes;
using GenImage.Core.Vm;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Collects the evidence for an image version, a recipe run or a VM; with -OutputPath writes the audit bundle (evidence.json, report.md, attachments, SHA256SUMS).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ImageEvidence", DefaultParameterSetName = VersionSet)]
[OutputType(typeof(ImageEvidence))]
public sealed class GetImageEvidenceCommand : GenImageCmdlet
{
    private const string VersionSet = "Version";
    private const string RunSet = "Run";
    private const string RunPathSet = "RunPath";
    private const string VmSet = "Vm";

    /// <summary>The gallery image version id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = VersionSet)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string? VersionId { get; set; }

    /// <summary>A run from Invoke-ImageRecipe.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = RunSet)]
    public RecipeRun? InputObject { get; set; }

    /// <summary>A run folder (or its journal.jsonl), or the URL of a run in a blob store; Get-ImageRun output binds by its RunPath.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = RunPathSet)]
    [ValidateNotNullOrEmpty]
    public string? RunPath { get; set; }

    /// <summary>A source VM id (evidence about a VM that may not have been published).</summary>
    [Parameter(Mandatory = true, ParameterSetName = VmSet)]
    [ValidateNotNullOrEmpty]
    public string? VmId { get; set; }

    /// <summary>Write the bundle to this folder and return the evidence with its BundlePath.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>Hours of Activity Log before now to include (default: the recipe's, else 24).</summary>
    [Parameter]
    [ValidateRange(1, 2160)]
    public int ActivityLogWindowHours { get; set; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        EvidenceRequest request;
        RecipeRun? run = null;
        RunJournal? runJournal = null;
        object target;
        try
        {
            switch (ParameterSetName)
            {
                case RunSet:
                case RunPathSet:
                    // A run folder or journal path, or the URL of a run in a blob store (read with this session's sign-in).
                    var journal = ParameterSetName == RunSet ? InputObject!.JournalPath
                        : RunStores.IsUrl(RunPath) ? RunPath! : SessionState.Path.GetUnresolvedProviderPathFromPSPath(RunPath);
                    target = journal;
                    runJournal = RunReader.OpenJournal(journal, connection);
                    run = RunReader.ReadRun(runJournal);
                    ImageRecipe? recipe = null;
                    if (File.Exists(run.RecipePath))
                    {
                        recipe = RecipeParser.ParseFile(run.RecipePath);
                        var started = runJournal.Started;
                        if (!string.Equals(recipe.ContentSha256, started?.RecipeSha256, StringComparison.OrdinalIgnoreCase))
                        {
                            WriteWarning($"The recipe {run.RecipePath} changed since run {run.RunId}; the evidence names the recipe as it is now.");
                        }
                    }
                    request = RunReader.EvidenceRequestFor(run, recipe, runJournal);
                    break;
                case VmSet:
                    target = VmId!;
                    request = new EvidenceRequest { SourceVmId = ResourceIds.RequireVirtualMachine(VmId!) };
                    break;
                default:
                    target = VersionId!;
                    GalleryIds.ParseVersion(VersionId!);
                    request = new EvidenceRequest { VersionId = VersionId };
                    break;
            }
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, ex.Target ?? RunPath ?? (object?)InputObject);
            return;
        }
        catch (Exception ex) when (IoErrors.IsIoFailure(ex))
        {
            var error = IoErrors.Translate(ex, "read the run", RunPath ?? InputObject?.JournalPath ?? string.Empty);
            WriteItemError(error, error.Target);
            return;
        }
        if (ActivityLogWindowHours > 0)
        {
            request.ActivityLogWindow = TimeSpan.FromHours(ActivityLogWindowHours);
        }

        request.CollectedBy = connection.Context.Account;

        try
        {
            var output = OutputPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputPath);
            var evidence = RunAsync(async (log, ct) =>
            {
                var e = await new EvidenceCollector(new ArmEvidenceSource(connection), log).CollectAsync(request, ct).ConfigureAwait(false);
                if (output != null)
                {
                    var recipeText = run != null && File.Exists(run.RecipePath) ? File.ReadAllText(run.RecipePath) : null;
                    var journalText = runJournal?.ReadText();
                    EvidenceBundleWriter.Write(e, output, new EvidenceAttachments { RecipeText = recipeText, JournalText = journalText });
                    log.Verbose($"Evidence bundle written to {output}.");
                }
                return e;
            }, target: output ?? target.ToString());
            foreach (var gap in evidence.Gaps)
            {
                WriteVerbose($"Evidence gap: {gap}");
            }

            WriteObject(evidence);
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, ex.Target ?? target);
        }
    }
}
