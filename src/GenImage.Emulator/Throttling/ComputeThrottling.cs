using System.Globalization;
using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;

namespace GenImage.Emulator.Throttling;

/// <summary>
/// Compute's own throttling, as its responses show it: each request counts against an operation group
/// (<c>PutVM</c>, <c>GetOperationStatus</c>, …) with a 3-minute and a 30-minute budget per subscription; the answer
/// carries <c>x-ms-ratelimit-remaining-resource: Microsoft.Compute/{Group}3Min;{n},Microsoft.Compute/{Group}30Min;{m}</c>,
/// and an empty budget answers 429 with <c>Retry-After</c> and Compute's throttling body. Thread-safe.
/// </summary>
/// <remarks>
/// The groups and the routes that count against them are those of the recorded Azure traffic
/// (shared/arm-recordings/INDEX.md). A budget is the highest remaining value recorded plus one, rounded up to a round
/// number where the recording shows the bucket already in use; groups the recordings do not show (gallery and
/// definition deletes) take the budgets of their create/update group. Like ARM's buckets they refill on the real clock.
/// </remarks>
internal sealed class ComputeThrottling
{
    /// <summary>Default budgets per operation group: (3 minutes, 30 minutes).</summary>
    public static readonly IReadOnlyDictionary<string, (int Short, int Long)> DefaultBudgets = new Dictionary<string, (int, int)>(StringComparer.OrdinalIgnoreCase)
    {
        ["LowCostGet"] = (5000, 40000),
        ["HighCostGet"] = (140, 700),
        ["PutVM"] = (240, 1200),
        ["UpdateVM"] = (240, 1200),
        ["DeleteVM"] = (240, 1200),
        ["GetOperation"] = (50000, 400000),
        ["GetOperationStatus"] = (1200, 3750),
        ["CreateUpdateGallery"] = (50, 300),
        ["DeleteGallery"] = (50, 300),
        ["GetGallery"] = (350, 2500),
        ["CreateUpdateGalleryImage"] = (150, 750),
        ["DeleteGalleryImage"] = (150, 750),
        ["GetGalleryImage"] = (600, 3000),
        ["CreateUpdateGalleryImageVersion"] = (375, 1200),
        ["DeleteGalleryImageVersion"] = (150, 1000),
        ["GetGalleryImageVersion"] = (2000, 10000),
        ["CreateImages"] = (40, 200),
        ["GetImages"] = (400, 1800),
        ["DeleteImages"] = (120, 600),
    };

    private readonly Lock _gate = new();
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.OrdinalIgnoreCase);
    private readonly IReadOnlyDictionary<string, BucketSettings> _overrides;
    private readonly TimeProvider _time;

    public ComputeThrottling(IReadOnlyDictionary<string, BucketSettings>? overrides = null, TimeProvider? time = null)
    {
        _overrides = overrides ?? new Dictionary<string, BucketSettings>();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The window name of a bucket: <c>{Group}3Min</c> or <c>{Group}30Min</c>.</summary>
    public static IEnumerable<string> BucketNames => DefaultBudgets.Keys.SelectMany(g => new[] { g + "3Min", g + "30Min" });

    /// <summary>
    /// The operation group a Compute route counts against, or null (lists of galleries, definitions, versions and
    /// images, run command resources and disk deletes carried no resource header in the recordings).
    /// </summary>
    public static string? GroupOf(string method, string resourceType, string template)
    {
        var last = template.TrimEnd('/').Split('/')[^1];
        var isItem = last.StartsWith('{');
        var action = !isItem && method == "POST" ? last : null;
        return resourceType switch
        {
            "Microsoft.Compute/virtualMachines" => method switch
            {
                "GET" => isItem || last == "instanceView" ? "LowCostGet" : "HighCostGet",
                "PUT" or "PATCH" => "PutVM",
                "DELETE" => "DeleteVM",
                "POST" when action == "deallocate" => "DeleteVM",
                "POST" => "UpdateVM",
                _ => null,
            },
            "Microsoft.Compute/locations/operations" or "Microsoft.Compute/locations/DiskOperations" => "GetOperation",
            "Microsoft.Compute/locations/capsOperations" => "GetOperationStatus",
            "Microsoft.Compute/galleries" => Gallery(method, isItem, "Gallery"),
            "Microsoft.Compute/galleries/images" => Gallery(method, isItem, "GalleryImage"),
            "Microsoft.Compute/galleries/images/versions" => Gallery(method, isItem, "GalleryImageVersion"),
            "Microsoft.Compute/images" => !isItem ? null : method switch
            {
                "GET" => "GetImages",
                "PUT" or "PATCH" => "CreateImages",
                "DELETE" => "DeleteImages",
                _ => null,
            },
            "Microsoft.Compute/disks" => method == "GET" && isItem ? "LowCostGet" : null,
            _ => null,
        };

        static string? Gallery(string method, bool isItem, string kind) => !isItem ? null : method switch
        {
            "GET" => "Get" + kind,
            "PUT" or "PATCH" => "CreateUpdate" + kind,
            "DELETE" => "Delete" + kind,
            _ => null,
        };
    }

    /// <summary>
    /// Counts the request against its group in the subscription. Returns the header value; throws Compute's 429
    /// (with the header value and Retry-After in <paramref name="retryAfter"/>) when a window is empty.
    /// </summary>
    public string Take(string subscriptionId, string group, out int? retryAfter)
    {
        retryAfter = null;
        var windows = new[] { group + "3Min", group + "30Min" };
        var remaining = new int[2];
        string? emptyWindow = null;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var buckets = windows.Select((w, i) => Bucket(subscriptionId, w, i == 0 ? DefaultBudgets[group].Short : DefaultBudgets[group].Long, i == 0 ? 180 : 1800, now)).ToArray();
            for (var i = 0; i < buckets.Length; i++)
            {
                if (!buckets[i].CanTake(now, _time.TimestampFrequency))
                {
                    emptyWindow = windows[i];
                    retryAfter = Math.Max(retryAfter ?? 0, buckets[i].RetryAfterSeconds());
                }
            }

            if (emptyWindow is null)
            {
                foreach (var b in buckets)
                {
                    b.TryTake(now, _time.TimestampFrequency);
                }
            }

            for (var i = 0; i < buckets.Length; i++)
            {
                remaining[i] = buckets[i].Remaining;
            }
        }

        return string.Join(",", windows.Select((w, i) => string.Create(CultureInfo.InvariantCulture, $"Microsoft.Compute/{w};{remaining[i]}")));
    }

    /// <summary>Compute's answer to a throttled request (the shape of the Compute throttling documentation).</summary>
    public static ArmException TooManyRequests(string group, DateTimeOffset now, int retryAfter)
    {
        var detail = new JsonObject
        {
            ["operationGroup"] = group,
            ["startTime"] = now.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
            ["endTime"] = now.AddSeconds(retryAfter).UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
        };
        return new ArmException(429, "OperationNotAllowed", "The server rejected the request because too many requests have been received for this subscription.",
            null, [new ArmErrorDetail("TooManyRequests", detail.ToJsonString(), group)]);
    }

    private TokenBucket Bucket(string subscriptionId, string window, int budget, int windowSeconds, long now)
    {
        var key = subscriptionId + "|" + window;
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            var settings = _overrides.TryGetValue(window, out var o) ? o : new BucketSettings { Bucket = budget, RefillPerSecond = (double)budget / windowSeconds };
            bucket = new TokenBucket(settings, now);
            _buckets[key] = bucket;
        }

        return bucket;
    }
}
