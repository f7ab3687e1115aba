using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GenImage.Core.Errors;

namespace GenImage.Core.Gallery;

/// <summary>
/// Reads -TargetRegion values: strings in the az CLI form (<c>westeurope</c>, <c>eastus=2</c>,
/// <c>eastus=2=Standard_ZRS</c>) or dictionaries (<c>@{ Name = 'eastus'; ReplicaCount = 2; StorageAccountType = 'Standard_ZRS' }</c>).
/// Syntax errors name the bad token. Whether a region exists, a count is in range and a storage type is
/// valid is left to the pre-flight rules (GI4001, GI4003, GI4004), which report every problem at once.
/// </summary>
public static class TargetRegions
{
    public const string Form = "Use NAME, NAME=COUNT or NAME=COUNT=STORAGE (for example westeurope, eastus=2, eastus=2=Standard_ZRS), " +
                               "or a hashtable @{ Name = 'eastus'; ReplicaCount = 2; StorageAccountType = 'Standard_ZRS' }.";

    /// <summary>The storage account types gallery image versions accept.</summary>
    public static readonly IReadOnlyList<string> StorageAccountTypes = new[] { "Standard_LRS", "Standard_ZRS", "Premium_LRS" };

    /// <summary>Region name as ARM writes it in requests: lower case, no spaces ("West Europe" -> "westeurope").</summary>
    public static string NormalizeName(string name) =>
        new string(name.Trim().Where(c => !char.IsWhiteSpace(c)).ToArray()).ToLowerInvariant();

    /// <summary>The canonical spelling of a known storage type (case-insensitive), or the text as given.</summary>
    public static string NormalizeStorageType(string text)
    {
        var trimmed = text.Trim();
        return StorageAccountTypes.FirstOrDefault(t => string.Equals(t, trimmed, StringComparison.OrdinalIgnoreCase)) ?? trimmed;
    }

