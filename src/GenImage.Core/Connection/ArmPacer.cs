using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace GenImage.Core.Connection;

/// <summary>
/// The module's estimate of the ARM and Compute throttling budgets one connection draws on, kept from the
/// <c>x-ms-ratelimit-remaining-*</c> headers of the answers and used to space requests so the budgets are not emptied:
/// a request that would take the last tokens of a budget waits until the budget has refilled enough, instead of being
/// sent and answered 429. One instance per connection, shared by every request of it (retention deletes run side by
/// side). Thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// <b>ARM's subscription and tenant budgets.</b> ARM throttles with token buckets per subscription (and per tenant for
/// requests without one), per region, per principal and per kind of request, and reports the tokens left in
/// <c>x-ms-ratelimit-remaining-subscription-reads</c>, <c>-writes</c> and <c>-deletes</c> (<c>-tenant-…</c>). The
/// refill rates are ARM's documented ones, "Regional throttling and token bucket algorithm" in
/// https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling : reads 250
/// tokens refilled at 25 per second, writes 200 at 10 per second, deletes 200 at 10 per second (the same for tenants).
/// The headers do not carry the refill rate, so it is taken from that table; the bucket size is learned as the highest
/// remaining value seen plus one (a subscription already in use shows a smaller bucket, which only makes the estimate
/// more careful).
/// </para>
/// <para>
/// <b>Compute's operation-group budgets.</b> Microsoft.Compute reports
/// <c>x-ms-ratelimit-remaining-resource: Microsoft.Compute/GetGalleryImageVersion3Min;1999,Microsoft.Compute/GetGalleryImageVersion30Min;9999</c>:
/// each group has a 3-minute and a 30-minute window (Compute's "Troubleshooting API throttling errors",
/// https://learn.microsoft.com/troubleshoot/azure/virtual-machines/windows/troubleshooting-throttling-errors). Compute
/// publishes no refill rate; a window of N minutes whose budget is B (learned as above) is taken to refill B tokens over
/// N minutes, and at least <see cref="MinWindowRefillPerSecond"/> a second. Which groups a request counts against is learned per route (method and resource type path, names left
/// out) from the answers to earlier requests of that route.
/// </para>
/// <para>
/// <b>Pacing.</b> Each budget is a token-bucket estimate: tokens refill at the budget's rate on the pacer's clock,
/// each request reserves one token when it is let go (so concurrent requests queue behind each other: the estimate may
/// go below zero, and each later request waits its turn), and each answer corrects the estimate: to the header's value
/// when no other request of the connection is in flight on that budget (the header is then exact), otherwise only down
/// to it when it shows fewer (requests still in flight are not in the header yet). Exact readings also raise the assumed
/// refill rate when they show more came back than assumed (a lower bound: what came back since the first exact
/// reading, less one for the headers' rounding down). A request is let go at once while its budgets keep more than
/// <see cref="ReserveFraction"/> of their size (at least one token) after it; otherwise it waits just until they do.
/// With the budgets full nothing waits; once they run low, requests go at the refill rate. A 429 that still comes
/// (another client drawing on the same budget) is waited out by the SDK's retry policy (Retry-After); its header (0
/// left), or the 429 itself when it names no budget, empties the estimate, so the requests after it slow down.
/// </para>
/// </remarks>
internal sealed class ArmPacer
{
    /// <summary>Share of a budget's size (at least one token) the pacer keeps in hand for other callers.</summary>
    public const double ReserveFraction = 0.02;

    /// <summary>
    /// The least refill a Compute window is assumed to have without evidence (Compute publishes none): one request a
    /// second. Beyond it, Compute's own 429 with Retry-After is the authority, and exact readings raise the estimate.
    /// </summary>
    public const double MinWindowRefillPerSecond = 1;

    /// <summary>ARM's subscription and tenant token buckets (request-limits-and-throttling, regional token bucket table).</summary>
    public static readonly IReadOnlyDictionary<string, (int Bucket, double RefillPerSecond)> ArmBuckets =
        new Dictionary<string, (int, double)>(StringComparer.OrdinalIgnoreCase)
        {
            ["reads"] = (250, 25),
            ["writes"] = (200, 10),
            ["deletes"] = (200, 10),
        };

    private const string SubscriptionHeader = "x-ms-ratelimit-remaining-subscription-";
    private const string TenantHeader = "x-ms-ratelimit-remaining-tenant-";
    public const string ResourceHeader = "x-ms-ratelimit-remaining-resource";

