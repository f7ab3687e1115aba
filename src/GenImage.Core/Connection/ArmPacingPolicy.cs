using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;

namespace GenImage.Core.Connection;

/// <summary>
/// Per-retry pipeline policy that paces ARM requests by the throttling budgets the answers report (see
/// <see cref="ArmPacer"/>): before a request it asks the connection's pacer how long to wait and waits (Debug line
/// when it does), after the answer it hands the <c>x-ms-ratelimit-remaining-*</c> headers to the pacer. Per retry, so
/// the SDK's retries of a 429 are paced too. The wait is cancellable with the request.
/// </summary>
internal sealed class ArmPacingPolicy : HttpPipelinePolicy
{
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    /// <param name="pacer">The connection's pacer, shared by all its requests.</param>
    /// <param name="delay">How to wait; tests pass one that records the wait and returns at once.</param>
    public ArmPacingPolicy(ArmPacer pacer, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        Pacer = pacer ?? throw new ArgumentNullException(nameof(pacer));
        _delay = delay ?? ((wait, ct) => Task.Delay(wait, ct));
    }

    public ArmPacer Pacer { get; }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var decision = Before(message);
        try
        {
            if (decision.Wait > TimeSpan.Zero)
            {
                _delay(decision.Wait, message.CancellationToken).GetAwaiter().GetResult();
            }

            ProcessNext(message, pipeline);
        }
        finally
        {
            After(message, decision);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var decision = Before(message);
        try
        {
            if (decision.Wait > TimeSpan.Zero)
            {
                await _delay(decision.Wait, message.CancellationToken).ConfigureAwait(false);
            }

            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            After(message, decision);
        }
    }

    private PaceDecision Before(HttpMessage message)
    {
        var method = message.Request.Method.Method;
        var uri = message.Request.Uri.ToUri();
        var decision = Pacer.Reserve(method, uri);
        if (decision.Wait > TimeSpan.Zero && CallScope.Current is { } scope)
        {
            scope.Log.Debug(string.Format(CultureInfo.InvariantCulture,
                "ARM pacing: {0} {1} waits {2:0} ms: {3} is low ({4:0.#} left, refills {5:0.##}/s).",
                method, ArmCallPolicy.Describe(uri), decision.Wait.TotalMilliseconds, decision.Budget, Math.Max(0, decision.TokensLeft), decision.RefillPerSecond));
        }

        return decision;
    }

    /// <summary>Hands the answer's budgets to the pacer; a request that got no answer only gives its reservation back.</summary>
    private void After(HttpMessage message, PaceDecision decision)
    {
        if (!message.HasResponse)
        {
            Pacer.Observe(message.Request.Method.Method, message.Request.Uri.ToUri(), 0, _ => null, decision);
            return;
        }

        var response = message.Response;
        Pacer.Observe(message.Request.Method.Method, message.Request.Uri.ToUri(), response.Status,
            name => response.Headers.TryGetValue(name, out var value) ? value : null, decision);
    }
}
