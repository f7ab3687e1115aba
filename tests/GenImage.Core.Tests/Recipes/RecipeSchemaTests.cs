using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using GenImage.Core.Recipes;

namespace GenImage.Core.Tests.Recipes;

/// <summary>docs/schemas/image-recipe.schema.json matches the parser's format, and every example recipe is valid under both.</summary>
public sealed class RecipeSchemaTests
{
    internal static string RepoRoot => FindRepoRoot();

    /// <summary>The folder holding GenImage.Cmdlets.sln, above the test binaries or above this source file.</summary>
    private static string FindRepoRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? string.Empty })
        {
            var dir = new DirectoryInfo(start);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "GenImage.Cmdlets.sln")))
            {
                dir = dir.Parent;
            }

            if (dir != null)
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("GenImage.Cmdlets.sln not found above " + AppContext.BaseDirectory);
    }

    private static JsonElement Schema()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot, "docs", "schemas", "image-recipe.schema.json")));
        return doc.RootElement.Clone();
    }

    public static IEnumerable<object[]> ExampleRecipes() =>
        Directory.GetFiles(Path.Combine(RepoRoot, "examples", "recipes"), "*.yaml").OrderBy(f => f, StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [Fact]
    public void Schema_properties_required_keys_and_enums_equal_the_parser_format()
    {
        Compare(Schema(), RecipeSchema.Root, "(root)");
    }

    private static void Compare(JsonElement schema, RecipeField field, string path)
    {
        switch (field.Kind)
        {
            case RecipeFieldKind.Map:
                Assert.Equal("object", schema.GetProperty("type").GetString());
                Assert.False(schema.GetProperty("additionalProperties").GetBoolean(), $"{path}: unknown keys must be refused (additionalProperties: false)");
                var props = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
                Assert.Equal(field.Children.Select(c => c.Name).ToList(), props);
                var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToList() : new List<string>();
                var parserRequired = field.Children.Where(c => c.Required).Select(c => c.Name).ToList();
                // Suppressions need justification and approver too; the parser reports those as GI9008 rather than GI9004.
                if (path.EndsWith("suppressions[]", StringComparison.Ordinal))
                {
                    parserRequired.AddRange(new[] { "justification", "approver" });
                }

                Assert.True(parserRequired.SequenceEqual(required), $"{path}: required {string.Join(",", required)} vs parser {string.Join(",", parserRequired)}");
                foreach (var child in field.Children)
                {
                    Compare(schema.GetProperty("properties").GetProperty(child.Name), child, path + "." + child.Name);
                }

                break;
            case RecipeFieldKind.MapList:
                Assert.Equal("array", schema.GetProperty("type").GetString());
                Compare(schema.GetProperty("items"), new RecipeField(field.Name, RecipeFieldKind.Map, false, null, field.Children.ToArray()), path + "[]");
                break;
            case RecipeFieldKind.StringList:
                Assert.Equal("array", schema.GetProperty("type").GetString());
                Assert.Equal("string", schema.GetProperty("items").GetProperty("type").GetString());
                break;
            case RecipeFieldKind.StringMap:
                Assert.Equal("object", schema.GetProperty("type").GetString());
                Assert.Equal("string", schema.GetProperty("additionalProperties").GetProperty("type").GetString());
                break;
            default:
                if (field.Kind == RecipeFieldKind.Boolean && field.Allowed != null)
                {
                    // true, false, or one of the words (source.prepare: assumed).
                    var branches = schema.GetProperty("anyOf").EnumerateArray().ToList();
                    Assert.Contains(branches, b => b.TryGetProperty("type", out var t) && t.GetString() == "boolean");
                    Assert.Contains(branches, b => b.TryGetProperty("enum", out var e) && e.EnumerateArray().Select(x => x.GetString()!).SequenceEqual(field.Allowed));
                }
                else if (field.Allowed != null)
                {
                    Assert.Equal(field.Allowed, schema.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToList());
                }
                else if (schema.TryGetProperty("const", out var c))
                {
                    Assert.Equal(path == "(root).apiVersion" ? RecipeSchema.ApiVersion : RecipeSchema.Kind, c.GetString());
                }
                else
                {
                    var expected = field.Kind switch { RecipeFieldKind.Integer => "integer", RecipeFieldKind.Boolean => "boolean", _ => "string" };
                    Assert.Equal(expected, schema.GetProperty("type").GetString());
                }
                break;
        }
    }

    [Theory]
    [MemberData(nameof(ExampleRecipes))]
    public void Example_recipe_is_valid_for_the_parser(string file)
    {
        var recipe = RecipeParser.ParseFile(Path.Combine(RepoRoot, "examples", "recipes", file));
        Assert.True(recipe.IsValid, string.Join("\n", recipe.Diagnostics));
        Assert.Equal(RecipeSchema.ApiVersion, recipe.ApiVersion);
    }

    [Theory]
    [MemberData(nameof(ExampleRecipes))]
    public void Example_recipe_is_valid_under_the_json_schema(string file)
    {
        var documents = YamlTree.Load(File.ReadAllText(Path.Combine(RepoRoot, "examples", "recipes", file)));
        var problems = new List<string>();
        Validate(Schema(), Assert.Single(documents), "$", problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_schema_checker_itself_catches_an_unknown_key_a_wrong_type_and_a_missing_key()
    {
        var documents = YamlTree.Load(RecipeParserTests.Valid.Replace("    vmSize:", "    vmSzie:").Replace("keepVersions: 3", "keepVersions: three").Replace("  owner: platform-team\n", string.Empty));
        var problems = new List<string>();
        Validate(Schema(), documents[0], "$", problems);
        Assert.Contains(problems, p => p.Contains("vmSzie", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("keepVersions", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("owner", StringComparison.Ordinal));
    }

    /// <summary>The subset of JSON Schema the recipe schema uses: type, properties, additionalProperties, required, items, enum, const, pattern, minimum, maximum, anyOf.</summary>
    private static void Validate(JsonElement schema, YamlTreeNode node, string path, List<string> problems)
    {
        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            var attempts = anyOf.EnumerateArray().Select(branch => { var p = new List<string>(); Validate(branch, node, path, p); return p; }).ToList();
            if (attempts.All(a => a.Count > 0))
            {
                problems.Add($"{path}: matches none of {string.Join(" | ", attempts.Select(a => string.Join(", ", a)))}");
            }

            return;
        }
        if (schema.TryGetProperty("const", out var constant) && node.Value != constant.GetString())
        {
            problems.Add($"{path}: must be {constant.GetString()}");
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => a.GetString() == node.Value))
        {
            problems.Add($"{path}: '{node.Value}' is not allowed");
        }

        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (type)
        {
            case "object":
                if (node.Kind != YamlKind.Mapping) { problems.Add($"{path}: must be an object"); return; }
                var props = schema.TryGetProperty("properties", out var p) ? p : default;
                foreach (var pair in node.Pairs)
                {
                    var key = pair.Key.Value!;
                    if (props.ValueKind == JsonValueKind.Object && props.TryGetProperty(key, out var childSchema))
                    {
                        Validate(childSchema, pair.Value, path + "." + key, problems);
                    }
                    else if (schema.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.Object)
                    {
                        Validate(extra, pair.Value, path + "." + key, problems);
                    }
                    else
                    {
                        problems.Add($"{path}: unknown key {key}");
                    }
                }
                if (schema.TryGetProperty("required", out var required))
                {
                    foreach (var name in required.EnumerateArray().Select(e => e.GetString()!))
                    {
                        if (node.Get(name) == null)
                        {
                            problems.Add($"{path}: missing {name}");
                        }
                    }
                }
                break;
            case "array":
                if (node.Kind != YamlKind.Sequence) { problems.Add($"{path}: must be an array"); return; }
                for (var i = 0; i < node.Items.Count; i++)
                {
                    Validate(schema.GetProperty("items"), node.Items[i], $"{path}[{i}]", problems);
                }

                break;
            case "string":
                if (node.Kind != YamlKind.Scalar) { problems.Add($"{path}: must be a string"); return; }
                if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(node.Value ?? string.Empty, pattern.GetString()!))
                {
                    problems.Add($"{path}: '{node.Value}' does not match {pattern.GetString()}");
                }

                break;
            case "boolean":
                if (node.Kind != YamlKind.Scalar || !node.Plain || !bool.TryParse(node.Value, out _))
                {
                    problems.Add($"{path}: must be a boolean");
                }

                break;
            case "integer":
                if (node.Kind != YamlKind.Scalar || !node.Plain || !long.TryParse(node.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) { problems.Add($"{path}: must be an integer"); return; }
                if (schema.TryGetProperty("minimum", out var min) && n < min.GetInt64())
                {
                    problems.Add($"{path}: below minimum");
                }

                if (schema.TryGetProperty("maximum", out var max) && n > max.GetInt64())
                {
                    problems.Add($"{path}: above maximum");
                }

                break;
        }
    }
}
