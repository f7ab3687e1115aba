using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Commands;

namespace GenImage.Cmdlets.Infrastructure;

/// <summary>
/// Base of the cmdlets that take recipes as -Path (wildcards), -LiteralPath, or ImageRecipe objects from
/// Get-ImageRecipe; the object's file is read again, so what runs is what is on disk.
/// </summary>
public abstract class RecipeInputCmdlet : GenImageCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";
    protected const string ObjectSet = "InputObject";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>A recipe from Get-ImageRecipe.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    public ImageRecipe? InputObject { get; set; }

    /// <summary>The recipe files this record names; a path that matches nothing has been reported as an error.</summary>
    protected IReadOnlyList<string> RecipeFilePaths() =>
        ParameterSetName == ObjectSet ? new[] { InputObject!.Path } : RecipeFiles.Resolve(this, Path, LiteralPath).ToArray();
}
