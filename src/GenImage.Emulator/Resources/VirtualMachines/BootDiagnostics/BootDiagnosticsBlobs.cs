using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GenImage.Emulator.Arm;
using GenImage.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace GenImage.Emulator.Resources.VirtualMachines.BootDiagnostics;

/// <summary>
/// Serves boot diagnostics blobs on the emulator's own endpoint, as Azure Storage serves them behind a read-only SAS:
/// <c>/_blob/bootdiagnostics/{vmId}/serial.log?sv=…&amp;se=…&amp;sr=b&amp;sp=r&amp;sig=…</c>. No bearer token is needed; a
/// wrong or expired signature is 403 AuthenticationFailed. The signature never reaches a log (sig is redacted).
/// </summary>
internal sealed class BootDiagnosticsBlobs(WorldStore store)
{
    /// <summary>Where blob requests are logged (set by the host once the log exists).</summary>
    public RequestLog? Log { get; set; }

    public const string PathPrefix = "/_blob/bootdiagnostics/";
    public const string SerialLog = "serial.log";
    public const string ScreenshotBmp = "screenshot.bmp";
    private const string SasVersion = "2021-08-06";

    private readonly Dictionary<string, (string VmId, DateTimeOffset Start, DateTimeOffset Expiry)> _issued = new(StringComparer.Ordinal);

    public static bool IsBlobPath(PathString path) => path.StartsWithSegments("/_blob", StringComparison.OrdinalIgnoreCase);

    /// <summary>Issues SAS URIs for a VM's screenshot and serial log. Call under the world lock.</summary>
    public (string Screenshot, string Serial) Issue(VirtualMachineState vm, Uri baseUri, int expiryMinutes)
    {
        // A SAS lifetime is the holder's wall-clock budget, not work Azure does: the clock scale never shortens it
        // (at scale 0 a scaled expiry was the issuing instant, so every URI was refused before it could be read).
        var now = store.Clock.Now;
        var expiry = now + TimeSpan.FromMinutes(expiryMinutes);
        var sig = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _issued[sig] = (vm.VmId, now, expiry);
        var query = $"?sv={SasVersion}&se={Uri.EscapeDataString(expiry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))}&sr=b&sp=r&sig={Uri.EscapeDataString(sig)}";
        var root = $"{baseUri.ToString().TrimEnd('/')}{PathPrefix}{vm.VmId}/";
        return (root + ScreenshotBmp + query, root + SerialLog + query);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var stopwatch = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var requestId = Guid.NewGuid().ToString("D");
        var request = context.Request;
        var response = context.Response;
        response.Headers["x-ms-request-id"] = requestId;
        response.Headers["x-ms-version"] = SasVersion;

        var (status, contentType, body, errorCode) = store.Enter(() => Answer(request));
        response.StatusCode = status;
        response.ContentType = contentType;
        if (body.Log is { } log)
        {
            // The serial log is generated as it is written, outside the world lock: a log of any size streams.
            response.ContentLength = log.Length;
            if (request.Method != "HEAD")
            {
                await log.WriteToAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
            }
        }
        else
        {
            response.ContentLength = body.Bytes!.Length;
            if (request.Method != "HEAD")
            {
                await response.Body.WriteAsync(body.Bytes, context.RequestAborted).ConfigureAwait(false);
            }
        }

        stopwatch.Stop();
        var query = request.Query.Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString()));
        Log?.Add(new RequestLogEntry(now, request.Method.ToUpperInvariant(), request.Path.Value ?? "/", RequestLog.SanitizeQuery(query), status,
            stopwatch.Elapsed, null, requestId, errorCode));
    }

    private (int Status, string ContentType, (byte[]? Bytes, SerialLogBody? Log) Body, string? ErrorCode) Answer(HttpRequest request)
    {
        if (request.Method is not ("GET" or "HEAD"))
        {
            return StorageError(405, "UnsupportedHttpVerb", "The resource doesn't support specified Http Verb.", null);
        }

        var parts = (request.Path.Value ?? "").Substring(PathPrefix.Length - 1).Trim('/').Split('/');
        var path = request.Path.Value ?? "";
        if (!path.StartsWith(PathPrefix, StringComparison.OrdinalIgnoreCase) || parts.Length != 2 || parts[1] is not (SerialLog or ScreenshotBmp))
        {
            return StorageError(404, "BlobNotFound", "The specified blob does not exist.", null);
        }

        var sig = request.Query["sig"].ToString();
        var now = store.Clock.Now;
        if (sig.Length == 0 || !_issued.TryGetValue(sig, out var sas) || !string.Equals(sas.VmId, parts[0], StringComparison.OrdinalIgnoreCase)
            || request.Query["sp"].ToString() != "r" || request.Query["sr"].ToString() != "b")
        {
            return StorageError(403, "AuthenticationFailed",
                "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
                "Signature did not match.");
        }

        if (now >= sas.Expiry)
        {
            return StorageError(403, "AuthenticationFailed",
                "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
                string.Create(CultureInfo.InvariantCulture,
                    $"Signed expiry time [{sas.Expiry.UtcDateTime:R}] must be after signed start time [{sas.Start.UtcDateTime:R}] and current time [{now.UtcDateTime:R}]: signature not valid in the specified time frame."));
        }

        var vm = store.Subscriptions.All.SelectMany(s => s.ResourceGroups.All).SelectMany(rg => rg.VirtualMachines.All)
            .FirstOrDefault(v => string.Equals(v.VmId, parts[0], StringComparison.OrdinalIgnoreCase));
        if (vm is null)
        {
            return StorageError(404, "BlobNotFound", "The specified blob does not exist.", null);
        }

        // The world can say that the blobs are gone (a deleted container) or that there is no screenshot.
        if (vm.BootDiagnosticsBlobsMissing || (parts[1] == ScreenshotBmp && vm.WorldBoot is { Screenshot: false }))
        {
            return StorageError(404, "BlobNotFound", "The specified blob does not exist.", null);
        }

        return parts[1] == SerialLog
            ? (200, "text/plain; charset=utf-8", (null, SerialConsoleLog.Compose(vm, store.Clock, store.SerialLog)), null)
            : (200, "image/bmp", (Screenshot.Of(vm), null), null);
    }

    private static (int, string, (byte[]?, SerialLogBody?), string?) StorageError(int status, string code, string message, string? detail)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>").Append(code).Append("</Code><Message>")
            .Append(System.Security.SecurityElement.Escape(message)).Append("</Message>");
        if (detail is not null)
        {
            xml.Append("<AuthenticationErrorDetail>").Append(System.Security.SecurityElement.Escape(detail)).Append("</AuthenticationErrorDetail>");
        }

        xml.Append("</Error>");
        return (status, "application/xml", (Encoding.UTF8.GetBytes(xml.ToString()), null), code);
    }
}
