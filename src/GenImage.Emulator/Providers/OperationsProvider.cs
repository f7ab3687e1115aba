using GenImage.Emulator.Arm;
using GenImage.Emulator.Operations;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Providers;

/// <summary>
/// The status (Azure-AsyncOperation) and monitor (Location, <c>monitor=true</c>) URLs of asynchronous operations:
/// <c>locations/{loc}/operations</c> (ComputeRP), <c>capsOperations</c> (GalleryRP) and <c>DiskOperations</c> (DiskRP).
/// </summary>
internal sealed class OperationsProvider(WorldStore store, OperationStore operations) : IResourceProvider
{
    private const string Base = "/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/";

    public void Register(RouteTable routes)
    {
        routes.Add("GET", Base + "operations/{operationId}", "Microsoft.Compute/locations/operations", ApiVersions.Operations,
            r => Get(r, OperationKind.Compute));
        routes.Add("GET", Base + "capsOperations/{operationId}", "Microsoft.Compute/locations/capsOperations", ApiVersions.Operations,
            r => Get(r, OperationKind.Gallery));
        routes.Add("GET", Base + "DiskOperations/{operationId}", "Microsoft.Compute/locations/DiskOperations", ApiVersions.Operations,
            r => Get(r, OperationKind.Disk));
    }

    private ArmResult Get(ArmRequest request, OperationKind kind)
    {
        var sub = Lookup.Subscription(store, request["subscriptionId"]);
        var op = operations.Find(request["operationId"]);
        if (op is null || op.Kind != kind || !string.Equals(op.SubscriptionId, sub.Id, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(op.Location, request["location"], StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmException(404, "NotFound", $"The operation '{request["operationId"]}' could not be found.");
        }

        var monitor = string.Equals(request.QueryValue("monitor"), "true", StringComparison.OrdinalIgnoreCase);
        if (!monitor)
        {
            op.StatusPolls++;
            var status = ArmResult.Ok(op.ToStatusBody());
            if (!op.IsTerminal && RetryAfterOnPoll(op))
            {
                operations.SetRetryAfter(status, op);
            }

            return status;
        }

        if (!op.IsTerminal)
        {
            var running = new ArmResult(202);
            running.Headers["Location"] = OperationStore.MonitorUrl(request.BaseUri, op, request.ApiVersion);
            operations.SetRetryAfter(running, op);
            return running;
        }

        if (op.Status == "Succeeded")
        {
            return ArmResult.Ok(op.Result);
        }

        throw new ArmException(op.FailureHttpStatus, op.ErrorCode ?? "OperationFailed", op.ErrorMessage ?? $"The operation '{op.Name}' failed.");
    }

    /// <summary>
    /// As recorded: ComputeRP and DiskRP status polls carry Retry-After only on the first poll of an operation whose
    /// initial answer carried one (VM create, delete, deallocate, start; all 21 such first polls in the recordings),
    /// never on later polls nor on the first poll of the others (runCommand). GalleryRP's capsOperations (the 2021
    /// recording, the newest) carry it on every in-progress poll of an image version's create, update or delete, from
    /// the first, and never on a gallery's or a definition's.
    /// </summary>
    private static bool RetryAfterOnPoll(AsyncOperation op) => op.Kind == OperationKind.Gallery
        ? op.ResourceId.Contains("/versions/", StringComparison.OrdinalIgnoreCase)
        : op.StatusPolls == 1 && op.InitialRetryAfter;
}
