using GenImage.Core.Authorization;
using GenImage.Core.Errors;
using GenImage.Core.Recipes;
using GenImage.Core.Tests.Vm;

namespace GenImage.Core.Tests.Recipes;

/// <summary>The identity's permissions are checked from its roles before the first irreversible step.</summary>
public sealed class RecipePermissionTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-perm-" + Guid.NewGuid().ToString("N"));

    public RecipePermissionTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private ImageRecipe Recipe() => TestRecipes.Ubuntu(_folder, deleteSourceVm: true);

    private static RoleGrant Role(string scope, string[] actions, string[]? notActions = null) => new()
    {
        RoleName = "Image Builder", Scope = scope,
        Permissions = { new PermissionBlock { Actions = actions, NotActions = notActions ?? Array.Empty<string>() } },
    };

    private static (RecipeEngines Engines, FakePermissions Permissions) Engines(FakeCloud cloud)
    {
        var permissions = new FakePermissions();
        var engines = cloud.Engines();
        engines.Permissions = permissions;
        engines.PrincipalObjectId = "11111111-1111-1111-1111-111111111111";
        return (engines, permissions);
    }

    [Fact]
    public async Task A_missing_publish_right_stops_the_run_before_the_VM_is_generalized_naming_action_and_scope()
    {
        var cloud = new FakeCloud();
        var (engines, permissions) = Engines(cloud);
        permissions.Grants.Add(Role("/subscriptions/" + FakeCloud.Sub, new[] { "*" }, new[] { "Microsoft.Compute/galleries/images/versions/write" }));
        var runner = new RecipeRunner(engines, new RecordingLog());

        var ex = await Assert.ThrowsAsync<GenImageException>(() => runner.PlanAsync(Recipe(), new RecipeRunOptions(), CancellationToken.None));

        Assert.Equal(RecipeErrorIds.PermissionMissing, ex.ErrorId);
        Assert.Equal(GenImageErrorKind.PermissionDenied, ex.Kind);
        Assert.Contains("Microsoft.Compute/galleries/images/versions/write at /subscriptions/" + FakeCloud.Sub + "/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_images/images/ubuntu/versions/1.0.0", ex.Message);
        Assert.Contains("Publish", ex.Message);
        Assert.Empty(cloud.Writes);
        Assert.Null(cloud.Source.OsState);
        Assert.False(Directory.Exists(Path.Combine(_folder, "runs")));
    }

    [Fact]
    public async Task Every_permission_the_run_needs_is_granted_by_a_role_at_the_right_scope()
    {
        var cloud = new FakeCloud();
        var (engines, permissions) = Engines(cloud);
        permissions.Grants.Add(Role("/subscriptions/" + FakeCloud.Sub + "/resourceGroups/rg-images", new[] { "Microsoft.Compute/*", "Microsoft.Insights/eventtypes/*", "Microsoft.Authorization/*/read" }));

        var check = await new RecipeRunner(engines, new RecordingLog()).CheckPermissionsAsync(Recipe(), null, CancellationToken.None);

        Assert.True(check.Checked);
        Assert.True(check.Passed);
        foreach (var action in new[] { "Microsoft.Compute/virtualMachines/generalize/action", "Microsoft.Compute/virtualMachines/runCommand/action", "Microsoft.Compute/galleries/images/versions/write",
                     "Microsoft.Compute/virtualMachines/write", "Microsoft.Compute/virtualMachines/delete", "Microsoft.Compute/disks/delete" })
        {
            Assert.Contains(check.Results, r => r.Action == action && r.Granted);
        }

        Assert.Contains(check.Results, r => r.Step == "Cleanup" && r.Action == "Microsoft.Compute/virtualMachines/delete" && r.Scope == FakeCloud.SourceVmId);
        Assert.All(check.Results.Where(r => r.Required), r => Assert.Equal("Image Builder at /subscriptions/" + FakeCloud.Sub + "/resourceGroups/rg-images", r.GrantedBy));
        // The Activity Log is read at the subscription: a role on the resource group does not reach it (optional: a gap, not a stop).
        Assert.Contains(check.Results, r => r.Action == "Microsoft.Insights/eventtypes/values/read" && !r.Granted && !r.Required);
    }

    [Fact]
    public async Task When_role_assignments_cannot_be_read_a_warning_says_so_and_the_run_goes_on()
    {
        var cloud = new FakeCloud();
        var (engines, permissions) = Engines(cloud);
        permissions.Failure = new GenImageException("ArmAuthorizationFailed", GenImageErrorKind.PermissionDenied, "no roleAssignments/read") { ArmErrorCode = "AuthorizationFailed", HttpStatus = 403 };
        var log = new RecordingLog();
        var runner = new RecipeRunner(engines, log);
        var options = new RecipeRunOptions();

        var plan = await runner.PlanAsync(Recipe(), options, CancellationToken.None);
        var run = await runner.RunAsync(plan, options, new HashSet<string>(RecipeRunner.StepNames), CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.False(plan.Permissions!.Checked);
        Assert.Contains(log.Warnings, w => w.Contains("could not be checked", StringComparison.Ordinal) && w.Contains("AuthorizationFailed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_role_assignment_at_all_is_not_a_verdict_and_not_worth_a_warning()
    {
        // A classic administrator, or an emulator world without roles: role assignments say nothing about its rights.
        var cloud = new FakeCloud();
        var (engines, _) = Engines(cloud);
        var log = new RecordingLog();

        var plan = await new RecipeRunner(engines, log).PlanAsync(Recipe(), new RecipeRunOptions(), CancellationToken.None);

        Assert.False(plan.Permissions!.Checked);
        Assert.False(plan.Permissions.AssignmentsUnreadable);
        Assert.DoesNotContain(log.Warnings, w => w.Contains("could not be checked", StringComparison.Ordinal));
        Assert.Contains(log.Verbose, v => v.Contains("no role assignment was found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_optional_permission_is_a_warning_only()
    {
        var cloud = new FakeCloud();
        var (engines, permissions) = Engines(cloud);
        permissions.Grants.Add(Role("/subscriptions/" + FakeCloud.Sub, new[] { "Microsoft.Compute/*" }));
        var log = new RecordingLog();

        var plan = await new RecipeRunner(engines, log).PlanAsync(Recipe(), new RecipeRunOptions(), CancellationToken.None);

        Assert.True(plan.Permissions!.Passed);
        Assert.Contains(log.Warnings, w => w.Contains("Microsoft.Insights/eventtypes/values/read", StringComparison.Ordinal));
    }
}
