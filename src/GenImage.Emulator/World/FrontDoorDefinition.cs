using GenImage.Emulator.Faults;
using GenImage.Emulator.Throttling;

namespace GenImage.Emulator.World;

/// <summary>
/// The world file's front-door sections: <c>throttling</c>, <c>faults</c>, <c>activityLog</c>, <c>roleDefinitions</c>,
/// <c>roleAssignments</c> and <c>rbac</c>. These are behaviour settings, not resources: they also apply when the
/// resources come from a state file.
/// </summary>
internal sealed class FrontDoorDefinition
{
    public ThrottlingSettings Throttling { get; set; } = new();
    public int FaultSeed { get; set; }
    public List<FaultRule> FaultRules { get; } = new();
    public int ActivityLogRetentionDays { get; set; } = 90;
    public List<SeededEventDefinition> SeededEvents { get; } = new();
    public List<RoleDefinitionDefinition> RoleDefinitions { get; } = new();
    public List<RoleAssignmentDefinition> RoleAssignments { get; } = new();
    public bool EnforceRbac { get; set; }
    public List<DenyDefinition> Denies { get; } = new();
}

internal sealed class SeededEventDefinition
{
    public double DaysAgo { get; set; }
    public string OperationName { get; set; } = "";
    public string ResourceId { get; set; } = "";
    public string Status { get; set; } = "Succeeded";
    public string Caller { get; set; } = "";
    public string? CorrelationId { get; set; }
}

internal sealed class RoleDefinitionDefinition
{
    public string Name { get; set; } = "";
    public string Id { get; set; } = "";
    public string Description { get; set; } = "";
    public List<string> Actions { get; set; } = new();
    public List<string> NotActions { get; set; } = new();
    public List<string> DataActions { get; set; } = new();
    public List<string> NotDataActions { get; set; } = new();
    public List<string> AssignableScopes { get; set; } = new();
}

internal sealed class RoleAssignmentDefinition
{
    public string? PrincipalId { get; set; }
    public string? PrincipalName { get; set; }
    public string PrincipalType { get; set; } = "User";
    public string Role { get; set; } = "";
    public string Scope { get; set; } = "";
    public string? Name { get; set; }
    public int Line { get; set; }
    public int Column { get; set; }
}

internal sealed class DenyDefinition
{
    public string Principal { get; set; } = "*";
    public List<string> Actions { get; set; } = new();
    public string Scope { get; set; } = "/";
}
