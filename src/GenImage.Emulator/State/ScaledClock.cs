namespace GenImage.Emulator.State;

/// <summary>
/// The emulator's notion of time. Durations are defined in Azure seconds (how long Azure takes) and scaled to real
/// time: real seconds = Azure seconds × <see cref="Scale"/>.
/// </summary>
internal sealed class ScaledClock
{
    // A long-lived emulator keeps at most this many spans (the oldest are the ones that matter to a measurement).
    private const int MaxSpans = 100_000;
    private readonly TimeProvider _time;
    private readonly List<(DateTimeOffset Start, DateTimeOffset End)> _spans = new();

    public ScaledClock(double scale, TimeProvider? time = null)
    {
        if (double.IsNaN(scale) || scale < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), "The clock scale must be zero or positive.");
        }

        Scale = scale;
        _time = time ?? TimeProvider.System;
    }

    public double Scale { get; }

    public DateTimeOffset Now => _time.GetUtcNow();

    public TimeSpan ToReal(double azureSeconds) => TimeSpan.FromSeconds(azureSeconds * Scale);

    /// <summary>
    /// When Azure work that starts now (or at <paramref name="from"/>) and takes <paramref name="azureSeconds"/> is done (scaled). The span is
    /// remembered, so that <see cref="ModelledTime"/> can tell how much of a period Azure itself was busy.
    /// </summary>
    public DateTimeOffset After(double azureSeconds, DateTimeOffset? from = null)
    {
        var now = from ?? Now;
        var due = now + ToReal(azureSeconds);
        lock (_spans)
        {
            if (_spans.Count < MaxSpans)
            {
                _spans.Add((now, due));
            }
        }

        return due;
    }

    /// <summary>
    /// The real time within [<paramref name="from"/>, <paramref name="to"/>] during which at least one piece of work
    /// the emulator models (an operation, a replication, a boot, a guest shutdown, a resource busy) was under way: the
    /// union of the spans <see cref="After"/> handed out, so overlapping work counts once.
    /// </summary>
    public TimeSpan ModelledTime(DateTimeOffset from, DateTimeOffset to)
    {
        List<(DateTimeOffset Start, DateTimeOffset End)> spans;
        lock (_spans)
        {
            spans = _spans.Select(s => (s.Start < from ? from : s.Start, s.End > to ? to : s.End)).Where(s => s.Item2 > s.Item1).ToList();
        }

        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        var total = TimeSpan.Zero;
        DateTimeOffset? start = null, end = null;
        foreach (var (s, e) in spans)
        {
            if (end is { } current && s <= current)
            {
                end = e > current ? e : current;
                continue;
            }

            if (start is { } open && end is { } close)
            {
                total += close - open;
            }

            (start, end) = (s, e);
        }

        if (start is { } last && end is { } lastEnd)
        {
            total += lastEnd - last;
        }

        return total;
    }

    /// <summary>The Retry-After value ARM would send, scaled: whole real seconds, never negative.</summary>
    public int RetryAfterSeconds(double azureSeconds) => (int)Math.Max(0, Math.Round(azureSeconds * Scale, MidpointRounding.AwayFromZero));
}
