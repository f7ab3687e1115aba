namespace GenImage.Emulator.State;

/// <summary>
/// The emulator's notion of time. Durations are defined in Azure seconds (how long Azure takes) and scaled to real
/// time: real seconds = Azure seconds × <see cref="Scale"/>.
/// </summary>
internal sealed class ScaledClock
{
    private readonly TimeProvider _time;

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

    /// <summary>The Retry-After value ARM would send, scaled: whole real seconds, never negative.</summary>
    public int RetryAfterSeconds(double azureSeconds) => (int)Math.Max(0, Math.Round(azureSeconds * Scale, MidpointRounding.AwayFromZero));
}
