namespace GenImage.Emulator.Throttling;

/// <summary>
/// ARM-style request throttling: one token bucket per subscription (and per principal when
/// <see cref="PerPrincipal"/>) for each kind of request. Reads are GET and HEAD, writes PUT, PATCH and POST, deletes
/// DELETE. Buckets refill on the real clock, not the emulator's scaled clock. The remaining-requests headers are on
/// every answer; <see cref="Enabled"/> decides whether an empty subscription bucket answers 429. Compute's own
/// operation-group buckets (<see cref="Resource"/>) always apply.
/// </summary>
public sealed class ThrottlingSettings
{
    /// <summary>Whether an empty subscription bucket answers 429 (off by default); the headers are sent either way.</summary>
    public bool Enabled { get; set; }

    /// <summary>Separate buckets per calling principal (the token's <c>oid</c>) within each subscription.</summary>
    public bool PerPrincipal { get; set; }

    /// <summary>ARM's read bucket: 250 requests, refilled at 25 per second.</summary>
    public BucketSettings Reads { get; set; } = new() { Bucket = 250, RefillPerSecond = 25 };

    /// <summary>ARM's write bucket: 200 requests, refilled at 10 per second.</summary>
    public BucketSettings Writes { get; set; } = new() { Bucket = 200, RefillPerSecond = 10 };

    /// <summary>ARM's delete bucket: 200 requests, refilled at 10 per second.</summary>
    public BucketSettings Deletes { get; set; } = new() { Bucket = 200, RefillPerSecond = 10 };

    /// <summary>
    /// Compute's operation-group budgets to replace, by window name as the <c>x-ms-ratelimit-remaining-resource</c>
    /// header spells it (<c>GetOperationStatus3Min</c>, <c>PutVM30Min</c>, …). Unnamed windows keep Compute's budgets.
    /// </summary>
    public Dictionary<string, BucketSettings> Resource { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    internal ThrottlingSettings Clone() => new()
    {
        Resource = Resource.ToDictionary(r => r.Key, r => r.Value.Clone(), StringComparer.OrdinalIgnoreCase),
        Enabled = Enabled,
        PerPrincipal = PerPrincipal,
        Reads = Reads.Clone(),
        Writes = Writes.Clone(),
        Deletes = Deletes.Clone(),
    };
}

/// <summary>The size of a token bucket and how fast it refills.</summary>
public sealed class BucketSettings
{
    /// <summary>Requests the bucket holds when full (at least 1).</summary>
    public int Bucket { get; set; }

    /// <summary>Tokens added per real second (more than 0).</summary>
    public double RefillPerSecond { get; set; }

    internal BucketSettings Clone() => new() { Bucket = Bucket, RefillPerSecond = RefillPerSecond };

    internal void Validate(string name)
    {
        if (Bucket < 1)
        {
            throw new ArgumentOutOfRangeException(name, Bucket, $"The {name} bucket must hold at least 1 request.");
        }

        if (double.IsNaN(RefillPerSecond) || double.IsInfinity(RefillPerSecond) || RefillPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(name, RefillPerSecond, $"The {name} refill rate must be more than 0 per second.");
        }
    }
}
