using System.Net;
using System.Text.Json;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Authorization;
using GenImage.Emulator.Operations;

namespace GenImage.Emulator.Insights;

/// <summary>
/// The subscription Activity Log: every write request that reached a resource provider becomes a Started
/// (BeginRequest) event and an EndRequest event (Succeeded/Failed, or Accepted for a long-running operation, followed
/// by Succeeded/Failed when the operation ends). Operation outcomes are resolved lazily, when the log is read or saved,
/// from the operation store. Thread-safe.
/// </summary>
internal sealed class ActivityLog(OperationStore? operations, string tenantId, int retentionDays)
{
    private readonly Lock _gate = new();
    private readonly List<ActivityEvent> _events = new();
    private readonly List<Pending> _pending = new();

    public int RetentionDays { get; } = retentionDays;

    private sealed record Pending(string OperationId, ActivityEvent Template);

    public void Seed(IEnumerable<ActivityEvent> events)
    {
        lock (_gate)
        {
            _events.AddRange(events);
        }
    }

    /// <summary>Records a write: the Started event at <paramref name="received"/>, then its end (or Accepted and a pending end).</summary>
    public void RecordWrite(ArmAction action, Principal principal, string? role, string method, string correlationId, string? clientRequestId,
        DateTimeOffset received, DateTimeOffset answered, ArmResult result, string? errorBody)
    {
        if (action.SubscriptionId is null)
        {
            return;
        }

        var operationId = Guid.NewGuid().ToString("D");
        var started = new ActivityEvent
        {
            EventDataId = Guid.NewGuid().ToString("D"),
            CorrelationId = correlationId,
            OperationId = operationId,
            EventName = "BeginRequest",
            Status = "Started",
            Timestamp = received,
            Caller = principal.Name,
            Claims = new Dictionary<string, string>(principal.Claims),
            OperationName = action.Action,
            Scope = action.ResourceId,
            Role = role,
            ResourceId = action.ResourceId,
            ResourceGroupName = action.ResourceGroupName,
            ResourceProvider = action.ResourceProvider,
            ResourceType = action.ResourceType,
            SubscriptionId = action.SubscriptionId,
            TenantId = tenantId,
            HttpMethod = method,
            ClientRequestId = clientRequestId,
        };

        var status = result.Status;
        var statusName = ((HttpStatusCode)status).ToString();
        var properties = new Dictionary<string, string> { ["statusCode"] = statusName };
        if (errorBody is not null)
        {
            properties["statusMessage"] = errorBody;
        }

        var ended = started with
        {
            EventDataId = Guid.NewGuid().ToString("D"),
            EventName = "EndRequest",
            Status = status >= 400 ? "Failed" : status == 202 ? "Accepted" : "Succeeded",
            SubStatus = statusName,
            HttpStatus = status,
            Level = status >= 400 ? "Error" : "Informational",
            Timestamp = answered,
            Properties = properties,
        };

        lock (_gate)
        {
            _events.Add(started);
            _events.Add(ended);
            // The operation's id ends its status URL; ARM's own operations (resource group deletion) give only a Location.
            if (status is 201 or 202 && (result.Headers.TryGetValue("Azure-AsyncOperation", out var url) || result.Headers.TryGetValue("Location", out url)))
            {
                var path = url.Split('?')[0].TrimEnd('/');
                _pending.Add(new Pending(path[(path.LastIndexOf('/') + 1)..], ended));
            }
        }
    }

    /// <summary>Adds the end events of operations that have finished. Call under the world lock.</summary>
    public void Resolve()
    {
        if (operations is null)
        {
            return;
        }

        lock (_gate)
        {
            for (var i = _pending.Count - 1; i >= 0; i--)
            {
                var pending = _pending[i];
                var op = operations.Find(pending.OperationId);
                if (op is null || !op.IsTerminal)
                {
                    continue;
                }

                _pending.RemoveAt(i);
                var failed = op.Status != "Succeeded";
                var properties = new Dictionary<string, string> { ["statusCode"] = failed ? ((HttpStatusCode)op.FailureHttpStatus).ToString() : "OK" };
                if (failed)
                {
                    properties["statusMessage"] = JsonSerializer.Serialize(new { status = op.Status, error = new { code = op.ErrorCode, message = op.ErrorMessage } });
                }

                _events.Add(pending.Template with
                {
                    EventDataId = Guid.NewGuid().ToString("D"),
                    Status = failed ? "Failed" : "Succeeded",
                    SubStatus = "",
                    HttpStatus = null,
                    Level = failed ? "Error" : "Informational",
                    Timestamp = op.EndTime ?? DateTimeOffset.UtcNow,
                    Properties = properties,
                });
            }
        }
    }

    public IReadOnlyList<ActivityEvent> Snapshot()
    {
        lock (_gate)
        {
            return _events.ToArray();
        }
    }

    /// <summary>Replaces the events (loading persisted state). Pending operations are dropped.</summary>
    public void Replace(IEnumerable<ActivityEvent> events)
    {
        lock (_gate)
        {
            _events.Clear();
            _pending.Clear();
            _events.AddRange(events);
        }
    }
}
