using System;
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
    /// What the operator can do about a refused ARM call: each text names a step that works from where the operator is.
    /// The Activity Log is never suggested: it records writes only, so it cannot explain a failed read, and a refused
    /// write's message already carries the request and correlation ids that a support request needs.
    /// </summary>
    internal static string Recommended(GenImageException ex)
    {
        var code = ex.ArmErrorCode ?? string.Empty;
        switch (code)
        {
            case "AuthorizationFailed":
            case "LinkedAuthorizationFailed":
                return "Grant the signed-in principal (Get-GenImageContext shows it) a role that allows the action the message names at this scope " +
                       "(Test-GenImagePermission checks a recipe's needs), then retry.";
            case "InvalidAuthenticationToken":
            case "ExpiredAuthenticationToken":
            case "InvalidAuthenticationTokenTenant":
                return "The sign-in is no longer accepted: run Connect-GenImage again (with -Tenant for the subscription's tenant), then retry.";
            case "RequestDisallowedByPolicy":
            case "DisallowedByPolicy":
                return "An Azure Policy assignment denies this request (the message names it): change the request to comply, or ask the policy's owner for an exemption.";
            case "MissingSubscriptionRegistration":
                return "Register the resource provider the message names in this subscription (Azure portal: Subscription > Resource providers > Register), then retry.";
            case "SkuNotAvailable":
                return "The size is not offered to this subscription in that region: choose another size (-VmSize) or region, then retry.";
            case "QuotaExceeded":
                return "A quota of the subscription is used up (the message names it): request an increase (Azure portal: Quotas) or use a smaller size or another region.";
            case "OperationNotAllowed" when ex.Message.IndexOf("quota", StringComparison.OrdinalIgnoreCase) >= 0:
                return "A quota of the subscription is used up (the message names it): request an increase (Azure portal: Quotas) or use a smaller size or another region.";
            case "OperationNotAllowed":
                return "Bring the resource into a state that allows the operation (the message says which), then retry.";
            case "TooManyRequests":
                return "Azure Resource Manager is throttling this subscription: wait a few minutes, then retry.";
            case "Conflict":
            case "OperationInProgress":
                return "Another operation on the resource is still running: wait until it ends (its provisioning state shows it), then retry.";
        }
        if (ex.HttpStatus == 401)
        {
            return "The sign-in is no longer accepted: run Connect-GenImage again, then retry.";
        }
        if (ex.HttpStatus == 404 || ex.Kind == GenImageErrorKind.ObjectNotFound)
        {
            return "Check the names in the message and the subscription (Get-GenImageContext): list what exists with " +
                "Get-SourceVm, Get-GalleryImageDefinition or Get-GalleryImageVersion, then retry with an existing name or id.";
        }
        if (ex.HttpStatus == 409)
        {
            return "Another operation on the resource is still running: wait until it ends (its provisioning state shows it), then retry.";
        }
        if (ex.HttpStatus is int status && status >= 500)
        {
            return "Azure failed to answer; retry. If it keeps failing, open an Azure support request quoting the request id and correlation id in the message.";
        }
        return "Correct the value ARM's message names (its code and text are in the message), then retry. When asking for help, quote the request id " +
               "and correlation id in the message.";
    }
}
