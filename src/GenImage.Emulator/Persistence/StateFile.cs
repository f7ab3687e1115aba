using System.Text.Json;
using System.Text.Json.Nodes;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Persistence;

/// <summary>
/// Persistent mode: the whole live world in one JSON file, written atomically (temporary file, then rename) after each
/// accepted write, every few seconds while requests arrive, and at stop. Operations in flight are not saved: the
/// world section saves resources as their operations would leave them, and polling URLs from before a restart answer 404.
/// </summary>
internal sealed class StateFile
{
    /// <summary>The format this version writes and reads. v2 serialises the state types directly (see <see cref="StateJson"/>).</summary>
    public const string Format = "genimage.dev/emulator-state/v2";

    /// <summary>The formats earlier versions wrote, which this one refuses with a message that says what to do.</summary>
    private static readonly string[] OldFormats = ["genimage.dev/emulator-state/v1"];

    internal static JsonSerializerOptions JsonOptions => StateJson.Options;

    private readonly WorldStore _store;
    private readonly Lock _fileGate = new();
    private long _changes;
    private long _savedChanges;

    public StateFile(WorldStore store, string path)
    {
        _store = store;
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    /// <summary>Notes that something may have changed (the periodic save writes only then).</summary>
    public void Touch() => Interlocked.Increment(ref _changes);

    /// <summary>Saves if anything was touched since the last save.</summary>
    public void SaveIfChanged()
    {
        if (Interlocked.Read(ref _changes) != Interlocked.Read(ref _savedChanges))
        {
            Save();
        }
    }

    /// <summary>Writes the state file atomically.</summary>
    public void Save()
    {
        var changes = Interlocked.Read(ref _changes);
        var doc = _store.Enter(() =>
        {
            var sections = new JsonObject();
            foreach (var section in _store.StateSections.All)
            {
                sections[section.Name] = section.Save(_store);
            }

            return new JsonObject
            {
                ["format"] = Format,
                ["savedAt"] = Json.Time(_store.Clock.Now),
                ["tenantId"] = _store.TenantId,
                ["sections"] = sections,
            };
        });

        lock (_fileGate)
        {
            var directory = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var temp = Path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            File.WriteAllText(temp, doc.ToJsonString(JsonOptions));
            File.Move(temp, Path, overwrite: true);
            Interlocked.Exchange(ref _savedChanges, changes);
        }
    }

    /// <summary>Reads a state file; null when it does not exist. Throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static JsonObject? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        string? format = null;
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject doc)
            {
                format = doc["format"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
                if (format == Format && doc["sections"] is JsonObject)
                {
                    return doc;
                }
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The state file '{path}' is not valid JSON: {ex.Message}", ex);
        }

        if (format is not null && OldFormats.Contains(format))
        {
            throw new InvalidDataException(
                $"The state file '{path}' was written by an earlier version of the emulator (format '{format}'); this version reads only '{Format}'. " +
                "Delete the file (or name another one) to start again from the world file.");
        }

        throw new InvalidDataException($"The state file '{path}' is not a GenImage emulator state file (format '{Format}').");
    }

    /// <summary>Loads every registered section found in the document into the (empty) store.</summary>
    public static void Load(WorldStore store, JsonObject doc)
    {
        var sections = (JsonObject)doc["sections"]!;
        store.Enter(() =>
        {
            foreach (var section in store.StateSections.All)
            {
                if (sections[section.Name] is { } data)
                {
                    section.Load(store, data);
                }
            }

            return 0;
        });
    }
}
