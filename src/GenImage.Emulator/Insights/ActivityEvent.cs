namespace GenImage.Emulator.Insights;

/// <summary>One Activity Log event (ARM's EventData), stored as plain data so it can be persisted.</summary>
internal sealed record ActivityEvent
{
    public required string EventDataId { get; init; }
    public required string CorrelationId { get; init; }
    public required string OperationId { get; init; }

    /// <summary>BeginRequest | EndRequest.</summary>
    public required string EventName { get; init; }

    /// <summary>Started | Accepted | Succeeded | Failed.</summary>
    public required string Status { get; init; }

    /// <summary>The HTTP status name (Created, Accepted, Conflict…) or empty.</summary>
    public string SubStatus { get; init; } = "";

    public int? HttpStatus { get; init; }

    /// <summary>Informational | Error.</summary>
    public string Level { get; init; } = "Informational";

    public required DateTimeOffset Timestamp { get; init; }
    public required string Caller { get; init; }
    public Dictionary<string, string> Claims { get; init; } = new();
    public required string OperationName { get; init; }
    public required string Scope { get; init; }
    public string? Role { get; init; }
    public required string ResourceId { get; init; }
    public string? ResourceGroupName { get; init; }
    public required string ResourceProvider { get; init; }
    public required string ResourceType { get; init; }
    public required string SubscriptionId { get; init; }
    public required string TenantId { get; init; }
    public string HttpMethod { get; init; } = "";
    public string? ClientRequestId { get; init; }
    public Dictionary<string, string> Properties { get; init; } = new();
}
