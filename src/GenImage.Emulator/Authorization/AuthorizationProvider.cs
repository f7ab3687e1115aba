using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Providers;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Authorization;

/// <summary>
/// Microsoft.Authorization: role assignments and role definitions at any scope (tenant root, subscription, resource
/// group, resource), read-only, from the world file.
/// </summary>
internal sealed partial class AuthorizationProvider(WorldStore store, AuthorizationModel model) : IResourceProvider
{
    public static readonly IReadOnlyCollection<string> ApiVersions = new HashSet<string>(
        ["2022-04-01", "2015-07-01", "2018-01-01-preview", "2020-04-01-preview", "2020-10-01-preview", "2022-05-01-preview"], StringComparer.OrdinalIgnoreCase);

    private const string Ns = "/providers/Microsoft.Authorization";

    private static readonly string[] Scopes =
    [
        "",
        "/subscriptions/{subscriptionId}",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{ns}/{t1}/{n1}",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{ns}/{t1}/{n1}/{t2}/{n2}",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{ns}/{t1}/{n1}/{t2}/{n2}/{t3}/{n3}",
    ];

    public void Register(RouteTable routes)
    {
        foreach (var scope in Scopes)
        {
            if (scope.Length > 0)
            {
                routes.Add("GET", scope + Ns + "/roleAssignments", "Microsoft.Authorization/roleAssignments", ApiVersions, ListAssignments);
                routes.Add("GET", scope + Ns + "/roleAssignments/{roleAssignmentName}", "Microsoft.Authorization/roleAssignments", ApiVersions, GetAssignment);
            }

            routes.Add("GET", scope + Ns + "/roleDefinitions", "Microsoft.Authorization/roleDefinitions", ApiVersions, ListDefinitions);
            routes.Add("GET", scope + Ns + "/roleDefinitions/{roleDefinitionId}", "Microsoft.Authorization/roleDefinitions", ApiVersions, GetDefinition);
        }
    }

    /// <summary>The scope part of the path (before <c>/providers/Microsoft.Authorization/…</c>), checked to exist; "/" for the root.</summary>
    private string ScopeOf(ArmRequest request)
    {
        var index = request.Path.LastIndexOf(Ns, StringComparison.OrdinalIgnoreCase);
        var scope = index <= 0 ? "/" : request.Path[..index].TrimEnd('/');
        if (request.RouteValues.TryGetValue("subscriptionId", out var sub))
        {
            if (request.RouteValues.TryGetValue("resourceGroupName", out var rg))
            {
                Lookup.ResourceGroup(store, sub, rg);
            }
            else
            {
                Lookup.Subscription(store, sub);
            }
        }

        return scope.Length == 0 ? "/" : scope;
    }

    private ArmResult ListAssignments(ArmRequest request)
    {
        var scope = ScopeOf(request);
        var filter = request.QueryValue("$filter")?.Trim();
        Func<RoleAssignmentState, bool> keep = a => ArmAction.Covers(a.Scope, scope) || ArmAction.Covers(scope, a.Scope);
        if (!string.IsNullOrEmpty(filter))
        {
            if (filter.Equals("atScope()", StringComparison.OrdinalIgnoreCase))
            {
                keep = a => ArmAction.Covers(a.Scope, scope);
            }
            else if (PrincipalFilter().Match(filter) is { Success: true } m)
            {
                var id = m.Groups["id"].Value;
                var atScope = m.Groups["at"].Success;
                keep = a => string.Equals(a.PrincipalId, id, StringComparison.OrdinalIgnoreCase)
                            && (ArmAction.Covers(a.Scope, scope) || (!atScope && ArmAction.Covers(scope, a.Scope)));
            }
            else if (AssignedToFilter().Match(filter) is { Success: true } t)
            {
                var id = t.Groups["id"].Value;
                keep = a => string.Equals(a.PrincipalId, id, StringComparison.OrdinalIgnoreCase)
                            && (ArmAction.Covers(a.Scope, scope) || ArmAction.Covers(scope, a.Scope));
            }
            else
            {
                throw new ArmException(400, "InvalidFilterInQueryString",
                    $"The filter '{filter}' is not supported. Supported filters are: atScope(), principalId eq '{{id}}', assignedTo('{{id}}').");
            }
        }

        return ArmResult.Ok(Json.List(model.Assignments.Where(keep).Select(AssignmentJson)));
    }

    private ArmResult GetAssignment(ArmRequest request)
    {
        var scope = ScopeOf(request);
        var name = request["roleAssignmentName"];
        var assignment = model.Assignments.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase) && string.Equals(a.Scope, scope, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArmException(404, "RoleAssignmentNotFound", $"The role assignment '{name}' is not found.");
        return ArmResult.Ok(AssignmentJson(assignment));
    }

