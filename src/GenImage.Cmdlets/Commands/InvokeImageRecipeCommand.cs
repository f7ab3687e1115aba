using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Recipes;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Runs an image recipe end to end: readiness, generalize, definition, publish (excluded from latest), validate, promote, evidence, clean-up; journaled and resumable.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ImageRecipe", DefaultParameterSetName = PathSet,
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RecipeRun), typeof(GenImageJob))]
public sealed class InvokeImageRecipeCommand : RecipeInputCmdlet
{
    /// <summary>Continue the recipe's unfinished run from its first unfinished step; finished steps are not repeated.</summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    /// <summary>
    /// Validate the published version of the newest run again — one that ended ValidationFailed, or did not finish —
    /// without publishing again: Validate, Promote, Evidence and Cleanup run again. Implies -Resume.
    /// </summary>
    [Parameter]
    public SwitchParameter RetryValidation { get; set; }

    /// <summary>Start a new run although one is unfinished (the unfinished run is marked Abandoned).</summary>
    [Parameter]
    public SwitchParameter NewRun { get; set; }

    /// <summary>Folder for the run (journal and evidence), instead of the recipe's spec.evidence.outputPath.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>
    /// Keep the runs (journal, lease, evidence) in this Azure Blob Storage container instead of a folder:
    /// https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX], reached with the session's sign-in (Storage Blob Data
    /// Contributor on the container). Overrides the recipe's spec.evidence.store and outputPath. A URL with a SAS is refused.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <summary>Skip the confirmation of the irreversible steps (generalize, publish, delete); -WhatIf still holds.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// Plan and confirm here (the run and each irreversible step), then run the recipe in a background job (Get-Job,
    /// Receive-Job, Stop-Job) that uses this session's connection; returns one job per recipe file.
    /// </summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if ((Resume.IsPresent || RetryValidation.IsPresent) && NewRun.IsPresent)
        {
            ThrowTerminatingError(ErrorRecords.Argument("ResumeAndNewRun", "-Resume (and -RetryValidation) continue a run and -NewRun starts another: use one of them.", null));
        }
    }

    protected override void ProcessRecord()
    {
        var files = RecipeFilePaths();
        foreach (var file in files)
        {
            var recipe = RecipeParser.ParseFile(file);
            if (!recipe.IsValid)
            {
                RecipeFiles.WriteDiagnostics(this, recipe);
                continue;
            }
            if (OutputPath != null)
            {
                recipe.Spec.Evidence.OutputPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputPath);
                recipe.Spec.Evidence.Store = null;
            }
            if (Store != null)
            {
                try
                {
                    recipe.Spec.Evidence.Store = RunStores.IsUrl(Store) ? RunStores.ParseUrl(Store, "-Store").ToString().TrimEnd('/') : null;
                }
                catch (GenImageException ex)
                {
                    ThrowTerminatingError(ErrorRecords.From(ex, ex.Target));   // never the URL as given: it may carry a SAS
                }
                if (!RunStores.IsUrl(Store))
                {
                    recipe.Spec.Evidence.OutputPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Store);
                }
            }

            Run(recipe);
        }
    }

    private void Run(ImageRecipe recipe)
    {
        var connection = RequireConnection();
        var options = new RecipeRunOptions { Resume = Resume.IsPresent || RetryValidation.IsPresent, NewRun = NewRun.IsPresent, RetryValidation = RetryValidation.IsPresent };
        RecipePlan plan;
        try
        {
            plan = RunAsync((log, ct) => new RecipeRunner(RecipeEngines.ForConnection(connection), log).PlanAsync(recipe, options, ct));
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, recipe.Path);
            return;
        }

        var confirmed = new HashSet<string>(plan.Steps.Where(s => !s.Irreversible || s.AlreadyDone).Select(s => s.Name), StringComparer.Ordinal);
        // The whole run is one change: confirmed as a whole first (this is where -WhatIf stops it), then each
        // irreversible step once more unless -Force.
        var runAction = $"Run recipe '{recipe.Name}' ({(plan.ResumeJournalPath != null ? "resume " + plan.ResumeJournalPath : "new run")}, version {plan.VersionName})";
        if (!ShouldChange(recipe.Path, runAction, irreversible: false, force: Force.IsPresent, out var whatIf))
        {
            if (whatIf)
            {
                foreach (var step in plan.Steps)
                {
                    ShouldProcess(step.Target, $"{step.Name}: {(step.AlreadyDone ? "already done in the resumed run" : step.Description)}");
                }
            }
            return;
        }
        foreach (var step in plan.Steps.Where(s => s.Irreversible && !s.AlreadyDone))
        {
            if (ShouldChange(step.Target, $"{step.Name}: {step.Description}", irreversible: true, force: Force.IsPresent))
            {
                confirmed.Add(step.Name);
            }
            else
            {
                WriteWarning($"Nothing was done: {step.Name} of recipe '{recipe.Name}' was not confirmed. Run again with -Force (or answer Yes) to carry out the recipe.");
                return;
            }
        }

        CarryOut(AsJob.IsPresent, recipe.Path,
            $"The run is journaled as Stopped where it stopped: Invoke-ImageRecipe -Path '{recipe.Path}' -Resume continues it.",
            output => Execute(output, connection, plan, options, confirmed, recipe));
    }

    /// <summary>Runs the confirmed plan; on the pipeline thread, or in the job (so it reads no parameter).</summary>
    private static void Execute(IOperationOutput output, Core.Connection.GenImageConnection connection, RecipePlan plan, RecipeRunOptions options,
        HashSet<string> confirmed, ImageRecipe recipe)
    {
        var runner = default(RecipeRunner);
        RecipeRun run;
        try
        {
            run = output.Run((log, ct) =>
            {
                runner = new RecipeRunner(RecipeEngines.ForConnection(connection), log);
                return runner.RunAsync(plan, options, confirmed, ct);
            });
        }
        catch (GenImageException ex)
        {
            output.WriteError(ErrorRecords.From(ex, recipe.Path));
            return;
        }

        output.WriteObject(run);
        switch (run.Status)
        {
            case RunStatus.Failed when runner?.Failure != null:
                output.WriteError(ErrorRecords.From(runner.Failure, run));
                break;
            case RunStatus.Blocked:
                output.WriteError(new ErrorRecord(new GenImageException(RecipeErrorIds.ReadinessBlocked, GenImageErrorKind.InvalidOperation, run.Message ?? "Readiness blocked the run."),
                    ErrorRecords.Prefix + RecipeErrorIds.ReadinessBlocked, ErrorCategory.InvalidOperation, run));
                break;
            case RunStatus.ValidationFailed:
                output.WriteError(new ErrorRecord(new GenImageException(RecipeErrorIds.ValidationFailed, GenImageErrorKind.InvalidOperation, run.Message ?? "Validation failed."),
                    ErrorRecords.Prefix + RecipeErrorIds.ValidationFailed, ErrorCategory.InvalidResult, run));
                break;
        }
    }
}
