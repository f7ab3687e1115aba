namespace GenImage.Emulator.Authorization;

/// <summary>A role definition: built-in (Azure's GUIDs and permissions) or custom from the world file.</summary>
internal sealed class RoleDefinitionState
{
    public required string Id { get; init; }
    public required string RoleName { get; init; }

    /// <summary>BuiltInRole | CustomRole.</summary>
    public required string Type { get; init; }

    public string Description { get; init; } = "";
    public List<string> Actions { get; init; } = new();
    public List<string> NotActions { get; init; } = new();
    public List<string> DataActions { get; init; } = new();
    public List<string> NotDataActions { get; init; } = new();
    public List<string> AssignableScopes { get; init; } = ["/"];

    /// <summary>True when the role's actions grant <paramref name="action"/> and its notActions do not take it away.</summary>
    public bool Allows(string action)
        => Actions.Any(a => ArmAction.ActionMatches(a, action)) && !NotActions.Any(a => ArmAction.ActionMatches(a, action));
}

/// <summary>A role assignment from the world file.</summary>
internal sealed class RoleAssignmentState
{
    /// <summary>The assignment's name (a GUID).</summary>
    public required string Name { get; init; }

    public required string Scope { get; init; }
    public required RoleDefinitionState Role { get; init; }
    public required string PrincipalId { get; init; }

    /// <summary>The principal's name (upn) when the world gave one; the caller matches by name or object id.</summary>
    public string? PrincipalName { get; init; }

    public string PrincipalType { get; init; } = "User";
    public DateTimeOffset CreatedOn { get; init; }

