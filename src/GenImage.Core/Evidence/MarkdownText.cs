using System;
using System.Globalization;

namespace GenImage.Core.Evidence;

/// <summary>What the markdown reports (evidence, diagnosis) write the same way: table cells and times.</summary>
internal static class MarkdownText
{
    /// <summary>A time as the reports show it: UTC, to the second.</summary>
    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Text made safe for one table cell: no pipe that ends the cell, no line break that ends the row.</summary>
    public static string Cell(string text) => text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
