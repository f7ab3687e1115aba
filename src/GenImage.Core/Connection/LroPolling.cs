using System;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;

namespace GenImage.Core.Connection;

/// <summary>
/// How the engine waits for an ARM long-running operation: a poll every <c>interval</c> (±20 % jitter), or later
/// when ARM's <c>Retry-After</c> asks for more. The SDK's <c>WaitForCompletion(TimeSpan)</c> raises any interval
/// under one second to one second, which turned the emulator's 20 ms polling into a second per poll; a
/// <see cref="DelayStrategy"/> has no such floor.
/// </summary>
internal static class LroPolling
{
    public static ValueTask<Response<T>> WaitAsync<T>(this Operation<T> operation, TimeSpan interval, CancellationToken cancellationToken)
        where T : notnull =>
        operation.WaitForCompletionAsync(DelayStrategy.CreateFixedDelayStrategy(interval), cancellationToken);

    public static ValueTask<Response> WaitAsync(this Operation operation, TimeSpan interval, CancellationToken cancellationToken) =>
        operation.WaitForCompletionResponseAsync(DelayStrategy.CreateFixedDelayStrategy(interval), cancellationToken);
}