    private readonly object _gate = new object();
    private readonly Func<TimeSpan> _now;
    private readonly IReadOnlyDictionary<string, (int Bucket, double RefillPerSecond)> _armBuckets;
    private readonly Dictionary<string, Budget> _budgets = new Dictionary<string, Budget>(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string[]> _routeBudgets = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
    private long _paced;
    private long _throttled;
    private TimeSpan _waited;

    /// <param name="now">A monotonic clock (elapsed time); tests pass one they move by hand.</param>
    /// <param name="armBuckets">ARM's refill rates by kind; default <see cref="ArmBuckets"/>.</param>
    public ArmPacer(Func<TimeSpan> now, IReadOnlyDictionary<string, (int Bucket, double RefillPerSecond)>? armBuckets = null)
    {
        _now = now ?? throw new ArgumentNullException(nameof(now));
        _armBuckets = armBuckets ?? ArmBuckets;
    }

    /// <summary>A pacer on the real monotonic clock.</summary>
    public static ArmPacer RealTime()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        return new ArmPacer(() => watch.Elapsed);
    }

    /// <summary>Requests that were made to wait.</summary>
    public long Paced => System.Threading.Interlocked.Read(ref _paced);

    /// <summary>429 answers seen (before the SDK's retry policy retried them).</summary>
    public long Throttled => System.Threading.Interlocked.Read(ref _throttled);

    /// <summary>The sum of the waits the pacer asked for.</summary>
    public TimeSpan Waited
    {
        get
        {
            lock (_gate)
            {
                return _waited;
            }
        }
    }

    /// <summary>
    /// Lets a request go: reserves a token of each budget it is known to count against and returns how long it must
    /// wait first (zero while the budgets are not low).
    /// </summary>
    public PaceDecision Reserve(string method, Uri uri)
    {
        if (method == null)
        {
            throw new ArgumentNullException(nameof(method));
        }

        if (uri == null)
        {
            throw new ArgumentNullException(nameof(uri));
        }

        var route = Route(method, uri.AbsolutePath);
        lock (_gate)
        {
            var now = _now();
            if (!_routeBudgets.TryGetValue(route, out var keys))
            {
                // A route not answered yet: at least the ARM budget of its kind, if known.
                keys = new[] { Scope(uri.AbsolutePath) + "|" + KindOf(method) };
            }

            var wait = TimeSpan.Zero;
            Budget? binding = null;
            var budgets = new List<Budget>(keys.Length);
            foreach (var key in keys)
            {
                if (!_budgets.TryGetValue(key, out var budget))
                {
                    continue;
                }

                budgets.Add(budget);
                var needed = budget.WaitFor(now);
                if (needed > wait)
                {
                    wait = needed;
                    binding = budget;
                }
            }

            foreach (var budget in budgets)
            {
                budget.Take(now);
            }

            var reserved = budgets.Select(b => b.Key).ToArray();
            if (wait > TimeSpan.Zero)
            {
                _paced++;
                _waited += wait;
                return new PaceDecision(wait, binding!.Name, binding.TokensAt(now) + 1, binding.RefillPerSecond, reserved);
            }

            return new PaceDecision(TimeSpan.Zero, null, 0, 0, reserved);
        }
    }

