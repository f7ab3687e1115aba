using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Connection;

namespace GenImage.Core.Completion;

/// <summary>
/// Names for tab completion, cached per connection for a short time, and never in the way of the prompt:
/// <see cref="Get"/> waits at most <see cref="Wait"/> for a lookup. A lookup that takes longer goes on in the
/// background and fills the cache for the next Tab; one that fails gives nothing (and is not retried for a few
/// seconds). Nothing here throws.
/// </summary>
public static class CompletionCache
{
    /// <summary>How long a list of names is reused.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    /// <summary>How long a failed lookup is remembered as "nothing", so that Tab does not hammer a failing service.</summary>
    public static readonly TimeSpan FailureLifetime = TimeSpan.FromSeconds(10);

    /// <summary>The longest the prompt waits for a lookup.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    /// <summary>How long a lookup may run in the background before it is given up.</summary>
    private static readonly TimeSpan LookupLimit = TimeSpan.FromSeconds(30);

    private static readonly ConcurrentDictionary<string, Entry> Entries = new ConcurrentDictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);

    // One number per connection object, so a new Connect-GenImage (another subscription, another cloud) never
    // sees the names of the previous one.
    private static readonly ConditionalWeakTableCounter ConnectionIds = new ConditionalWeakTableCounter();

    /// <summary>
    /// The names <paramref name="lookup"/> gives for <paramref name="key"/> on <paramref name="connection"/>:
    /// from the cache, or from a lookup that ends within <see cref="Wait"/>; otherwise none.
    /// </summary>
    public static IReadOnlyList<string> Get(GenImageConnection? connection, string key, Func<NameLookup, CancellationToken, Task<IReadOnlyList<string>>> lookup)
    {
        if (connection == null || lookup == null)
        {
            return Array.Empty<string>();
        }

        var fullKey = ConnectionIds.IdOf(connection) + "|" + key;
        try
        {
            var now = DateTimeOffset.UtcNow;
            var entry = Entries.AddOrUpdate(
                fullKey,
                _ => Entry.Start(connection, lookup),
                (_, existing) => existing.IsFresh(now) ? existing : Entry.Start(connection, lookup));
            if (!entry.Task.Wait(Wait))
            {
                return Array.Empty<string>();
            }

            return entry.Task.Status == TaskStatus.RanToCompletion ? entry.Task.Result : Array.Empty<string>();
        }
        catch (Exception)
        {
            // Completion never fails the prompt: whatever went wrong, offer nothing.
            return Array.Empty<string>();
        }
    }

    /// <summary>Forgets every cached name (after Connect-GenImage or Disconnect-GenImage).</summary>
    public static void Clear() => Entries.Clear();

    private sealed class Entry
    {
        private Entry(Task<IReadOnlyList<string>> task)
        {
            Task = task;
        }

        public Task<IReadOnlyList<string>> Task { get; }

        public DateTimeOffset? CompletedAt { get; private set; }

        public static Entry Start(GenImageConnection connection, Func<NameLookup, CancellationToken, Task<IReadOnlyList<string>>> lookup)
        {
            Entry? entry = null;
            var task = System.Threading.Tasks.Task.Run(async () =>
            {
                using var limit = new CancellationTokenSource(LookupLimit);
                try
                {
                    return await lookup(new NameLookup(connection), limit.Token).ConfigureAwait(false);
                }
                finally
                {
                    if (entry != null)
                    {
                        entry.CompletedAt = DateTimeOffset.UtcNow;
                    }
                }
            });
            entry = new Entry(task);
            if (task.IsCompleted)
            {
                entry.CompletedAt = DateTimeOffset.UtcNow;
            }

            return entry;
        }

        /// <summary>Still running (join it), or finished recently enough to reuse.</summary>
        public bool IsFresh(DateTimeOffset now)
        {
            if (!Task.IsCompleted)
            {
                return true;
            }

            var completed = CompletedAt ?? now;
            var lifetime = Task.Status == TaskStatus.RanToCompletion ? Lifetime : FailureLifetime;
            return now - completed < lifetime;
        }
    }

    private sealed class ConditionalWeakTableCounter
    {
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<GenImageConnection, string> _ids =
            new System.Runtime.CompilerServices.ConditionalWeakTable<GenImageConnection, string>();
        private long _next;

        public string IdOf(GenImageConnection connection) =>
            _ids.GetValue(connection, _ => Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
