namespace GenImage.Emulator.Tests;

/// <summary>A clock for the emulator's scaled time that moves only when the test moves it (<see cref="EmulatorOptions.TimeProvider"/>).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }
}
