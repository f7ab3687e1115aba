using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GenImage.Emulator.Persistence;
using GenImage.Emulator.Resources.Images;
using GenImage.Emulator.Resources.RunCommands;
using GenImage.Emulator.State;
using GenImage.Emulator.World;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>
/// The state file serialises the state types directly: a save, a load into a fresh emulator and a second save give
/// the same file, and every value a state type stores is in the file unless the type says it is runtime-only.
/// </summary>
public sealed class StateFileFormatTests : IDisposable
{
    /// <summary>
    /// Properties that hold runtime-only state, with why they are not saved. A new property marked [JsonIgnore] must be
    /// listed here, so leaving a property out of the state file is always a decision.
    /// </summary>
    private static readonly Dictionary<string, string> RuntimeOnly = new()
    {
        ["ResourceGroupState.Subscription"] = "back-reference, set on load by the parent",
        ["VirtualMachineState.Group"] = "back-reference, set on load by the parent",
        ["GalleryState.Group"] = "back-reference, set on load by the parent",
        ["GalleryImageState.Gallery"] = "back-reference, set on load by the parent",
        ["GalleryImageVersionState.Image"] = "back-reference, set on load by the parent",
        ["GalleryImageVersionState.Number"] = "parsed from the name on load",
        ["ManagedImageState.Group"] = "back-reference, set on load by the parent",
        ["DiskState.Group"] = "back-reference, set on load by the parent",
        ["NetworkInterfaceState.Group"] = "back-reference, set on load by the parent",
        ["ScaleSetState.Group"] = "back-reference, set on load by the parent",
        ["RunCommandState.Vm"] = "back-reference, set on load by the parent",
        ["VirtualMachineState.PendingPowerOperation"] = "an operation in flight; the save settles its effect",
        ["VirtualMachineState.PendingRunCommand"] = "an operation in flight; dropped at save",
        ["RunCommandState.Execution"] = "an operation in flight; the save settles its effect",
    };

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "genimage-format-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    public static TheoryData<string> ExampleWorlds()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(WorldFileTests.RepoRoot(), "examples", "worlds"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleWorlds))]
    public async Task A_saved_world_loads_and_saves_to_the_same_file(string world)
    {
        var state = Path.Combine(_dir, "state.json");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using (var first = await TestSupport.StartAsync(new EmulatorOptions
        {
            WorldFile = Path.Combine(WorldFileTests.RepoRoot(), "examples", "worlds", world),
            StateFile = state,
            TimeProvider = clock,
            ClockScale = 1,
        }))
        {
            // Some operations, left in flight by the manual clock: the save settles them.
            using var http = Http(first);
            var sub = first.SubscriptionIds[0];
            Assert.Equal(201, (int)(await SendAsync(http, HttpMethod.Put, $"subscriptions/{sub}/resourcegroups/rg-roundtrip?api-version=2022-09-01",
                new { location = "westeurope", tags = new { purpose = "round-trip" } })).Response.StatusCode);
            var (gallery, galleryBody) = await SendAsync(http, HttpMethod.Put,
                $"subscriptions/{sub}/resourceGroups/rg-roundtrip/providers/Microsoft.Compute/galleries/galRoundTrip?api-version=2023-07-03",
                new { location = "westeurope", properties = new { description = "saved while being created" } });
            Assert.True((int)gallery.StatusCode is 200 or 201, galleryBody?.ToJsonString());
            var running = first.ListVms(sub).FirstOrDefault(v => v.PowerState == "running" && v.ProvisioningState == "Succeeded");
            if (running is not null)
            {
                var (deallocate, _) = await PostAsync(http, $"{running.Id}/deallocate?api-version={ComputeApi}".TrimStart('/'));
                Assert.Equal(202, (int)deallocate.StatusCode);
            }

            first.SaveState();
        }

        var saved = await File.ReadAllTextAsync(state);
        Assert.Contains("galRoundTrip", saved, StringComparison.Ordinal);

        await using (var second = await TestSupport.StartAsync(new EmulatorOptions { StateFile = state, TimeProvider = clock, ClockScale = 1 }))
        {
            second.SaveState();
        }

        Assert.Equal(saved, await File.ReadAllTextAsync(state));
    }

