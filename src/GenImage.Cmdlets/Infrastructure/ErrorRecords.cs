using System.Management.Automation;
using GenImage.Core.Errors;

namespace GenImage.Cmdlets.Infrastructure;

/// <summary>Turns engine errors into ErrorRecords with a stable id, an accurate category and the real exception.</summary>
internal static class ErrorRecords
{
    public const string Prefix = "GenImage.";

    public static ErrorRecord From(GenImageException ex, object? target)
    {
        var record = new ErrorRecord(ex, Prefix + ex.ErrorId, Category(ex.Kind), target ?? ex.Target);
        if (ex.ArmErrorCode != null)
        {
            record.ErrorDetails = new ErrorDetails(ex.Message)
            {
                RecommendedAction = Recommended(ex),
            };
        }
        return record;
    }

    public static ErrorRecord Argument(string errorId, string message, object? target) =>
        From(new GenImageException(errorId, GenImageErrorKind.InvalidArgument, message) { Target = target?.ToString() }, target);

    public static ErrorRecord NotFound(string errorId, string message, object? target, System.Exception? inner = null) =>
        From(new GenImageException(errorId, GenImageErrorKind.ObjectNotFound, message, inner) { Target = target?.ToString() }, target);

    public static ErrorCategory Category(GenImageErrorKind kind) => kind switch
    {
        GenImageErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        GenImageErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        GenImageErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        GenImageErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        GenImageErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        GenImageErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        GenImageErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        GenImageErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        GenImageErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        GenImageErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        GenImageErrorKind.OperationStopped => ErrorCategory.OperationStopped,
        GenImageErrorKind.InvalidData => ErrorCategory.InvalidData,
        GenImageErrorKind.NotConnected => ErrorCategory.ConnectionError,
        GenImageErrorKind.WriteError => ErrorCategory.WriteError,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>
    /// What the operator can do about a refused ARM call. The Activity Log records write operations only, so it is
    /// named only where a write failed; a failed read is never sent there.
    /// </summary>
    internal static string Recommended(GenImageException ex)
    {
        switch (ex.ArmErrorCode)
        {
            case "AuthorizationFailed":
            case "LinkedAuthorizationFailed":
                return "Grant the signed-in principal (Get-GenImageContext shows it) a role that allows this action at this scope, then retry.";
            case "OperationNotAllowed":
                return "Bring the resource into a state that allows the operation (see the message), then retry.";
            case "TooManyRequests":
                return "Azure Resource Manager is throttling this subscription: wait a few minutes, then retry.";
            case "Conflict":
            case "OperationInProgress":
                return "Another operation on the resource is still running: wait until it ends (its provisioning state shows it), then retry.";
        }
        if (ex.HttpStatus == 404 || ex.Kind == GenImageErrorKind.ObjectNotFound)
        {
            return "Check the names in the message and the subscription (Get-GenImageContext): list what exists with " +
                "Get-SourceVm, Get-GalleryImageDefinition or Get-GalleryImageVersion, then retry with an existing name or id.";
        }
        if (ex.HttpStatus is int status && status >= 500)
        {
            return "Azure failed to answer; retry. If it keeps failing, open an Azure support request quoting the request id and correlation id in the message.";
        }
        return "Correct what the message names, then retry. For a failed change, the Activity Log lists the operation under the correlation id in the message.";
    }
}
