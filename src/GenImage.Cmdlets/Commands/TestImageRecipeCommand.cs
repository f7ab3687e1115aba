using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Recipes;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Validates image recipes: the file (keys, types, values, secrets) always; the readiness rules against the live resources when connected.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ImageRecipe", DefaultParameterSetName = PathSet)]
[OutputType(typeof(RecipeTestResult))]
public sealed class TestImageRecipeCommand : RecipeInputCmdlet
{
    /// <summary>Check the file only, even when connected (no ARM call).</summary>
    [Parameter]
    public SwitchParameter Offline { get; set; }

    protected override void ProcessRecord()
    {
        var recipes = RecipeFilePaths().Select(f => RecipeParser.ParseFile(f)).ToArray();
        var connection = Offline.IsPresent ? null : CurrentConnection;
        foreach (var recipe in recipes)
        {
            var result = new RecipeTestResult { Path = recipe.Path, Name = recipe.Name, IsValid = recipe.IsValid };
            foreach (var d in recipe.Diagnostics)
            {
                result.Diagnostics.Add(d);
            }

            if (recipe.IsValid && connection != null)
            {
                try
                {
                    var findings = RunAsync((log, ct) => new RecipeRunner(RecipeEngines.ForConnection(connection), log).CheckReadinessAsync(recipe, ct));
                    foreach (var f in findings)
                    {
                        result.Findings.Add(f);
                    }

                    result.ReadinessChecked = true;
                }
                catch (GenImageException ex)
                {
                    WriteItemError(ex, recipe.Path);
                }
            }
            else if (recipe.IsValid)
            {
                WriteVerbose(connection == null && !Offline.IsPresent
                    ? "Not connected: only the file was checked. Connect-GenImage to check the readiness rules against the live resources."
                    : "-Offline: only the file was checked.");
            }
            result.Passed = result.IsValid && !result.Findings.Any(f => f.IsBlocking);
            WriteObject(result);
        }
    }
}
