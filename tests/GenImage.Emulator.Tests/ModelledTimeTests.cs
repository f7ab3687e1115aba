using GenImage.Emulator.State;

namespace GenImage.Emulator.Tests;

/// <summary>How much of a period Azure itself was busy: the union of the spans the clock handed out.</summary>
public sealed class ModelledTimeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Overlapping_work_counts_once_and_gaps_not_at_all()
    {
        var time = new ManualClock(T0);
        var clock = new ScaledClock(0.5, time);

        Assert.Equal(T0.AddSeconds(10), clock.After(20)); // [0, 10] real seconds
        Assert.Equal(T0.AddSeconds(8), clock.After(6, T0.AddSeconds(5))); // [5, 8]: inside the first
        clock.After(10, T0.AddSeconds(9)); // [9, 14]: extends it
        clock.After(4, T0.AddSeconds(20)); // [20, 22] after a gap of 6

        Assert.Equal(TimeSpan.FromSeconds(16), clock.ModelledTime(T0, T0.AddSeconds(30)));
    }

    [Fact]
    public void Work_outside_the_period_is_clipped_to_it()
    {
        var clock = new ScaledClock(1, new ManualClock(T0));
        clock.After(10); // [0, 10]
        clock.After(10, T0.AddSeconds(20)); // [20, 30]

        Assert.Equal(TimeSpan.FromSeconds(7), clock.ModelledTime(T0.AddSeconds(5), T0.AddSeconds(22)));
        Assert.Equal(TimeSpan.Zero, clock.ModelledTime(T0.AddSeconds(11), T0.AddSeconds(19)));
    }

    [Fact]
    public async Task A_deallocate_is_modelled_time_for_as_long_as_Azure_takes()
    {
        // Scale 1 on a clock that stands still: the deallocation's 60 Azure seconds are 60 modelled seconds.
        var time = new TestClock(frozen: true);
        await using var host = await TestSupport.StartAsync(scale: 1, time: time);
        using var http = TestSupport.Http(host);
        var start = time.GetUtcNow();

        var (accepted, _) = await TestSupport.PostAsync(http, TestSupport.VmPath("vm-win") + "/deallocate?api-version=2023-07-01");

        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        var modelled = host.ModelledTime(start, start.AddHours(1));
        Assert.InRange(modelled.TotalSeconds, 30, 600);
        Assert.Equal(TimeSpan.Zero, host.ModelledTime(start.AddHours(1), start.AddHours(2)));
    }
}
