using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using GenImage.Core.Connection;
using GenImage.Core.Errors;

namespace GenImage.Core.Operations;

/// <summary>Where an ARM long-running operation stands, read from the URLs ARM gave when it accepted it.</summary>
public sealed class OperationState
{
    /// <summary>InProgress, Succeeded, Failed, Canceled, or Unknown (ARM no longer knows the operation).</summary>
    public string Status { get; set; } = "Unknown";
    public bool IsRunning => string.Equals(Status, "InProgress", StringComparison.OrdinalIgnoreCase);
    public bool Succeeded => string.Equals(Status, "Succeeded", StringComparison.OrdinalIgnoreCase);
    /// <summary>The ARM error code and message when it failed.</summary>
    public string? Error { get; set; }
    /// <summary>For a Run Command: the standard output it returned.</summary>
    public string? StdOut { get; set; }
}

/// <summary>
/// Reads the state of a long-running operation from its Azure-AsyncOperation and Location URLs, so a resumed run
/// can wait for an operation an earlier, interrupted attempt left running in Azure (a Run Command in the guest).
/// </summary>
public interface IOperationMonitor
{
    Task<OperationState> GetAsync(AcceptedOperation operation, CancellationToken cancellationToken);
}

/// <summary><see cref="IOperationMonitor"/> over the connection's own pipeline (same authentication, retries and logging).</summary>
public sealed class ArmOperationMonitor : IOperationMonitor
{
    private readonly GenImageConnection _connection;

    public ArmOperationMonitor(GenImageConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    public async Task<OperationState> GetAsync(AcceptedOperation operation, CancellationToken cancellationToken)
    {
        if (operation == null)
        {
            throw new ArgumentNullException(nameof(operation));
        }

        if (operation.StatusUrl != null)
        {
            var (status, body) = await GetAsync(operation.StatusUrl, cancellationToken).ConfigureAwait(false);
            if (status == 404)
            {
                return new OperationState { Status = "Unknown" };
            }

            var state = new OperationState { Status = Str(body, "status") ?? (status == 202 ? "InProgress" : "Unknown") };
            if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                state.Error = $"{Str(error, "code")}: {Str(error, "message")}";
            }
            if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("properties", out var p) && p.TryGetProperty("output", out var output))
            {
                state.StdOut = StdOut(output);
            }
            if (state.Succeeded && state.StdOut == null && operation.ResultUrl != null)
            {
                var (resultStatus, result) = await GetAsync(operation.ResultUrl, cancellationToken).ConfigureAwait(false);
                if (resultStatus == 200)
                {
                    state.StdOut = StdOut(result);
                }
            }
            return state;
        }
        if (operation.ResultUrl != null)
        {
            var (status, body) = await GetAsync(operation.ResultUrl, cancellationToken).ConfigureAwait(false);
            return status switch
            {
                202 => new OperationState { Status = "InProgress" },
                200 or 201 or 204 => new OperationState { Status = "Succeeded", StdOut = StdOut(body) },
                404 => new OperationState { Status = "Unknown" },
                _ => new OperationState { Status = "Failed", Error = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var e) ? $"{Str(e, "code")}: {Str(e, "message")}" : $"HTTP {status}" },
            };
        }
        return new OperationState { Status = "Unknown" };
    }

    /// <summary>The standard output of a Run Command result ({"value":[{"code":"ComponentStatus/StdOut/succeeded","message":"…"}]}).</summary>
    private static string? StdOut(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var parts = value.EnumerateArray()
            .Where(v => (Str(v, "code") ?? string.Empty).IndexOf("StdOut", StringComparison.OrdinalIgnoreCase) >= 0)
            .Select(v => Str(v, "message") ?? string.Empty)
            .ToList();
        return parts.Count == 0 ? null : string.Concat(parts);
    }

    private async Task<(int Status, JsonElement Body)> GetAsync(string url, CancellationToken cancellationToken)
    {
        var pipe = new RawPipe(_connection.Client);
        using var message = pipe.Pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(url));
        message.Request.Headers.Add("Accept", "application/json");
        try
        {
            await pipe.Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the state of the operation", url);
        }
        var response = message.Response;
        JsonElement body = default;
        try
        {
            if (response.Content != null && response.Content.ToMemory().Length > 0)
            {
                using var doc = JsonDocument.Parse(response.Content.ToMemory());
                body = doc.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the status code says enough.
        }
        return (response.Status, body);
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private sealed class RawPipe : ArmResource
    {
        public RawPipe(ArmClient client)
            : base(client, ResourceIdentifier.Root)
        {
        }

        public new HttpPipeline Pipeline => base.Pipeline;
    }
}
