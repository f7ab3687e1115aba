using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenImage.Emulator.Tests.Conformance;

/// <summary>
/// Compares the shape of an emulator response with an ARM example: the same property names and nesting and the same
/// JSON value kinds. Values may differ and the emulator may add properties. Paths look like
/// <c>properties.storageProfile.dataDisks[].lun</c>.
/// </summary>
internal static class ExampleShape
{
    /// <summary>Every difference, as "path: problem"; paths under an excluded prefix are skipped.</summary>
    public static List<string> Differences(JsonNode? example, JsonNode? actual, IReadOnlyCollection<string> excluded)
    {
        var problems = new List<string>();
        Compare(example, actual, "", excluded, problems);
        return problems;
    }

    private static bool IsExcluded(string path, IReadOnlyCollection<string> excluded)
        => excluded.Any(e => path == e || path.StartsWith(e + ".", StringComparison.Ordinal) || path.StartsWith(e + "[]", StringComparison.Ordinal));

    private static void Compare(JsonNode? example, JsonNode? actual, string path, IReadOnlyCollection<string> excluded, List<string> problems)
    {
        if (example is null || IsExcluded(path, excluded))
        {
            return;
        }

        if (actual is null)
        {
            problems.Add($"{Show(path)}: the example has {Kind(example)}, the emulator has null or nothing");
            return;
        }

        switch (example)
        {
            case JsonObject exampleObject:
                if (actual is not JsonObject actualObject)
                {
                    problems.Add($"{Show(path)}: the example has an object, the emulator {Kind(actual)}");
                    return;
                }

                if (path == "tags" || path.EndsWith(".tags", StringComparison.Ordinal) || path.EndsWith("].tags", StringComparison.Ordinal))
                {
                    // Tags are a map of the resource's own names: only the kind matters.
                    return;
                }

                foreach (var (name, value) in exampleObject)
                {
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (IsExcluded(child, excluded))
                    {
                        continue;
                    }

                    if (!actualObject.TryGetPropertyValue(name, out var actualValue))
                    {
                        problems.Add($"{child}: missing");
                        continue;
                    }

                    Compare(value, actualValue, child, excluded, problems);
                }

                break;
            case JsonArray exampleArray:
                if (actual is not JsonArray actualArray)
                {
                    problems.Add($"{Show(path)}: the example has an array, the emulator {Kind(actual)}");
                    return;
                }

                if (exampleArray.Count == 0)
                {
                    return;
                }

                if (actualArray.Count == 0)
                {
                    if (!IsExcluded(path + "[]", excluded))
                    {
                        problems.Add($"{Show(path)}[]: the example has items, the emulator none");
                    }

                    return;
                }

                // Items differ (a ProvisioningState status has a time, a PowerState status has none): the example's first
                // item must be matched in full by at least one item, and no item may have a property of another kind.
                List<string>? best = null;
                foreach (var item in actualArray)
                {
                    var itemProblems = new List<string>();
                    Compare(exampleArray[0], item, path + "[]", excluded, itemProblems);
                    problems.AddRange(itemProblems.Where(p => !p.EndsWith(": missing", StringComparison.Ordinal) && !p.Contains("null or nothing", StringComparison.Ordinal)));
                    if (best is null || itemProblems.Count < best.Count)
                    {
                        best = itemProblems;
                    }
                }

                problems.AddRange(best!.Where(p => !problems.Contains(p)));

                break;
            default:
                var expectedKind = Normalize(example.GetValueKind());
                var actualKind = Normalize(actual.GetValueKind());
                if (expectedKind != actualKind)
                {
                    problems.Add($"{Show(path)}: the example has {Kind(example)}, the emulator {Kind(actual)}");
                }

                break;
        }
    }

    private static JsonValueKind Normalize(JsonValueKind kind) => kind == JsonValueKind.False ? JsonValueKind.True : kind;

    private static string Kind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Show(string path) => path.Length == 0 ? "(body)" : path;
}
