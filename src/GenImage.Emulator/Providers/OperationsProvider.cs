using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Providers;

/// <summary>
/// Microsoft.Compute/locations/operations: the status (Azure-AsyncOperation) and monitor (Location, <c>monitor=true</c>)
/// URLs of asynchronous operations.
/// </summary>
internal sealed class OperationsProvider(WorldStore store, OperationStore operations) : IResourceProvider
{
    public void Register(RouteTable routes)
    {
        routes.Add("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/operations/{operationId}",
            "Microsoft.Compute/locations/operations", ApiVersions.Operations, Get);
    }

    private ArmResult Get(ArmRequest request)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        var op = operations.Find(request["operationId"]);
        if (op is null || !string.Equals(op.SubscriptionId, sub.Id, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(op.Location, request["location"], StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmException(404, "NotFound", $"The operation '{request["operationId"]}' could not be found.");
        }

        var monitor = string.Equals(request.QueryValue("monitor"), "true", StringComparison.OrdinalIgnoreCase);
        if (!monitor)
        {
            var status = ArmResult.Ok(op.ToStatusBody());
            if (!op.IsTerminal)
            {
                status.Headers["Retry-After"] = operations.RetryAfter(op).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return status;
        }

        if (!op.IsTerminal)
        {
            var running = new ArmResult(202);
            operations.AddPollingHeaders(running, request, op);
            return running;
        }

        if (op.Status == "Succeeded")
        {
            return ArmResult.Ok(op.Result);
        }

        throw new ArmException(op.FailureHttpStatus, op.ErrorCode ?? "OperationFailed", op.ErrorMessage ?? $"The operation '{op.Name}' failed.");
    }
}
