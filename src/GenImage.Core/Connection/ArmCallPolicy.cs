using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;
using GenImage.Core.Logging;

namespace GenImage.Core.Connection;

/// <summary>
/// Per-retry pipeline policy: stamps the scope's correlation id on every request and writes one Verbose
/// line per ARM call (method, path, status, duration; query strings reduced to the api-version), and at Debug
/// the request line and the response's status line, each with its headers (<see cref="HttpTrace"/>: credential
/// headers and SAS signatures redacted, never a body). It runs after the SDK's authentication policy, so the
/// Debug lines show the headers as they are sent.
/// </summary>
internal sealed class ArmCallPolicy : HttpPipelinePolicy
{
    public const string CorrelationHeader = "x-ms-correlation-request-id";

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var scope = Before(message);
        var watch = Stopwatch.StartNew();
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            After(scope, message, watch);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var scope = Before(message);
        var watch = Stopwatch.StartNew();
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            After(scope, message, watch);
        }
    }

    private static CallScope? Before(HttpMessage message)
    {
        var scope = CallScope.Current;
        if (scope != null && !message.Request.Headers.TryGetValue(CorrelationHeader, out _))
        {
            message.Request.Headers.SetValue(CorrelationHeader, scope.CorrelationId);
        }
        if (scope != null && DebugWanted(scope))
        {
            scope.Log.Debug(HttpTrace.Request(message.Request.Method.Method, message.Request.Uri.ToUri(), Headers(message.Request.Headers)));
        }
        return scope;
    }

    private static bool DebugWanted(CallScope scope) => !(scope.Log is IDebugAwareLog aware) || aware.DebugEnabled;

    private static IEnumerable<KeyValuePair<string, string>> Headers(IEnumerable<HttpHeader> headers) =>
        headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value));

    private static void After(CallScope? scope, HttpMessage message, Stopwatch watch)
    {
        if (scope == null)
        {
            return;
        }

        var status = message.HasResponse ? message.Response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response";
        if (message.HasResponse && DebugWanted(scope))
        {
            scope.Log.Debug(HttpTrace.Response(message.Response.Status, message.Response.ReasonPhrase, watch.ElapsedMilliseconds,
                message.Request.Method.Method, message.Request.Uri.ToUri(), Headers(message.Response.Headers)));
        }
        scope.Log.Verbose($"ARM {message.Request.Method} {Describe(message.Request.Uri.ToUri())} -> {status} ({watch.ElapsedMilliseconds} ms)");
        if (scope.OperationAccepted != null && message.HasResponse && (message.Response.Status == 201 || message.Response.Status == 202) &&
            message.Request.Method != RequestMethod.Get && message.Request.Method != RequestMethod.Head)
        {
            message.Response.Headers.TryGetValue("Azure-AsyncOperation", out var statusUrl);
            message.Response.Headers.TryGetValue("Location", out var resultUrl);
            if (statusUrl != null || resultUrl != null)
            {
                scope.OperationAccepted(new AcceptedOperation
                {
                    Method = message.Request.Method.Method,
                    Path = message.Request.Uri.ToUri().AbsolutePath,
                    StatusUrl = statusUrl,
                    ResultUrl = resultUrl,
                });
            }
        }
    }

    /// <summary>The path of a request URI plus only its api-version and $expand parameters.</summary>
    internal static string Describe(Uri uri)
    {
        var path = uri.AbsolutePath;
        var kept = string.Empty;
        var query = uri.Query.TrimStart('?');
        foreach (var part in query.Split('&'))
        {
            if (part.StartsWith("api-version=", StringComparison.OrdinalIgnoreCase) ||
                part.StartsWith("$expand=", StringComparison.OrdinalIgnoreCase) ||
                part.StartsWith("%24expand=", StringComparison.OrdinalIgnoreCase))
            {
                kept += (kept.Length == 0 ? "?" : "&") + part;
            }
        }
        return path + kept;
    }
}
