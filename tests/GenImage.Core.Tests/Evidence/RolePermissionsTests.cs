using GenImage.Core.Evidence;

namespace GenImage.Core.Tests.Evidence;

/// <summary>What a role allows, from its permissions (Azure's built-in definitions as published, and custom roles).</summary>
public sealed class RolePermissionsTests
{
    private static RolePermission[] Role(string[] actions, string[]? notActions = null, string[]? dataActions = null, string[]? notDataActions = null) =>
        new[] { new RolePermission { Actions = actions, NotActions = notActions ?? Array.Empty<string>(), DataActions = dataActions ?? Array.Empty<string>(), NotDataActions = notDataActions ?? Array.Empty<string>() } };

    // Virtual Machine Contributor's control-plane actions (built-in role 9980e02c-c2be-4d73-94e8-173b1dc7cf3c).
    private static readonly RolePermission[] VirtualMachineContributor = Role(new[]
    {
        "Microsoft.Authorization/*/read", "Microsoft.Compute/availabilitySets/*", "Microsoft.Compute/locations/*", "Microsoft.Compute/virtualMachines/*",
        "Microsoft.Compute/virtualMachineScaleSets/*", "Microsoft.Compute/cloudServices/*", "Microsoft.Compute/disks/write", "Microsoft.Compute/disks/read",
        "Microsoft.Compute/disks/delete", "Microsoft.Network/networkInterfaces/*", "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
        "Microsoft.Storage/storageAccounts/listKeys/action", "Microsoft.Storage/storageAccounts/read", "Microsoft.Support/*",
    });

    [Fact]
    public void Virtual_machine_contributor_runs_commands_and_reads_diagnostics_but_cannot_publish()
    {
        var can = RolePermissions.Capabilities(VirtualMachineContributor);

        Assert.Equal(new[] { "ReadDiagnostics", "RunCommands" }, can);
        Assert.False(RolePermissions.Allows(VirtualMachineContributor, "Microsoft.Compute/galleries/images/versions/write", false));
    }

    [Fact]
    public void A_custom_role_with_the_version_write_action_can_publish()
    {
        var role = Role(new[] { "Microsoft.Compute/galleries/images/versions/write", "Microsoft.Compute/galleries/images/versions/read" });

        Assert.Equal(new[] { "Publish", "Read" }, RolePermissions.Capabilities(role));
    }

    [Fact]
    public void Wildcards_and_not_actions_decide_together()
    {
        var publisher = Role(new[] { "Microsoft.Compute/galleries/*/read", "Microsoft.Compute/galleries/images/versions/*" }, new[] { "Microsoft.Compute/galleries/images/versions/delete" });
        var contributor = Role(new[] { "*" }, new[] { "Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Compute/galleries/share/action" });
        var reader = Role(new[] { "*/read" });
        var caseInsensitive = Role(new[] { "microsoft.compute/GALLERIES/images/versions/WRITE" });

        Assert.Equal(new[] { "Publish", "Read" }, RolePermissions.Capabilities(publisher));
        Assert.Equal(new[] { "Publish", "DeleteVersions", "Read", "ReadDiagnostics", "RunCommands" }, RolePermissions.Capabilities(contributor));
        Assert.Equal(new[] { "Read" }, RolePermissions.Capabilities(reader));
        Assert.Contains("Publish", RolePermissions.Capabilities(caseInsensitive));
    }

    [Fact]
    public void Data_actions_grant_data_operations_only_and_actions_never_do()
    {
        var blobReader = Role(Array.Empty<string>(), dataActions: new[] { "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*" },
            notDataActions: new[] { "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete" });
        var owner = Role(new[] { "*" });

        Assert.Equal(new[] { "ReadStorageBlobs" }, RolePermissions.Capabilities(blobReader));
        Assert.DoesNotContain("ReadStorageBlobs", RolePermissions.Capabilities(owner));
        Assert.False(RolePermissions.Allows(blobReader, "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete", true));
    }

    [Theory]
    [InlineData("/", "/subscriptions/s/resourceGroups/rg", true)]
    [InlineData("/subscriptions/s", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g", true)]
    [InlineData("/subscriptions/s/resourceGroups/rg", "/subscriptions/s/resourceGroups/rg", true)]
    [InlineData("/subscriptions/s/resourceGroups/rg", "/subscriptions/s/resourceGroups/rg2", false)]
    [InlineData("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g", "/subscriptions/s/resourceGroups/rg", false)]
    public void Assignments_apply_at_their_scope_and_below(string assignment, string scope, bool covers) =>
        Assert.Equal(covers, RolePermissions.Covers(assignment, scope));
}
