namespace GenImage.Emulator;

/// <summary>One request the emulator answered. The query string never carries secrets (sensitive values are redacted).</summary>
public sealed record RequestLogEntry(
    DateTimeOffset Time,
    string Method,
    string Path,
    string Query,
    int Status,
    TimeSpan Duration,
    string? CorrelationId,
    string? RequestId,
    string? ArmErrorCode);
