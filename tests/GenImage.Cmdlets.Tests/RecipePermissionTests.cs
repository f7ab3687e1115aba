namespace GenImage.Cmdlets.Tests;

/// <summary>Permission pre-check against the emulator with RBAC enforced: a missing right stops the run before anything irreversible.</summary>
public sealed class RecipePermissionTests
{
    private const string Sub = "/subscriptions/00000000-0000-0000-0000-000000000001";

    private static string World(string rbac) =>
        File.ReadAllText(RepoPaths.World(Worlds.Healthy)) + "\n" + rbac;

    /// <summary>operator@genimage.local (the session's principal) may do everything but publish a version.</summary>
    private const string NoPublish = """
        roleDefinitions:
          - name: Image Builder Without Publish
            actions: [ "*" ]
            notActions: [ "Microsoft.Compute/galleries/images/versions/write" ]
            assignableScopes: [ "/subscriptions/00000000-0000-0000-0000-000000000001" ]
        roleAssignments:
          - { principalName: operator@genimage.local, role: Image Builder Without Publish, scope: /subscriptions/00000000-0000-0000-0000-000000000001 }
          - { principalName: automation-mi@genimage.local, role: Owner, scope: /subscriptions/00000000-0000-0000-0000-000000000001 }
        rbac:
          enforce: true
        """;

    [Fact]
    public async Task A_missing_publish_right_stops_the_run_before_the_VM_is_generalized_and_Test_GenImagePermission_names_it()
    {
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartWithYamlAsync(World(NoPublish));
        using var session = emulator.Connect();
        emulator.Host.ClearRequestLog();
        var recipe = folder["windows2022-gen2-tl.yaml"];

        var run = session.Run("Invoke-ImageRecipe -Path $path -Force", new { path = recipe });
        var check = session.Run("Test-GenImagePermission -Path $path", new { path = recipe });

        var error = Assert.Single(run.Errors);
        Assert.StartsWith("GenImage.PermissionMissing", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("Microsoft.Compute/galleries/images/versions/write at " + Sub + "/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_images/images/win2022-datacenter-g2/versions/1.0.0", error.Exception.Message);
        Assert.DoesNotContain(emulator.RequestLog, e => RecipeSafetyTests.IsWrite(e) && !e.Path.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase));
        Assert.Null(emulator.Vm(Worlds.WindowsVm).OsState);
        Assert.Equal("running", emulator.Vm(Worlds.WindowsVm).PowerState);
        Assert.False(Directory.Exists(folder.Runs));

        Assert.True(check.Succeeded, check.Describe());
        var result = check.SingleOutput();
        Assert.Equal("GenImage.PermissionCheck", result.TypeName());
        Assert.True(result.Get<bool>("Checked"));
        Assert.False(result.Get<bool>("Passed"));
        var missing = result.Items("Missing");
        Assert.Equal(new[] { "Microsoft.Compute/galleries/images/versions/write" }, missing.Select(m => m.Get<string>("Action")).Distinct());
        Assert.Contains(result.Items("Results"), r => r.Get<string>("Action") == "Microsoft.Compute/virtualMachines/generalize/action" && r.Get<bool>("Granted")
            && r.Get<string>("GrantedBy") == "Image Builder Without Publish at " + Sub);
    }

    [Fact]
    public async Task ObjectId_checks_another_identity_and_unreadable_assignments_are_a_warning_not_a_verdict()
    {
        using var folder = new RecipeFolder();
        // nobody@genimage.local is a Contributor who may not read role assignments.
        var world = World(NoPublish
            .Replace("roleAssignments:\n", "roleAssignments:\n  - { principalName: nobody@genimage.local, role: Contributor, scope: /subscriptions/00000000-0000-0000-0000-000000000001 }\n")
            .Replace("rbac:\n  enforce: true", "rbac:\n  enforce: true\n  deny:\n    - { principal: nobody@genimage.local, actions: [ \"Microsoft.Authorization/roleAssignments/read\" ], scope: / }"));
        await using var emulator = await EmulatorFixture.StartWithYamlAsync(world);
        using var session = emulator.Connect();
        using var nobody = emulator.Connect(new ScriptSessionOptions());
        nobody.Run("Connect-GenImage -Emulator -Endpoint $GenImageTestEndpoint -EmulatorCertificateThumbprint $GenImageTestThumbprint -Principal nobody@genimage.local | Out-Null").EnsureSuccess();
        var recipe = folder["windows2022-gen2-tl.yaml"];
        var automationOid = session.Run("(Connect-GenImage -Emulator -Endpoint $GenImageTestEndpoint -EmulatorCertificateThumbprint $GenImageTestThumbprint -Principal automation-mi@genimage.local).ObjectId").SingleOutput().ToString();
        session.Run(ModuleSession.ConnectScript + " | Out-Null").EnsureSuccess();

        var other = session.Run("Test-GenImagePermission -Path $path -ObjectId $oid", new { path = recipe, oid = automationOid });
        var unreadable = nobody.Run("Test-GenImagePermission -Path $path", new { path = recipe });

        Assert.True(other.Succeeded, other.Describe());
        Assert.True(other.SingleOutput().Get<bool>("Passed"));
        Assert.Equal(automationOid, other.SingleOutput().Get<string>("ObjectId"));
        Assert.False(unreadable.SingleOutput().Get<bool>("Checked"));
        Assert.Contains("AuthorizationFailed", unreadable.SingleOutput().Get<string>("NotCheckedReason"));
        Assert.Contains(unreadable.WarningMessages, w => w.Contains("could not be checked", StringComparison.Ordinal));
    }
}
