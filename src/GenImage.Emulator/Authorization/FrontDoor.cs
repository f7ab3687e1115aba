using GenImage.Emulator.Arm;
using GenImage.Emulator.Faults;
using GenImage.Emulator.Insights;
using GenImage.Emulator.Throttling;
using Microsoft.AspNetCore.Http;

namespace GenImage.Emulator.Authorization;

/// <summary>One request as the front door sees it; filled in as the dispatcher goes.</summary>
internal sealed class FrontDoorRequest
{
    public required string Method { get; init; }
    public required string Path { get; init; }
    public required string CorrelationId { get; init; }
    public string? ClientRequestId { get; init; }
    public required DateTimeOffset Received { get; init; }
    public Principal Principal { get; set; } = Principal.Unknown;

    /// <summary>Set once the request matched a route (it reached a resource provider or RBAC).</summary>
    public ArmAction? Action { get; set; }

    public string? GrantingRole { get; set; }
}

/// <summary>
/// What ARM does around every request before and after the resource provider: throttling and fault injection (after
/// authentication, before routing), RBAC (after routing), then the Activity Log, operation faults and persistence
/// once the answer is known. The dispatcher calls it at those three points.
/// </summary>
internal sealed class FrontDoor(Throttler throttler, FaultInjector faults, AuthorizationModel authorization, ActivityLog activityLog, Action? afterWrite)
{
    public Throttler Throttler => throttler;
    public FaultInjector Faults => faults;
    public AuthorizationModel Authorization => authorization;
    public ActivityLog ActivityLog => activityLog;

    /// <summary>After authentication: throttling, then faults. Throws the 429/500/503 answer or <see cref="ConnectionDroppedException"/>.</summary>
    public void BeforeRoute(HttpContext context, FrontDoorRequest request, string token)
    {
        request.Principal = Principal.FromToken(token);
        var subscriptionId = ArmAction.Parse(request.Method, request.Path).SubscriptionId;
        throttler.Take(context.Response, request.Method, subscriptionId, request.Principal.ObjectId);
        faults.BeforeRoute(context, request.Method, request.Path, subscriptionId, request.CorrelationId);
    }

    /// <summary>After routing: RBAC. Throws 403 <c>AuthorizationFailed</c>.</summary>
    public void Authorize(FrontDoorRequest request)
    {
        var action = ArmAction.Parse(request.Method, request.Path);
        request.Action = action;
        request.GrantingRole = authorization.Granting(request.Principal, action.Action, action.Scope)?.Role.RoleName;
        if (IsOpenToEveryone(request.Method, action))
        {
            return;
        }

        if (IsOperationStatusRead(request.Method, action))
        {
            authorization.CheckOperationStatusRead(request.Principal, action);
            return;
        }

        authorization.Check(request.Principal, action);
    }

    /// <summary>
    /// A GET of a Compute operation's status or monitor URL (<c>locations/{loc}/operations|capsOperations|DiskOperations/{id}</c>),
    /// or of ARM's <c>operationresults/{id}</c> (resource group deletion).
    /// These URLs are at subscription scope although the operation is on a resource in a group: ARM does not ask for
    /// <c>Microsoft.Compute/locations/operations/read</c> at subscription scope there (the resource provider registers its
    /// operation-status types so that callers can poll what they started), which is why Contributor at resource-group
    /// scope can wait for its own long-running operations.
    /// </summary>
    private static bool IsOperationStatusRead(string method, ArmAction action)
        => method == "GET"
           && (action.Action.Equals("Microsoft.Compute/locations/operations/read", StringComparison.OrdinalIgnoreCase)
               || action.Action.Equals("Microsoft.Compute/locations/capsOperations/read", StringComparison.OrdinalIgnoreCase)
               || action.Action.Equals("Microsoft.Compute/locations/DiskOperations/read", StringComparison.OrdinalIgnoreCase)
               || action.Action.Equals("Microsoft.Resources/subscriptions/operationresults/read", StringComparison.OrdinalIgnoreCase));

    /// <summary>After RBAC: Compute's operation-group throttling (x-ms-ratelimit-remaining-resource, 429).</summary>
    public void ThrottleResource(HttpContext context, string method, string resourceType, string template, string? subscriptionId)
        => throttler.TakeResource(context.Response, method, resourceType, template, subscriptionId);

    /// <summary>After the answer: Activity Log for writes, operation faults and triggers, persistence.</summary>
    public void Completed(FrontDoorRequest request, ArmResult result)
    {
        faults.AfterAnswered(request.Method, request.Path, result);
        if (request.Action is { IsWrite: true } action)
        {
            var errorBody = result.Status >= 400 ? result.Body?.ToJsonString() : null;
            activityLog.RecordWrite(action, request.Principal, request.GrantingRole, request.Method, request.CorrelationId, request.ClientRequestId,
                request.Received, DateTimeOffset.UtcNow, result, errorBody);
            if (result.Status < 400)
            {
                afterWrite?.Invoke();
            }
        }
    }

    /// <summary>Reads that ARM answers for any authenticated caller: the subscription and tenant lists, role definitions.</summary>
    private static bool IsOpenToEveryone(string method, ArmAction action)
        => method is "GET" or "HEAD"
           && (action.Action.Equals("Microsoft.Resources/subscriptions/read", StringComparison.OrdinalIgnoreCase) && action.SubscriptionId is null
               || action.Action.StartsWith("Microsoft.Resources/tenants", StringComparison.OrdinalIgnoreCase)
               || action.Action.StartsWith("Microsoft.Authorization/roleDefinitions", StringComparison.OrdinalIgnoreCase));
}