    [Fact]
    public void Every_value_a_state_type_stores_is_in_the_state_file_or_declared_runtime_only()
    {
        var problems = new List<string>();
        var seen = new HashSet<string>();
        foreach (var type in StateTypes())
        {
            var stored = type.GetProperties(BindingFlags.Instance | BindingFlags.Public).Where(StateJson.IsStored).ToList();
            var backing = stored.Select(StateJson.BackingField).Where(f => f is not null).ToHashSet();

            // A value kept in a field of its own (not an auto-property) would be invisible to the serializer.
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (!backing.Contains(field))
                {
                    problems.Add($"{type.Name}.{field.Name} is a field, not an auto-property: the state file does not save it.");
                }
            }

            var contract = StateJson.Options.GetTypeInfo(type);
            foreach (var property in stored.Where(p => p.DeclaringType == type))
            {
                var key = $"{type.Name}.{property.Name}";
                var ignored = property.GetCustomAttribute<JsonIgnoreAttribute>() is not null;
                if (ignored)
                {
                    seen.Add(key);
                    if (!RuntimeOnly.ContainsKey(key))
                    {
                        problems.Add($"{key} is [JsonIgnore] and not declared runtime-only: it would be lost at a restart.");
                    }

                    continue;
                }

                if (contract.Properties.FirstOrDefault(p => Equals(p.AttributeProvider, property)) is not { Get: not null, Set: not null })
                {
                    problems.Add($"{key} stores a value but is not both written and read by the state file.");
                }
            }
        }

