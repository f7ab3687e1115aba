using System.Text.Json.Nodes;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Faults;
using GenImage.Emulator.Insights;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Persistence;
using GenImage.Emulator.State;
using GenImage.Emulator.Throttling;
using GenImage.Emulator.World;

namespace GenImage.Emulator.Authorization;

/// <summary>Builds the front door (throttling, faults, RBAC, Activity Log) and persistence for a host at start.</summary>
internal static class FrontDoorSetup
{
    /// <summary>Reads the state file of persistent mode; null when there is none yet.</summary>
    public static JsonObject? ReadState(EmulatorOptions options)
    {
        if (options.StateFile is null)
        {
            return null;
        }

        try
        {
            return StateFile.Read(options.StateFile);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The emulator could not read its state file: {ex.Message}", ex);
        }
    }

    /// <summary>The definition the store starts from: the world, or (with a state file) the world without its resources.</summary>
    public static WorldDefinition StartingDefinition(WorldDefinition world, JsonObject? state)
    {
        if (state is null)
        {
            return world;
        }

        var empty = new WorldDefinition
        {
            ClockScale = world.ClockScale,
            TenantId = state["tenantId"]?.GetValue<string>() ?? world.TenantId,
            Replication = world.Replication,
        };
        // The marketplace catalog is not saved state: it always comes from the world file.
        empty.PlatformImages.AddRange(world.PlatformImages);
        return empty;
    }

    public static (FrontDoor FrontDoor, StateFile? StateFile) Create(WorldDefinition world, EmulatorOptions options, WorldStore store,
        OperationStore operations, RouteTable routes, JsonObject? state)
    {
        var fd = world.FrontDoor;
        var throttling = options.Throttling ?? fd.Throttling;
        Throttler throttler;
        try
        {
            throttler = new Throttler(throttling);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException($"Invalid throttling settings: {ex.Message}", nameof(options), ex);
        }

        var faults = new FaultInjector(options.FaultSeed ?? fd.FaultSeed, store, operations);
        foreach (var rule in fd.FaultRules)
        {
            faults.Add(rule);
        }

        store.FaultPolicy = faults;

        var definitions = BuiltInRoles.All.Concat(fd.RoleDefinitions.Select(d => new RoleDefinitionState
        {
            Id = d.Id.Length > 0 ? d.Id : Principal.StableObjectId("role:" + d.Name),
            RoleName = d.Name,
            Type = "CustomRole",
            Description = d.Description,
            Actions = d.Actions,
            NotActions = d.NotActions,
            DataActions = d.DataActions,
            NotDataActions = d.NotDataActions,
            AssignableScopes = d.AssignableScopes.Count > 0 ? d.AssignableScopes : ["/"],
        })).ToList();
        var created = store.Clock.Now.AddDays(-30);
        var assignments = fd.RoleAssignments.Select(a => new RoleAssignmentState
        {
            Name = a.Name ?? Principal.StableObjectId($"assignment:{a.PrincipalId ?? a.PrincipalName}:{a.Role}:{a.Scope}"),
            Scope = a.Scope.Length > 1 ? a.Scope.TrimEnd('/') : a.Scope,
            Role = definitions.First(d => string.Equals(d.RoleName, a.Role, StringComparison.OrdinalIgnoreCase) || string.Equals(d.Id, a.Role, StringComparison.OrdinalIgnoreCase)),
            PrincipalId = a.PrincipalId ?? Principal.StableObjectId(a.PrincipalName!),
            PrincipalName = a.PrincipalName,
            PrincipalType = a.PrincipalType,
            CreatedOn = created,
        });
        var denies = fd.Denies.Select(d => new DenyState { Principal = d.Principal, Actions = d.Actions, Scope = d.Scope });
        var authorization = new AuthorizationModel(options.EnforceRbac ?? fd.EnforceRbac, definitions, assignments, denies);

        var activityLog = new ActivityLog(operations, store.TenantId, fd.ActivityLogRetentionDays);
        activityLog.Seed(fd.SeededEvents.Select(e => Seeded(e, store)));

        new AuthorizationProvider(store, authorization).Register(routes);
        new ActivityLogProvider(store, activityLog).Register(routes);

        store.StateSections.Add(new ActivityLogStateSection(activityLog));
        StateFile? stateFile = null;
        if (options.StateFile is not null)
        {
            stateFile = new StateFile(store, options.StateFile);
            if (state is not null)
            {
                StateFile.Load(store, state);
            }
        }

        var frontDoor = new FrontDoor(throttler, faults, authorization, activityLog, stateFile is null ? null : stateFile.Save);
        return (frontDoor, stateFile);
    }

    private static ActivityEvent Seeded(SeededEventDefinition e, WorldStore store)
    {
        var action = ArmAction.Parse("GET", e.ResourceId);
        var parts = e.OperationName.Split('/');
        return new ActivityEvent
        {
            EventDataId = Guid.NewGuid().ToString("D"),
            CorrelationId = e.CorrelationId ?? Guid.NewGuid().ToString("D"),
            OperationId = Guid.NewGuid().ToString("D"),
            EventName = e.Status == "Started" ? "BeginRequest" : "EndRequest",
            Status = e.Status,
            Level = e.Status == "Failed" ? "Error" : "Informational",
            Timestamp = store.Clock.Now.AddDays(-e.DaysAgo),
            Caller = e.Caller,
            OperationName = e.OperationName,
            Scope = e.ResourceId,
            ResourceId = e.ResourceId,
            ResourceGroupName = action.ResourceGroupName,
            ResourceProvider = parts.Length > 0 ? parts[0] : action.ResourceProvider,
            ResourceType = action.ResourceType,
            SubscriptionId = action.SubscriptionId ?? (store.Subscriptions.All.Count > 0 ? store.Subscriptions.All[0].Id : ""),
            TenantId = store.TenantId,
            Properties = new Dictionary<string, string> { ["statusCode"] = e.Status == "Failed" ? "Conflict" : "OK" },
        };
    }
}
