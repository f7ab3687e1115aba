using GenImage.Emulator.Faults;
using GenImage.Emulator.Throttling;
using YamlDotNet.RepresentationModel;

namespace GenImage.Emulator.World;

/// <summary>The front-door sections of a world file (see <see cref="FrontDoorDefinition"/>).</summary>
internal static partial class WorldLoader
{
    internal static readonly string[] FrontDoorRootKeys = ["throttling", "faults", "activityLog", "roleDefinitions", "roleAssignments", "rbac"];
    private static readonly string[] ThrottlingKeys = ["enabled", "perPrincipal", "reads", "writes", "deletes", "resource"];
    private static readonly string[] BucketKeys = ["bucket", "refillPerSecond"];
    private static readonly string[] FaultsKeys = ["seed", "rules"];
    private static readonly string[] FaultRuleKeys =
    [
        "name", "effect", "method", "path", "pathRegex", "kind", "skip", "count", "fraction", "retryAfterSeconds",
        "errorCode", "errorMessage", "region", "slowFactor", "after",
    ];
    private static readonly string[] TriggerKeys = ["method", "path", "pathRegex"];
    private static readonly string[] ActivityLogKeys = ["retentionDays", "events"];
    private static readonly string[] SeededEventKeys = ["daysAgo", "operationName", "resourceId", "status", "caller", "correlationId"];
    private static readonly string[] RoleDefinitionKeys = ["name", "id", "description", "actions", "notActions", "dataActions", "notDataActions", "assignableScopes"];
    private static readonly string[] RoleAssignmentKeys = ["principalId", "principalName", "principalType", "role", "scope", "name"];
    private static readonly string[] RbacKeys = ["enforce", "deny"];
    private static readonly string[] DenyKeys = ["principal", "actions", "scope"];
    private static readonly string[] PrincipalTypes = ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"];

