using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Connection;
using GenImage.Core.Errors;
using GenImage.Core.Recipes;

namespace GenImage.Cmdlets.Commands
{
    /// <summary>
    /// <para type="synopsis">Validates image recipes: the file (keys, types, values, secrets) always; the readiness rules against the live resources when connected.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "ImageRecipe", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(RecipeTestResult))]
    public sealed class TestImageRecipeCommand : GenImageCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private const string ObjectSet = "InputObject";

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

        /// <summary>Check the file only, even when connected (no ARM call).</summary>
        [Parameter]
        public SwitchParameter Offline { get; set; }

        protected override void ProcessRecord()
        {
            var recipes = ParameterSetName == ObjectSet
                ? new[] { RecipeParser.ParseFile(InputObject!.Path) }
                : RecipeFiles.Resolve(this, Path, LiteralPath).Select(f => RecipeParser.ParseFile(f)).ToArray();
            var connection = Offline.IsPresent ? null : ConnectionRegistry.Get(SessionKey);
            foreach (var recipe in recipes)
            {
                var result = new RecipeTestResult { Path = recipe.Path, Name = recipe.Name, IsValid = recipe.IsValid };
                foreach (var d in recipe.Diagnostics) result.Diagnostics.Add(d);
                if (recipe.IsValid && connection != null)
                {
                    try
                    {
                        var findings = RunAsync((log, ct) => new RecipeRunner(new ArmRecipeBackend(connection, log), log).CheckReadinessAsync(recipe, ct));
                        foreach (var f in findings) result.Findings.Add(f);
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
}
