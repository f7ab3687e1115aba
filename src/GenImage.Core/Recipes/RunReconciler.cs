using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Guest;

namespace GenImage.Core.Recipes;

/// <summary>
/// What -Resume does before any step runs again: it waits for the long-running operations an interrupted attempt
/// left running in Azure (a Run Command still preparing the guest, a delete), records how they ended, then lets each
/// step reconcile what it owns (adopt what exists, delete what is no longer needed), and journals what it did.
/// </summary>
internal static class RunReconciler
{
    public static async Task ReconcileAsync(RunContext run, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        foreach (var step in RecipeSteps.All)
        {
            foreach (var (started, ended) in run.Operations(step.Name))
            {
                if (ended != null)
                {
                    continue;
                }

                var end = await WaitAsync(run, step.Name, started, cancellationToken).ConfigureAwait(false);
                if (end != null)
                {
                    notes.Add(end);
                }
            }
        }
        foreach (var step in RecipeSteps.All)
        {
            notes.AddRange(await step.ReconcileAsync(run, cancellationToken).ConfigureAwait(false));
        }
        if (notes.Count > 0)
        {
            run.Record(new JournalEvent { Type = JournalEventTypes.Reconciled, Message = string.Join("; ", notes) + "." });
            run.Log.Verbose("Reconciled the run with Azure: " + string.Join("; ", notes) + ".");
        }
    }

    /// <summary>
    /// Waits until an operation no longer runs (within the recipe's Generalize limit, the longest a guest operation
    /// may take) and journals how it ended; null when it had already ended unseen and ended without news.
    /// </summary>
    private static async Task<string?> WaitAsync(RunContext run, string step, JournalOperation started, CancellationToken cancellationToken)
    {
        var limit = TimeSpan.FromMinutes(run.Spec.Source.TimeoutMinutes);
        var watch = Stopwatch.StartNew();
        var waited = false;
        while (true)
        {
            var state = await run.Engines.Operations.GetAsync(started.ToAccepted(), cancellationToken).ConfigureAwait(false);
            if (!state.IsRunning || watch.Elapsed > limit)
            {
                string? result = null;
                if (state.StdOut != null && GuestScriptResult.TryParse(state.StdOut, out var parsed, out _) && parsed != null)
                {
                    result = state.StdOut.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(GuestScriptResult.LinePrefix, StringComparison.Ordinal));
                }
                var ended = new JournalOperation
                {
                    Method = started.Method, Path = started.Path, StatusUrl = started.StatusUrl, ResultUrl = started.ResultUrl,
                    Status = state.IsRunning ? "StillRunning" : state.Status, Error = state.Error, Result = result,
                };
                run.Record(new JournalEvent { Type = JournalEventTypes.OperationEnded, Step = step, Operation = ended });
                if (state.IsRunning)
                {
                    run.Log.Warning($"{started.Method} {started.Path}, started by an earlier attempt of {step}, still runs after {limit.TotalMinutes:0} minutes (spec.source.timeoutMinutes); the run goes on without it.");
                }
                return waited || state.IsRunning ? $"waited for {started.Method} {Short(started.Path)} of {step} ({ended.Status})" : null;
            }
            waited = true;
            run.Log.Verbose($"{started.Method} {Short(started.Path)}, started by an earlier attempt of {step}, is still running in Azure: waiting for it before the run continues.");
            await Task.Delay(run.Engines.PollingInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Short(string path)
    {
        var parts = path.Trim('/').Split('/');
        return parts.Length <= 2 ? path : string.Join("/", parts.Skip(parts.Length - 2));
    }
}