        problems.AddRange(RuntimeOnly.Keys.Except(seen).Select(k => $"{k} is declared runtime-only but is not a [JsonIgnore] property of a state type."));
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>
    /// What a new property on a state type gets with no persistence edit: every stored property of every object in a
    /// world (VMs and guests, galleries, definitions, versions and regions, managed images, disks, run commands, image
    /// lineages) is set to a value of its own, and a save loaded into an empty store gives back each of those values.
    /// </summary>
    [Fact]
    public void Every_stored_property_of_every_resource_survives_a_save_and_a_load()
    {
        var clock = new ScaledClock(1);
        var store = new WorldStore(WorldLoader.LoadFile(Path.Combine(WorldFileTests.RepoRoot(), "examples", "worlds", "boot-failures.yaml")), clock);
        var rg = store.Subscriptions.All[0].ResourceGroups.All.First(g => g.VirtualMachines.Count > 0 && g.Galleries.Count > 0);
        var vm = rg.VirtualMachines.All[0];
        rg.Images.Add("img-probe", new ManagedImageState(rg, "img-probe", rg.Location)
        {
            SourceVmId = vm.ResourceId,
            Lineage = ImageLineage.FromVm(vm),
            HyperVGeneration = "V2",
            OsDiskId = vm.OsDiskId,
        });
        vm.RunCommands.Add("rc-probe", new RunCommandState(vm, "rc-probe", vm.Location) { Source = new JsonObject { ["script"] = "echo" } });
        Assert.NotEmpty(rg.Galleries.All.SelectMany(g => g.Images.All).SelectMany(i => i.Versions.All).SelectMany(v => v.Regions));

        var probe = new Probe(clock.Now.AddDays(-1));
        foreach (var sub in store.Subscriptions.All)
        {
            probe.Set(sub);
        }

        var section = new WorldStateSection();
        var saved = section.Save(store)!;
        var loaded = new WorldStore(new WorldDefinition { TenantId = store.TenantId }, clock);
        section.Load(loaded, saved);

        var differences = new List<string>();
        var compared = Compare(store.Subscriptions.All, loaded.Subscriptions.All, "world", differences);
        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences));
        Assert.True(compared >= probe.Count, $"{compared} values compared, {probe.Count} set");
        Assert.True(probe.Count > 200, $"only {probe.Count} values were set");
        Assert.Same(loaded.Subscriptions.All[0].ResourceGroups.Get(rg.Name), loaded.Subscriptions.All[0].ResourceGroups.Get(rg.Name)!.VirtualMachines.Get(vm.Name)!.Group);
        Assert.Equal(vm.Name, loaded.Subscriptions.All[0].ResourceGroups.Get(rg.Name)!.VirtualMachines.Get(vm.Name)!.RunCommands.Get("rc-probe")!.Vm.Name);
    }

    [Fact]
    public async Task A_state_file_of_the_earlier_format_is_refused_with_what_to_do()
    {
        Directory.CreateDirectory(_dir);
        var state = Path.Combine(_dir, "state.json");
        await File.WriteAllTextAsync(state, "{\"format\":\"genimage.dev/emulator-state/v1\",\"sections\":{\"core\":[]}}");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TestSupport.StartAsync(new EmulatorOptions { StateFile = state }));
        Assert.Contains("earlier version of the emulator", ex.Message, StringComparison.Ordinal);
        Assert.Contains("genimage.dev/emulator-state/v2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Delete the file", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The state types reachable from a subscription, through stored properties and collections.</summary>
    private static IEnumerable<Type> StateTypes()
    {
        var found = new HashSet<Type>();
        var queue = new Queue<Type>([typeof(SubscriptionState)]);
        while (queue.TryDequeue(out var type))
        {
            if (type.Assembly != typeof(StateJson).Assembly || type.IsEnum || !found.Add(type))
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public).Where(StateJson.IsStored))
            {
                var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                queue.Enqueue(t);
                foreach (var argument in t.IsGenericType ? t.GetGenericArguments() : [])
                {
                    queue.Enqueue(argument);
                }
            }
        }

        return found.Where(t => !t.IsGenericType);
    }

    private static bool IsRuntimeOnly(PropertyInfo property) => property.GetCustomAttribute<JsonIgnoreAttribute>() is not null;

    private static IEnumerable<PropertyInfo> Persisted(Type type)
        => type.GetProperties(BindingFlags.Instance | BindingFlags.Public).Where(p => StateJson.IsStored(p) && !IsRuntimeOnly(p));

    private static bool IsValue(Type type)
        => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(DateTimeOffset) || type == typeof(decimal)
           || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>));

    /// <summary>Compares what the state file must carry; returns how many values were compared.</summary>
    private static int Compare(object? expected, object? actual, string path, List<string> differences)
    {
        if (expected is null || actual is null)
        {
            if (expected is not null || actual is not null)
            {
                differences.Add($"{path}: {expected ?? "null"} became {actual ?? "null"}");
            }

            return 1;
        }

        var type = expected.GetType();
        if (IsValue(type))
        {
            if (!Equals(expected, actual))
            {
                differences.Add($"{path}: {expected} became {actual}");
            }

            return 1;
        }

        if (expected is JsonNode node)
        {
            if (!JsonNode.DeepEquals(node, actual as JsonNode))
            {
                differences.Add($"{path}: {node.ToJsonString()} became {(actual as JsonNode)?.ToJsonString()}");
            }

            return 1;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ResourceDictionary<>))
        {
            expected = type.GetProperty("All")!.GetValue(expected);
            actual = type.GetProperty("All")!.GetValue(actual);
        }

        if (expected is IEnumerable items)
        {
            var left = items.Cast<object?>().ToList();
            var right = ((IEnumerable?)actual ?? Array.Empty<object>()).Cast<object?>().ToList();
            if (left.Count != right.Count)
            {
                differences.Add($"{path}: {left.Count} items became {right.Count}");
                return 1;
            }

            return left.Zip(right).Select((pair, i) => Compare(pair.First, pair.Second, $"{path}[{i}]", differences)).Sum();
        }

        var count = 0;
        foreach (var property in Persisted(type))
        {
            count += Compare(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}", differences);
        }

        return count;
    }

    /// <summary>Sets every stored property of a state tree to a value of its own (names, which are keys, and deletion flags excepted).</summary>
    private sealed class Probe(DateTimeOffset past)
    {
        private static readonly HashSet<string> Kept = ["Name", "Id", "Deleting"];
        private readonly HashSet<object> _visited = new(ReferenceEqualityComparer.Instance);

        public int Count { get; private set; }

        public void Set(object target)
        {
            if (!_visited.Add(target))
            {
                return;
            }

            var type = target.GetType();
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ResourceDictionary<>))
            {
                foreach (var item in (IEnumerable)type.GetProperty("All")!.GetValue(target)!)
                {
                    Set(item);
                }

                return;
            }

            foreach (var property in Persisted(type).Where(p => !Kept.Contains(p.Name)))
            {
                var value = property.GetValue(target);
                var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                object? probe = propertyType switch
                {
                    _ when propertyType == typeof(string) => $"probe-{property.Name}-{Count}",
                    _ when propertyType == typeof(bool) => !(value is true),
                    _ when propertyType == typeof(int) => 4000 + Count,
                    _ when propertyType == typeof(double) => 0.5 + Count,
                    _ when propertyType == typeof(DateTimeOffset) => past.AddSeconds(Count),
                    _ when propertyType == typeof(JsonObject) => new JsonObject { ["probe"] = property.Name },
                    _ when propertyType == typeof(JsonArray) => new JsonArray(property.Name),
                    _ when propertyType == typeof(IReadOnlyList<string>) => new[] { "probe-" + property.Name },
                    _ => null,
                };
                if (probe is not null)
                {
                    Write(target, property, probe);
                    Count++;
                    continue;
                }

                switch (value)
                {
                    case Dictionary<string, string> map:
                        map["probe"] = property.Name;
                        Count++;
                        break;
                    case List<string> list:
                        list.Add("probe-" + property.Name);
                        Count++;
                        break;
                    case IEnumerable<object> children:
                        foreach (var child in children.ToList())
                        {
                            Set(child);
                        }

                        break;
                    case not null when value.GetType().Assembly == typeof(StateJson).Assembly:
                        Set(value);
                        break;
                }
            }
        }

        private static void Write(object target, PropertyInfo property, object value)
        {
            if (property.GetSetMethod(nonPublic: true) is { } setter)
            {
                setter.Invoke(target, [value]);
            }
            else
            {
                StateJson.BackingField(property)!.SetValue(target, value);
            }
        }
    }
}