    /// <summary>Parses every value; a region given twice is an error naming both tokens.</summary>
    public static IList<TargetRegion> ParseAll(IEnumerable<object?> values, int defaultReplicaCount, string defaultStorageAccountType)
    {
        var result = new List<TargetRegion>();
        var tokens = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values)
        {
            var region = Parse(value, defaultReplicaCount, defaultStorageAccountType);
            var token = Describe(value);
            if (tokens.TryGetValue(region.Name, out var earlier))
            {
                throw Invalid(token, $"region '{region.Name}' is already given by '{earlier}'. Give each region once.");
            }
            tokens[region.Name] = token;
            result.Add(region);
        }
        return result;
    }

    /// <summary>Parses one value (a string or a dictionary).</summary>
    public static TargetRegion Parse(object? value, int defaultReplicaCount, string defaultStorageAccountType)
    {
        switch (value)
        {
            case null:
                throw Invalid("$null", "a target region cannot be null.");
            case string text:
                return ParseString(text, defaultReplicaCount, defaultStorageAccountType);
            case IDictionary dictionary:
                return ParseDictionary(dictionary, defaultReplicaCount, defaultStorageAccountType);
            case TargetRegion region:
                return new TargetRegion
                {
                    Name = NormalizeName(region.Name),
                    ReplicaCount = region.ReplicaCount,
                    StorageAccountType = NormalizeStorageType(region.StorageAccountType),
                    ExcludeFromLatest = region.ExcludeFromLatest,
                };
            default:
                throw Invalid(Describe(value), $"a {value.GetType().Name} is not a target region.");
        }
    }

    /// <summary>Parses NAME, NAME=COUNT or NAME=COUNT=STORAGE.</summary>
    public static TargetRegion ParseString(string token, int defaultReplicaCount, string defaultStorageAccountType)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw Invalid(token ?? string.Empty, "the region name is empty.");
        }

        var parts = token.Split('=');
        if (parts.Length > 3)
        {
            throw Invalid(token, $"it has {parts.Length} parts separated by '='; at most three are allowed (name, count, storage type).");
        }

        var name = NormalizeName(parts[0]);
        if (name.Length == 0)
        {
            throw Invalid(token, "the region name is empty.");
        }

        if (!name.All(c => char.IsLetterOrDigit(c)))
        {
            throw Invalid(token, $"'{parts[0].Trim()}' is not a region name (letters and digits only, like westeurope).");
        }

        var count = defaultReplicaCount;
        if (parts.Length >= 2)
        {
            var countText = parts[1].Trim();
            if (!int.TryParse(countText, NumberStyles.Integer, CultureInfo.InvariantCulture, out count))
            {
                throw Invalid(token, $"the replica count '{countText}' is not a whole number.");
            }
        }
        var storage = defaultStorageAccountType;
        if (parts.Length == 3)
        {
            storage = parts[2].Trim();
            if (storage.Length == 0)
            {
                throw Invalid(token, "the storage account type after the second '=' is empty.");
            }
        }
        return new TargetRegion { Name = name, ReplicaCount = count, StorageAccountType = NormalizeStorageType(storage) };
    }

    private static TargetRegion ParseDictionary(IDictionary dictionary, int defaultReplicaCount, string defaultStorageAccountType)
    {
        var token = Describe(dictionary);
        string? name = null;
        var count = defaultReplicaCount;
        var storage = defaultStorageAccountType;
        var exclude = false;
        foreach (DictionaryEntry entry in dictionary)
        {
            var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
            var raw = entry.Value;
            switch (key.ToLowerInvariant())
            {
                case "name":
                case "region":
                    name = Convert.ToString(raw, CultureInfo.InvariantCulture);
                    break;
                case "replicacount":
                case "regionalreplicacount":
                    if (!TryInt(raw, out count))
                    {
                        throw Invalid(token, $"ReplicaCount '{raw}' is not a whole number.");
                    }

                    break;
                case "storageaccounttype":
                    storage = Convert.ToString(raw, CultureInfo.InvariantCulture) ?? string.Empty;
                    if (string.IsNullOrWhiteSpace(storage))
                    {
                        throw Invalid(token, "StorageAccountType is empty.");
                    }

                    break;
                case "excludefromlatest":
                    exclude = raw is bool b ? b : string.Equals(Convert.ToString(raw, CultureInfo.InvariantCulture), "true", StringComparison.OrdinalIgnoreCase);
                    break;
                default:
                    throw Invalid(token, $"unknown key '{key}'. Known keys: Name, ReplicaCount, StorageAccountType, ExcludeFromLatest.");
            }
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            throw Invalid(token, "it has no Name.");
        }

        var normalized = NormalizeName(name!);
        if (!normalized.All(char.IsLetterOrDigit))
        {
            throw Invalid(token, $"'{name}' is not a region name (letters and digits only, like westeurope).");
        }

        return new TargetRegion { Name = normalized, ReplicaCount = count, StorageAccountType = NormalizeStorageType(storage), ExcludeFromLatest = exclude };
    }

    private static bool TryInt(object? raw, out int value)
    {
        switch (raw)
        {
            case int i: value = i; return true;
            case long l when l >= int.MinValue && l <= int.MaxValue: value = (int)l; return true;
            case short s: value = s; return true;
            case byte by: value = by; return true;
            case double d when d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue: value = (int)d; return true;
            case string text: return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
            default: value = 0; return false;
        }
    }

    /// <summary>The value as the operator wrote it, for error messages.</summary>
    public static string Describe(object? value)
    {
        switch (value)
        {
            case null: return "$null";
            case string s: return s;
            case IDictionary d:
                var pairs = new List<string>();
                foreach (DictionaryEntry e in d)
                {
                    pairs.Add($"{e.Key} = {e.Value}");
                }

                return "@{ " + string.Join("; ", pairs) + " }";
            default: return value.ToString() ?? value.GetType().Name;
        }
    }

    private static GenImageException Invalid(string token, string why) =>
        new GenImageException(GalleryErrorIds.InvalidTargetRegion, GenImageErrorKind.InvalidArgument,
            $"-TargetRegion '{token}' is not valid: {why} {Form}")
        { Target = token };
}
