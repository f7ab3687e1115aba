using System.Globalization;
using GenImage.Emulator.Arm;
using GenImage.Emulator.State;

namespace GenImage.Emulator.Operations;

/// <summary>Which Compute service answers an operation's status URL, and so the URL's shape.</summary>
internal enum OperationKind
{
    /// <summary>ComputeRP (VMs, run commands, managed images): <c>…/locations/{loc}/operations/{id}?p={guid}&amp;api-version=…</c>.</summary>
    Compute,

    /// <summary>GalleryRP (galleries, definitions, versions): <c>…/locations/{loc}/capsOperations/{id}?api-version=…</c>, id = the request id.</summary>
    Gallery,

    /// <summary>DiskRP (disks): <c>…/locations/{loc}/DiskOperations/{id}?api-version=…</c>.</summary>
    Disk,

    /// <summary>ARM itself (resource group deletion): <c>/subscriptions/{sub}/operationresults/{id}?api-version=…</c>, polled through <c>Location</c> only.</summary>
    Resources,
}

/// <summary>The LRO headers an initial answer carries besides <c>Azure-AsyncOperation</c>, per operation as recorded.</summary>
[Flags]
internal enum LroHeaders
{
    /// <summary><c>Azure-AsyncOperation</c> only (PUT and PATCH).</summary>
    AsyncOperationOnly = 0,

    /// <summary>Also <c>Location</c>: the status URL with <c>monitor=true</c> (POST actions and DELETE).</summary>
    Location = 1,

    /// <summary>Also <c>Retry-After</c>: the remaining scaled seconds.</summary>
    RetryAfter = 2,
}

/// <summary>
/// Creates and tracks asynchronous operations and answers ARM's long-running-operation pattern as the recorded Azure
/// traffic shows it (docs/emulator.md, "Long-running operations"): which of <c>Azure-AsyncOperation</c>,
/// <c>Location</c> (monitor) and <c>Retry-After</c> an initial answer carries is chosen per operation by the caller.
/// Used under the world lock.
/// </summary>
internal sealed class OperationStore(WorldStore store)
{
    private readonly Dictionary<string, AsyncOperation> _operations = new(StringComparer.OrdinalIgnoreCase);

    public AsyncOperation? Find(string id) => _operations.TryGetValue(id, out var op) ? op : null;

    /// <summary>
    /// Starts an operation that takes <paramref name="azureSeconds"/> (scaled by the clock) and then runs
    /// <paramref name="complete"/>, which must call <see cref="AsyncOperation.Succeed"/> or <see cref="AsyncOperation.Fail"/>
    /// (if it calls neither, the operation succeeds with no result). Returns the 202 answer with the given headers.
    /// </summary>
    public ArmResult Begin(ArmRequest request, string subscriptionId, string location, string resourceId, string name,
        double azureSeconds, Action<AsyncOperation> complete, LroHeaders headers, OperationKind kind = OperationKind.Compute)
        => Accepted(request, Start(request, subscriptionId, location, resourceId, name, azureSeconds, complete, kind), headers);

