using System;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;
using GenImage.Core.Logging;

namespace GenImage.Core.Recipes;

/// <summary>What the lease of a recipe's runs says: who runs one, where, since when, and when it last showed it was alive.</summary>
public sealed class LeaseRecord
{
    /// <summary>Who started the run (the signed-in principal).</summary>
    public string? Owner { get; set; }
    public string Host { get; set; } = string.Empty;
    public int ProcessId { get; set; }
    /// <summary>When the process started (a reused process id is told apart by it).</summary>
    public DateTimeOffset? ProcessStartedAt { get; set; }
    public string? RunId { get; set; }
    /// <summary>Random: tells this holder's lease from anyone else's.</summary>
    public string Token { get; set; } = string.Empty;
    public DateTimeOffset AcquiredAt { get; set; }
    /// <summary>Renewed while the run lives; an old heartbeat on another host means the holder is gone.</summary>
    public DateTimeOffset Heartbeat { get; set; }

    public override string ToString() =>
        $"{Owner ?? "someone"} on {Host} (process {ProcessId.ToString(CultureInfo.InvariantCulture)}{(RunId == null ? string.Empty : ", run " + RunId)}, last heartbeat {Heartbeat:u})";
}

/// <summary>The machine and process a run runs in, and how to tell whether another process still lives.</summary>
public sealed class RunHost
{
    public string Name { get; set; } = string.Empty;
    public int ProcessId { get; set; }
    public DateTimeOffset? ProcessStartedAt { get; set; }
    /// <summary>True when the process (on this host) still runs.</summary>
    public Func<int, DateTimeOffset?, bool> IsAlive { get; set; } = (_, _) => true;

    /// <summary>This process on this machine.</summary>
    public static RunHost Current()
    {
        using var me = Process.GetCurrentProcess();
        return new RunHost
        {
            Name = Environment.MachineName,
            ProcessId = me.Id,
            ProcessStartedAt = StartTime(me),
            IsAlive = ProcessAlive,
        };
    }

    private static bool ProcessAlive(int pid, DateTimeOffset? started)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited)
            {
                return false;
            }
            // A process id reused by another process is not the holder.
            var actual = StartTime(process);
            return started == null || actual == null || Math.Abs((actual.Value - started.Value).TotalSeconds) < 2;
        }
        catch (ArgumentException)
        {
            return false;   // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static DateTimeOffset? StartTime(Process process)
    {
        try
        {
            return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is InvalidOperationException || ex is System.ComponentModel.Win32Exception || ex is NotSupportedException)
        {
            return null;
        }
    }
}

/// <summary>
/// One run of a recipe at a time: a lease in the recipe's run folder (owner, host, process, heartbeat). A second new
/// run, or a -Resume of a run that is still live, fails fast naming the holder; a stale lease (its process is gone on
/// this host, or its heartbeat is older than the limit) is taken over with a warning. The heartbeat is renewed while
/// the run lives; the lease is released when it ends.
/// </summary>
public sealed class RunLease : IDisposable
{
    private readonly IRunStore _store;
    private readonly string _recipe;
    private readonly IGenImageLog _log;
    private readonly Func<DateTimeOffset> _clock;
    private readonly object _gate = new object();
    private string _content;
    private Timer? _timer;

    private RunLease(IRunStore store, string recipe, LeaseRecord record, string content, IGenImageLog log, Func<DateTimeOffset> clock)
    {
        _store = store;
        _recipe = recipe;
        Record = record;
        _content = content;
        _log = log;
        _clock = clock;
    }

    public LeaseRecord Record { get; }

    /// <summary>True once someone else took the lease over (this holder's heartbeat was too old for them).</summary>
    public bool Lost { get; private set; }

    /// <summary>Throws <see cref="RecipeErrorIds.RunInProgress"/> when a live run holds the recipe's lease. Reads only.</summary>
    public static void ThrowIfLive(IRunStore store, string recipe, RunHost host, TimeSpan staleAfter, Func<DateTimeOffset> clock, string? runId = null)
    {
        var (current, _) = Read(store, recipe);
        if (current != null && IsLive(store, recipe, current, host, staleAfter, clock()))
        {
            throw InProgress(store, recipe, current, runId);
        }
    }

    /// <summary>Takes the lease for a run, taking over a stale one with a warning; fails fast when a live run holds it.</summary>
    public static RunLease Acquire(IRunStore store, string recipe, string? owner, string? runId, RunHost host, TimeSpan staleAfter, IGenImageLog log, Func<DateTimeOffset> clock)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = clock();
            var mine = new LeaseRecord
            {
                Owner = owner, Host = host.Name, ProcessId = host.ProcessId, ProcessStartedAt = host.ProcessStartedAt, RunId = runId,
                Token = Guid.NewGuid().ToString("N"), AcquiredAt = now, Heartbeat = now,
            };
            var content = Serialize(mine);
            if (store.TryCreateLease(recipe, content))
            {
                return new RunLease(store, recipe, mine, content, log, clock);
            }

