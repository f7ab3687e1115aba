using System;
using System.IO;
using System.Security;

namespace GenImage.Core.Errors;

/// <summary>
/// Turns file-system failures (a full disk, a missing or read-only folder, a locked file) and other exceptions
/// that are not the module's own into <see cref="GenImageException"/>s that name the path and say what to do.
/// </summary>
public static class IoErrors
{
    // ERROR_DISK_FULL (112), ERROR_HANDLE_DISK_FULL (39) as HRESULTs; ENOSPC (28) as .NET reports it on Unix.
    private const int WinDiskFull = unchecked((int)0x80070070);
    private const int WinHandleDiskFull = unchecked((int)0x80070027);
    private const int WinSharingViolation = unchecked((int)0x80070020);
    private const int WinLockViolation = unchecked((int)0x80070021);
    private const int UnixNoSpace = 28;
    private const int UnixReadOnlyFileSystem = 30;

    /// <summary>True for the exceptions a file-system call throws.</summary>
    public static bool IsIoFailure(Exception ex) =>
        ex is IOException || ex is UnauthorizedAccessException || ex is SecurityException || ex is NotSupportedException || ex is PathTooLongException;

    /// <summary>True when the exception says the disk (or quota) is full.</summary>
    public static bool IsDiskFull(Exception ex) =>
        ex is IOException && (ex.HResult == WinDiskFull || ex.HResult == WinHandleDiskFull || ex.HResult == UnixNoSpace ||
            ex.Message.IndexOf("No space left on device", StringComparison.OrdinalIgnoreCase) >= 0 ||
            ex.Message.IndexOf("not enough space on the disk", StringComparison.OrdinalIgnoreCase) >= 0);

    /// <summary>
    /// A file-system failure while <paramref name="action"/> (e.g. "write the evidence bundle") at <paramref name="path"/>.
    /// </summary>
    public static GenImageException Translate(Exception ex, string action, string path)
    {
        if (ex == null)
        {
            throw new ArgumentNullException(nameof(ex));
        }

        if (ex is GenImageException g)
        {
            return g;
        }

        var detail = ex.Message.Trim().TrimEnd('.');
        if (IsDiskFull(ex))
        {
            return new GenImageException(ErrorIds.DiskFull, GenImageErrorKind.LimitsExceeded,
                $"Could not {action} at '{path}': the disk is full ({detail}). Free space on that drive (or choose another folder), then run again.", ex)
            { Target = path };
        }
        switch (ex)
        {
            case DirectoryNotFoundException _:
            case FileNotFoundException _:
                return new GenImageException(ErrorIds.PathNotFound, GenImageErrorKind.ObjectNotFound,
                    $"Could not {action} at '{path}': a folder on that path does not exist or is a file ({detail}). Check the path, or create the folder first.", ex)
                { Target = path };
            case UnauthorizedAccessException _:
            case SecurityException _:
                return new GenImageException(ErrorIds.PathAccessDenied, GenImageErrorKind.PermissionDenied,
                    $"Could not {action} at '{path}': access is denied ({detail}). Choose a folder this account may write to, or grant it access.", ex)
                { Target = path };
            case PathTooLongException _:
            case NotSupportedException _:
                return new GenImageException(ErrorIds.PathNotFound, GenImageErrorKind.InvalidArgument,
                    $"Could not {action} at '{path}': the path is not valid here ({detail}). Use a shorter, plain file-system path.", ex)
                { Target = path };
        }
        if (ex.HResult == WinSharingViolation || ex.HResult == WinLockViolation)
        {
            return new GenImageException(ErrorIds.FileInUse, GenImageErrorKind.ResourceUnavailable,
                $"Could not {action} at '{path}': another process holds the file ({detail}). Close it (an editor, a virus scanner, another run), then run again.", ex)
            { Target = path };
        }
        if (ex.HResult == UnixReadOnlyFileSystem)
        {
            return new GenImageException(ErrorIds.PathAccessDenied, GenImageErrorKind.PermissionDenied,
                $"Could not {action} at '{path}': the file system is read-only ({detail}). Choose a writable folder.", ex)
            { Target = path };
        }
        return new GenImageException(ErrorIds.FileIOFailed, GenImageErrorKind.WriteError,
            $"Could not {action} at '{path}': {detail}. Check the folder and the disk, then run again.", ex)
        { Target = path };
    }

    /// <summary>
    /// The last line of defence: an exception that is neither the module's own nor a cancellation, turned into a
    /// GenImage error that names the target. Bad ids and values become InvalidArgument; the rest UnexpectedError.
    /// </summary>
    public static GenImageException Unexpected(Exception ex, string? target)
    {
        if (ex == null)
        {
            throw new ArgumentNullException(nameof(ex));
        }

        if (ex is GenImageException g)
        {
            return g;
        }

        if (ex is AggregateException agg && agg.InnerExceptions.Count == 1)
        {
            return Unexpected(agg.InnerExceptions[0], target);
        }

        var where = string.IsNullOrEmpty(target) ? string.Empty : $" ('{target}')";
        if (IsIoFailure(ex))
        {
            return Translate(ex, "read or write a file", target ?? string.Empty);
        }

        if (ex is FormatException || ex is ArgumentException || ex is UriFormatException || ex is OverflowException)
        {
            return new GenImageException(ErrorIds.InvalidArgument, GenImageErrorKind.InvalidArgument,
                $"A value is not valid{where}: {ex.Message.Trim()} Check the ids and values given.", ex)
            { Target = target };
        }
        return new GenImageException(ErrorIds.UnexpectedError, GenImageErrorKind.NotSpecified,
            $"GenImage failed unexpectedly{where}: {ex.GetType().Name}: {ex.Message.Trim()} Run again with -Verbose and report it with the message if it persists.", ex)
        { Target = target };
    }
}
