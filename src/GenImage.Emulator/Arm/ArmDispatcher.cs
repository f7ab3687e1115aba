using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenImage.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace GenImage.Emulator.Arm;

/// <summary>
/// The ARM front door: authentication, api-version, request ids, routing, error bodies and the request log. Handlers
/// run under the world lock, after due state changes have been applied.
/// </summary>
internal sealed class ArmDispatcher(RouteTable routes, WorldStore store, RequestLog log, Func<Uri> baseUri, Authorization.FrontDoor? frontDoor = null)
{
    private static readonly HashSet<string> KnownNamespaces = new(StringComparer.OrdinalIgnoreCase) { "Microsoft.Compute", "Microsoft.Network", "Microsoft.Resources", "Microsoft.Authorization", "Microsoft.Insights" };

    public async Task HandleAsync(HttpContext context)
    {
        var stopwatch = Stopwatch.StartNew();
        var request = context.Request;
        var response = context.Response;
        var requestId = Guid.NewGuid().ToString("D");
        var correlationId = request.Headers["x-ms-correlation-request-id"].FirstOrDefault() is { Length: > 0 } c ? c : Guid.NewGuid().ToString("D");
        var now = DateTimeOffset.UtcNow;

        response.Headers["x-ms-request-id"] = requestId;
        response.Headers["x-ms-correlation-request-id"] = correlationId;
        response.Headers["x-ms-routing-request-id"] = $"LOCAL:{now:yyyyMMdd'T'HHmmss'Z'}:{requestId}";
        if (request.Headers["x-ms-client-request-id"].FirstOrDefault() is { Length: > 0 } clientRequestId)
        {
            response.Headers["x-ms-client-request-id"] = clientRequestId;
        }

        // ARM's envelope on every answer, as the recorded Azure traffic shows it.
        response.Headers.CacheControl = "no-cache";
        response.Headers.Pragma = "no-cache";
        response.Headers.Expires = "-1";
        response.Headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
        response.Headers.XContentTypeOptions = "nosniff";

        var method = request.Method.ToUpperInvariant();
        var path = request.Path.HasValue ? request.Path.Value! : "/";
        var query = request.Query
            .Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString()))
            .ToList();

        ArmResult result;
        string? errorCode = null;
        var door = new Authorization.FrontDoorRequest
        {
            Method = method,
            Path = path,
            CorrelationId = correlationId,
            ClientRequestId = request.Headers["x-ms-client-request-id"].FirstOrDefault(),
            Received = now,
        };
        try
        {
            result = await DispatchAsync(context, method, path, query, door, requestId).ConfigureAwait(false);
        }
        catch (Faults.ConnectionDroppedException)
        {
            log.Add(new RequestLogEntry(now, method, path, RequestLog.SanitizeQuery(query), 0, stopwatch.Elapsed, correlationId, requestId, "ConnectionDropped"));
            return;
        }
        catch (ArmException ex)
        {
            errorCode = ex.Code;
            result = new ArmResult(ex.Status, ex.ToBody()) { SuppressBody = method == "HEAD" };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            errorCode = "InternalServerError";
            result = new ArmResult(500, new ArmException(500, "InternalServerError",
                $"The emulator failed to process the request: {ex.GetType().Name}: {ex.Message}").ToBody());
        }

        if (errorCode is null && result.Status >= 400 && result.Body?["error"]?["code"] is JsonValue codeValue)
        {
            errorCode = codeValue.GetValue<string>();
        }

        frontDoor?.Completed(door, result);
        response.StatusCode = result.Status;
        foreach (var (name, value) in result.Headers)
        {
            response.Headers[name] = value;
        }

        if (result.Body is not null && !result.SuppressBody && method != "HEAD")
        {
            response.ContentType = "application/json; charset=utf-8";
            var bytes = JsonSerializer.SerializeToUtf8Bytes(result.Body, JsonOptions);
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            response.ContentLength = 0;
        }

        stopwatch.Stop();
        log.Add(new RequestLogEntry(now, method, path, RequestLog.SanitizeQuery(query), result.Status, stopwatch.Elapsed, correlationId, requestId, errorCode));
    }

    // ARM writes ', + and non-ASCII text as they are; the relaxed encoder does the same (responses are JSON, never HTML).
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private async Task<ArmResult> DispatchAsync(HttpContext context, string method, string path, List<KeyValuePair<string, string>> query,
        Authorization.FrontDoorRequest door, string requestId)
    {
        var token = BearerToken.Extract(context.Request.Headers.Authorization.FirstOrDefault());
        if (token is null)
        {
            throw context.Request.Headers.Authorization.Count == 0 ? ArmErrors.AuthenticationMissing() : ArmErrors.AuthenticationInvalid();
        }

        frontDoor?.BeforeRoute(context, door, token);

        var caller = BearerToken.CallerName(token);
        var queryMap = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in query)
        {
            queryMap[k] = v;
        }

        if (!queryMap.TryGetValue("api-version", out var apiVersion) || string.IsNullOrWhiteSpace(apiVersion))
        {
            throw ArmErrors.MissingApiVersion();
        }

        var match = routes.Match(method, path, out var otherMethods);
        if (match is null)
        {
            if (otherMethods.Count > 0)
            {
                throw new ArmException(405, "MethodNotAllowed",
                    $"The HTTP method '{method}' is not supported for '{path}'. Supported methods: {string.Join(", ", otherMethods.Distinct())}.");
            }

            throw UnknownRoute(path, apiVersion);
        }

        var (route, values) = match.Value;
        if (!route.ApiVersions.Contains(apiVersion))
        {
            throw Providers.ApiVersions.Unsupported(route.ResourceType, apiVersion, route.ApiVersions, LocationOf(values));
        }

        frontDoor?.Authorize(door);
        frontDoor?.ThrottleResource(context, method, route.ResourceType, route.Template, values.GetValueOrDefault("subscriptionId"));

        JsonNode? body = null;
        if (method is "PUT" or "POST" or "PATCH")
        {
            body = await ReadBodyAsync(context).ConfigureAwait(false);
        }

        var armRequest = new ArmRequest
        {
            Method = method,
            Path = path,
            RouteValues = values,
            Query = queryMap,
            ApiVersion = apiVersion,
            Body = body,
            Caller = caller,
            RequestId = requestId,
            BaseUri = baseUri(),
        };

        return store.Enter(() => route.Handler(armRequest));
    }

    /// <summary>The location ARM names in a NoRegisteredProviderFound answer: the path's, else the resource group's.</summary>
    private string? LocationOf(Dictionary<string, string> values)
    {
        if (values.TryGetValue("location", out var location))
        {
            return location;
        }

        if (values.TryGetValue("subscriptionId", out var sub) && values.TryGetValue("resourceGroupName", out var rg))
        {
            return store.Enter(() => store.FindSubscription(sub)?.ResourceGroups.Get(rg)?.Location);
        }

        return null;
    }

    private static async Task<JsonNode?> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw ArmErrors.InvalidRequestContent(ex.Message);
        }
    }

    private static ArmException UnknownRoute(string path, string apiVersion)
    {
        var segments = path.Trim('/').Split('/');
        var providersIndex = Array.FindLastIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
        if (providersIndex >= 0 && providersIndex + 1 < segments.Length)
        {
            var ns = segments[providersIndex + 1];
            if (!KnownNamespaces.Contains(ns))
            {
                return new ArmException(404, "NoRegisteredProviderFound",
                    $"No registered resource provider found for namespace '{ns}' and API version '{apiVersion}'. The emulator serves the namespaces '{string.Join("', '", KnownNamespaces)}'.");
            }

            var typeSegments = new List<string>();
            for (var i = providersIndex + 2; i < segments.Length; i += 2)
            {
                typeSegments.Add(segments[i]);
            }

            var type = string.Join("/", typeSegments);
            return new ArmException(404, "InvalidResourceType",
                string.Create(CultureInfo.InvariantCulture, $"The resource type '{type}' could not be found in the namespace '{ns}' for api version '{apiVersion}'."));
        }

        return new ArmException(404, "InvalidResourceType",
            $"The request path '{path}' does not name a resource type or action that the emulator supports.");
    }
}
