using System;
using System.Collections.Generic;
using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Recipes;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Reads image recipe files (YAML) and validates them; each problem is an error with its GI9xxx id, file, line and column.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ImageRecipe", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ImageRecipe))]
public sealed class GetImageRecipeCommand : GenImageCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Recipe files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    /// <summary>Recipe files, taken literally (no wildcards).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var file in RecipeFiles.Resolve(this, Path, LiteralPath))
        {
            var recipe = RecipeParser.ParseFile(file);
            if (recipe.IsValid)
            {
                foreach (var warning in recipe.Diagnostics)
                {
                    WriteWarning(warning.ToString());
                }

                WriteObject(recipe);
            }
            else
            {
                RecipeFiles.WriteDiagnostics(this, recipe);
            }
        }
    }
}

/// <summary>Path resolution and diagnostic errors shared by the recipe cmdlets.</summary>
internal static class RecipeFiles
{
    /// <summary>
    /// Resolves -Path (wildcards, through the provider) or -LiteralPath to file-system paths. A path that
    /// matches nothing is a non-terminating ObjectNotFound error.
    /// </summary>
    public static IEnumerable<string> Resolve(PSCmdlet cmdlet, string[]? paths, string[]? literalPaths)
    {
        var result = new List<string>();
        if (literalPaths != null)
        {
            foreach (var literal in literalPaths)
            {
                var full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(literal);
                if (!System.IO.File.Exists(full))
                {
                    cmdlet.WriteError(ErrorRecords.NotFound("RecipeFileNotFound", $"Cannot find the recipe file '{full}'. Check the path (-LiteralPath takes it as written).", literal));
                    continue;
                }
                result.Add(full);
            }
            return result;
        }
        foreach (var path in paths ?? Array.Empty<string>())
        {
            try
            {
                var resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider);
                if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                {
                    cmdlet.WriteError(ErrorRecords.Argument("RecipeFileNotFound", $"'{path}' is not a file-system path; recipes are files.", path));
                    continue;
                }
                if (resolved.Count == 0 && WildcardPattern.ContainsWildcardCharacters(path))
                {
                    cmdlet.WriteError(ErrorRecords.NotFound("RecipeFileNotFound", $"No recipe file matches '{path}'. Check the folder and the wildcard.", path));
                }
                foreach (var file in resolved)
                {
                    if (System.IO.Directory.Exists(file))
                    {
                        continue;
                    }

                    result.Add(file);
                }
            }
            catch (ItemNotFoundException ex)
            {
                cmdlet.WriteError(ErrorRecords.NotFound("RecipeFileNotFound", $"Cannot find the recipe file '{path}': {ex.Message}", path, ex));
            }
        }
        return result;
    }

    /// <summary>One non-terminating error per problem, with the problem's id as the error id (GenImage.GI9002).</summary>
    public static void WriteDiagnostics(PSCmdlet cmdlet, ImageRecipe recipe)
    {
        foreach (var d in recipe.Diagnostics)
        {
            if (d.Severity != RecipeDiagnosticSeverity.Error)
            {
                cmdlet.WriteWarning(d.ToString());
                continue;
            }
            var record = new ErrorRecord(new RecipeException(d), ErrorRecords.Prefix + d.Id, d.Id == RecipeDiagnosticIds.SecretValue ? ErrorCategory.SecurityError : ErrorCategory.InvalidData, d)
            {
                ErrorDetails = new ErrorDetails(d.ToString()) { RecommendedAction = "Fix the recipe at the line and column the message gives, then check it again with Test-ImageRecipe; Get-Help about_GenImage describes the recipe file." },
            };
            cmdlet.WriteError(record);
        }
    }
}

/// <summary>The exception of a recipe problem's ErrorRecord; carries the problem.</summary>
public sealed class RecipeException : Exception
{
    public RecipeException(RecipeDiagnostic diagnostic)
        : base(diagnostic?.ToString())
    {
        Diagnostic = diagnostic!;
    }

    public RecipeDiagnostic Diagnostic { get; }
}
