using System;

namespace GenImage.Core.Errors;

/// <summary>What kind of failure an error is; the cmdlets map it to a PowerShell ErrorCategory.</summary>
public enum GenImageErrorKind : long
{
    NotSpecified,
    InvalidArgument,
    InvalidOperation,
    ObjectNotFound,
    ResourceExists,
    PermissionDenied,
    AuthenticationError,
    LimitsExceeded,
    ResourceUnavailable,
    ConnectionError,
    OperationTimeout,
    OperationStopped,
    InvalidData,
    NotConnected,
    /// <summary>A file could not be written (a full disk is LimitsExceeded, a denied folder PermissionDenied).</summary>
    WriteError,
}

/// <summary>
/// An error with a stable id that scripts can test (<see cref="ErrorId"/>), a kind, and for ARM failures
/// the ARM error code, HTTP status, request id and correlation id.
/// </summary>
public class GenImageException : Exception
{
    public GenImageException(string errorId, GenImageErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId ?? throw new ArgumentNullException(nameof(errorId));
        Kind = kind;
    }

    /// <summary>Stable id, without the "GenImage." prefix that the cmdlets add.</summary>
    public string ErrorId { get; }

    public GenImageErrorKind Kind { get; }

    /// <summary>The resource the error is about (a resource id, a file path), when known.</summary>
    public string? Target { get; set; }

    public string? ArmErrorCode { get; set; }
    public int? HttpStatus { get; set; }
    public string? RequestId { get; set; }
    public string? CorrelationId { get; set; }
}

/// <summary>Stable error ids of the engine.</summary>
public static class ErrorIds
{
    public const string NotConnected = "NotConnected";
    public const string ResourceNotFound = "ResourceNotFound";
    public const string InvalidResourceId = "InvalidResourceId";
    public const string VmNotPrepared = "VmNotPrepared";
    public const string PreparationUnproven = "PreparationUnproven";
    public const string GuestPreparationFailed = "GuestPreparationFailed";
    public const string GeneralizeNotVerified = "GeneralizeNotVerified";
    public const string UnsupportedOsType = "UnsupportedOsType";
    public const string Timeout = "Timeout";
    public const string Stopped = "Stopped";
    public const string ConnectFailed = "ConnectFailed";
    public const string EmulatorConnectionFile = "EmulatorConnectionFile";
    public const string SubscriptionNotFound = "SubscriptionNotFound";
    public const string ArmRequestFailed = "ArmRequestFailed";
    public const string InvalidArgument = "InvalidArgument";
    public const string DiskFull = "DiskFull";
    public const string PathNotFound = "PathNotFound";
    public const string PathAccessDenied = "PathAccessDenied";
    public const string FileInUse = "FileInUse";
    public const string FileIOFailed = "FileIOFailed";
    public const string UnexpectedError = "UnexpectedError";
}
