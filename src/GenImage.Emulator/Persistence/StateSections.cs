using System.Text.Json.Nodes;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Persistence;

/// <summary>
/// One part of the live world that survives a restart in persistent mode. A resource provider that keeps state of
/// its own registers a section with <see cref="WorldStore.StateSections"/>; the store saves and loads every section
/// through the same state file, in registration order, under the world lock.
/// </summary>
internal interface IStateSection
{
    /// <summary>The section's key in the state file (stable across versions).</summary>
    string Name { get; }

    /// <summary>The section's data as JSON (plain records; no live objects). Called under the world lock.</summary>
    JsonNode? Save(WorldStore store);

    /// <summary>Restores the section from what <see cref="Save"/> wrote. Called under the world lock, after earlier sections.</summary>
    void Load(WorldStore store, JsonNode data);
}

/// <summary>
/// The registered sections, in order: the world section (subscriptions, resource groups and every resource in them,
/// serialised from the state types) is always first; sections registered at start (the Activity Log) follow.
/// </summary>
internal sealed class StateSections
{
    private readonly List<IStateSection> _sections =
    [
        new WorldStateSection(),
    ];

    public IReadOnlyList<IStateSection> All => _sections;

    public void Add(IStateSection section)
    {
        if (_sections.Any(s => s.Name == section.Name))
        {
            throw new InvalidOperationException($"A state section named '{section.Name}' is already registered.");
        }

        _sections.Add(section);
    }
}
