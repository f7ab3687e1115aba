using System.Text.Json.Nodes;

namespace GenImage.Emulator.Arm;

/// <summary>What a handler answers: status, optional JSON body, extra headers.</summary>
internal sealed class ArmResult
{
    public ArmResult(int status, JsonNode? body = null)
    {
        Status = status;
        Body = body;
    }

    public int Status { get; }
    public JsonNode? Body { get; }
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Write no body even when the status would allow one (HEAD).</summary>
    public bool SuppressBody { get; init; }

    public static ArmResult Ok(JsonNode? body = null) => new(200, body);
    public static ArmResult Created(JsonNode body) => new(201, body);
    public static ArmResult NoContent() => new(204) { SuppressBody = true };
}
