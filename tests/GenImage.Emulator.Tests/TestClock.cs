namespace GenImage.Emulator.Tests;

/// <summary>
/// A clock for <see cref="EmulatorOptions.TimeProvider"/>. It follows real time until the test calls
/// <see cref="Freeze"/> (or is made frozen); frozen, it moves only when the test calls <see cref="Advance"/>, until
/// <see cref="Resume"/>. A test that must see an operation still running freezes it, so no real time can pass behind
/// its back, then moves time on or lets it run again instead of waiting.
/// </summary>
internal sealed class TestClock : TimeProvider
{
    private readonly Lock _gate = new();
    private TimeSpan _offset;
    private DateTimeOffset? _frozenAt;

    public TestClock(bool frozen = false)
    {
        if (frozen)
        {
            Freeze();
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _frozenAt ?? System.GetUtcNow() + _offset;
        }
    }

    /// <summary>Stops the clock where it is.</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            _frozenAt ??= System.GetUtcNow() + _offset;
        }
    }

    /// <summary>Lets the clock follow real time again, from where it stands.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            if (_frozenAt is { } at)
            {
                _offset = at - System.GetUtcNow();
                _frozenAt = null;
            }
        }
    }

    /// <summary>Moves the clock on by <paramref name="time"/> (with clock scale 1: that many Azure seconds).</summary>
    public void Advance(TimeSpan time)
    {
        lock (_gate)
        {
            if (_frozenAt is { } at)
            {
                _frozenAt = at + time;
            }
            else
            {
                _offset += time;
            }
        }
    }
}