    private ArmResult ListDefinitions(ArmRequest request)
    {
        var scope = ScopeOf(request);
        IEnumerable<RoleDefinitionState> definitions = model.Definitions;
        var filter = request.QueryValue("$filter")?.Trim();
        if (!string.IsNullOrEmpty(filter))
        {
            var m = DefinitionFilter().Match(filter);
            if (!m.Success)
            {
                throw new ArmException(400, "InvalidFilterInQueryString",
                    $"The filter '{filter}' is not supported. Supported filters are: roleName eq '{{name}}', type eq 'BuiltInRole|CustomRole'.");
            }

            var value = m.Groups["value"].Value;
            definitions = m.Groups["key"].Value.Equals("roleName", StringComparison.OrdinalIgnoreCase)
                ? definitions.Where(d => string.Equals(d.RoleName, value, StringComparison.OrdinalIgnoreCase))
                : definitions.Where(d => string.Equals(d.Type, value, StringComparison.OrdinalIgnoreCase));
        }

        return ArmResult.Ok(Json.List(definitions.Select(d => DefinitionJson(d, scope))));
    }

    private ArmResult GetDefinition(ArmRequest request)
    {
        var scope = ScopeOf(request);
        var id = request["roleDefinitionId"];
        var definition = model.Definitions.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArmException(404, "RoleDefinitionDoesNotExist", $"The specified role definition with ID '{id}' does not exist.");
        return ArmResult.Ok(DefinitionJson(definition, scope));
    }

    private static string DefinitionId(RoleDefinitionState d, string scope)
    {
        // ARM names a role definition under the subscription of the scope it is read at.
        var parts = scope.Trim('/').Split('/');
        var prefix = parts.Length >= 2 && parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) ? $"/subscriptions/{parts[1]}" : "";
        return $"{prefix}/providers/Microsoft.Authorization/roleDefinitions/{d.Id}";
    }

    public static JsonObject AssignmentJson(RoleAssignmentState a)
    {
        var created = Json.Time(a.CreatedOn);
        return new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["roleDefinitionId"] = DefinitionId(a.Role, a.Scope),
                ["principalId"] = a.PrincipalId,
                ["principalType"] = a.PrincipalType,
                ["scope"] = a.Scope,
                ["condition"] = null,
                ["conditionVersion"] = null,
                ["createdOn"] = created,
                ["updatedOn"] = created,
                ["createdBy"] = null,
                ["updatedBy"] = null,
                ["delegatedManagedIdentityResourceId"] = null,
                ["description"] = null,
            },
            ["id"] = $"{(a.Scope == "/" ? "" : a.Scope)}/providers/Microsoft.Authorization/roleAssignments/{a.Name}",
            ["type"] = "Microsoft.Authorization/roleAssignments",
            ["name"] = a.Name,
        };
    }

    private static JsonObject DefinitionJson(RoleDefinitionState d, string scope)
    {
        static JsonArray Strings(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
        return new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["roleName"] = d.RoleName,
                ["type"] = d.Type,
                ["description"] = d.Description,
                ["assignableScopes"] = Strings(d.AssignableScopes),
                ["permissions"] = new JsonArray(new JsonObject
                {
                    ["actions"] = Strings(d.Actions),
                    ["notActions"] = Strings(d.NotActions),
                    ["dataActions"] = Strings(d.DataActions),
                    ["notDataActions"] = Strings(d.NotDataActions),
                }),
                ["createdOn"] = "2015-02-02T21:55:09.8806423Z",
                ["updatedOn"] = "2021-11-11T20:13:47.8628684Z",
                ["createdBy"] = null,
                ["updatedBy"] = null,
            },
            ["id"] = DefinitionId(d, scope),
            ["type"] = "Microsoft.Authorization/roleDefinitions",
            ["name"] = d.Id,
        };
    }

    [GeneratedRegex(@"^principalId\s+eq\s+'(?<id>[^']+)'(?<at>\s+and\s+atScope\(\))?$", RegexOptions.IgnoreCase)]
    private static partial Regex PrincipalFilter();

    [GeneratedRegex(@"^assignedTo\('(?<id>[^']+)'\)$", RegexOptions.IgnoreCase)]
    private static partial Regex AssignedToFilter();

    [GeneratedRegex(@"^(?<key>roleName|type)\s+eq\s+'(?<value>[^']*)'$", RegexOptions.IgnoreCase)]
    private static partial Regex DefinitionFilter();
}
