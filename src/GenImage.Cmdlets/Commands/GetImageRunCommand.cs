using System;
using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Recipes;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Lists the recipe runs kept in a run store (a folder or a blob container): status, recipe, version, started, last heartbeat and owner of each.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ImageRun", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ImageRun))]
public sealed class GetImageRunCommand : GenImageCmdlet
{
    private const string PathSet = "Path";
    private const string StoreSet = "Store";

    /// <summary>
    /// The runs folder (a recipe's spec.evidence.outputPath, or Invoke-ImageRecipe -OutputPath): it holds RECIPE-NAME/RUN-ID/journal.jsonl.
    /// Default: the evidence folder in the current location, where Invoke-ImageRecipe keeps the runs of a recipe in this folder.
    /// </summary>
    [Parameter(Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>
    /// An Azure Blob Storage container that keeps runs (Invoke-ImageRecipe -Store, spec.evidence.store):
    /// https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX], read with the session's sign-in. A URL with a SAS is refused.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = StoreSet)]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <summary>Only the runs of recipes with this name; wildcards allowed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? RecipeName { get; set; }

    /// <summary>Only the newest N runs of each recipe.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Newest { get; set; }

    protected override void ProcessRecord()
    {
        IRunStore store;
        string location;
        try
        {
            if (ParameterSetName == StoreSet)
            {
                if (!RunStores.IsUrl(Store))
                {
                    throw new GenImageException(RunStores.StoreUrlInvalid, GenImageErrorKind.InvalidArgument,
                        "-Store takes the URL of a blob container, https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]; for a folder use -Path.")
                    { Target = "-Store" };
                }
                // Checked before anything else so that an error never repeats a query (a SAS).
                location = RunStores.ParseUrl(Store!, "-Store").ToString().TrimEnd('/');
                store = RunStores.Open(location, RequireConnection());
            }
            else
            {
                location = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path ?? "evidence");
                store = new LocalRunStore(location);
            }
        }
        catch (GenImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, ex.Target));
            return;
        }

        var patterns = RecipeName == null ? null : Array.ConvertAll(RecipeName, n => new WildcardPattern(n, WildcardOptions.IgnoreCase));
        Func<string, bool>? filter = patterns == null ? null : name => Array.Exists(patterns, p => p.IsMatch(name));
        try
        {
            foreach (var run in RunListing.List(store, filter, Newest > 0 ? Newest : (int?)null, ex => WriteItemError(ex, ex.Target ?? location)))
            {
                WriteObject(run);
            }
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, ex.Target ?? location);
        }
    }
}