    private static void ReadFrontDoor(YamlMap map, WorldDefinition world, string? source)
    {
        var fd = world.FrontDoor;
        if (map.Node("throttling") is { } throttlingNode)
        {
            var t = YamlMap.Read(throttlingNode, "throttling", source, ThrottlingKeys);
            fd.Throttling = new ThrottlingSettings
            {
                Enabled = t.Bool("enabled", true),
                PerPrincipal = t.Bool("perPrincipal", false),
            };
            fd.Throttling.Reads = ReadBucket(t, "reads", fd.Throttling.Reads, source);
            fd.Throttling.Writes = ReadBucket(t, "writes", fd.Throttling.Writes, source);
            fd.Throttling.Deletes = ReadBucket(t, "deletes", fd.Throttling.Deletes, source);
            if (t.Node("resource") is { } resourceNode)
            {
                var windows = ComputeThrottling.BucketNames.ToArray();
                var r = YamlMap.Read(resourceNode, "throttling.resource", source, windows);
                foreach (var window in windows.Where(r.Has))
                {
                    var budget = ComputeThrottling.DefaultBudgets[window[..^(window.EndsWith("30Min", StringComparison.Ordinal) ? 5 : 4)]];
                    var full = window.EndsWith("30Min", StringComparison.Ordinal) ? budget.Long : budget.Short;
                    var seconds = window.EndsWith("30Min", StringComparison.Ordinal) ? 1800.0 : 180.0;
                    fd.Throttling.Resource[window] = ReadBucket(r, window, new BucketSettings { Bucket = full, RefillPerSecond = full / seconds }, source, "throttling.resource");
                }
            }
        }

        if (map.Node("faults") is { } faultsNode)
        {
            var f = YamlMap.Read(faultsNode, "faults", source, FaultsKeys);
            fd.FaultSeed = f.Int("seed", 0, int.MinValue, int.MaxValue);
            var rules = f.Sequence("rules");
            for (var i = 0; i < rules.Count; i++)
            {
                fd.FaultRules.Add(ReadFaultRule(rules[i], $"faults.rules[{i}]", source));
            }
        }

        if (map.Node("activityLog") is { } logNode)
        {
            var a = YamlMap.Read(logNode, "activityLog", source, ActivityLogKeys);
            fd.ActivityLogRetentionDays = a.Int("retentionDays", 90, 1, 3650);
            var events = a.Sequence("events");
            for (var i = 0; i < events.Count; i++)
            {
                var e = YamlMap.Read(events[i], $"activityLog.events[{i}]", source, SeededEventKeys);
                fd.SeededEvents.Add(new SeededEventDefinition
                {
                    DaysAgo = e.Double("daysAgo", 0, 0, 3650),
                    OperationName = e.String("operationName", required: true)!,
                    ResourceId = e.String("resourceId", required: true)!,
                    Status = e.Enum("status", ["Started", "Accepted", "Succeeded", "Failed"], "Succeeded"),
                    Caller = e.String("caller") ?? "someone@genimage.example",
                    CorrelationId = e.Has("correlationId") ? e.Guid("correlationId", required: true) : null,
                });
            }
        }

        var definitions = map.Sequence("roleDefinitions");
        for (var i = 0; i < definitions.Count; i++)
        {
            var where = $"roleDefinitions[{i}]";
            var d = YamlMap.Read(definitions[i], where, source, RoleDefinitionKeys);
            var def = new RoleDefinitionDefinition
            {
                Name = d.String("name", required: true)!,
                Id = d.Has("id") ? d.Guid("id", required: true) : "",
                Description = d.String("description") ?? "",
                Actions = d.StringList("actions").Select(x => x.Value).ToList(),
                NotActions = d.StringList("notActions").Select(x => x.Value).ToList(),
                DataActions = d.StringList("dataActions").Select(x => x.Value).ToList(),
                NotDataActions = d.StringList("notDataActions").Select(x => x.Value).ToList(),
                AssignableScopes = d.StringList("assignableScopes").Select(x => x.Value).ToList(),
            };
            if (def.Actions.Count == 0 && def.DataActions.Count == 0)
            {
                throw YamlMap.Error(source, definitions[i], $"{where} needs at least one entry under 'actions'.");
            }

            if (fd.RoleDefinitions.Any(r => string.Equals(r.Name, def.Name, StringComparison.OrdinalIgnoreCase))
                || Authorization.BuiltInRoles.All.Any(r => string.Equals(r.RoleName, def.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw d.ErrorAt("name", $"{where}: a role named '{def.Name}' already exists (role names are case-insensitive; built-in roles cannot be redefined).");
            }

            fd.RoleDefinitions.Add(def);
        }

        var assignments = map.Sequence("roleAssignments");
        for (var i = 0; i < assignments.Count; i++)
        {
            var where = $"roleAssignments[{i}]";
            var a = YamlMap.Read(assignments[i], where, source, RoleAssignmentKeys);
            var assignment = new RoleAssignmentDefinition
            {
                PrincipalId = a.Has("principalId") ? a.Guid("principalId", required: true) : null,
                PrincipalName = a.String("principalName"),
                PrincipalType = a.Enum("principalType", PrincipalTypes, "User"),
                Role = a.String("role", required: true)!,
                Scope = a.String("scope", required: true)!,
                Name = a.Has("name") ? a.Guid("name", required: true) : null,
                Line = (int)assignments[i].Start.Line,
                Column = (int)assignments[i].Start.Column,
            };
            if (assignment.PrincipalId is null && string.IsNullOrWhiteSpace(assignment.PrincipalName))
            {
                throw YamlMap.Error(source, assignments[i], $"{where} needs 'principalId' or 'principalName'.");
            }

            if (!assignment.Scope.StartsWith('/'))
            {
                throw a.ErrorAt("scope", $"{where}.scope must start with '/', e.g. /subscriptions/{{id}}/resourceGroups/{{name}}.");
            }

            var role = assignment.Role;
            if (!Authorization.BuiltInRoles.All.Any(r => string.Equals(r.RoleName, role, StringComparison.OrdinalIgnoreCase) || string.Equals(r.Id, role, StringComparison.OrdinalIgnoreCase))
                && !fd.RoleDefinitions.Any(r => string.Equals(r.Name, role, StringComparison.OrdinalIgnoreCase) || string.Equals(r.Id, role, StringComparison.OrdinalIgnoreCase)))
            {
                throw a.ErrorAt("role", $"{where}.role '{role}' is neither a built-in role ({string.Join(", ", Authorization.BuiltInRoles.All.Select(r => r.RoleName))}) nor one under roleDefinitions.");
            }

            fd.RoleAssignments.Add(assignment);
        }

        if (map.Node("rbac") is { } rbacNode)
        {
            var r = YamlMap.Read(rbacNode, "rbac", source, RbacKeys);
            fd.EnforceRbac = r.Bool("enforce", false);
            var denies = r.Sequence("deny");
            for (var i = 0; i < denies.Count; i++)
            {
                var where = $"rbac.deny[{i}]";
                var d = YamlMap.Read(denies[i], where, source, DenyKeys);
                var deny = new DenyDefinition
                {
                    Principal = d.String("principal") ?? "*",
                    Actions = d.StringList("actions").Select(x => x.Value).ToList(),
                    Scope = d.String("scope") ?? "/",
                };
                if (deny.Actions.Count == 0)
                {
                    throw YamlMap.Error(source, denies[i], $"{where} needs at least one entry under 'actions'.");
                }

                fd.Denies.Add(deny);
            }
        }
    }

    private static BucketSettings ReadBucket(YamlMap parent, string key, BucketSettings fallback, string? source, string where = "throttling")
    {
        if (parent.Node(key) is not { } node)
        {
            return fallback;
        }

        var b = YamlMap.Read(node, $"{where}.{key}", source, BucketKeys);
        return new BucketSettings
        {
            Bucket = b.Int("bucket", fallback.Bucket, 1, 1_000_000),
            RefillPerSecond = b.Double("refillPerSecond", fallback.RefillPerSecond, 0.001, 1_000_000),
        };
    }

    private static FaultRule ReadFaultRule(YamlNode node, string where, string? source)
    {
        var r = YamlMap.Read(node, where, source, FaultRuleKeys);
        var effects = Enum.GetNames<FaultEffect>();
        var kinds = Enum.GetNames<FaultRequestKind>();
        var effectName = r.String("effect", required: true)!;
        var effect = effects.FirstOrDefault(e => string.Equals(e, effectName, StringComparison.OrdinalIgnoreCase))
            ?? throw r.ErrorAt("effect", $"{where}.effect has the value '{effectName}'; expected one of: {string.Join(", ", effects)}.");
        var rule = new FaultRule
        {
            Name = r.String("name"),
            Effect = Enum.Parse<FaultEffect>(effect),
            Method = r.String("method")?.ToUpperInvariant(),
            Path = r.String("path"),
            PathRegex = r.String("pathRegex"),
            Kind = r.Has("kind") ? Enum.Parse<FaultRequestKind>(r.Enum("kind", kinds, kinds[0])) : null,
            Skip = r.Int("skip", 0, 0, int.MaxValue),
            Count = r.Has("count") ? r.Int("count", 0, 0, int.MaxValue) : null,
            Fraction = r.Double("fraction", 1, 0, 1),
            RetryAfterSeconds = r.Int("retryAfterSeconds", 1, 0, 3600),
            ErrorCode = r.String("errorCode"),
            ErrorMessage = r.String("errorMessage"),
            Region = r.String("region") is { } region ? NormalizeLocation(region) : null,
            SlowFactor = r.Double("slowFactor", 2, 1, 1000),
        };
        if (r.Node("after") is { } afterNode)
        {
            var a = YamlMap.Read(afterNode, $"{where}.after", source, TriggerKeys);
            rule.After = new FaultTrigger { Method = a.String("method")?.ToUpperInvariant(), Path = a.String("path"), PathRegex = a.String("pathRegex") };
        }

        try
        {
            rule.Validate();
        }
        catch (ArgumentException ex)
        {
            throw YamlMap.Error(source, node, $"{where}: {ex.Message.Split(" (Parameter", 2)[0]}");
        }

        return rule;
    }
}
