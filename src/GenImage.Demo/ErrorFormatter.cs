using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace GenImage.Demo;

/// <summary>Renders error records as short, readable text: message, error id, category and script position.</summary>
public static class ErrorFormatter
{
    /// <summary>The message, then <c>ErrorId: … Category: …</c>, then <c>At file:line char:col</c> when known.</summary>
    public static string Format(ErrorRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var text = new StringBuilder(Message(record));
        text.Append('\n').Append("ErrorId: ").Append(record.FullyQualifiedErrorId)
            .Append("  Category: ").Append(record.CategoryInfo.Category.ToString());
        var invocation = record.InvocationInfo;
        if (invocation is not null && invocation.ScriptLineNumber > 0)
        {
            var where = string.IsNullOrEmpty(invocation.ScriptName) ? "<script>" : Path.GetFileName(invocation.ScriptName);
            text.Append('\n').Append("At ").Append(where).Append(':')
                .Append(invocation.ScriptLineNumber.ToString(CultureInfo.InvariantCulture))
                .Append(" char:").Append(invocation.OffsetInLine.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>The text a user reads first: the error details' message when set, else the exception's.</summary>
    public static string Message(ErrorRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var details = record.ErrorDetails?.Message;
        if (!string.IsNullOrWhiteSpace(details))
        {
            return details!;
        }

        return record.Exception?.Message ?? record.ToString();
    }
}
