using System.Globalization;
using GenImage.Emulator.Arm;
using Microsoft.AspNetCore.Http;

namespace GenImage.Emulator.Throttling;

/// <summary>
/// Applies <see cref="ThrottlingSettings"/>: takes a token for each request, writes ARM's remaining-requests header and
/// answers 429 <c>TooManyRequests</c> with <c>Retry-After</c> when the bucket is empty. Thread-safe.
/// </summary>
/// <remarks>
/// Buckets refill on the real clock (<see cref="TimeProvider"/>), not on the scaled clock: throttling is about how fast
/// clients send requests, and clients wait in real time (the SDK sleeps for the real <c>Retry-After</c>). Scaling the
/// refill by a clock scale of 0.001 would refill 1,000 times faster than the client can send, so no test could ever
/// reach the limit.
/// </remarks>
internal sealed class Throttler
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;

    private readonly ComputeThrottling _compute;

    public Throttler(ThrottlingSettings settings, TimeProvider? time = null)
    {
        Settings = settings.Clone();
        Settings.Reads.Validate("reads");
        Settings.Writes.Validate("writes");
        Settings.Deletes.Validate("deletes");
        var known = ComputeThrottling.BucketNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, bucket) in Settings.Resource)
        {
            if (!known.Contains(name))
            {
                throw new ArgumentOutOfRangeException(nameof(settings), name,
                    $"'{name}' is not a Compute throttling window; expected one of: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
            }

            bucket.Validate("resource." + name);
        }

        _time = time ?? TimeProvider.System;
        _compute = new ComputeThrottling(Settings.Resource, _time);
    }

    public ThrottlingSettings Settings { get; }

    public static string KindOf(string method) => method switch
    {
        "GET" or "HEAD" or "OPTIONS" => "reads",
        "DELETE" => "deletes",
        _ => "writes",
    };

    /// <summary>
    /// Takes a token for the request. Writes <c>x-ms-ratelimit-remaining-subscription-{kind}</c> (always); throws the
    /// 429 when the bucket is empty and throttling is enabled (after writing <c>Retry-After</c>).
    /// </summary>
    public void Take(HttpResponse response, string method, string? subscriptionId, string? principalId)
    {
        var kind = KindOf(method);
        var key = $"{subscriptionId ?? "-"}|{(Settings.PerPrincipal ? principalId ?? "-" : "*")}|{kind}";
        int remaining;
        int? retryAfter = null;
        lock (_gate)
        {
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                bucket = new TokenBucket(kind switch { "reads" => Settings.Reads, "deletes" => Settings.Deletes, _ => Settings.Writes }, _time.GetTimestamp());
                _buckets[key] = bucket;
            }

            if (!bucket.TryTake(_time.GetTimestamp(), _time.TimestampFrequency))
            {
                retryAfter = bucket.RetryAfterSeconds();
            }

            remaining = bucket.Remaining;
        }

        var header = subscriptionId is null ? $"x-ms-ratelimit-remaining-tenant-{kind}" : $"x-ms-ratelimit-remaining-subscription-{kind}";
        response.Headers[header] = remaining.ToString(CultureInfo.InvariantCulture);
        if (retryAfter is { } seconds && Settings.Enabled)
        {
            response.Headers["Retry-After"] = seconds.ToString(CultureInfo.InvariantCulture);
            throw TooManyRequests(kind);
        }
    }

    /// <summary>
    /// Counts a routed Microsoft.Compute request against its operation group: writes
    /// <c>x-ms-ratelimit-remaining-resource</c>, and throws Compute's 429 with <c>Retry-After</c> when a window is empty.
    /// </summary>
    public void TakeResource(HttpResponse response, string method, string resourceType, string template, string? subscriptionId)
    {
        if (subscriptionId is null || ComputeThrottling.GroupOf(method, resourceType, template) is not { } group)
        {
            return;
        }

        response.Headers["x-ms-ratelimit-remaining-resource"] = _compute.Take(subscriptionId, group, out var retryAfter);
        if (retryAfter is { } seconds)
        {
            response.Headers["Retry-After"] = seconds.ToString(CultureInfo.InvariantCulture);
            throw ComputeThrottling.TooManyRequests(group, _time.GetUtcNow(), seconds);
        }
    }

    /// <summary>ARM's answer to a throttled request.</summary>
    public static ArmException TooManyRequests(string kind)
    {
        var type = kind switch { "reads" => "Read", "deletes" => "Delete", _ => "Write" };
        return new ArmException(429, "TooManyRequests",
            $"The request is being throttled as the limit has been reached for operation type - {type}_ObservationWindow_00:05:00. For more information, refer to - https://aka.ms/ARMThrottling");
    }
}
