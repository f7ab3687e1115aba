using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Azure;

namespace GenImage.Core.Errors;

/// <summary>Turns Azure SDK failures into <see cref="GenImageException"/>s an operator can act on.</summary>
public static class ArmErrors
{
    /// <summary>
    /// Translates a failed ARM request. <paramref name="action"/> says what was being done ("generalize"),
    /// <paramref name="resourceId"/> on what.
    /// </summary>
    public static GenImageException Translate(RequestFailedException ex, string action, string resourceId)
    {
        if (ex == null)
        {
            throw new ArgumentNullException(nameof(ex));
        }

        var raw = ex.GetRawResponse();
        var code = ex.ErrorCode;
        string? armMessage = null;
        if (raw != null)
        {
            ReadArmError(raw, ref code, out armMessage);
        }

        var requestId = Header(raw, "x-ms-request-id");
        var correlationId = Header(raw, "x-ms-correlation-request-id");
        var status = ex.Status;
        code = string.IsNullOrEmpty(code) ? null : code;

        var text = armMessage ?? FirstLine(ex.Message);
        var ids = requestId == null && correlationId == null
            ? string.Empty
            : $" (request id {requestId ?? "none"}, correlation id {correlationId ?? "none"})";
        var message = status == 0
            ? $"Could not {action} '{resourceId}': {text}"
            : $"Could not {action} '{resourceId}': ARM answered {status} {code ?? "(no code)"}: {text}{ids}";

        var (errorId, kind) = Classify(status, code);
        return new GenImageException(errorId, kind, message, ex)
        {
            Target = resourceId,
            ArmErrorCode = code,
            HttpStatus = status == 0 ? (int?)null : status,
            RequestId = requestId,
            CorrelationId = correlationId,
        };
    }

    /// <summary>True for the exceptions an ARM call throws: a failed request, or transport failures after retries.</summary>
    public static bool IsArmFailure(Exception ex) =>
        ex is RequestFailedException ||
        ex is System.Net.Http.HttpRequestException ||
        (ex is AggregateException agg && agg.InnerExceptions.Count > 0 && agg.InnerExceptions.All(IsArmFailure));

    /// <summary>
    /// Translates any ARM failure (see <see cref="IsArmFailure"/>). Transport failures (connection refused,
    /// TLS, after the SDK's retries) become ConnectionError errors.
    /// </summary>
    public static GenImageException TranslateAny(Exception ex, string action, string resourceId)
    {
        if (ex is RequestFailedException rfe)
        {
            return Translate(rfe, action, resourceId);
        }

        if (ex is AggregateException agg)
        {
            var last = agg.InnerExceptions[agg.InnerExceptions.Count - 1];
            if (last is RequestFailedException lastRfe && lastRfe.Status != 0)
            {
                return Translate(lastRfe, action, resourceId);
            }

            return Transport(last.InnerException ?? last, action, resourceId, agg, agg.InnerExceptions.Count);
        }
        return Transport(ex, action, resourceId, ex, 1);
    }

    private static GenImageException Transport(Exception cause, string action, string resourceId, Exception original, int tries)
    {
        var detail = cause.Message;
        for (var inner = cause.InnerException; inner != null; inner = inner.InnerException)
        {
            detail = inner.Message;
        }

        return new GenImageException(ErrorIds.ConnectFailed, GenImageErrorKind.ConnectionError,
            $"Could not {action} '{resourceId}': Azure Resource Manager could not be reached ({detail}; {tries} attempt(s)). " +
            "Check the network path to the endpoint; for the emulator, check that it is running and that the pinned certificate thumbprint matches the one it printed.",
            original)
        { Target = resourceId };
    }