    /// <summary>
    /// Reads the budgets an answer reports. <paramref name="header"/> returns a response header's value or null;
    /// <paramref name="reserved"/> is what <see cref="Reserve"/> decided for this request (it is no longer in flight).
    /// A request that got no answer is observed with status 0 and no headers.
    /// </summary>
    public void Observe(string method, Uri uri, int status, Func<string, string?> header, PaceDecision reserved = default)
    {
        if (method == null)
        {
            throw new ArgumentNullException(nameof(method));
        }

        if (uri == null)
        {
            throw new ArgumentNullException(nameof(uri));
        }

        if (header == null)
        {
            throw new ArgumentNullException(nameof(header));
        }

        var scope = Scope(uri.AbsolutePath);
        var seen = new List<(string Key, string Name, int Remaining, double? Rate, double? WindowSeconds)>();
        foreach (var kind in _armBuckets.Keys)
        {
            foreach (var prefix in new[] { SubscriptionHeader, TenantHeader })
            {
                if (TryInt(header(prefix + kind), out var remaining))
                {
                    seen.Add((scope + "|" + kind, prefix + kind, remaining, _armBuckets[kind].RefillPerSecond, null));
                }
            }
        }

        foreach (var (name, remaining, window) in ParseResource(header(ResourceHeader)))
        {
            seen.Add((scope + "|" + name, name, remaining, null, window));
        }

        lock (_gate)
        {
            if (status == 429)
            {
                _throttled++;
            }

            foreach (var key in reserved.Reserved ?? Array.Empty<string>())
            {
                if (_budgets.TryGetValue(key, out var budget))
                {
                    budget.Answered();
                }
            }

            if (seen.Count == 0)
            {
                if (status == 429)
                {
                    // A 429 that names no budget: the budgets this request drew on are taken to be empty.
                    var at = _now();
                    foreach (var key in reserved.Reserved ?? Array.Empty<string>())
                    {
                        if (_budgets.TryGetValue(key, out var budget))
                        {
                            budget.Empty(at);
                        }
                    }
                }

                return;
            }

            var now = _now();
            foreach (var (key, name, remaining, rate, window) in seen)
            {
                if (!_budgets.TryGetValue(key, out var budget))
                {
                    budget = new Budget(key, name, rate, window);
                    _budgets[key] = budget;
                }

                budget.Observe(now, remaining, refused: status == 429 && remaining == 0);
            }

            // Union with what the route showed before: an answer ARM gives before Compute sees the request (ARM's own
            // 429) names no Compute window, which the route still counts against.
            var route = Route(method, uri.AbsolutePath);
            var keys = seen.Select(s => s.Key);
            _routeBudgets[route] = _routeBudgets.TryGetValue(route, out var known) ? known.Union(keys, StringComparer.OrdinalIgnoreCase).ToArray() : keys.ToArray();
        }
    }

    /// <summary>ARM's kind of request: reads (GET, HEAD), deletes (DELETE) or writes (the rest).</summary>
    public static string KindOf(string method) => method.ToUpperInvariant() switch
    {
        "GET" or "HEAD" => "reads",
        "DELETE" => "deletes",
        _ => "writes",
    };

    /// <summary>
    /// The route of a request: its method and path with the names left out
    /// (<c>GET /subscriptions/{}/resourcegroups/{}/providers/microsoft.compute/galleries/{}/images/{}/versions/{}</c>).
    /// </summary>
    internal static string Route(string method, string path)
    {
        var parts = path.Trim('/').Split('/');
        var sb = new StringBuilder(method.ToUpperInvariant()).Append(' ');
        var nameNext = false;
        for (var i = 0; i < parts.Length; i++)
        {
            sb.Append('/');
            if (nameNext)
            {
                sb.Append("{}");
                nameNext = false;
                continue;
            }

            sb.Append(parts[i].ToLowerInvariant());
            if (string.Equals(parts[i], "providers", StringComparison.OrdinalIgnoreCase) && i + 1 < parts.Length)
            {
                // providers/{namespace}: the namespace is part of the route, the segments after it alternate type/name.
                sb.Append('/').Append(parts[++i].ToLowerInvariant());
            }
            else
            {
                nameNext = true;
            }
        }

        return sb.ToString();
    }

    /// <summary>The subscription id a path is under (lower case), or "tenant".</summary>
    internal static string Scope(string path)
    {
        var parts = path.Trim('/').Split('/');
        return parts.Length >= 2 && string.Equals(parts[0], "subscriptions", StringComparison.OrdinalIgnoreCase)
            ? parts[1].ToLowerInvariant()
            : "tenant";
    }

    /// <summary>
    /// The windows of <c>x-ms-ratelimit-remaining-resource</c>: name (<c>Microsoft.Compute/GetGalleryImageVersion3Min</c>),
    /// remaining, and the window's length in seconds when its name ends in <c>{N}Min</c> (others are skipped: no rate).
    /// </summary>
    internal static IEnumerable<(string Name, int Remaining, double WindowSeconds)> ParseResource(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            yield break;
        }

