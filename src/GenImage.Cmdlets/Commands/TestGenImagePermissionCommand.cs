using System;
using System.Management.Automation;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Recipes;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Checks, from role assignments and role definitions, that an identity has every permission a recipe's run needs (actions, notActions, data actions, scopes).</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "GenImagePermission", DefaultParameterSetName = PathSet)]
[OutputType(typeof(PermissionCheck))]
public sealed class TestGenImagePermissionCommand : RecipeInputCmdlet
{
    /// <summary>The object id of the identity to check (a runbook's managed identity); default: the signed-in identity.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ObjectId { get; set; }

    protected override void ProcessRecord()
    {
        if (ObjectId != null && !Guid.TryParse(ObjectId, out _))
        {
            WriteError(ErrorRecords.Argument("InvalidObjectId", $"-ObjectId '{ObjectId}' is not an object id (a GUID such as 11111111-2222-3333-4444-555555555555): give the principal's object id, not its name.", ObjectId));
            return;
        }
        foreach (var file in RecipeFilePaths())
        {
            var recipe = RecipeParser.ParseFile(file);
            if (!recipe.IsValid)
            {
                RecipeFiles.WriteDiagnostics(this, recipe);
                continue;
            }
            var connection = RequireConnection();
            try
            {
                var check = RunAsync((log, ct) => new RecipeRunner(RecipeEngines.ForConnection(connection), log).CheckPermissionsAsync(recipe, ObjectId, ct), target: recipe.Path);
                if (!check.Checked)
                {
                    WriteWarning($"The permissions of {check.Principal ?? check.ObjectId} could not be checked: {check.NotCheckedReason}.");
                }

                WriteObject(check);
            }
            catch (GenImageException ex)
            {
                WriteItemError(ex, recipe.Path);
            }
        }
    }
}
