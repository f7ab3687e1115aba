using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Logging;

namespace GenImage.Core.Recipes;

/// <summary>Reads a run back from its journal (Get-ImageEvidence -RunPath, a run piped from Invoke-ImageRecipe).</summary>
public static class RunReader
{
    /// <summary>
    /// The run as Invoke-ImageRecipe would have returned it — steps, status, version, findings, validation — from a
    /// journal.jsonl path or its run folder.
    /// </summary>
    public static RecipeRun ReadRun(string journalOrFolder)
    {
        var path = Directory.Exists(journalOrFolder) ? Path.Combine(journalOrFolder, RunJournal.FileName) : journalOrFolder;
        if (!File.Exists(path))
        {
            throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                $"No run journal at {path}. A run folder holds {RunJournal.FileName}.")
            { Target = path };
        }
        if (!string.Equals(Path.GetFileName(path), RunJournal.FileName, StringComparison.Ordinal))
        {
            throw new GenImageException(RecipeErrorIds.JournalUnreadable, GenImageErrorKind.InvalidArgument,
                $"{path} is not a run journal: a run's journal is its folder's {RunJournal.FileName}. Pass the run folder (OUTPUT/RECIPE/RUN-ID) or its {RunJournal.FileName}.")
            { Target = path };
        }
        return ReadRun(RunJournal.Open(path));
    }

    /// <summary>
    /// The journal of a run given as a folder path (or its journal.jsonl), or as the URL of a run in a blob store
    /// (https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]/RECIPE/RUN-ID[/journal.jsonl]), read with the connection's sign-in.
    /// </summary>
    public static RunJournal OpenJournal(string location, Connection.GenImageConnection? connection)
    {
        if (location == null)
        {
            throw new ArgumentNullException(nameof(location));
        }

        if (!RunStores.IsUrl(location))
        {
            var path = Directory.Exists(location) ? Path.Combine(location, RunJournal.FileName) : location;
            if (!File.Exists(path))
            {
                throw new GenImageException(ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound,
                    $"No run journal at {path}. A run folder holds {RunJournal.FileName}.")
                { Target = path };
            }
            return RunJournal.Open(path);
        }

        var url = RunStores.ParseUrl(location, "the run").GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (url.EndsWith("/" + RunJournal.FileName, StringComparison.Ordinal))
        {
            url = url.Substring(0, url.Length - RunJournal.FileName.Length - 1);
        }
        var runCut = url.LastIndexOf('/');
        var recipeCut = runCut > 0 ? url.LastIndexOf('/', runCut - 1) : -1;
        var storeUrl = recipeCut > 0 ? url.Substring(0, recipeCut) : string.Empty;
        if (recipeCut <= 0 || new Uri(storeUrl).AbsolutePath.Trim('/').Length == 0)
        {
            throw new GenImageException(RecipeErrorIds.JournalUnreadable, GenImageErrorKind.InvalidArgument,
                $"'{url}' is not the URL of a run: a run in a blob store is CONTAINER-URL[/PREFIX]/RECIPE-NAME/RUN-ID (or its {RunJournal.FileName}).")
            { Target = url };
        }
        var store = RunStores.Open(storeUrl, connection);
        return RunJournal.Open(store, url.Substring(recipeCut + 1, runCut - recipeCut - 1), url.Substring(runCut + 1));
    }

    /// <summary>The run as Invoke-ImageRecipe would have returned it, from its journal in any store.</summary>
    public static RecipeRun ReadRun(RunJournal journal)
    {
        if (journal == null)
        {
            throw new ArgumentNullException(nameof(journal));
        }

        var path = journal.Path;
        var started = journal.Started ?? throw new GenImageException(RecipeErrorIds.JournalUnreadable, GenImageErrorKind.InvalidData,
            $"The journal {path} has no runStarted line.")
        { Target = path };
        var inputs = started.Inputs ?? new Dictionary<string, string>();
        var plan = new RecipePlan
        {
            Recipe = new ImageRecipe { Path = started.RecipePath ?? string.Empty, ContentSha256 = started.RecipeSha256 ?? string.Empty, Metadata = { Name = started.RecipeName ?? string.Empty } },
            SourceVmId = inputs.TryGetValue("sourceVmId", out var vm) ? vm : string.Empty,
            DefinitionId = inputs.TryGetValue("definitionId", out var def) ? def : string.Empty,
            VersionName = inputs.TryGetValue("versionName", out var ver) ? ver : string.Empty,
        };
        plan.VersionId = plan.DefinitionId + "/versions/" + plan.VersionName;
        var run = new RecipeRun
        {
            RecipeName = started.RecipeName ?? string.Empty,
            RecipePath = started.RecipePath ?? string.Empty,
            RunId = started.RunId ?? string.Empty,
            RunPath = journal.Folder,
            JournalPath = journal.Path,
            SourceVmId = plan.SourceVmId,
            DefinitionId = plan.DefinitionId,
            VersionName = plan.VersionName,
            VersionId = plan.VersionId,
            StartedAt = started.Time,
            Resumed = journal.Events.Any(e => e.Type == JournalEventTypes.RunResumed),
        };
        var context = new RunContext(plan, null!, journal, run, NullLog.Instance, () => DateTimeOffset.UtcNow);
        context.Load();
        var finished = journal.Finished;
        run.Status = finished?.RunStatus ?? RunStatus.Running;
        run.Message = finished?.Message;
        run.EndedAt = finished?.Time;
        return run;
    }

    /// <summary>What to collect evidence about for a run read from its journal.</summary>
    public static EvidenceRequest EvidenceRequestFor(RecipeRun run, ImageRecipe? recipe, RunJournal? journal = null)
    {
        if (run == null)
        {
            throw new ArgumentNullException(nameof(run));
        }

        journal ??= RunJournal.Open(run.JournalPath);
        var finished = journal.FinishedSteps();
        var published = finished.TryGetValue(RecipeSteps.Publish, out var pub) && pub.StepStatus == StepStatus.Succeeded;
        return new EvidenceRequest
        {
            VersionId = published ? run.VersionId : null,
            SourceVmId = run.SourceVmId,
            CorrelationIds = run.Steps.Select(s => s.CorrelationId).Where(c => c != null).Select(c => c!).ToList(),
            Readiness = finished.TryGetValue(RecipeSteps.Readiness, out var r) && r.Findings != null ? r.Findings.ToList() : new List<ReadinessFinding>(),
            Validation = run.Validation.ToList(),
            ValidationExpected = recipe?.Spec.Validation.Enabled ?? finished.ContainsKey(RecipeSteps.Validate),
            Recipe = recipe,
            RunId = run.RunId,
            Steps = run.Steps.ToList(),
            GeneralizeSteps = finished.TryGetValue(RecipeSteps.Generalize, out var g) && g.GeneralizeSteps != null ? g.GeneralizeSteps.ToList() : new List<StepRecord>(),
            GeneralizeCorrelationId = g?.CorrelationId,
            ActivityLogWindow = TimeSpan.FromHours(recipe?.Spec.Evidence.ActivityLogWindowHours ?? 24),
        };
    }
}