            var (current, raw) = Read(store, recipe);
            if (current == null || raw == null)
            {
                continue;   // released meanwhile, or unreadable: try again
            }

            if (IsLive(store, recipe, current, host, staleAfter, now))
            {
                throw InProgress(store, recipe, current, runId);
            }

            var why = current.Host == host.Name
                ? $"its process {current.ProcessId} no longer runs"
                : store.LeaseHeld(recipe) == false
                    ? $"its lease in {store.Location(recipe)} expired (last heartbeat {current.Heartbeat:u}: the holder stopped renewing it)"
                    : $"its last heartbeat is {(now - current.Heartbeat).TotalMinutes:0.#} minutes old (more than {staleAfter.TotalMinutes:0.#})";
            if (store.TryReplaceLease(recipe, raw, content))
            {
                log.Warning($"Took over the stale lease of recipe '{recipe}' held by {current}: {why}. " +
                    "If that run is in fact alive elsewhere, stop it: two runs of one recipe must not run at once.");
                return new RunLease(store, recipe, mine, content, log, clock);
            }
        }
        var (holder, _) = Read(store, recipe);
        throw holder != null
            ? InProgress(store, recipe, holder, runId)
            : new GenImageException(RecipeErrorIds.RunInProgress, GenImageErrorKind.ResourceUnavailable,
                $"Could not take the lease of recipe '{recipe}' at {store.Location(recipe)}: other processes keep changing it. Try again.")
            { Target = store.Location(recipe) };
    }

    /// <summary>Renews the heartbeat every <paramref name="interval"/> until disposed.</summary>
    public void StartHeartbeat(TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        _timer = new Timer(_ => Renew(), null, interval, interval);
    }

    /// <summary>Writes a new heartbeat; notes it when someone else took the lease over meanwhile.</summary>
    public void Renew()
    {
        lock (_gate)
        {
            if (Lost)
            {
                return;
            }

            try
            {
                Record.Heartbeat = _clock();
                var next = Serialize(Record);
                if (_store.TryReplaceLease(_recipe, _content, next))
                {
                    _content = next;
                    return;
                }
                var (current, _) = Read(_store, _recipe);
                if (current != null && current.Token == Record.Token)
                {
                    return;
                }

                Lost = true;
                _log.Warning($"The lease of recipe '{_recipe}' was taken over by {current?.ToString() ?? "someone"}: this run stops before its next step.");
            }
            catch (GenImageException ex)
            {
                _log.Verbose($"The lease heartbeat of recipe '{_recipe}' could not be written: {ex.Message}");
            }
        }
    }

    /// <summary>Stops the heartbeat and releases the lease (when it is still this holder's).</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
        lock (_gate)
        {
            if (Lost)
            {
                return;
            }

            try
            {
                _store.DeleteLease(_recipe, _content);
            }
            catch (GenImageException ex)
            {
                _log.Warning($"The lease of recipe '{_recipe}' could not be released ({ex.Message}); the next run takes it over once it is stale.");
            }
        }
    }

    /// <summary>
    /// Live: on this host, its process still runs; elsewhere, the medium holds the lease (a blob lease that has not
    /// expired) or, where the medium cannot tell (a file), its heartbeat is recent.
    /// </summary>
    private static bool IsLive(IRunStore store, string recipe, LeaseRecord lease, RunHost host, TimeSpan staleAfter, DateTimeOffset now) =>
        string.Equals(lease.Host, host.Name, StringComparison.OrdinalIgnoreCase)
            ? host.IsAlive(lease.ProcessId, lease.ProcessStartedAt)
            : store.LeaseHeld(recipe) ?? now - lease.Heartbeat <= staleAfter;

    private static GenImageException InProgress(IRunStore store, string recipe, LeaseRecord holder, string? runId) =>
        new GenImageException(RecipeErrorIds.RunInProgress, GenImageErrorKind.ResourceUnavailable,
            $"A run of recipe '{recipe}' is in progress: {holder}. " +
            (runId != null && holder.RunId == runId ? "Its -Resume must wait until that process ends. " : "Only one run of a recipe runs at a time. ") +
            $"Wait for it to end, or stop it; a lease whose process ended (or whose heartbeat is old) is taken over by the next run. Lease: {store.Location(recipe)}.")
        { Target = store.Location(recipe) };

    private static (LeaseRecord? Record, string? Raw) Read(IRunStore store, string recipe)
    {
        var raw = store.ReadLease(recipe);
        if (raw == null)
        {
            return (null, null);
        }

        try
        {
            return (JsonSerializer.Deserialize<LeaseRecord>(raw, EvidenceJson.Compact), raw);
        }
        catch (JsonException)
        {
            // A lease cut short by a crash: stale, whoever wrote it.
            return (new LeaseRecord { Host = "(unreadable lease)", Heartbeat = DateTimeOffset.MinValue }, raw);
        }
    }

    private static string Serialize(LeaseRecord record) => JsonSerializer.Serialize(record, EvidenceJson.Options);
}
