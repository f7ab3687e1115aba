namespace GenImage.Emulator.Throttling;

/// <summary>A token bucket refilled continuously on a real-time clock. Not thread-safe by itself.</summary>
internal sealed class TokenBucket
{
    private readonly BucketSettings _settings;
    private double _tokens;
    private long _last;

    public TokenBucket(BucketSettings settings, long now)
    {
        _settings = settings;
        _tokens = settings.Bucket;
        _last = now;
    }

    /// <summary>Whole tokens left after the last take (what ARM reports in the remaining-requests header).</summary>
    public int Remaining => (int)Math.Floor(_tokens);

    /// <summary>True when a token could be taken now (refills first, takes nothing).</summary>
    public bool CanTake(long now, long ticksPerSecond)
    {
        Refill(now, ticksPerSecond);
        return _tokens >= 1;
    }

    /// <summary>Takes one token; false when the bucket is empty.</summary>
    public bool TryTake(long now, long ticksPerSecond)
    {
        Refill(now, ticksPerSecond);
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }

    /// <summary>Whole seconds until one token is back (at least 1, as ARM never says "retry after 0").</summary>
    public int RetryAfterSeconds()
    {
        var missing = Math.Max(0, 1 - _tokens);
        return Math.Max(1, (int)Math.Ceiling(missing / _settings.RefillPerSecond));
    }

    private void Refill(long now, long ticksPerSecond)
    {
        if (now <= _last)
        {
            return;
        }

        var seconds = (double)(now - _last) / ticksPerSecond;
        _tokens = Math.Min(_settings.Bucket, _tokens + (seconds * _settings.RefillPerSecond));
        _last = now;
    }
}
