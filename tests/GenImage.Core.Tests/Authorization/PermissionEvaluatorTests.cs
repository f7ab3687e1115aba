using GenImage.Core.Authorization;

namespace GenImage.Core.Tests.Authorization;

public sealed class PermissionEvaluatorTests
{
    private const string Sub = "/subscriptions/s1";
    private const string Rg = Sub + "/resourceGroups/rg-images";
    private const string Vm = Rg + "/providers/Microsoft.Compute/virtualMachines/vm1";
    private const string Version = Rg + "/providers/Microsoft.Compute/galleries/gal/images/def/versions/1.0.0";

    private static RoleGrant Role(string scope, string[] actions, string[]? notActions = null, string[]? dataActions = null, string[]? notDataActions = null) => new()
    {
        RoleName = "r", Scope = scope,
        Permissions = { new PermissionBlock { Actions = actions, NotActions = notActions ?? Array.Empty<string>(), DataActions = dataActions ?? Array.Empty<string>(), NotDataActions = notDataActions ?? Array.Empty<string>() } },
    };

    private static PermissionNeed Need(string action, string scope, bool data = false) => new() { Action = action, Scope = scope, IsDataAction = data };

    [Theory]
    [InlineData("*", "Microsoft.Compute/virtualMachines/write", true)]
    [InlineData("Microsoft.Compute/*", "Microsoft.Compute/galleries/images/versions/write", true)]
    [InlineData("*/read", "Microsoft.Compute/virtualMachines/read", true)]
    [InlineData("*/read", "Microsoft.Compute/virtualMachines/write", false)]
    [InlineData("microsoft.compute/virtualmachines/*", "Microsoft.Compute/virtualMachines/deallocate/action", true)]
    [InlineData("Microsoft.Compute/virtualMachines/*/action", "Microsoft.Compute/virtualMachines/runCommand/action", true)]
    [InlineData("Microsoft.Compute/virtualMachines/read", "Microsoft.Compute/virtualMachines/readX", false)]
    public void Action_patterns_match_with_wildcards_and_ignore_case(string pattern, string action, bool expected) =>
        Assert.Equal(expected, PermissionEvaluator.Matches(pattern, action));

    [Fact]
    public void NotActions_take_away_what_the_same_block_grants()
    {
        var contributorWithoutPublish = Role(Sub, new[] { "*" }, notActions: new[] { "Microsoft.Compute/galleries/images/versions/write" });
        var results = PermissionEvaluator.Evaluate(new[] { contributorWithoutPublish },
            new[] { Need("Microsoft.Compute/virtualMachines/generalize/action", Vm), Need("Microsoft.Compute/galleries/images/versions/write", Version) });
        Assert.True(results[0].Granted);
        Assert.False(results[1].Granted);
        // Another role that grants it puts it back: permissions are a union of the blocks, each minus its own notActions.
        var publisher = Role(Rg, new[] { "Microsoft.Compute/galleries/images/versions/*" });
        Assert.True(PermissionEvaluator.Evaluate(new[] { contributorWithoutPublish, publisher }, new[] { Need("Microsoft.Compute/galleries/images/versions/write", Version) })[0].Granted);
    }

    [Fact]
    public void An_assignment_applies_at_its_scope_and_below_never_above()
    {
        var atVm = Role(Vm, new[] { "*" });
        Assert.True(PermissionEvaluator.Evaluate(new[] { atVm }, new[] { Need("Microsoft.Compute/virtualMachines/write", Vm) })[0].Granted);
        Assert.False(PermissionEvaluator.Evaluate(new[] { atVm }, new[] { Need("Microsoft.Compute/galleries/images/versions/write", Version) })[0].Granted);
        Assert.False(PermissionEvaluator.Evaluate(new[] { Role(Rg + "2", new[] { "*" }) }, new[] { Need("Microsoft.Compute/virtualMachines/write", Vm) })[0].Granted);
        Assert.True(PermissionEvaluator.Evaluate(new[] { Role("/", new[] { "*" }) }, new[] { Need("Microsoft.Compute/virtualMachines/write", Vm) })[0].Granted);
        Assert.True(PermissionEvaluator.Covers(Rg, Rg + "/providers/Microsoft.Compute/virtualMachines/giv-*"));
    }

    [Fact]
    public void Data_actions_come_only_from_dataActions_minus_notDataActions()
    {
        const string blobWrite = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write";
        Assert.False(PermissionEvaluator.Evaluate(new[] { Role(Sub, new[] { "*" }) }, new[] { Need(blobWrite, Rg, data: true) })[0].Granted);
        Assert.True(PermissionEvaluator.Evaluate(new[] { Role(Sub, Array.Empty<string>(), dataActions: new[] { "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*" }) }, new[] { Need(blobWrite, Rg, data: true) })[0].Granted);
        Assert.False(PermissionEvaluator.Evaluate(new[] { Role(Sub, Array.Empty<string>(), dataActions: new[] { "*" }, notDataActions: new[] { blobWrite }) }, new[] { Need(blobWrite, Rg, data: true) })[0].Granted);
    }
}
