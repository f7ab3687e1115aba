using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Persistence;

/// <summary>
/// How the state types are written to the state file: directly, by System.Text.Json, with one rule instead of a
/// hand-written mirror. Every property that stores a value (an auto-property, whatever its setter, or a property with a
/// setter) is saved and restored; computed properties (no backing field, no setter) are not; a property marked
/// <see cref="JsonIgnoreAttribute"/> holds runtime-only state (an operation in flight, a back-reference to the
/// parent, rebuilt on load by the parent's <see cref="IJsonOnDeserialized"/>). So a new property on a state type is
/// persisted with no edit here. Types are constructed through their <see cref="JsonConstructorAttribute"/>
/// constructor (non-public and parameterless for the state types); <see cref="ResourceDictionary{T}"/> is written as
/// an object keyed by resource name, in insertion order.
/// </summary>
internal static class StateJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new ResourceDictionaryConverterFactory() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { StoredProperties } },
    };

    /// <summary>True when <paramref name="property"/> stores a value: it has a setter or a compiler-generated backing field.</summary>
    public static bool IsStored(PropertyInfo property)
        => property.GetIndexParameters().Length == 0
           && (property.SetMethod is not null || BackingField(property) is not null);

    /// <summary>The compiler-generated field behind an auto-property, or null.</summary>
    public static FieldInfo? BackingField(PropertyInfo property)
        => property.DeclaringType?.GetField($"<{property.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic);

    private static void StoredProperties(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || typeInfo.Type.Assembly != typeof(StateJson).Assembly)
        {
            return;
        }

        var constructor = typeInfo.Type.GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes);
        if (constructor?.GetCustomAttribute<JsonConstructorAttribute>() is not null)
        {
            typeInfo.CreateObject = () => constructor.Invoke(null);
        }

        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            var json = typeInfo.Properties[i];
            if (json.AttributeProvider is not PropertyInfo property)
            {
                continue;
            }

            if (!IsStored(property))
            {
                typeInfo.Properties.RemoveAt(i);
                continue;
            }

            if (json.Set is null)
            {
                var setter = property.GetSetMethod(nonPublic: true);
                var field = BackingField(property);
                json.Set = setter is not null
                    ? (target, value) => setter.Invoke(target, [value])
                    : (target, value) => field!.SetValue(target, value);
            }
        }
    }

    private sealed class ResourceDictionaryConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert)
            => typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ResourceDictionary<>);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
            => (JsonConverter)Activator.CreateInstance(typeof(ResourceDictionaryConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
    }

    private sealed class ResourceDictionaryConverter<T> : JsonConverter<ResourceDictionary<T>>
        where T : class
    {
        public override ResourceDictionary<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var entries = JsonSerializer.Deserialize<Dictionary<string, T>>(ref reader, options) ?? [];
            var result = new ResourceDictionary<T>();
            foreach (var (name, value) in entries)
            {
                result.Add(name, value);
            }

            return result;
        }

        public override void Write(Utf8JsonWriter writer, ResourceDictionary<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (name, item) in value.Entries)
            {
                writer.WritePropertyName(name);
                JsonSerializer.Serialize(writer, item, options);
            }

            writer.WriteEndObject();
        }
    }
}