    public bool IsFor(Principal principal)
        => string.Equals(PrincipalId, principal.ObjectId, StringComparison.OrdinalIgnoreCase)
           || (PrincipalName is not null && string.Equals(PrincipalName, principal.Name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A deny entry from the world file: the principal may not perform the actions at or below the scope.</summary>
internal sealed class DenyState
{
    public required string Principal { get; init; }
    public required List<string> Actions { get; init; }
    public string Scope { get; init; } = "/";
}

/// <summary>Azure's built-in roles that matter to GenImage, with their real ids (permissions abridged to the control plane).</summary>
internal static class BuiltInRoles
{
    public const string OwnerId = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public const string ContributorId = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public const string ReaderId = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    public const string VirtualMachineContributorId = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c";
    public const string ComputeGallerySharingAdminId = "1ef6a3be-d0ac-425d-8c01-acb62866290b";

    public static IReadOnlyList<RoleDefinitionState> All { get; } =
    [
        new()
        {
            Id = OwnerId, RoleName = "Owner", Type = "BuiltInRole",
            Description = "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
            Actions = ["*"],
        },
        new()
        {
            Id = ContributorId, RoleName = "Contributor", Type = "BuiltInRole",
            Description = "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
            Actions = ["*"],
            NotActions =
            [
                "Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action",
                "Microsoft.Blueprint/blueprintAssignments/write", "Microsoft.Blueprint/blueprintAssignments/delete",
                "Microsoft.Compute/galleries/share/action", "Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete",
            ],
        },
        new()
        {
            Id = ReaderId, RoleName = "Reader", Type = "BuiltInRole",
            Description = "View all resources, but does not allow you to make any changes.",
            Actions = ["*/read"],
        },
        new()
        {
            Id = VirtualMachineContributorId, RoleName = "Virtual Machine Contributor", Type = "BuiltInRole",
            Description = "Create and manage virtual machines, manage disks, install and run software, reset password of the root user of the virtual machine using VM extensions, and manage local user accounts using VM extensions. This role does not grant you management access to the virtual network or storage account the virtual machines are connected to. This role does not allow you to assign roles in Azure RBAC.",
            Actions =
            [
                "Microsoft.Authorization/*/read", "Microsoft.Compute/availabilitySets/*", "Microsoft.Compute/locations/*",
                "Microsoft.Compute/virtualMachines/*", "Microsoft.Compute/virtualMachineScaleSets/*", "Microsoft.Compute/cloudServices/*",
                "Microsoft.Compute/disks/write", "Microsoft.Compute/disks/read", "Microsoft.Compute/disks/delete",
                "Microsoft.DevTestLab/schedules/*", "Microsoft.Insights/alertRules/*",
                "Microsoft.Network/networkInterfaces/*", "Microsoft.Network/networkSecurityGroups/join/action",
                "Microsoft.Network/networkSecurityGroups/read", "Microsoft.Network/publicIPAddresses/join/action",
                "Microsoft.Network/publicIPAddresses/read", "Microsoft.Network/virtualNetworks/read",
                "Microsoft.Network/virtualNetworks/subnets/join/action", "Microsoft.ResourceHealth/availabilityStatuses/read",
                "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
                "Microsoft.SerialConsole/serialPorts/connect/action", "Microsoft.SqlVirtualMachine/*",
                "Microsoft.Storage/storageAccounts/listKeys/action", "Microsoft.Storage/storageAccounts/read", "Microsoft.Support/*",
            ],
        },
        new()
        {
            Id = ComputeGallerySharingAdminId, RoleName = "Compute Gallery Sharing Admin", Type = "BuiltInRole",
            Description = "This role allows user to share gallery to another subscription/tenant or share it to the public.",
            Actions =
            [
                "Microsoft.Compute/galleries/share/action", "Microsoft.Compute/galleries/images/read",
                "Microsoft.Compute/galleries/images/versions/read", "Microsoft.Compute/galleries/read",
            ],
        },
    ];
}

/// <summary>Role definitions, assignments and deny entries of the world, and the RBAC decision. Immutable after start.</summary>
internal sealed class AuthorizationModel
{
    public AuthorizationModel(bool enforce, IEnumerable<RoleDefinitionState> definitions, IEnumerable<RoleAssignmentState> assignments, IEnumerable<DenyState> denies)
    {
        Enforce = enforce;
        Definitions = definitions.ToList();
        Assignments = assignments.ToList();
        Denies = denies.ToList();
    }

    public bool Enforce { get; }
    public IReadOnlyList<RoleDefinitionState> Definitions { get; }
    public IReadOnlyList<RoleAssignmentState> Assignments { get; }
    public IReadOnlyList<DenyState> Denies { get; }

    public RoleDefinitionState? FindDefinition(string idOrName)
        => Definitions.FirstOrDefault(d => string.Equals(d.Id, idOrName, StringComparison.OrdinalIgnoreCase))
           ?? Definitions.FirstOrDefault(d => string.Equals(d.RoleName, idOrName, StringComparison.OrdinalIgnoreCase));

    /// <summary>The first assignment of the caller, at or above <paramref name="scope"/>, whose role allows the action.</summary>
    public RoleAssignmentState? Granting(Principal principal, string action, string scope)
        => Assignments.FirstOrDefault(a => a.IsFor(principal) && ArmAction.Covers(a.Scope, scope) && a.Role.Allows(action));

    public bool IsDenied(Principal principal, string action, string scope)
        => Denies.Any(d => principal.Is(d.Principal) && ArmAction.Covers(d.Scope, scope) && d.Actions.Any(a => ArmAction.ActionMatches(a, action)));

    /// <summary>Throws ARM's 403 when a deny entry applies, or when enforcement is on and no role grants the action.</summary>
    public void Check(Principal principal, ArmAction action)
    {
        if (IsDenied(principal, action.Action, action.Scope) || (Enforce && Granting(principal, action.Action, action.Scope) is null))
        {
            throw AuthorizationFailed(principal, action.Action, action.Scope);
        }
    }

    /// <summary>
    /// The check for polling an operation status URL: deny entries apply; with enforcement on, any role assignment of
    /// the caller at or within the subscription suffices (a caller with no access to anything in the subscription is
    /// refused as for any other action).
    /// </summary>
    public void CheckOperationStatusRead(Principal principal, ArmAction action)
    {
        var subscriptionScope = $"/subscriptions/{action.SubscriptionId}";
        var hasAccess = Assignments.Any(a => a.IsFor(principal) && (ArmAction.Covers(a.Scope, subscriptionScope) || ArmAction.Covers(subscriptionScope, a.Scope)));
        if (IsDenied(principal, action.Action, action.Scope) || (Enforce && !hasAccess))
        {
            throw AuthorizationFailed(principal, action.Action, action.Scope);
        }
    }

    public static Arm.ArmException AuthorizationFailed(Principal principal, string action, string scope) => new(403, "AuthorizationFailed",
        $"The client '{principal.Name}' with object id '{principal.ObjectId}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.");
}
