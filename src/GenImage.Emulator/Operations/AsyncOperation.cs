using System.Text.Json.Nodes;

namespace GenImage.Emulator.Operations;

/// <summary>One ARM asynchronous operation, as reported by <c>…/locations/{loc}/operations/{id}</c>.</summary>
internal sealed class AsyncOperation
{
    public required string Id { get; init; }

    /// <summary>The service that answers its status URL (operations, capsOperations, DiskOperations).</summary>
    public OperationKind Kind { get; init; } = OperationKind.Compute;

    /// <summary>How many times its status URL has been read (Retry-After depends on it, as recorded).</summary>
    public int StatusPolls { get; set; }

    /// <summary>Whether its initial answer carried Retry-After (then its first status poll does too, as recorded).</summary>
    public bool InitialRetryAfter { get; set; }
    public required string SubscriptionId { get; init; }
    public required string Location { get; init; }

    /// <summary>The action, e.g. deallocate or runCommand (for diagnostics).</summary>
    public required string Name { get; init; }

    public required string ResourceId { get; init; }
    public required string Caller { get; init; }
    public required DateTimeOffset StartTime { get; init; }
    public required DateTimeOffset DueTime { get; init; }

    /// <summary>The poll-URL token (<c>p=</c>), as in real ARM operation URLs.</summary>
    public string Partition { get; } = Guid.NewGuid().ToString("D");

    public string Status { get; set; } = "InProgress";
    public DateTimeOffset? EndTime { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }

    /// <summary>HTTP status the monitor (Location) URL answers when the operation failed.</summary>
    public int FailureHttpStatus { get; set; } = 409;

    /// <summary>Body the monitor (Location) URL returns once the operation succeeded (e.g. RunCommandResult); null = empty.</summary>
    public JsonNode? Result { get; set; }

    public bool IsTerminal => Status is "Succeeded" or "Failed" or "Canceled";

    public void Succeed(DateTimeOffset now, JsonNode? result = null)
    {
        Status = "Succeeded";
        EndTime = now;
        Result = result;
    }

    public void Fail(DateTimeOffset now, string code, string message, int httpStatus = 409)
    {
        Status = "Failed";
        EndTime = now;
        ErrorCode = code;
        ErrorMessage = message;
        FailureHttpStatus = httpStatus;
    }

    public JsonObject ToStatusBody()
    {
        var body = new JsonObject
        {
            ["startTime"] = Json.Time(StartTime),
        };
        if (EndTime is { } end)
        {
            body["endTime"] = Json.Time(end);
        }

        body["status"] = Status;
        if (ErrorCode is not null)
        {
            body["error"] = new JsonObject { ["code"] = ErrorCode, ["message"] = ErrorMessage };
        }

        if (Status == "Succeeded" && Name == "runCommand" && Kind == OperationKind.Compute && Result is not null)
        {
            // As recorded for POST runCommand: the final status body carries the result under properties.output.
            body["properties"] = new JsonObject { ["output"] = Result.DeepClone() };
        }

        body["name"] = Id;
        return body;
    }
}
