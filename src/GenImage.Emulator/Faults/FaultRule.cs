using System.Text.RegularExpressions;

namespace GenImage.Emulator.Faults;

/// <summary>What a fault does to a request (or to replication) that it fires on.</summary>
public enum FaultEffect
{
    /// <summary>500 <c>InternalServerError</c> with ARM's error body; the request is not processed.</summary>
    InternalServerError,

    /// <summary>503 <c>ServiceUnavailable</c> with <c>Retry-After</c>; the request is not processed.</summary>
    ServiceUnavailable,

    /// <summary>429 <c>TooManyRequests</c> with <c>Retry-After</c> (a 429 storm: set <see cref="FaultRule.Count"/> to its length).</summary>
    TooManyRequests,

    /// <summary>The connection is aborted before any answer; the request is not processed.</summary>
    DropConnection,

    /// <summary>The request is processed, but its long-running operation ends Failed with <see cref="FaultRule.ErrorCode"/>.</summary>
    FailOperation,

    /// <summary>Replication to <see cref="FaultRule.Region"/> takes <see cref="FaultRule.SlowFactor"/> times longer.</summary>
    SlowReplication,

    /// <summary>Replication to <see cref="FaultRule.Region"/> ends Failed.</summary>
    FailReplication,
}

/// <summary>The kind of request, from its method: GET/HEAD read, PUT/PATCH write, DELETE delete, POST action.</summary>
public enum FaultRequestKind
{
    Read,
    Write,
    Delete,
    Action,
}

/// <summary>A condition that arms a rule: the rule fires only after a request matching it has been answered.</summary>
public sealed class FaultTrigger
{
    /// <summary>HTTP method (any when null).</summary>
    public string? Method { get; set; }

    /// <summary>Wildcard pattern on the ARM path (<c>*</c> any characters, <c>?</c> one), case-insensitive.</summary>
    public string? Path { get; set; }

    /// <summary>Regular expression on the ARM path, case-insensitive.</summary>
    public string? PathRegex { get; set; }
}

/// <summary>
/// One fault. A request matches when its method, path and kind match (null matches anything). Of the matching
/// requests, the first <see cref="Skip"/> pass untouched; then each fires with probability <see cref="Fraction"/>
/// (drawn from a generator seeded by the injector's seed and the rule's position, so runs repeat), at most
/// <see cref="Count"/> times. With <see cref="After"/>, nothing matches until a request matching the trigger was answered.
/// </summary>
public sealed class FaultRule
{
    private Regex? _path;
    private Regex? _afterPath;

    /// <summary>A name for diagnostics (optional).</summary>
    public string? Name { get; set; }

    public FaultEffect Effect { get; set; }

    /// <summary>HTTP method, e.g. POST (any when null).</summary>
    public string? Method { get; set; }

    /// <summary>Wildcard pattern on the ARM path (<c>*</c> any characters including '/', <c>?</c> one), case-insensitive, e.g. <c>*/generalize</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Regular expression on the ARM path, case-insensitive (instead of, or as well as, <see cref="Path"/>).</summary>
    public string? PathRegex { get; set; }

    public FaultRequestKind? Kind { get; set; }

    /// <summary>Matching requests to let through before the rule can fire ("fail the 3rd request": Skip = 2).</summary>
    public int Skip { get; set; }

    /// <summary>How many times the rule fires at most; null for no limit.</summary>
    public int? Count { get; set; }

    /// <summary>Fraction (0 to 1) of eligible matching requests that fire, decided by the seeded generator.</summary>
    public double Fraction { get; set; } = 1;

    /// <summary>The <c>Retry-After</c> seconds for <see cref="FaultEffect.TooManyRequests"/> and <see cref="FaultEffect.ServiceUnavailable"/>.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Error code of a failed operation (default <c>InternalExecutionError</c>) or of a 500/503 answer.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>Error message of a failed operation or of a 500/503 answer.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The region (ARM location name) of a replication fault.</summary>
    public string? Region { get; set; }

    /// <summary>How many times longer replication takes (at least 1).</summary>
    public double SlowFactor { get; set; } = 2;

    /// <summary>Arms the rule only after a request matching this trigger was answered.</summary>
    public FaultTrigger? After { get; set; }

    /// <summary>Matching requests (or replication queries) seen, counting the skipped ones.</summary>
    public int Matched { get; internal set; }

    /// <summary>Times the rule fired.</summary>
    public int Fired { get; internal set; }

    /// <summary>Whether the trigger (if any) has been seen.</summary>
    public bool Armed { get; internal set; }

    internal Random? Random { get; set; }

    internal bool IsReplicationRule => Effect is FaultEffect.SlowReplication or FaultEffect.FailReplication;

    internal void Validate()
    {
        if (double.IsNaN(Fraction) || Fraction < 0 || Fraction > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Fraction), Fraction, "Fraction must be from 0 to 1.");
        }

        if (Skip < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Skip), Skip, "Skip must be 0 or more.");
        }

        if (Count is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Count), Count, "Count must be 0 or more (or null for no limit).");
        }

        if (RetryAfterSeconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryAfterSeconds), RetryAfterSeconds, "RetryAfterSeconds must be 0 or more.");
        }

        if (IsReplicationRule && string.IsNullOrWhiteSpace(Region))
        {
            throw new ArgumentException($"A {Effect} fault needs a Region.", nameof(Region));
        }

        if (Effect == FaultEffect.SlowReplication && (double.IsNaN(SlowFactor) || SlowFactor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(SlowFactor), SlowFactor, "SlowFactor must be 1 or more.");
        }

        _path = Path is null ? null : Glob(Path);
        try
        {
            _ = PathRegex is null ? null : new Regex(PathRegex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            _afterPath = After?.Path is null ? null : Glob(After.Path);
            _ = After?.PathRegex is null ? null : new Regex(After.PathRegex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Invalid path regular expression: {ex.Message}", nameof(PathRegex), ex);
        }

        Armed = After is null;
    }

    internal bool MatchesRequest(string method, string path)
    {
        if (IsReplicationRule)
        {
            return false;
        }

        if (Method is not null && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (Kind is { } kind && kind != KindOf(method))
        {
            return false;
        }

        return PathMatches(_path, PathRegex, path);
    }

    internal bool TriggerMatches(string method, string path)
    {
        if (After is null)
        {
            return false;
        }

        if (After.Method is not null && !string.Equals(After.Method, method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return PathMatches(_afterPath, After.PathRegex, path);
    }

    internal static FaultRequestKind KindOf(string method) => method.ToUpperInvariant() switch
    {
        "GET" or "HEAD" => FaultRequestKind.Read,
        "PUT" or "PATCH" => FaultRequestKind.Write,
        "DELETE" => FaultRequestKind.Delete,
        _ => FaultRequestKind.Action,
    };

    private static bool PathMatches(Regex? glob, string? regex, string path)
    {
        if (glob is not null && !glob.IsMatch(path))
        {
            return false;
        }

        return regex is null || Regex.IsMatch(path, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private static Regex Glob(string pattern)
    {
        var body = Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal);
        if (!pattern.StartsWith('/') && !pattern.StartsWith('*'))
        {
            body = "/?" + body;
        }

        return new Regex("^" + body + "/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    public override string ToString() => Name ?? $"{Effect} {Method ?? "*"} {Path ?? PathRegex ?? Region ?? "*"}";
}
