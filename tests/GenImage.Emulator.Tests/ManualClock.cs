namespace GenImage.Emulator.Tests;

/// <summary>
/// A clock for <see cref="EmulatorOptions.TimeProvider"/> that stands still until the test moves it. A test that must
/// see an operation still running sees it (no real time can pass behind its back), then moves time on instead of waiting.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private long _utcTicks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>Moves the clock on by <paramref name="time"/> (with clock scale 1: that many Azure seconds).</summary>
    public void Advance(TimeSpan time) => Interlocked.Add(ref _utcTicks, time.Ticks);
}
