using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;

namespace GenImage.Core.Connection;

/// <summary>
/// Waits for a long-running POST (Run Command, deallocate) by its <c>Azure-AsyncOperation</c> URL alone. For these
/// operations the SDK's poller reads the <c>Location</c> URL once more after the status said Succeeded; the status body
/// already carries a Run Command's output (<c>properties.output</c>, as recorded) and deallocate has no result, so that
/// read adds nothing (docs/arm-calls.md counts the initial request and one poll). Polls as <see cref="LroPolling"/> does:
/// every interval (±20 % jitter), or later when <c>Retry-After</c> asks for more, starting with a wait. An initial answer
/// without an <c>Azure-AsyncOperation</c> header is left to the SDK (the caller's fallback).
/// </summary>
internal static class StatusPolling
{
    /// <summary>
    /// The final status body of a Succeeded operation; null when the operation is not followed by a status URL (the
    /// caller waits through the SDK). A Failed or Canceled status, or an error answer, throws the
    /// <see cref="RequestFailedException"/> the SDK would (translated by the caller as before).
    /// </summary>
    public static async Task<JsonElement?> WaitAsync(ArmClient client, Operation operation, TimeSpan interval, CancellationToken cancellationToken)
    {
        if (operation.HasCompleted)
        {
            return null;
        }

        var initial = operation.GetRawResponse();
        if (initial == null || !initial.Headers.TryGetValue("Azure-AsyncOperation", out var statusUrl) || string.IsNullOrEmpty(statusUrl))
        {
            return null;
        }

        var pipeline = new RawPipe(client).Pipeline;
        var strategy = DelayStrategy.CreateFixedDelayStrategy(interval);
        var wait = strategy.GetNextDelay(initial, 1);
        for (var attempt = 2; ; attempt++)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            var message = pipeline.CreateMessage();
            message.Request.Method = RequestMethod.Get;
            message.Request.Uri.Reset(new Uri(statusUrl));
            message.Request.Headers.Add("Accept", "application/json");
            await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var response = message.Response;
            if (response.Status >= 400)
            {
                // The message is not disposed: the exception keeps the response and its body for the translation.
                throw new RequestFailedException(response);
            }

            var body = Parse(response);
            var status = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()
                : null;
            if (string.Equals(status, "Succeeded", StringComparison.OrdinalIgnoreCase))
            {
                message.Dispose();
                return body;
            }

            if (string.Equals(status, "Failed", StringComparison.OrdinalIgnoreCase) || string.Equals(status, "Canceled", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(status, "Cancelled", StringComparison.OrdinalIgnoreCase))
            {
                throw new RequestFailedException(response);
            }

            wait = strategy.GetNextDelay(response, attempt);
            message.Dispose();
        }
    }

    private static JsonElement? Parse(Response response)
    {
        try
        {
            if (response.Content == null || response.Content.ToMemory().Length == 0)
            {
                return null;
            }

            using var doc = JsonDocument.Parse(response.Content.ToMemory());
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class RawPipe : ArmResource
    {
        public RawPipe(ArmClient client)
            : base(client, ResourceIdentifier.Root)
        {
        }

        public new HttpPipeline Pipeline => base.Pipeline;
    }
}
