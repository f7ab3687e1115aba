using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using GenImage.Core.Evidence;
using GenImage.Core.Operations;
using YamlDotNet.Core;

namespace GenImage.Core.Recipes;

/// <summary>
/// Reads an image recipe and validates it. Every problem becomes a <see cref="RecipeDiagnostic"/> with a
/// stable id, the file, line and column; the parser never throws for bad content and never calls ARM.
/// </summary>
public static class RecipeParser
{
    private static readonly Regex NamePattern = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$", RegexOptions.CultureInvariant);
    private static readonly Regex VersionPattern = new Regex(@"^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$", RegexOptions.CultureInvariant);
    private static readonly Regex RegionPattern = new Regex(@"^[a-z][a-z0-9]{1,39}$", RegexOptions.CultureInvariant);
    private static readonly Regex RuleIdPattern = new Regex(@"^GI\d{4}$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly Regex RulePatternPattern = new Regex(@"^GI[0-9?*\[\]\-]{1,8}$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly Regex VmIdPattern = new Regex(@"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Compute/virtualMachines/[^/]+$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly Regex SubnetIdPattern = new Regex(@"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Reads and validates a recipe file.</summary>
    public static ImageRecipe ParseFile(string path, DateTimeOffset? now = null)
    {
        if (path == null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        var full = Path.GetFullPath(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            var recipe = new ImageRecipe { Path = full };
            recipe.Diagnostics.Add(new RecipeDiagnostic
            {
                Id = RecipeDiagnosticIds.BadYaml, File = full, Line = 1, Column = 1,
                Message = $"The recipe cannot be read: {ex.Message}",
            });
            return recipe;
        }
        return Parse(Decode(bytes), full, Sha256Hex(bytes), now);
    }

    /// <summary>Validates recipe text as if it were the file <paramref name="path"/> (relative paths resolve against its folder).</summary>
    public static ImageRecipe ParseText(string text, string path, DateTimeOffset? now = null)
    {
        if (text == null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var full = Path.GetFullPath(path);
        return Parse(text, full, Sha256Hex(new UTF8Encoding(false).GetBytes(text)), now);
    }

    internal static string Sha256Hex(byte[] bytes)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(bytes);
        var sb = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static string Decode(byte[] bytes)
    {
        var text = new UTF8Encoding(false).GetString(bytes);
        return text.Length > 0 && text[0] == '\uFEFF' ? text.Substring(1) : text;
    }

    private static ImageRecipe Parse(string text, string fullPath, string sha, DateTimeOffset? now)
    {
        var recipe = new ImageRecipe { Path = fullPath, Content = text, ContentSha256 = sha };
        var context = new Context(recipe, fullPath, now ?? DateTimeOffset.UtcNow);

        List<YamlTreeNode> documents;
        try
        {
            documents = YamlTree.Load(text);
        }
        catch (YamlException ex)
        {
            var message = InnermostMessage(ex);
            context.Add(RecipeDiagnosticIds.BadYaml, (int)ex.Start.Line, (int)ex.Start.Column, null,
                $"The file is not valid YAML: {message}. Check the indentation and quoting near this position.");
            return recipe;
        }

        documents = documents.Where(d => !d.IsNull).ToList();
        if (documents.Count != 1)
        {
            var where = documents.Count > 1 ? documents[1] : null;
            context.Add(RecipeDiagnosticIds.DocumentCount, where?.Line ?? 1, where?.Column ?? 1, null,
                documents.Count == 0
                    ? "The file holds no recipe. A recipe starts with 'apiVersion: genimage.dev/v1' and 'kind: ImageRecipe'."
                    : "The file holds more than one YAML document ('---'). Put one recipe in each file.");
            return recipe;
        }

        var root = documents[0];
        CheckStructure(context, root, RecipeSchema.Root, string.Empty);
        if (root.Kind == YamlKind.Mapping)
        {
            Bind(context, root);
        }

        return recipe;
    }

    private static string InnermostMessage(Exception ex)
    {
        var message = ex.Message;
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 40) - (…): "; the diagnostic carries the position itself.
        var marker = message.LastIndexOf("): ", StringComparison.Ordinal);
        if (marker >= 0 && message.StartsWith("(Line", StringComparison.Ordinal))
        {
            message = message.Substring(marker + 3);
        }

        return message.TrimEnd('.');
    }

    // ---------------------------------------------------------------- structure: keys and types

    private static void CheckStructure(Context context, YamlTreeNode node, RecipeField field, string path)
    {
        switch (field.Kind)
        {
            case RecipeFieldKind.Map:
                if (node.Kind != YamlKind.Mapping)
                {
                    context.WrongType(node, path, "a mapping (keys and values)");
                    return;
                }
                CheckMapping(context, node, field, path);
                break;
            case RecipeFieldKind.StringMap:
                if (node.Kind != YamlKind.Mapping)
                {
                    context.WrongType(node, path, "a mapping of names to text values");
                    return;
                }
                CheckDuplicates(context, node, path);
                foreach (var pair in node.Pairs)
                {
                    var childPath = Join(path, pair.Key.Value ?? string.Empty);
                    if (CheckSecretKey(context, pair.Key, childPath))
                    {
                        continue;
                    }

                    if (pair.Value.Kind != YamlKind.Scalar || pair.Value.IsNull)
                    {
                        context.WrongType(pair.Value, childPath, "a text value");
                    }
                    else
                    {
                        CheckSecretValue(context, pair.Value, childPath);
                    }
                }
                break;
            case RecipeFieldKind.StringList:
                if (node.Kind != YamlKind.Sequence)
                {
                    context.WrongType(node, path, "a list of text values ([a, b] or one '- item' per line)");
                    return;
                }
                for (var i = 0; i < node.Items.Count; i++)
                {
                    var item = node.Items[i];
                    if (item.Kind != YamlKind.Scalar || item.IsNull)
                    {
                        context.WrongType(item, $"{path}[{i}]", "a text value");
                    }
                    else
                    {
                        CheckSecretValue(context, item, $"{path}[{i}]");
                    }
                }
                break;
            case RecipeFieldKind.MapList:
                if (node.Kind != YamlKind.Sequence)
                {
                    context.WrongType(node, path, "a list of mappings (one '- key: value' entry each)");
                    return;
                }
                for (var i = 0; i < node.Items.Count; i++)
                {
                    var item = node.Items[i];
                    if (item.Kind != YamlKind.Mapping)
                    {
                        context.WrongType(item, $"{path}[{i}]", "a mapping");
                    }
                    else
                    {
                        CheckMapping(context, item, field, $"{path}[{i}]");
                    }
                }
                break;
            default:
                CheckScalar(context, node, field, path);
                break;
        }
    }

    private static void CheckMapping(Context context, YamlTreeNode node, RecipeField field, string path)
    {
        CheckDuplicates(context, node, path);
        foreach (var pair in node.Pairs)
        {
            var key = pair.Key.Value ?? string.Empty;
            var childPath = Join(path, key);
            if (pair.Key.Kind != YamlKind.Scalar)
            {
                context.Add(RecipeDiagnosticIds.WrongType, pair.Key.Line, pair.Key.Column, path, "A key must be plain text.");
                continue;
            }
            if (CheckSecretKey(context, pair.Key, childPath))
            {
                continue;
            }

            var childField = field.Child(key);
            if (childField == null)
            {
                context.UnknownKey(pair.Key, path, field);
                continue;
            }
            CheckStructure(context, pair.Value, childField, childPath);
        }
        foreach (var required in field.Children.Where(c => c.Required))
        {
            var value = node.Get(required.Name);
            if (value == null || value.IsNull)
            {
                var at = value ?? node;
                context.Add(RecipeDiagnosticIds.MissingField, at.Line, at.Column, Join(path, required.Name),
                    $"'{Join(path, required.Name)}' is required{(path.Length == 0 ? string.Empty : $" in '{path}'")}. {Hint(required)}");
            }
        }
    }

    private static void CheckDuplicates(Context context, YamlTreeNode node, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in node.Pairs)
        {
            var key = pair.Key.Value ?? string.Empty;
            if (!seen.Add(key))
            {
                context.Add(RecipeDiagnosticIds.DuplicateKey, pair.Key.Line, pair.Key.Column, Join(path, key),
                    $"'{Join(path, key)}' appears more than once in this mapping; YAML keeps only the last one. Remove the duplicate.");
            }
        }
    }

    private static bool CheckSecretKey(Context context, YamlTreeNode key, string path)
    {
        if (!Redactor.IsSecretKey(key.Value ?? string.Empty))
        {
            return false;
        }

        context.Add(RecipeDiagnosticIds.SecretValue, key.Line, key.Column, path,
            $"'{key.Value}' names a secret (a password, key, token or SAS). Secrets never belong in a recipe: recipes are stored, reviewed " +
            "and copied into evidence bundles. Remove the key; GenImage signs in with Connect-GenImage (a managed identity in a runbook) and needs no secret here.");
        return true;
    }

    private static void CheckSecretValue(Context context, YamlTreeNode node, string path)
    {
        var reason = Redactor.FindSecretValue(node.Value);
        if (reason == null)
        {
            return;
        }

        context.Add(RecipeDiagnosticIds.SecretValue, node.Line, node.Column, path,
            $"The value of '{path}' looks like a secret: {reason}. Secrets never belong in a recipe (recipes are stored, reviewed and copied " +
            "into evidence bundles). Remove it; refer to resources by id and let Connect-GenImage handle sign-in.");
    }

    private static void CheckScalar(Context context, YamlTreeNode node, RecipeField field, string path)
    {
        var expected = field.Kind switch
        {
            RecipeFieldKind.Integer => "a whole number",
            RecipeFieldKind.Boolean => "true or false",
            RecipeFieldKind.Date => "a date (2027-12-31)",
            _ => "a text value",
        };
        if (node.Kind != YamlKind.Scalar || node.IsNull)
        {
            context.WrongType(node, path, expected);
            return;
        }
        CheckSecretValue(context, node, path);
        var value = node.Value ?? string.Empty;
        switch (field.Kind)
        {
            case RecipeFieldKind.Integer:
                if (!node.Plain || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                {
                    context.WrongType(node, path, expected);
                }

                break;
            case RecipeFieldKind.Boolean:
                if (field.Allowed != null && field.Allowed.Any(a => string.Equals(a, value, StringComparison.Ordinal)))
                {
                    break;
                }

                if (!node.Plain || !(value == "true" || value == "false" || value == "True" || value == "False" || value == "TRUE" || value == "FALSE"))
                {
                    context.WrongType(node, path, expected + (field.Allowed != null ? " or " + string.Join(", ", field.Allowed) : string.Empty) +
                        (IsYamlOneOneBool(value) ? " (YAML 1.2 reads yes/no/on/off as text)" : string.Empty));
                }

                break;
            case RecipeFieldKind.Date:
                if (!TryDate(value, out _))
                {
                    context.WrongType(node, path, expected);
                }

                break;
            default:
                if (field.Allowed != null && !field.Allowed.Any(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase)))
                {
                    var closest = Closest(value, field.Allowed);
                    context.Add(RecipeDiagnosticIds.InvalidValue, node.Line, node.Column, path,
                        $"'{value}' is not a valid value of '{path}'. Allowed: {string.Join(", ", field.Allowed)}." +
                        (closest.Length > 0 ? $" Did you mean '{closest}'?" : string.Empty));
                }
                break;
        }
    }

    private static readonly string[] YamlOneOneBools = ["yes", "no", "on", "off", "y", "n"];
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK"];

    private static bool IsYamlOneOneBool(string value) =>
        YamlOneOneBools.Contains(value.ToLowerInvariant());

    internal static bool TryDate(string value, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(value, DateFormats,
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);

    private static string Hint(RecipeField field) => field.Kind switch
    {
        RecipeFieldKind.Map => $"Add it as a mapping with the keys: {string.Join(", ", field.Children.Select(c => c.Required ? c.Name + " (required)" : c.Name))}.",
        RecipeFieldKind.StringList => "Add it as a list, for example [westeurope=1=Standard_LRS].",
        _ when field.Allowed != null => $"Allowed: {string.Join(", ", field.Allowed)}.",
        _ => "Get-Help about_GenImage describes the recipe file.",
    };

    // ---------------------------------------------------------------- binding and meaning

    private static void Bind(Context c, YamlTreeNode root)
    {
        var recipe = c.Recipe;
        recipe.ApiVersion = Str(root, "apiVersion") ?? string.Empty;
        recipe.Kind = Str(root, "kind") ?? string.Empty;
        if (root.Get("apiVersion") is { } api && !api.IsNull && recipe.ApiVersion != RecipeSchema.ApiVersion)
        {
            c.Add(RecipeDiagnosticIds.UnsupportedApiVersion, api.Line, api.Column, "apiVersion",
                $"apiVersion '{recipe.ApiVersion}' is not one this module reads. Use '{RecipeSchema.ApiVersion}'.");
        }
        if (root.Get("kind") is { } kind && !kind.IsNull && recipe.Kind != RecipeSchema.Kind)
        {
            c.Add(RecipeDiagnosticIds.UnsupportedApiVersion, kind.Line, kind.Column, "kind",
                $"kind '{recipe.Kind}' is not '{RecipeSchema.Kind}'. This file is not an image recipe, or the kind is misspelled.");
        }

        if (Map(root, "metadata") is { } metadata)
        {
            recipe.Metadata.Name = Str(metadata, "name") ?? string.Empty;
            recipe.Metadata.Owner = Str(metadata, "owner") ?? string.Empty;
            recipe.Metadata.Description = Str(metadata, "description");
            if (Map(metadata, "labels") is { } labels)
            {
                foreach (var pair in labels.Pairs)
                {
                    if (pair.Value.Kind == YamlKind.Scalar && pair.Key.Value != null)
                    {
                        recipe.Metadata.Labels[pair.Key.Value] = pair.Value.Value ?? string.Empty;
                    }
                }
            }
            if (metadata.Get("name") is { Kind: YamlKind.Scalar } nameNode && !nameNode.IsNull && !NamePattern.IsMatch(recipe.Metadata.Name))
            {
                c.Add(RecipeDiagnosticIds.InvalidValue, nameNode.Line, nameNode.Column, "metadata.name",
                    $"metadata.name '{recipe.Metadata.Name}' must start with a letter or digit and hold only letters, digits, '.', '_' and '-' (at most 80): it names the run folders and the evidence.");
            }
        }

        if (Map(root, "spec") is not { } spec)
        {
            return;
        }

        BindSource(c, spec);
        BindGallery(c, spec);
        BindDefinition(c, spec);
        CheckNames(c, spec);
        BindVersion(c, spec);
        BindPublishing(c, spec);
        BindReadiness(c, spec);
        BindValidation(c, spec);
        BindRest(c, spec);
    }

    private static void BindSource(Context c, YamlTreeNode spec)
    {
        if (Map(spec, "source") is not { } node)
        {
            return;
        }

        var source = c.Recipe.Spec.Source;
        source.VmId = Str(node, "vmId");
        source.ResourceGroup = Str(node, "resourceGroup");
        source.VmName = Str(node, "vmName");
        source.AssumePrepared = string.Equals(Str(node, "prepare"), "assumed", StringComparison.Ordinal);
        source.Prepare = !source.AssumePrepared && (Bool(node, "prepare") ?? true);
        source.Approver = Str(node, "approver");
        source.Justification = Str(node, "justification");
        if (source.AssumePrepared)
        {
            var missing = new List<string>();
            if (string.IsNullOrWhiteSpace(source.Justification))
            {
                missing.Add("justification");
            }

            if (string.IsNullOrWhiteSpace(source.Approver))
            {
                missing.Add("approver");
            }

            if (missing.Count > 0)
            {
                var at = node.Get("prepare")!;
                c.Add(RecipeDiagnosticIds.IncompleteSuppression, at.Line, at.Column, "spec.source.prepare",
                    $"prepare: assumed has no {string.Join(" and no ", missing)} in spec.source. Asserting that a stopped guest was prepared lets GenImage " +
                    "generalize what it cannot check, so the recipe must say why (justification) and who allowed it (approver).");
            }
        }
        else if (node.Get("approver") is { } stray && !stray.IsNull || node.Get("justification") is { } stray2 && !stray2.IsNull)
        {
            var at = node.Get("approver") ?? node.Get("justification")!;
            c.Add(RecipeDiagnosticIds.Conflict, at.Line, at.Column, "spec.source",
                "spec.source.approver and justification belong to prepare: assumed; without it they assert nothing. Remove them, or set prepare: assumed.");
        }
        source.TimeoutMinutes = Minutes(c, node, "timeoutMinutes", "spec.source.timeoutMinutes", source.TimeoutMinutes);
        if (source.VmId != null && (source.ResourceGroup != null || source.VmName != null))
        {
            var at = node.Get("resourceGroup") ?? node.Get("vmName")!;
            c.Add(RecipeDiagnosticIds.Conflict, at.Line, at.Column, "spec.source",
                "spec.source names the VM twice: give either vmId, or resourceGroup and vmName (in the connected subscription), not both.");
        }
        else if (source.VmId == null && (source.ResourceGroup == null || source.VmName == null))
        {
            var missing = source.ResourceGroup == null && source.VmName == null ? "vmId (or resourceGroup and vmName)" : source.ResourceGroup == null ? "resourceGroup" : "vmName";
            c.Add(RecipeDiagnosticIds.MissingField, node.Line, node.Column, "spec.source",
                $"spec.source needs {missing}: the VM the image is built from.");
        }
        else if (source.VmId != null && !VmIdPattern.IsMatch(source.VmId))
        {
            var at = node.Get("vmId")!;
            c.Add(RecipeDiagnosticIds.InvalidValue, at.Line, at.Column, "spec.source.vmId",
                $"'{source.VmId}' is not a virtual machine resource id. Expected /subscriptions/{{id}}/resourceGroups/{{group}}/providers/Microsoft.Compute/virtualMachines/{{name}}.");
        }
    }

    private static void BindGallery(Context c, YamlTreeNode spec)
    {
        if (Map(spec, "gallery") is not { } node)
        {
            return;
        }

        c.Recipe.Spec.Gallery.ResourceGroup = Str(node, "resourceGroup") ?? string.Empty;
        c.Recipe.Spec.Gallery.Name = Str(node, "name") ?? string.Empty;
    }

    private static void BindDefinition(Context c, YamlTreeNode spec)
    {
        if (Map(spec, "definition") is not { } node)
        {
            return;
        }

        var d = c.Recipe.Spec.Definition;
        d.Name = Str(node, "name") ?? string.Empty;
        d.CreateIfMissing = Bool(node, "createIfMissing") ?? true;
        d.OsType = Canonical(Str(node, "osType"), RecipeSchema.OsTypes);
        d.OsState = Canonical(Str(node, "osState"), RecipeSchema.OsStates) ?? "Generalized";
        d.HyperVGeneration = Canonical(Str(node, "hyperVGeneration"), RecipeSchema.Generations) ?? "V2";
        d.SecurityType = Canonical(Str(node, "securityType"), RecipeSchema.SecurityTypes) ?? "Standard";
        d.Architecture = Canonical(Str(node, "architecture"), RecipeSchema.Architectures) ?? "x64";
        d.Description = Str(node, "description");
        var identifier = Map(node, "identifier");
        if (identifier != null)
        {
            d.Publisher = Str(identifier, "publisher");
            d.Offer = Str(identifier, "offer");
            d.Sku = Str(identifier, "sku");
        }
        if (d.CreateIfMissing)
        {
            if (node.Get("osType") == null)
            {
                c.Add(RecipeDiagnosticIds.MissingField, node.Line, node.Column, "spec.definition.osType",
                    "spec.definition.osType is required when createIfMissing is true (the default): the definition may have to be created. Allowed: Windows, Linux.");
            }

            if (node.Get("identifier") == null)
            {
                c.Add(RecipeDiagnosticIds.MissingField, node.Line, node.Column, "spec.definition.identifier",
                    "spec.definition.identifier (publisher, offer, sku) is required when createIfMissing is true (the default): the definition may have to be created.");
            }
        }
        if (d.IsSpecialized && (c.Recipe.Spec.Source.Prepare || c.Recipe.Spec.Source.AssumePrepared) && Map(spec, "source")?.Get("prepare") is { } prepare)
        {
            c.Add(RecipeDiagnosticIds.Conflict, prepare.Line, prepare.Column, "spec.source.prepare",
                "A Specialized definition keeps the source's identity: its source must not be prepared or generalized. Set spec.source.prepare to false.");
        }
        if (d.IsSpecialized)
        {
            c.Recipe.Spec.Source.Prepare = false;
        }

        if (d.IsSpecialized)
        {
            c.Recipe.Spec.Source.AssumePrepared = false;
        }

        if (string.Equals(d.HyperVGeneration, "V1", StringComparison.Ordinal) && d.SecurityType.StartsWith("Trusted", StringComparison.Ordinal) ||
            string.Equals(d.HyperVGeneration, "V1", StringComparison.Ordinal) && d.SecurityType.StartsWith("Confidential", StringComparison.Ordinal))
        {
            var at = node.Get("securityType")!;
            c.Add(RecipeDiagnosticIds.Conflict, at.Line, at.Column, "spec.definition.securityType",
                $"securityType {d.SecurityType} needs hyperVGeneration V2; Trusted Launch and confidential VMs are Generation 2 only.");
        }
    }

    /// <summary>GI9013: the names the run uses or creates, against Azure's naming rules (no ARM call).</summary>
    private static void CheckNames(Context c, YamlTreeNode spec)
    {
        void Check(YamlTreeNode? parent, string key, string path, AzureNameKind kind)
        {
            if (parent?.Get(key) is not { Kind: YamlKind.Scalar } node || node.IsNull)
            {
                return;
            }

            if (AzureNames.Problem(kind, node.Value!.Trim()) is { } problem)
            {
                c.Add(RecipeDiagnosticIds.InvalidName, node.Line, node.Column, path,
                    $"{path}: {problem}. Azure would refuse it only after the source VM was generalized; rename it.");
            }
        }
        var source = Map(spec, "source");
        Check(source, "resourceGroup", "spec.source.resourceGroup", AzureNameKind.ResourceGroup);
        Check(source, "vmName", "spec.source.vmName", AzureNameKind.VirtualMachine);
        var gallery = Map(spec, "gallery");
        Check(gallery, "resourceGroup", "spec.gallery.resourceGroup", AzureNameKind.ResourceGroup);
        Check(gallery, "name", "spec.gallery.name", AzureNameKind.Gallery);
        Check(Map(spec, "definition"), "name", "spec.definition.name", AzureNameKind.GalleryImageDefinition);
    }

    private static void BindVersion(Context c, YamlTreeNode spec)
    {
        if (Map(spec, "version") is not { } node)
        {
            return;
        }

        var v = c.Recipe.Spec.Version;
        v.Name = Str(node, "name");
        v.Increment = Canonical(Str(node, "increment"), RecipeSchema.Increments);
        if (v.Name != null && node.Get("increment") != null)
        {
            var at = node.Get("increment")!;
            c.Add(RecipeDiagnosticIds.Conflict, at.Line, at.Column, "spec.version",
                "spec.version has both name and increment: give an explicit name (1.2.0) or an increment (major, minor, patch), not both.");
        }
        else if (v.Name == null && node.Get("increment") == null)
        {
            c.Add(RecipeDiagnosticIds.MissingField, node.Line, node.Column, "spec.version",
                "spec.version needs name (an explicit Major.Minor.Patch) or increment (major, minor or patch of the highest existing version).");
        }
        if (v.Name != null && !VersionPattern.IsMatch(v.Name))
        {
            var at = node.Get("name")!;
            c.Add(RecipeDiagnosticIds.InvalidValue, at.Line, at.Column, "spec.version.name",
                $"'{v.Name}' is not a gallery image version name (GI3001). Use Major.Minor.Patch with whole numbers written without leading zeros, for example 1.0.0.");
        }
    }

    private static void BindPublishing(Context c, YamlTreeNode spec)
    {
        if (Map(spec, "publishing") is not { } node)
        {
            return;
        }

        var p = c.Recipe.Spec.Publishing;
        p.ExcludeFromLatest = Bool(node, "excludeFromLatest") ?? true;
        p.TimeoutMinutes = Minutes(c, node, "timeoutMinutes", "spec.publishing.timeoutMinutes", p.TimeoutMinutes);
        if (node.Get("endOfLife") is { } eolNode && eolNode.Kind == YamlKind.Scalar && TryDate(eolNode.Value ?? string.Empty, out var eol))
        {
            p.EndOfLife = eol;
            if (eol <= c.Now)
            {
                c.Add(RecipeDiagnosticIds.InvalidValue, eolNode.Line, eolNode.Column, "spec.publishing.endOfLife",
                    $"endOfLife {eolNode.Value} is not in the future: the version would be published already at its end of life.");
            }
        }
        if (node.Get("targetRegions") is not { Kind: YamlKind.Sequence } regions)
        {
            return;
        }

        if (regions.Items.Count == 0)
        {
            c.Add(RecipeDiagnosticIds.MissingField, regions.Line, regions.Column, "spec.publishing.targetRegions",
                "spec.publishing.targetRegions is empty: name at least one region (region=replicas=storage, e.g. westeurope=1=Standard_LRS).");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < regions.Items.Count; i++)
        {
            var item = regions.Items[i];
            if (item.Kind != YamlKind.Scalar || item.IsNull)
            {
                continue;
            }

            var path = $"spec.publishing.targetRegions[{i}]";
            if (!TryParseRegion(item.Value ?? string.Empty, out var region, out var problem))
            {
                c.Add(RecipeDiagnosticIds.InvalidValue, item.Line, item.Column, path, problem!);
                continue;
            }
            if (!seen.Add(region.Name))
            {
                c.Add(RecipeDiagnosticIds.InvalidValue, item.Line, item.Column, path, $"Region '{region.Name}' is listed twice in targetRegions.");
                continue;
            }
            region.ExcludeFromLatest = p.ExcludeFromLatest;
            p.TargetRegions.Add(region);
        }
    }

    /// <summary>Parses region[=replicas[=storage]] (westeurope=2=Standard_ZRS).</summary>
    public static bool TryParseRegion(string text, out TargetRegion region, out string? problem)
    {
        region = new TargetRegion();
        problem = null;
        var parts = (text ?? string.Empty).Split('=');
        var name = parts[0].Replace(" ", string.Empty).Trim().ToLowerInvariant();
        if (!RegionPattern.IsMatch(name) || parts.Length > 3)
        {
            problem = $"'{text}' is not a target region. Use region=replicas=storage, for example westeurope=2=Standard_ZRS (replicas and storage are optional).";
            return false;
        }
        region.Name = name;
        if (parts.Length > 1)
        {
            if (!int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) || replicas < 1 || replicas > 100)
            {
                problem = $"'{text}': the replica count must be a whole number from 1 to 100.";
                return false;
            }
            region.ReplicaCount = replicas;
        }
        if (parts.Length > 2)
        {
            var storage = RecipeSchema.StorageAccountTypes.FirstOrDefault(s => string.Equals(s, parts[2].Trim(), StringComparison.OrdinalIgnoreCase));
            if (storage == null)
            {
                problem = $"'{text}': the storage account type must be one of {string.Join(", ", RecipeSchema.StorageAccountTypes)}.";
                return false;
            }
            region.StorageAccountType = storage;
        }
        return true;
    }

    private static void BindReadiness(Context c, YamlTreeNode spec)
    {
        if (Map(spec, "readiness") is not { } node)
        {
            return;
        }

        var r = c.Recipe.Spec.Readiness;
        if (node.Get("exclude") is { Kind: YamlKind.Sequence } exclude)
        {
            for (var i = 0; i < exclude.Items.Count; i++)
            {
                var item = exclude.Items[i];
                if (item.Kind != YamlKind.Scalar || item.IsNull)
                {
                    continue;
                }

                var value = item.Value!.Trim();
                if (!RulePatternPattern.IsMatch(value))
                {
                    c.Add(RecipeDiagnosticIds.InvalidValue, item.Line, item.Column, $"spec.readiness.exclude[{i}]",
                        $"'{value}' is not a readiness rule id. Use an id such as GI5003, or a wildcard such as GI5*. Get-ImageReadinessRule lists them.");
                    continue;
                }
                r.Exclude.Add(value.ToUpperInvariant());
            }
        }
        if (node.Get("suppressions") is { Kind: YamlKind.Sequence } suppressions)
        {
            for (var i = 0; i < suppressions.Items.Count; i++)
            {
                var item = suppressions.Items[i];
                if (item.Kind != YamlKind.Mapping)
                {
                    continue;
                }

                var path = $"spec.readiness.suppressions[{i}]";
                var s = new RecipeSuppression
                {
                    Rule = (Str(item, "rule") ?? string.Empty).ToUpperInvariant(),
                    Justification = Str(item, "justification") ?? string.Empty,
                    Approver = Str(item, "approver") ?? string.Empty,
                };
                if (item.Get("rule") is { Kind: YamlKind.Scalar } ruleNode && !ruleNode.IsNull && !RuleIdPattern.IsMatch(s.Rule))
                {
                    c.Add(RecipeDiagnosticIds.InvalidValue, ruleNode.Line, ruleNode.Column, path + ".rule",
                        $"'{ruleNode.Value}' is not a readiness rule id (GI followed by four digits). A suppression names exactly one rule.");
                }
                var missing = new List<string>();
                if (string.IsNullOrWhiteSpace(s.Justification))
                {
                    missing.Add("justification");
                }

                if (string.IsNullOrWhiteSpace(s.Approver))
                {
                    missing.Add("approver");
                }

                if (missing.Count > 0)
                {
                    c.Add(RecipeDiagnosticIds.IncompleteSuppression, item.Line, item.Column, path,
                        $"The suppression of {(s.Rule.Length == 0 ? "a rule" : s.Rule)} has no {string.Join(" and no ", missing)}. " +
                        "A suppression lets a failing readiness error through, so it must say why (justification) and who allowed it (approver).");
                }
                if (item.Get("expires") is { Kind: YamlKind.Scalar } expNode && TryDate(expNode.Value ?? string.Empty, out var expires))
                {
                    s.Expires = expires;
                    if (expires <= c.Now)
                    {
                        c.Add(RecipeDiagnosticIds.IncompleteSuppression, expNode.Line, expNode.Column, path + ".expires",
                            $"The suppression of {s.Rule} expired on {expNode.Value}. Renew it with a new approval, or fix the finding.");
                    }
                }
                r.Suppressions.Add(s);
            }
        }
    }

    private static void BindValidation(Context c, YamlTreeNode spec)
    {
        var v = c.Recipe.Spec.Validation;
        if (Map(spec, "validation") is not { } node)
        {
            return;
        }

        v.Enabled = Bool(node, "enabled") ?? true;
        v.VmSize = Str(node, "vmSize");
        v.SubnetId = Str(node, "subnetId");
        v.TimeoutMinutes = Minutes(c, node, "timeoutMinutes", "spec.validation.timeoutMinutes", v.TimeoutMinutes);
        if (Int(node, "retries") is { } retries)
        {
            if (retries < 0 || retries > 10)
            {
                var at = node.Get("retries")!;
                c.Add(RecipeDiagnosticIds.InvalidValue, at.Line, at.Column, "spec.validation.retries", "spec.validation.retries must be from 0 to 10.");
            }
            else
            {
                v.Retries = (int)retries;
            }
        }
        if (v.SubnetId != null && !SubnetIdPattern.IsMatch(v.SubnetId))
        {
            var at = node.Get("subnetId")!;
            c.Add(RecipeDiagnosticIds.InvalidValue, at.Line, at.Column, "spec.validation.subnetId",
                $"'{v.SubnetId}' is not a subnet resource id (/subscriptions/…/providers/Microsoft.Network/virtualNetworks/{{vnet}}/subnets/{{subnet}}).");
        }
        if (node.Get("regions") is { Kind: YamlKind.Sequence } regions)
        {
            var targets = new HashSet<string>(c.Recipe.Spec.Publishing.TargetRegions.Select(t => t.Name), StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < regions.Items.Count; i++)
            {
                var item = regions.Items[i];
                if (item.Kind != YamlKind.Scalar || item.IsNull)
                {
                    continue;
                }

                var name = item.Value!.Replace(" ", string.Empty).Trim().ToLowerInvariant();
                if (targets.Count > 0 && !targets.Contains(name))
                {
                    c.Add(RecipeDiagnosticIds.Conflict, item.Line, item.Column, $"spec.validation.regions[{i}]",
                        $"Validation region '{name}' is not a target region of the version ({string.Join(", ", targets)}): a test VM can only be made where the version is replicated.");
                    continue;
                }
                v.Regions.Add(name);
            }
        }
        if (node.Get("probeScript") is { Kind: YamlKind.Scalar } probe && !probe.IsNull)
        {
            var full = c.Resolve(probe.Value!);
            v.ProbeScript = full;
            if (!File.Exists(full))
            {
                c.Add(RecipeDiagnosticIds.FileNotFound, probe.Line, probe.Column, "spec.validation.probeScript",
                    $"The probe script '{probe.Value}' does not exist (resolved to '{full}'; relative paths are relative to the recipe's folder).");
            }
        }
    }

    private static void BindRest(Context c, YamlTreeNode spec)
    {
        var s = c.Recipe.Spec;
        if (Map(spec, "promotion") is { } promotion)
        {
            s.Promotion.Policy = Canonical(Str(promotion, "policy"), RecipeSchema.PromotionPolicies) ?? "afterValidation";
        }
        s.Evidence.OutputPath = c.Resolve("evidence");
        if (Map(spec, "evidence") is { } evidence)
        {
            if (Str(evidence, "outputPath") is { } output)
            {
                s.Evidence.OutputPath = c.Resolve(output);
            }

            if (Str(evidence, "store") is { } store && evidence.Get("store") is { } storeNode)
            {
                try
                {
                    s.Evidence.Store = RunStores.ParseUrl(store, "spec.evidence.store").ToString().TrimEnd('/');
                }
                catch (Errors.GenImageException ex)
                {
                    c.Add(RecipeDiagnosticIds.InvalidValue, storeNode.Line, storeNode.Column, "spec.evidence.store", ex.Message);
                }
            }

            if (Int(evidence, "activityLogWindowHours") is { } hours)
            {
                if (hours < 1 || hours > 2160)
                {
                    var at = evidence.Get("activityLogWindowHours")!;
                    c.Add(RecipeDiagnosticIds.InvalidValue, at.Line, at.Column, "spec.evidence.activityLogWindowHours",
                        "activityLogWindowHours must be from 1 to 2160 (the Activity Log keeps 90 days).");
                }
                else
                {
                    s.Evidence.ActivityLogWindowHours = (int)hours;
                }
            }
        }
        if (Map(spec, "cleanup") is { } cleanup)
        {
            s.Cleanup.DeleteSourceVm = Bool(cleanup, "deleteSourceVm") ?? false;
            if (Int(cleanup, "keepVersions") is { } keep)
            {
                if (keep < 0 || keep > 1000)
                {
                    var at = cleanup.Get("keepVersions")!;
                    c.Add(RecipeDiagnosticIds.InvalidValue, at.Line, at.Column, "spec.cleanup.keepVersions",
                        "keepVersions must be 0 (keep every version) or a positive number of versions to keep.");
                }
                else
                {
                    s.Cleanup.KeepVersions = (int)keep;
                }
            }
        }
        if (spec.Get("approvals") is { Kind: YamlKind.Sequence } approvals)
        {
            foreach (var item in approvals.Items.Where(i => i.Kind == YamlKind.Mapping))
            {
                var approval = new RecipeApproval
                {
                    Approver = Str(item, "approver") ?? string.Empty,
                    Role = Str(item, "role"),
                    Reference = Str(item, "reference"),
                };
                if (Str(item, "approvedAt") is { } at && TryDate(at, out var date))
                {
                    approval.ApprovedAt = date;
                }

                s.Approvals.Add(approval);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>A time limit in minutes (1-1440); out of range is GI9006 and leaves the default.</summary>
    private static int Minutes(Context c, YamlTreeNode node, string key, string path, int fallback)
    {
        if (Int(node, key) is not { } minutes)
        {
            return fallback;
        }

        if (minutes >= 1 && minutes <= 1440)
        {
            return (int)minutes;
        }

        var at = node.Get(key)!;
        c.Add(RecipeDiagnosticIds.InvalidValue, at.Line, at.Column, path, $"{path} must be from 1 to 1440 (minutes).");
        return fallback;
    }

    private static YamlTreeNode? Map(YamlTreeNode node, string key) =>
        node.Get(key) is { Kind: YamlKind.Mapping } map ? map : null;

    private static string? Str(YamlTreeNode node, string key) =>
        node.Get(key) is { Kind: YamlKind.Scalar } s && !s.IsNull ? s.Value!.Trim() : null;

    private static bool? Bool(YamlTreeNode node, string key) =>
        Str(node, key) is { } s && bool.TryParse(s, out var b) ? b : (bool?)null;

    private static long? Int(YamlTreeNode node, string key) =>
        Str(node, key) is { } s && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : (long?)null;

    private static string? Canonical(string? value, IReadOnlyList<string> allowed) =>
        value == null ? null : allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase)) ?? value;

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary>The allowed word closest to <paramref name="word"/>, or empty when none is close.</summary>
    internal static string Closest(string word, IEnumerable<string> candidates)
    {
        var best = string.Empty;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }
        var limit = Math.Max(2, word.Length / 3);
        return bestDistance <= limit ? best : string.Empty;
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }

    private sealed class Context
    {
        public Context(ImageRecipe recipe, string file, DateTimeOffset now)
        {
            Recipe = recipe;
            File = file;
            Folder = System.IO.Path.GetDirectoryName(file) ?? string.Empty;
            Now = now;
        }

        public ImageRecipe Recipe { get; }
        public string File { get; }
        public string Folder { get; }
        public DateTimeOffset Now { get; }

        public string Resolve(string path) =>
            System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(Folder, path));

        public void Add(string id, int line, int column, string? keyPath, string message, RecipeDiagnosticSeverity severity = RecipeDiagnosticSeverity.Error) =>
            Recipe.Diagnostics.Add(new RecipeDiagnostic
            {
                Id = id, Severity = severity, File = File, Line = line, Column = column, KeyPath = keyPath, Message = message,
            });

        public void WrongType(YamlTreeNode node, string path, string expected) =>
            Add(RecipeDiagnosticIds.WrongType, node.Line, node.Column, path,
                $"'{path}' must be {expected}, not {node.Describe()}.");

        public void UnknownKey(YamlTreeNode key, string parentPath, RecipeField parent)
        {
            var name = key.Value ?? string.Empty;
            var closest = Closest(name, parent.Children.Select(ch => ch.Name));
            var where = parentPath.Length == 0 ? "at the top of a recipe" : $"in '{parentPath}'";
            Add(RecipeDiagnosticIds.UnknownKey, key.Line, key.Column, Join(parentPath, name),
                $"Unknown key '{name}' {where}." +
                (closest.Length > 0 ? $" Did you mean '{closest}'?" : string.Empty) +
                $" Known keys: {string.Join(", ", parent.Children.Select(ch => ch.Name))}.");
        }
    }
}
