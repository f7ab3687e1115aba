using System;
using System.Collections.Generic;
using System.Linq;

namespace GenImage.Core.Recipes;

/// <summary>The YAML type a recipe key expects.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name",
    Justification = "The members name the YAML / JSON Schema types of recipe keys (string, integer, boolean), which is what they mean.")]
public enum RecipeFieldKind : long
{
    String,
    Integer,
    Boolean,
    /// <summary>A date (2027-12-31) or date-time (2027-12-31T00:00:00Z).</summary>
    Date,
    /// <summary>A mapping with known keys (<see cref="RecipeField.Children"/>).</summary>
    Map,
    /// <summary>A mapping of free string keys to string values (labels).</summary>
    StringMap,
    StringList,
    /// <summary>A list of mappings with known keys (<see cref="RecipeField.Children"/>).</summary>
    MapList,
}

/// <summary>
/// One key of the recipe format. For a <see cref="RecipeFieldKind.Boolean"/> key, <see cref="Allowed"/> lists the
/// words it takes besides true and false (source.prepare: assumed).
/// </summary>
/// <remarks> The parser, the docs and docs/schemas/image-recipe.schema.json follow this table.</remarks>
public sealed class RecipeField
{
    public RecipeField(string name, RecipeFieldKind kind, bool required = false, IReadOnlyList<string>? allowed = null, params RecipeField[] children)
    {
        Name = name;
        Kind = kind;
        Required = required;
        Allowed = allowed;
        Children = children ?? Array.Empty<RecipeField>();
    }

    public string Name { get; }
    public RecipeFieldKind Kind { get; }
    public bool Required { get; }
    /// <summary>The values allowed (compared case-insensitively), or null for any.</summary>
    public IReadOnlyList<string>? Allowed { get; }
    public IReadOnlyList<RecipeField> Children { get; }

    public RecipeField? Child(string name) => Children.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    public override string ToString() => Name;
}

/// <summary>The recipe format, version genimage.dev/v1.</summary>
public static class RecipeSchema
{
    public const string ApiVersion = "genimage.dev/v1";
    public const string Kind = "ImageRecipe";

    public static readonly IReadOnlyList<string> OsTypes = new[] { "Windows", "Linux" };
    public static readonly IReadOnlyList<string> OsStates = new[] { "Generalized", "Specialized" };
    public static readonly IReadOnlyList<string> Generations = new[] { "V1", "V2" };
    public static readonly IReadOnlyList<string> SecurityTypes = new[]
    {
        "Standard", "TrustedLaunch", "TrustedLaunchSupported", "ConfidentialVM", "ConfidentialVMSupported", "TrustedLaunchAndConfidentialVMSupported",
    };
    public static readonly IReadOnlyList<string> Architectures = new[] { "x64", "Arm64" };
    public static readonly IReadOnlyList<string> Increments = new[] { "major", "minor", "patch" };
    public static readonly IReadOnlyList<string> PromotionPolicies = new[] { "afterValidation", "manual" };
    public static readonly IReadOnlyList<string> StorageAccountTypes = new[] { "Standard_LRS", "Standard_ZRS", "Premium_LRS" };
    /// <summary>What source.prepare takes besides true and false: assumed (the operator asserts a stopped guest was prepared).</summary>
    public static readonly IReadOnlyList<string> PrepareWords = new[] { "assumed" };

