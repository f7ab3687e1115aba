namespace GenImage.Testing;

/// <summary>
/// A clock for the emulator's scaled time (<c>EmulatorOptions.TimeProvider</c>; compiled into the emulator's and the
/// cmdlets' test projects). It follows real time
/// until the test calls <see cref="Freeze"/>; frozen, it moves only when the test calls <see cref="Advance"/>, until
/// <see cref="Thaw"/> lets it follow real time again. A test
/// that must catch an operation still running freezes the clock instead of slowing the world down and hoping.
/// </summary>
internal sealed class TestClock : TimeProvider
{
    private readonly Lock _gate = new();
    private TimeSpan _offset;
    private DateTimeOffset? _frozenAt;

    /// <summary>A clock that follows real time; <paramref name="frozen"/> starts it frozen.</summary>
    public TestClock(bool frozen = false)
    {
        if (frozen)
        {
            Freeze();
        }
    }

    /// <inheritdoc />
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

    /// <summary>Lets a frozen clock follow real time again, from where it stands (no jump).</summary>
    public void Thaw()
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

    /// <summary>Moves the clock on by <paramref name="time"/>, frozen or not.</summary>
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
