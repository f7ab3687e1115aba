using System;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;

namespace GenImage.Core.Connection;

/// <summary>
/// How the engine waits for an ARM long-running operation: a poll every <c>interval</c> (±20 % jitter), or later
/// when ARM's <c>Retry-After</c> asks for more, starting from the initial answer. The SDK's
/// <c>WaitForCompletion(TimeSpan)</c> raises any interval under one second to one second, which turned the emulator's
/// 20 ms polling into a second per poll; a <see cref="DelayStrategy"/> has no such floor. The SDK's poller also sends
/// its first poll at once, whatever the initial answer's <c>Retry-After</c> says; so when that answer asks the client
/// to poll, the engine first waits as it would between two polls.
/// </summary>
internal static class LroPolling
{
    public static ValueTask<Response<T>> WaitAsync<T>(this Operation<T> operation, TimeSpan interval, CancellationToken cancellationToken)
        where T : notnull =>
        WaitAsync(operation, interval, Task.Delay, cancellationToken);

    public static ValueTask<Response> WaitAsync(this Operation operation, TimeSpan interval, CancellationToken cancellationToken) =>
        WaitAsync(operation, interval, Task.Delay, cancellationToken);

    /// <summary>Waits with <paramref name="delay"/> before the first poll (tests record it instead of waiting).</summary>
    internal static async ValueTask<Response<T>> WaitAsync<T>(Operation<T> operation, TimeSpan interval, Func<TimeSpan, CancellationToken, Task> delay, CancellationToken cancellationToken)
        where T : notnull
    {
        var strategy = DelayStrategy.CreateFixedDelayStrategy(interval);
        await BeforeFirstPollAsync(operation, strategy, delay, cancellationToken).ConfigureAwait(false);
        return await operation.WaitForCompletionAsync(strategy, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits with <paramref name="delay"/> before the first poll (tests record it instead of waiting).</summary>
    internal static async ValueTask<Response> WaitAsync(Operation operation, TimeSpan interval, Func<TimeSpan, CancellationToken, Task> delay, CancellationToken cancellationToken)
    {
        var strategy = DelayStrategy.CreateFixedDelayStrategy(interval);
        await BeforeFirstPollAsync(operation, strategy, delay, cancellationToken).ConfigureAwait(false);
        return await operation.WaitForCompletionResponseAsync(strategy, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The wait before the first poll: as between two polls (the interval, or the initial answer's <c>Retry-After</c>
    /// when it asks for more), or none when the operation is done or its initial answer asks for no poll.
    /// </summary>
    internal static TimeSpan FirstPollDelay(Operation operation, DelayStrategy strategy)
    {
        if (operation.HasCompleted)
        {
            return TimeSpan.Zero;
        }

        var initial = operation.GetRawResponse();
        return AsksToPoll(initial) ? strategy.GetNextDelay(initial, 1) : TimeSpan.Zero;
    }

    /// <summary>
    /// Whether an initial answer tells the client to poll: 202 Accepted, or a status URL in <c>Azure-AsyncOperation</c>,
    /// <c>Operation-Location</c> or <c>Location</c>. (A 200/201/204 without one is final, or is polled at the resource
    /// itself, as the SDK does; it is left to the SDK.)
    /// </summary>
    internal static bool AsksToPoll(Response? initial) =>
        initial != null
        && (initial.Status == 202
            || initial.Headers.Contains("Azure-AsyncOperation")
            || initial.Headers.Contains("Operation-Location")
            || initial.Headers.Contains("Location"));

    private static async Task BeforeFirstPollAsync(Operation operation, DelayStrategy strategy, Func<TimeSpan, CancellationToken, Task> delay, CancellationToken cancellationToken)
    {
        var wait = FirstPollDelay(operation, strategy);
        if (wait > TimeSpan.Zero)
        {
            await delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }
}