    /// <summary>The document root.</summary>
    public static readonly RecipeField Root = new RecipeField("(root)", RecipeFieldKind.Map, true, null,
        new RecipeField("apiVersion", RecipeFieldKind.String, true),
        new RecipeField("kind", RecipeFieldKind.String, true),
        new RecipeField("metadata", RecipeFieldKind.Map, true, null,
            new RecipeField("name", RecipeFieldKind.String, true),
            new RecipeField("owner", RecipeFieldKind.String, true),
            new RecipeField("description", RecipeFieldKind.String),
            new RecipeField("labels", RecipeFieldKind.StringMap)),
        new RecipeField("spec", RecipeFieldKind.Map, true, null,
            new RecipeField("source", RecipeFieldKind.Map, true, null,
                new RecipeField("vmId", RecipeFieldKind.String),
                new RecipeField("resourceGroup", RecipeFieldKind.String),
                new RecipeField("vmName", RecipeFieldKind.String),
                new RecipeField("prepare", RecipeFieldKind.Boolean, false, PrepareWords),
                new RecipeField("approver", RecipeFieldKind.String),
                new RecipeField("justification", RecipeFieldKind.String),
                new RecipeField("timeoutMinutes", RecipeFieldKind.Integer)),
            new RecipeField("gallery", RecipeFieldKind.Map, true, null,
                new RecipeField("resourceGroup", RecipeFieldKind.String, true),
                new RecipeField("name", RecipeFieldKind.String, true)),
            new RecipeField("definition", RecipeFieldKind.Map, true, null,
                new RecipeField("name", RecipeFieldKind.String, true),
                new RecipeField("createIfMissing", RecipeFieldKind.Boolean),
                new RecipeField("osType", RecipeFieldKind.String, false, OsTypes),
                new RecipeField("osState", RecipeFieldKind.String, false, OsStates),
                new RecipeField("hyperVGeneration", RecipeFieldKind.String, false, Generations),
                new RecipeField("securityType", RecipeFieldKind.String, false, SecurityTypes),
                new RecipeField("architecture", RecipeFieldKind.String, false, Architectures),
                new RecipeField("identifier", RecipeFieldKind.Map, false, null,
                    new RecipeField("publisher", RecipeFieldKind.String, true),
                    new RecipeField("offer", RecipeFieldKind.String, true),
                    new RecipeField("sku", RecipeFieldKind.String, true)),
                new RecipeField("description", RecipeFieldKind.String)),
            new RecipeField("version", RecipeFieldKind.Map, true, null,
                new RecipeField("name", RecipeFieldKind.String),
                new RecipeField("increment", RecipeFieldKind.String, false, Increments)),
            new RecipeField("publishing", RecipeFieldKind.Map, true, null,
                new RecipeField("targetRegions", RecipeFieldKind.StringList, true),
                new RecipeField("excludeFromLatest", RecipeFieldKind.Boolean),
                new RecipeField("endOfLife", RecipeFieldKind.Date),
                new RecipeField("timeoutMinutes", RecipeFieldKind.Integer)),
            new RecipeField("readiness", RecipeFieldKind.Map, false, null,
                new RecipeField("exclude", RecipeFieldKind.StringList),
                new RecipeField("suppressions", RecipeFieldKind.MapList, false, null,
                    new RecipeField("rule", RecipeFieldKind.String, true),
                    new RecipeField("justification", RecipeFieldKind.String),
                    new RecipeField("approver", RecipeFieldKind.String),
                    new RecipeField("expires", RecipeFieldKind.Date))),
            new RecipeField("validation", RecipeFieldKind.Map, false, null,
                new RecipeField("enabled", RecipeFieldKind.Boolean),
                new RecipeField("regions", RecipeFieldKind.StringList),
                new RecipeField("vmSize", RecipeFieldKind.String),
                new RecipeField("subnetId", RecipeFieldKind.String),
                new RecipeField("probeScript", RecipeFieldKind.String),
                new RecipeField("timeoutMinutes", RecipeFieldKind.Integer),
                new RecipeField("retries", RecipeFieldKind.Integer)),
            new RecipeField("promotion", RecipeFieldKind.Map, false, null,
                new RecipeField("policy", RecipeFieldKind.String, false, PromotionPolicies)),
            new RecipeField("evidence", RecipeFieldKind.Map, false, null,
                new RecipeField("outputPath", RecipeFieldKind.String),
                new RecipeField("store", RecipeFieldKind.String),
                new RecipeField("activityLogWindowHours", RecipeFieldKind.Integer)),
            new RecipeField("cleanup", RecipeFieldKind.Map, false, null,
                new RecipeField("deleteSourceVm", RecipeFieldKind.Boolean),
                new RecipeField("keepVersions", RecipeFieldKind.Integer)),
            new RecipeField("approvals", RecipeFieldKind.MapList, false, null,
                new RecipeField("approver", RecipeFieldKind.String, true),
                new RecipeField("role", RecipeFieldKind.String),
                new RecipeField("approvedAt", RecipeFieldKind.Date),
                new RecipeField("reference", RecipeFieldKind.String))));

    /// <summary>Every key path of the format (spec.publishing.targetRegions, spec.readiness.suppressions[].rule, …).</summary>
    public static IEnumerable<string> KeyPaths() => Paths(Root, string.Empty);

    private static IEnumerable<string> Paths(RecipeField field, string prefix)
    {
        foreach (var child in field.Children)
        {
            var path = prefix.Length == 0 ? child.Name : prefix + "." + child.Name;
            yield return path;
            var inner = child.Kind == RecipeFieldKind.MapList ? path + "[]" : path;
            foreach (var p in Paths(child, inner))
            {
                yield return p;
            }
        }
    }
}