    /// <summary>ARM codes of trouble on Azure's side that a later attempt may not meet (retry later).</summary>
    private static readonly HashSet<string> TransientCodes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "InternalExecutionError", "InternalServerError", "InternalOperationError", "OSProvisioningInternalError", "ServiceUnavailable",
            "TooManyRequests", "RetryableError", "GatewayTimeout", "AllocationFailed", "ZonalAllocationFailed",
            "OverconstrainedAllocationRequest", "OverconstrainedZonalAllocationRequest", "OperationPreempted", "Conflict",
            ErrorIds.ConnectFailed,
        };

    /// <summary>True for an ARM error code of transient trouble on Azure's side.</summary>
    public static bool IsTransientCode(string? code) => code != null && TransientCodes.Contains(code);

    /// <summary>True for an error Azure may not give again: a 5xx or 429, a dropped connection, a transient ARM code.</summary>
    public static bool IsTransient(GenImageException ex)
    {
        if (ex == null)
        {
            throw new ArgumentNullException(nameof(ex));
        }

        return ex.HttpStatus >= 500 || ex.HttpStatus == 429 || ex.Kind == GenImageErrorKind.ConnectionError ||
            IsTransientCode(ex.ArmErrorCode) || IsTransientCode(ex.ErrorId);
    }

    /// <summary>Stable error id and kind for an HTTP status and ARM code.</summary>
    public static (string ErrorId, GenImageErrorKind Kind) Classify(int status, string? armCode)
    {
        if (status == 404)
        {
            if (string.Equals(armCode, "SubscriptionNotFound", StringComparison.OrdinalIgnoreCase))
            {
                return (ErrorIds.SubscriptionNotFound, GenImageErrorKind.ObjectNotFound);
            }

            return (ErrorIds.ResourceNotFound, GenImageErrorKind.ObjectNotFound);
        }

        var id = armCode == null ? ErrorIds.ArmRequestFailed : "Arm" + armCode;
        GenImageErrorKind kind;
        switch (armCode)
        {
            case "AuthorizationFailed":
            case "LinkedAuthorizationFailed":
                kind = GenImageErrorKind.PermissionDenied; break;
            case "AuthenticationFailed":
            case "InvalidAuthenticationToken":
            case "ExpiredAuthenticationToken":
                kind = GenImageErrorKind.AuthenticationError; break;
            case "OperationNotAllowed":
            case "Conflict":
                kind = GenImageErrorKind.InvalidOperation; break;
            case "TooManyRequests":
            case "QuotaExceeded":
            case "OperationNotAllowedQuota":
                kind = GenImageErrorKind.LimitsExceeded; break;
            default:
                kind = status switch
                {
                    400 => GenImageErrorKind.InvalidArgument,
                    401 => GenImageErrorKind.AuthenticationError,
                    403 => GenImageErrorKind.PermissionDenied,
                    409 => GenImageErrorKind.InvalidOperation,
                    429 => GenImageErrorKind.LimitsExceeded,
                    0 => GenImageErrorKind.ConnectionError,
                    _ when status >= 500 => GenImageErrorKind.ResourceUnavailable,
                    _ => GenImageErrorKind.NotSpecified,
                };
                break;
        }
        return (id, kind);
    }

    private static void ReadArmError(Response raw, ref string? code, out string? message)
    {
        message = null;
        try
        {
            var content = raw.Content;
            if (content == null)
            {
                return;
            }

            using var doc = JsonDocument.Parse(content.ToMemory());
            if (doc.RootElement.ValueKind == JsonValueKind.Object &&
                doc.RootElement.TryGetProperty("error", out var error) &&
                error.ValueKind == JsonValueKind.Object)
            {
                if (error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
                {
                    code = c.GetString();
                }

                if (error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // Not an ARM error body: keep the SDK's message.
        }
        catch (InvalidOperationException)
        {
            // Content stream not buffered: keep the SDK's message.
        }
    }

    private static string? Header(Response? raw, string name) =>
        raw != null && raw.Headers.TryGetValue(name, out var value) ? value : null;

    private static string FirstLine(string text)
    {
        var i = text.IndexOf('\n');
        return (i < 0 ? text : text.Substring(0, i)).Trim();
    }
}
