namespace GenImage.Core.Recipes;

/// <summary>Stable ids of recipe problems (docs/recipes.md lists them with examples).</summary>
public static class RecipeDiagnosticIds
{
    /// <summary>The file is not valid YAML (or cannot be read).</summary>
    public const string BadYaml = "GI9001";
    /// <summary>A key the format does not know (a typo); the message suggests the closest key.</summary>
    public const string UnknownKey = "GI9002";
    /// <summary>A value of the wrong type (a list where a string was expected, "yes" for a number, …).</summary>
    public const string WrongType = "GI9003";
    /// <summary>A required key is missing.</summary>
    public const string MissingField = "GI9004";
    /// <summary>A key or value that looks like a secret; secrets never belong in a recipe.</summary>
    public const string SecretValue = "GI9005";
    /// <summary>A value outside what is allowed (an enum, a version, a region spec, a date, a number range).</summary>
    public const string InvalidValue = "GI9006";
    /// <summary>apiVersion or kind is not one this module reads.</summary>
    public const string UnsupportedApiVersion = "GI9007";
    /// <summary>A readiness suppression without a justification or an approver, or one that has expired.</summary>
    public const string IncompleteSuppression = "GI9008";
    /// <summary>The same key twice in one mapping.</summary>
    public const string DuplicateKey = "GI9009";
    /// <summary>Settings that contradict each other (version name and increment, vmId and vmName, …).</summary>
    public const string Conflict = "GI9010";
    /// <summary>A file the recipe names (probe script) does not exist.</summary>
    public const string FileNotFound = "GI9011";
    /// <summary>The file holds no document, or more than one.</summary>
    public const string DocumentCount = "GI9012";
    /// <summary>A name Azure would refuse (length or characters): gallery, definition, resource group, VM.</summary>
    public const string InvalidName = "GI9013";
}
