using GenImage.Core.Recipes;

namespace GenImage.Core.Tests.Recipes;

public sealed class RecipeParserTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-recipe-" + Guid.NewGuid().ToString("N"));

    public RecipeParserTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    internal const string Valid = """
        apiVersion: genimage.dev/v1
        kind: ImageRecipe
        metadata:
          name: win2022
          owner: platform-team
          labels: { os: windows }
        spec:
          source:
            resourceGroup: rg-images
            vmName: vm-win2022-src
          gallery:
            resourceGroup: rg-images
            name: galImages
          definition:
            name: win2022
            osType: Windows
            securityType: TrustedLaunch
            identifier: { publisher: Contoso, offer: WindowsServer, sku: 2022 }
          version:
            increment: patch
          publishing:
            targetRegions: [ westeurope=2=Standard_ZRS, northeurope ]
            endOfLife: 2030-12-31
          readiness:
            exclude: [ GI5* ]
            suppressions:
              - rule: GI3001
                justification: accepted for the pilot
                approver: security@contoso.example
          validation:
            regions: [ westeurope ]
            vmSize: Standard_D2s_v5
          evidence:
            outputPath: out
          cleanup:
            keepVersions: 3
          approvals:
            - approver: cab@contoso.example
              reference: CHG-1
        """;

    private ImageRecipe Parse(string text) => RecipeParser.ParseText(text, Path.Combine(_folder, "recipe.yaml"), Now);

    private static RecipeDiagnostic Single(ImageRecipe recipe, string id)
    {
        var matching = recipe.Diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"Expected one {id}; got: {string.Join(" | ", recipe.Diagnostics)}");
        return matching[0];
    }

    [Fact]
    public void A_valid_recipe_binds_every_section_with_defaults()
    {
        var recipe = Parse(Valid);

        Assert.True(recipe.IsValid, string.Join("\n", recipe.Diagnostics));
        Assert.Equal("win2022", recipe.Name);
        Assert.Equal("platform-team", recipe.Owner);
        Assert.Equal("windows", recipe.Metadata.Labels["os"]);
        Assert.Equal("vm-win2022-src", recipe.Spec.Source.VmName);
        Assert.True(recipe.Spec.Source.Prepare);
        Assert.Equal("V2", recipe.Spec.Definition.HyperVGeneration);
        Assert.Equal("Generalized", recipe.Spec.Definition.OsState);
        Assert.Equal("2022", recipe.Spec.Definition.Sku);
        Assert.Equal("patch", recipe.Spec.Version.Increment);
        Assert.Collection(recipe.Spec.Publishing.TargetRegions,
            r => { Assert.Equal("westeurope", r.Name); Assert.Equal(2, r.ReplicaCount); Assert.Equal("Standard_ZRS", r.StorageAccountType); },
            r => { Assert.Equal("northeurope", r.Name); Assert.Equal(1, r.ReplicaCount); Assert.Equal("Standard_LRS", r.StorageAccountType); });
        Assert.True(recipe.Spec.Publishing.ExcludeFromLatest);
        Assert.Equal(new DateTimeOffset(2030, 12, 31, 0, 0, 0, TimeSpan.Zero), recipe.Spec.Publishing.EndOfLife);
        Assert.Equal("GI3001", Assert.Single(recipe.Spec.Readiness.Suppressions).Rule);
        Assert.Equal("afterValidation", recipe.Spec.Promotion.Policy);
        Assert.Equal(Path.Combine(_folder, "out"), recipe.Spec.Evidence.OutputPath);
        Assert.Equal(24, recipe.Spec.Evidence.ActivityLogWindowHours);
        Assert.Equal(3, recipe.Spec.Cleanup.KeepVersions);
        Assert.Equal("CHG-1", Assert.Single(recipe.Spec.Approvals).Reference);
        Assert.Equal(64, recipe.ContentSha256.Length);
    }

    [Fact]
    public void Bad_yaml_is_GI9001_with_the_position_of_the_problem()
    {
        var recipe = Parse("apiVersion: genimage.dev/v1\nkind: ImageRecipe\nmetadata:\n  name: [unclosed\n  owner: x\n");

        var d = Single(recipe, RecipeDiagnosticIds.BadYaml);
        Assert.False(recipe.IsValid);
        Assert.True(d.Line >= 4, d.ToString());
        Assert.True(d.Column >= 1);
        Assert.Equal(Path.Combine(_folder, "recipe.yaml"), d.File);
    }

    [Fact]
    public void Unknown_key_is_GI9002_at_the_key_and_suggests_the_closest_one()
    {
        var recipe = Parse(Valid.Replace("    vmSize: Standard_D2s_v5", "    vmSzie: Standard_D2s_v5"));

        var d = Single(recipe, RecipeDiagnosticIds.UnknownKey);
        Assert.Equal(32, d.Line);
        Assert.Equal(5, d.Column);
        Assert.Equal("spec.validation.vmSzie", d.KeyPath);
        Assert.Contains("'vmSize'", d.Message);
        Assert.StartsWith($"{d.File}:32:5: GI9002 ", d.ToString());
    }

    [Fact]
    public void Unknown_top_level_key_is_reported_too()
    {
        var recipe = Parse(Valid + "\nspce: {}\n");
        var d = Single(recipe, RecipeDiagnosticIds.UnknownKey);
        Assert.Equal("spce", d.KeyPath);
        Assert.Contains("'spec'", d.Message);
    }

    [Theory]
    [InlineData("    keepVersions: 3", "    keepVersions: three", "spec.cleanup.keepVersions", 36, 19)]
    [InlineData("    increment: patch", "    increment: [patch]", "spec.version.increment", 20, 16)]
    [InlineData("  source:\n    resourceGroup: rg-images\n    vmName: vm-win2022-src", "  source: vm-win2022-src", "spec.source", 8, 11)]
    [InlineData("    keepVersions: 3", "    deleteSourceVm: yes", "spec.cleanup.deleteSourceVm", 36, 21)]
    [InlineData("    endOfLife: 2030-12-31", "    endOfLife: next year", "spec.publishing.endOfLife", 23, 16)]
    public void Wrong_type_is_GI9003_at_the_value(string from, string to, string keyPath, int line, int column)
    {
        Assert.Contains(from, Valid);
        var recipe = Parse(Valid.Replace(from, to));

        var d = Single(recipe, RecipeDiagnosticIds.WrongType);
        Assert.Equal(keyPath, d.KeyPath);
        Assert.Equal(line, d.Line);
        Assert.Equal(column, d.Column);
    }

    [Fact]
    public void Missing_required_field_is_GI9004_at_the_parent_mapping()
    {
        var recipe = Parse(Valid.Replace("  owner: platform-team\n", string.Empty));

        var d = Single(recipe, RecipeDiagnosticIds.MissingField);
        Assert.Equal("metadata.owner", d.KeyPath);
        Assert.Equal(4, d.Line);
        Assert.Equal(3, d.Column);
    }

    [Fact]
    public void Missing_spec_sections_are_each_GI9004()
    {
        var recipe = Parse("apiVersion: genimage.dev/v1\nkind: ImageRecipe\nmetadata: { name: x, owner: y }\nspec:\n  source: { vmId: /subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/v }\n");

        var paths = recipe.Diagnostics.Where(d => d.Id == RecipeDiagnosticIds.MissingField).Select(d => d.KeyPath).ToList();
        Assert.Equal(new[] { "spec.gallery", "spec.definition", "spec.version", "spec.publishing" }, paths);
    }

    [Theory]
    [InlineData("    vmSize: Standard_D2s_v5", "    vmSize: Standard_D2s_v5\n    adminPassword: Hunter2!", "spec.validation.adminPassword")]
    [InlineData("    vmSize: Standard_D2s_v5", "    vmSize: Standard_D2s_v5\n    sasToken: abc", "spec.validation.sasToken")]
    public void Secret_looking_key_is_GI9005_and_not_an_unknown_key(string from, string to, string keyPath)
    {
        var recipe = Parse(Valid.Replace(from, to));

        var d = Single(recipe, RecipeDiagnosticIds.SecretValue);
        Assert.Equal(keyPath, d.KeyPath);
        Assert.DoesNotContain(recipe.Diagnostics, x => x.Id == RecipeDiagnosticIds.UnknownKey);
        Assert.False(recipe.IsValid);
    }

    [Theory]
    [InlineData("https://sa.blob.core.windows.net/vhds/os.vhd?sv=2022-11-02&se=2026-12-01&sr=b&sp=r&sig=abcdEFGH1234%3D")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvciJ9.c2lnbmF0dXJl")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=sa;AccountKey=abcd1234==;EndpointSuffix=core.windows.net")]
    [InlineData("password=Hunter2!")]
    public void Secret_looking_value_is_GI9005_with_the_reason(string value)
    {
        var recipe = Parse(Valid.Replace("  owner: platform-team", $"  owner: platform-team\n  description: '{value}'"));

        var d = Single(recipe, RecipeDiagnosticIds.SecretValue);
        Assert.Equal("metadata.description", d.KeyPath);
        Assert.Equal(6, d.Line);
        Assert.Contains("looks like a secret", d.Message);
        Assert.DoesNotContain(value, d.Message);
    }

    [Theory]
    [InlineData("    securityType: TrustedLaunch", "    securityType: TrustedLunch", "spec.definition.securityType", "TrustedLaunch")]
    [InlineData("    increment: patch", "    name: 1.0", "spec.version.name", null)]
    [InlineData("    increment: patch", "    name: 01.0.0", "spec.version.name", null)]
    [InlineData("westeurope=2=Standard_ZRS", "westeurope=0=Standard_ZRS", "spec.publishing.targetRegions[0]", null)]
    [InlineData("westeurope=2=Standard_ZRS", "westeurope=2=Premium_ZRS", "spec.publishing.targetRegions[0]", null)]
    [InlineData("exclude: [ GI5* ]", "exclude: [ rule5 ]", "spec.readiness.exclude[0]", null)]
    [InlineData("endOfLife: 2030-12-31", "endOfLife: 2020-12-31", "spec.publishing.endOfLife", null)]
    public void Invalid_value_is_GI9006(string from, string to, string keyPath, string? suggestion)
    {
        Assert.Contains(from, Valid);
        var recipe = Parse(Valid.Replace(from, to));

        var d = Single(recipe, RecipeDiagnosticIds.InvalidValue);
        Assert.Equal(keyPath, d.KeyPath);
        if (suggestion != null)
        {
            Assert.Contains($"'{suggestion}'", d.Message);
        }
    }

    [Theory]
    [InlineData("    name: galImages", "    name: gal-images!", "spec.gallery.name")]
    [InlineData("    name: win2022\n", "    name: win2022-\n", "spec.definition.name")]
    [InlineData("    resourceGroup: rg-images\n    name: galImages", "    resourceGroup: rg-images.\n    name: galImages", "spec.gallery.resourceGroup")]
    [InlineData("    vmName: vm-win2022-src", "    vmName: vm/win", "spec.source.vmName")]
    public void A_name_Azure_would_refuse_is_GI9013_at_the_value(string from, string to, string keyPath)
    {
        Assert.Contains(from, Valid);
        var recipe = Parse(Valid.Replace(from, to));
        var d = Single(recipe, RecipeDiagnosticIds.InvalidName);
        Assert.Equal(keyPath, d.KeyPath);
        Assert.Contains("Azure allows", d.Message);
    }

    [Fact]
    public void A_gallery_name_of_5000_characters_is_GI9013()
    {
        var recipe = Parse(Valid.Replace("    name: galImages", "    name: " + new string('g', 5000)));
        Assert.Equal("spec.gallery.name", Single(recipe, RecipeDiagnosticIds.InvalidName).KeyPath);
    }

    [Fact]
    public void Step_time_limits_are_recipe_keys_with_defaults()
    {
        var defaults = Parse(Valid);
        Assert.Equal(60, defaults.Spec.Source.TimeoutMinutes);
        Assert.Equal(180, defaults.Spec.Publishing.TimeoutMinutes);
        Assert.Equal(30, defaults.Spec.Validation.TimeoutMinutes);

        var set = Parse(Valid.Replace("    vmName: vm-win2022-src", "    vmName: vm-win2022-src\n    timeoutMinutes: 90")
            .Replace("    endOfLife: 2030-12-31", "    endOfLife: 2030-12-31\n    timeoutMinutes: 600"));
        Assert.True(set.IsValid, string.Join("\n", set.Diagnostics));
        Assert.Equal(90, set.Spec.Source.TimeoutMinutes);
        Assert.Equal(600, set.Spec.Publishing.TimeoutMinutes);
    }

    [Theory]
    [InlineData("    vmName: vm-win2022-src", "spec.source.timeoutMinutes")]
    [InlineData("    endOfLife: 2030-12-31", "spec.publishing.timeoutMinutes")]
    [InlineData("    vmSize: Standard_D2s_v5", "spec.validation.timeoutMinutes")]
    public void A_time_limit_out_of_range_is_GI9006_naming_the_key(string after, string keyPath)
    {
        var recipe = Parse(Valid.Replace(after, after + "\n    timeoutMinutes: 0"));
        var d = Single(recipe, RecipeDiagnosticIds.InvalidValue);
        Assert.Equal(keyPath, d.KeyPath);
        Assert.Contains(keyPath, d.Message);
    }

    [Fact]
    public void Wrong_api_version_and_kind_are_GI9007()
    {
        var recipe = Parse(Valid.Replace("genimage.dev/v1", "genimage.dev/v9").Replace("kind: ImageRecipe", "kind: World"));
        Assert.Equal(2, recipe.Diagnostics.Count(d => d.Id == RecipeDiagnosticIds.UnsupportedApiVersion));
        Assert.Contains(recipe.Diagnostics, d => d.KeyPath == "apiVersion" && d.Line == 1 && d.Column == 13);
    }

    [Fact]
    public void Suppression_without_justification_or_approver_is_GI9008()
    {
        var recipe = Parse(Valid.Replace("        approver: security@contoso.example\n", string.Empty));

        var d = Single(recipe, RecipeDiagnosticIds.IncompleteSuppression);
        Assert.Equal("spec.readiness.suppressions[0]", d.KeyPath);
        Assert.Contains("approver", d.Message);
        Assert.Equal(27, d.Line);
        Assert.Equal(9, d.Column);
    }

    [Fact]
    public void Expired_suppression_is_GI9008()
    {
        var recipe = Parse(Valid.Replace("        approver: security@contoso.example\n", "        approver: security@contoso.example\n        expires: 2026-01-01\n"));
        Assert.Equal("spec.readiness.suppressions[0].expires", Single(recipe, RecipeDiagnosticIds.IncompleteSuppression).KeyPath);
    }

    [Fact]
    public void Duplicate_key_is_GI9009_at_the_second_occurrence()
    {
        var recipe = Parse(Valid.Replace("    vmSize: Standard_D2s_v5", "    vmSize: Standard_D2s_v5\n    vmSize: Standard_D4s_v5"));

        var d = Single(recipe, RecipeDiagnosticIds.DuplicateKey);
        Assert.Equal(33, d.Line);
        Assert.Equal("spec.validation.vmSize", d.KeyPath);
    }

    [Fact]
    public void Conflicting_settings_are_GI9010()
    {
        var both = Parse(Valid.Replace("    increment: patch", "    increment: patch\n    name: 1.0.0"));
        Assert.Equal("spec.version", Single(both, RecipeDiagnosticIds.Conflict).KeyPath);

        var region = Parse(Valid.Replace("regions: [ westeurope ]", "regions: [ eastus ]"));
        Assert.Equal("spec.validation.regions[0]", Single(region, RecipeDiagnosticIds.Conflict).KeyPath);

        var specialized = Parse(Valid.Replace("    vmName: vm-win2022-src", "    vmName: vm-win2022-src\n    prepare: true").Replace("    osType: Windows", "    osType: Windows\n    osState: Specialized").Replace("securityType: TrustedLaunch", "securityType: Standard"));
        Assert.Equal("spec.source.prepare", Single(specialized, RecipeDiagnosticIds.Conflict).KeyPath);
    }

    [Fact]
    public void Probe_script_resolves_against_the_recipe_folder_and_must_exist()
    {
        var missing = Parse(Valid.Replace("    vmSize: Standard_D2s_v5", "    vmSize: Standard_D2s_v5\n    probeScript: probes/p.sh"));
        var d = Single(missing, RecipeDiagnosticIds.FileNotFound);
        Assert.Contains(Path.Combine(_folder, "probes", "p.sh"), d.Message);

        Directory.CreateDirectory(Path.Combine(_folder, "probes"));
        File.WriteAllText(Path.Combine(_folder, "probes", "p.sh"), "echo ok");
        var present = Parse(Valid.Replace("    vmSize: Standard_D2s_v5", "    vmSize: Standard_D2s_v5\n    probeScript: probes/p.sh"));
        Assert.True(present.IsValid, string.Join("\n", present.Diagnostics));
        Assert.Equal(Path.Combine(_folder, "probes", "p.sh"), present.Spec.Validation.ProbeScript);
    }

    [Fact]
    public void Empty_file_and_two_documents_are_GI9012()
    {
        Assert.Equal(RecipeDiagnosticIds.DocumentCount, Assert.Single(Parse("# nothing\n").Diagnostics).Id);
        var two = Parse(Valid + "\n---\n" + Valid);
        Assert.Equal(RecipeDiagnosticIds.DocumentCount, Assert.Single(two.Diagnostics).Id);
    }

    [Fact]
    public void ParseFile_reads_from_disk_and_an_unreadable_file_is_GI9001()
    {
        var path = Path.Combine(_folder, "r.yaml");
        File.WriteAllText(path, Valid);
        var recipe = RecipeParser.ParseFile(path, Now);
        Assert.True(recipe.IsValid, string.Join("\n", recipe.Diagnostics));
        Assert.Equal(path, recipe.Path);

        var missing = RecipeParser.ParseFile(Path.Combine(_folder, "none.yaml"), Now);
        Assert.Equal(RecipeDiagnosticIds.BadYaml, Assert.Single(missing.Diagnostics).Id);
    }

    [Theory]
    [InlineData("westeurope", "westeurope", 1, "Standard_LRS")]
    [InlineData("West Europe=3", "westeurope", 3, "Standard_LRS")]
    [InlineData("eastus2=2=premium_lrs", "eastus2", 2, "Premium_LRS")]
    public void Region_specs_parse(string text, string name, int replicas, string storage)
    {
        Assert.True(RecipeParser.TryParseRegion(text, out var region, out var problem), problem);
        Assert.Equal(name, region.Name);
        Assert.Equal(replicas, region.ReplicaCount);
        Assert.Equal(storage, region.StorageAccountType);
    }
}
