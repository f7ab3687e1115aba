using GenImage.Emulator.Arm;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Operations;

/// <summary>
/// Creates and tracks asynchronous operations and answers ARM's 202 pattern (NOTES.md §3): <c>Azure-AsyncOperation</c>,
/// <c>Location</c> (monitor) and <c>Retry-After</c>. Used under the world lock.
/// </summary>
internal sealed class OperationStore(WorldStore store)
{
    private readonly Dictionary<string, AsyncOperation> _operations = new(StringComparer.OrdinalIgnoreCase);

    public AsyncOperation? Find(string id) => _operations.TryGetValue(id, out var op) ? op : null;

    /// <summary>
    /// Starts an operation that takes <paramref name="azureSeconds"/> (scaled by the clock) and then runs
    /// <paramref name="complete"/>, which must call <see cref="AsyncOperation.Succeed"/> or <see cref="AsyncOperation.Fail"/>
    /// (if it calls neither, the operation succeeds with no result). Returns the 202 answer.
    /// </summary>
    public ArmResult Begin(ArmRequest request, string subscriptionId, string location, string resourceId, string name,
        double azureSeconds, Action<AsyncOperation> complete)
        => Accepted(request, Start(request, subscriptionId, location, resourceId, name, azureSeconds, complete));

    /// <summary>Starts an operation (see <see cref="Begin"/>) without building the answer.</summary>
    public AsyncOperation Start(ArmRequest request, string subscriptionId, string location, string resourceId, string name,
        double azureSeconds, Action<AsyncOperation> complete)
    {
        var now = store.Clock.Now;
        var op = new AsyncOperation
        {
            Id = Guid.NewGuid().ToString("D"),
            SubscriptionId = subscriptionId,
            Location = location,
            Name = name,
            ResourceId = resourceId,
            Caller = request.Caller,
            StartTime = now,
            DueTime = now + store.Clock.ToReal(azureSeconds),
        };
        _operations[op.Id] = op;
        store.Scheduler.At(op.DueTime, () =>
        {
            if (op.IsTerminal)
            {
                return;
            }

            complete(op);
            if (!op.IsTerminal)
            {
                op.Succeed(op.DueTime);
            }
        });

        return op;
    }

    /// <summary>The 202 Accepted answer for an operation that was started.</summary>
    public ArmResult Accepted(ArmRequest request, AsyncOperation op)
    {
        var result = new ArmResult(202);
        AddPollingHeaders(result, request, op);
        return result;
    }

    public void AddPollingHeaders(ArmResult result, ArmRequest request, AsyncOperation op)
    {
        var statusUrl = StatusUrl(request.BaseUri, op, request.ApiVersion);
        result.Headers["Azure-AsyncOperation"] = statusUrl;
        result.Headers["Location"] = statusUrl + "&monitor=true";
        result.Headers["Retry-After"] = RetryAfter(op).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public int RetryAfter(AsyncOperation op)
    {
        var remaining = Math.Max(0, (op.DueTime - store.Clock.Now).TotalSeconds);
        var azureSeconds = store.Clock.Scale > 0 ? remaining / store.Clock.Scale : 0;
        return store.Clock.RetryAfterSeconds(azureSeconds);
    }

    public static string StatusUrl(Uri baseUri, AsyncOperation op, string apiVersion)
        => $"{baseUri.ToString().TrimEnd('/')}/subscriptions/{op.SubscriptionId}/providers/Microsoft.Compute/locations/{op.Location}/operations/{op.Id}?p={op.Partition}&api-version={apiVersion}";
}