    /// <summary>Starts an operation (see <see cref="Begin"/>) without building the answer.</summary>
    public AsyncOperation Start(ArmRequest request, string subscriptionId, string location, string resourceId, string name,
        double azureSeconds, Action<AsyncOperation> complete, OperationKind kind = OperationKind.Compute, string? id = null)
    {
        var now = store.Clock.Now;
        id ??= kind == OperationKind.Gallery && !_operations.ContainsKey(request.RequestId) ? request.RequestId : Guid.NewGuid().ToString("D");
        var op = new AsyncOperation
        {
            Id = id,
            Kind = kind,
            SubscriptionId = subscriptionId,
            Location = location,
            Name = name,
            ResourceId = resourceId,
            Caller = request.Caller,
            StartTime = now,
            DueTime = store.Clock.After(azureSeconds, now),
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
    public ArmResult Accepted(ArmRequest request, AsyncOperation op, LroHeaders headers)
    {
        var result = new ArmResult(202);
        AddPollingHeaders(result, request, op, headers);
        return result;
    }

    /// <summary>Adds <c>Azure-AsyncOperation</c> and, as <paramref name="headers"/> says, <c>Location</c> and <c>Retry-After</c>.</summary>
    public void AddPollingHeaders(ArmResult result, ArmRequest request, AsyncOperation op, LroHeaders headers)
    {
        result.Headers["Azure-AsyncOperation"] = StatusUrl(request.BaseUri, op, request.ApiVersion);
        if (headers.HasFlag(LroHeaders.Location))
        {
            result.Headers["Location"] = MonitorUrl(request.BaseUri, op, request.ApiVersion);
        }

        if (headers.HasFlag(LroHeaders.RetryAfter))
        {
            op.InitialRetryAfter = true;
            SetRetryAfter(result, op);
        }
    }

    /// <summary>
    /// <c>Retry-After</c> as ARM sends it (whole seconds of the scaled remaining time). On a clock scaled below real time
    /// (0 &lt; scale &lt; 1), whole seconds are too coarse: a 60-second deallocate at scale 0.01 is 0.6 s, which
    /// <c>Retry-After</c> can only say as 1 s. The answer then also carries <c>retry-after-ms</c>, the exact scaled
    /// remaining time, which Azure.Core (and the other Azure SDKs) read before <c>Retry-After</c>. At scale 1 the
    /// answer is ARM's: <c>Retry-After</c> alone.
    /// </summary>
    public void SetRetryAfter(ArmResult result, AsyncOperation op)
    {
        result.Headers["Retry-After"] = RetryAfter(op).ToString(CultureInfo.InvariantCulture);
        if (store.Clock.Scale is > 0 and < 1)
        {
            var remaining = Math.Max(0, (op.DueTime - store.Clock.Now).TotalMilliseconds);
            result.Headers["retry-after-ms"] = ((long)Math.Ceiling(remaining)).ToString(CultureInfo.InvariantCulture);
        }
    }

    public int RetryAfter(AsyncOperation op)
    {
        var remaining = Math.Max(0, (op.DueTime - store.Clock.Now).TotalSeconds);
        var azureSeconds = store.Clock.Scale > 0 ? remaining / store.Clock.Scale : 0;
        return store.Clock.RetryAfterSeconds(azureSeconds);
    }

    /// <summary>The status (Azure-AsyncOperation) URL.</summary>
    public static string StatusUrl(Uri baseUri, AsyncOperation op, string apiVersion) => Url(baseUri, op, apiVersion, monitor: false);

    /// <summary>The monitor (Location) URL: the status URL with <c>monitor=true</c> before the api-version, as ARM writes it.</summary>
    public static string MonitorUrl(Uri baseUri, AsyncOperation op, string apiVersion) => Url(baseUri, op, apiVersion, monitor: true);

    /// <summary>ARM's operationresults URL (resource group deletion), which is its own Location.</summary>
    public static string ResultsUrl(Uri baseUri, AsyncOperation op, string apiVersion)
        => $"{baseUri.ToString().TrimEnd('/')}/subscriptions/{op.SubscriptionId}/operationresults/{op.Id}?api-version={apiVersion}";

    private static string Url(Uri baseUri, AsyncOperation op, string apiVersion, bool monitor)
    {
        var segment = op.Kind switch { OperationKind.Gallery => "capsOperations", OperationKind.Disk => "DiskOperations", _ => "operations" };
        var query = op.Kind == OperationKind.Compute ? $"p={op.Partition}&" : "";
        if (monitor)
        {
            query += "monitor=true&";
        }

        return $"{baseUri.ToString().TrimEnd('/')}/subscriptions/{op.SubscriptionId}/providers/Microsoft.Compute/locations/{op.Location}/{segment}/{op.Id}?{query}api-version={apiVersion}";
    }
}
