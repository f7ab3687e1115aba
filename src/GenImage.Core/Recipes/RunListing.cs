using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;

namespace GenImage.Core.Recipes;

/// <summary>The runs kept in a run store, read from their journals and the recipes' leases (Get-ImageRun).</summary>
public static class RunListing
{
    /// <summary>
    /// The runs of every recipe in <paramref name="store"/> that <paramref name="recipeFilter"/> accepts (all when null),
    /// newest first within a recipe, at most <paramref name="newest"/> per recipe when set. A journal that cannot be
    /// read is passed to <paramref name="onError"/> and the listing goes on.
    /// </summary>
    public static IEnumerable<ImageRun> List(IRunStore store, Func<string, bool>? recipeFilter = null, int? newest = null, Action<GenImageException>? onError = null)
    {
        if (store == null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        foreach (var recipe in store.ListRecipes())
        {
            if (recipeFilter != null && !recipeFilter(recipe))
            {
                continue;
            }

            var runIds = store.ListRuns(recipe);
            if (runIds.Count == 0)
            {
                continue;
            }

            var lease = ReadLease(store, recipe);
            foreach (var runId in newest is { } n ? runIds.Take(n) : runIds)
            {
                ImageRun? run;
                try
                {
                    run = Read(store, recipe, runId, lease);
                }
                catch (GenImageException ex) when (onError != null)
                {
                    onError(ex);
                    continue;
                }
                if (run != null)
                {
                    yield return run;
                }
            }
        }
    }

    /// <summary>One run from its journal; null when the journal has no runStarted record yet (a run created this instant).</summary>
    public static ImageRun? Read(IRunStore store, string recipeName, string runId, LeaseRecord? lease)
    {
        if (store == null)
        {
            throw new ArgumentNullException(nameof(store));
        }

        var journal = RunJournal.Open(store, recipeName, runId);
        var started = journal.Started;
        if (started == null)
        {
            return null;
        }

        var finished = journal.Finished;
        var inputs = started.Inputs ?? new Dictionary<string, string>();
        var holds = lease != null && string.Equals(lease.RunId, runId, StringComparison.Ordinal);
        var run = new ImageRun
        {
            RecipeName = started.RecipeName ?? recipeName,
            RunId = runId,
            Status = finished?.RunStatus ?? RunStatus.Running,
            Message = finished?.Message,
            VersionName = inputs.TryGetValue("versionName", out var version) ? version : null,
            DefinitionId = inputs.TryGetValue("definitionId", out var definition) ? definition : null,
            Started = started.Time,
            Finished = finished?.Time,
            LastHeartbeat = journal.Events.Max(e => e.Time),
            Owner = started.Principal,
            JournalPath = store.JournalLocation(recipeName, runId),
            RunPath = store is LocalRunStore ? store.RunFolder(recipeName, runId) : store.Location(recipeName) + "/" + runId,
        };
        if (holds)
        {
            run.HoldsLease = true;
            if (lease!.Heartbeat > run.LastHeartbeat)
            {
                run.LastHeartbeat = lease.Heartbeat;
            }

            run.Owner = lease.Owner ?? run.Owner;
            run.Host = lease.Host;
            run.ProcessId = lease.ProcessId;
        }
        return run;
    }

    /// <summary>The recipe's lease as stored; null when there is none or it does not parse (a write cut short).</summary>
    public static LeaseRecord? ReadLease(IRunStore store, string recipeName)
    {
        var raw = store?.ReadLease(recipeName);
        if (raw == null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LeaseRecord>(raw, EvidenceJson.Compact);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
