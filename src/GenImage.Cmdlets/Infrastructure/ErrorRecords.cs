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
        new ErrorRecord(new PSArgumentException(message), Prefix + errorId, ErrorCategory.InvalidArgument, target);

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
        _ => ErrorCategory.NotSpecified,
    };

    private static string Recommended(GenImageException ex) => ex.ArmErrorCode switch
    {
        "AuthorizationFailed" => "Grant the signed-in principal a role that allows this action at this scope, then retry.",
        "OperationNotAllowed" => "Bring the resource into a state that allows the operation (see the message), then retry.",
        "TooManyRequests" => "ARM is throttling this subscription; wait and retry.",
        _ => "Search the Activity Log for the correlation id in the message.",
    };
}