        foreach (var entry in value!.Split(','))
        {
            var semicolon = entry.LastIndexOf(';');
            if (semicolon <= 0 || !TryInt(entry.Substring(semicolon + 1), out var remaining))
            {
                continue;
            }

            var name = entry.Substring(0, semicolon).Trim();
            if (!name.EndsWith("Min", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var digits = 0;
            while (digits < name.Length - 3 && char.IsDigit(name[name.Length - 4 - digits]))
            {
                digits++;
            }

            if (digits == 0 || !int.TryParse(name.Substring(name.Length - 3 - digits, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes <= 0)
            {
                continue;
            }

            yield return (name, remaining, minutes * 60.0);
        }
    }

    private static bool TryInt(string? value, out int result)
    {
        result = 0;
        return value != null && int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>One budget's token-bucket estimate.</summary>
    private sealed class Budget
    {
        private readonly double? _windowSeconds;
        private double _rate;
        private double _tokens;
        private TimeSpan _at;
        private int _size;
        private int _inFlight;

        // The first exact reading (no request of this pacer in flight) and the tokens taken since: later exact readings
        // give a lower bound of the refill rate (what came back, less one for the headers' rounding down).
        private TimeSpan? _baseAt;
        private int _baseTokens;
        private long _takenSinceBase;

        public Budget(string key, string name, double? fixedRate, double? windowSeconds)
        {
            Key = key;
            Name = name;
            _rate = fixedRate ?? 0;
            _windowSeconds = windowSeconds;
        }

        public string Key { get; }

        public string Name { get; }

        /// <summary>
        /// ARM's documented rate; for a Compute window, the budget over the window but at least
        /// <see cref="MinWindowRefillPerSecond"/>; either raised to what exact readings have shown.
        /// </summary>
        public double RefillPerSecond => _windowSeconds is { } window ? Math.Max(_rate, Math.Max(MinWindowRefillPerSecond, _size / window)) : _rate;

        private double Reserve => Math.Max(1, _size * ReserveFraction);

        public double TokensAt(TimeSpan now) => Math.Min(_size, _tokens + (Math.Max(0, (now - _at).TotalSeconds) * RefillPerSecond));

        /// <summary>How long a request must wait until taking a token leaves the reserve in the bucket.</summary>
        public TimeSpan WaitFor(TimeSpan now)
        {
            var tokens = TokensAt(now);
            // A budget too small to keep a reserve (a bucket of one) keeps nothing back: it waits for one token only.
            var missing = (_size < Reserve + 1 ? 1 : Reserve + 1) - tokens;
            return missing <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling(missing / RefillPerSecond * TimeSpan.TicksPerSecond));
        }

        public void Take(TimeSpan now)
        {
            _tokens = TokensAt(now) - 1;
            _at = now;
            _inFlight++;
            _takenSinceBase++;
        }

        public void Answered() => _inFlight = Math.Max(0, _inFlight - 1);

        /// <summary>
        /// An answer's remaining tokens. With no other request of this pacer in flight the header is exact and replaces
        /// the estimate (up or down); otherwise it only lowers it (requests still in flight are not in it yet).
        /// </summary>
        public void Observe(TimeSpan now, int remaining, bool refused)
        {
            if (refused)
            {
                // The budget that refused the request took no token for it.
                _takenSinceBase = Math.Max(0, _takenSinceBase - 1);
            }

            _size = Math.Max(_size, remaining + 1);
            if (_inFlight == 0)
            {
                if (_baseAt is { } baseAt)
                {
                    var seconds = (now - baseAt).TotalSeconds;
                    var refilled = remaining - _baseTokens + _takenSinceBase - 1;
                    if (seconds > 0 && refilled > 0)
                    {
                        _rate = Math.Max(_rate, refilled / seconds);
                    }
                }
                else
                {
                    _baseAt = now;
                    _baseTokens = remaining;
                    _takenSinceBase = 0;
                }

                _tokens = remaining;
            }
            else
            {
                _tokens = Math.Min(TokensAt(now), remaining);
            }

            _at = now;
        }

        public void Empty(TimeSpan now)
        {
            _tokens = Math.Min(TokensAt(now), 0);
            _at = now;
        }
    }
}

/// <summary>What the pacer decided for one request: how long it waits, and the budget that made it wait.</summary>
internal readonly struct PaceDecision
{
    public PaceDecision(TimeSpan wait, string? budget, double tokensLeft, double refillPerSecond, string[]? reserved = null)
    {
        Wait = wait;
        Budget = budget;
        TokensLeft = tokensLeft;
        RefillPerSecond = refillPerSecond;
        Reserved = reserved;
    }

    /// <summary>The budgets the request took a token of (the keys the pacer gave it back to when answered).</summary>
    internal string[]? Reserved { get; }

    public TimeSpan Wait { get; }

    public string? Budget { get; }

    /// <summary>The budget's estimated tokens before this request took its own.</summary>
    public double TokensLeft { get; }

    public double RefillPerSecond { get; }
}
