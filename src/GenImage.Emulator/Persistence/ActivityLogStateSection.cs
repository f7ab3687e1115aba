using System.Text.Json;
using System.Text.Json.Nodes;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Persistence;

/// <summary>The Activity Log's events.</summary>
internal sealed class ActivityLogStateSection(Insights.ActivityLog log) : IStateSection
{
    public string Name => "activityLog";

    public JsonNode? Save(WorldStore store)
    {
        log.Resolve();
        return JsonSerializer.SerializeToNode(log.Snapshot(), StateFile.JsonOptions);
    }

    public void Load(WorldStore store, JsonNode data)
        => log.Replace(data.Deserialize<List<Insights.ActivityEvent>>(StateFile.JsonOptions) ?? []);
}
