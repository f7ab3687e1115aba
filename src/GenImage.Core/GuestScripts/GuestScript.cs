using System;
using System.Collections.Generic;

namespace GenImage.Core.Guest;

/// <summary>
/// One guest script as shipped in GenImage.Core: its text exactly as in the source file, and the
/// same text split into lines for Run Command's <c>script</c> array.
/// </summary>
public sealed class GuestScript
{
    /// <summary>Run Command id for Windows guests.</summary>
    public const string RunPowerShellScript = "RunPowerShellScript";

    /// <summary>Run Command id for Linux guests.</summary>
    public const string RunShellScript = "RunShellScript";

    internal GuestScript(GuestScriptKind kind, string name, int version, string fileName, string osType, string commandId, string text)
    {
        Kind = kind;
        Name = name;
        Version = version;
        FileName = fileName;
        OsType = osType;
        CommandId = commandId;
        Text = text;
        Lines = SplitLines(text);
    }

    /// <summary>Which script this is.</summary>
    public GuestScriptKind Kind { get; }

    /// <summary>The name in the script's marker line and in its result line, e.g. <c>prepare-windows</c>.</summary>
    public string Name { get; }

    /// <summary>The version in the marker line (<c># genimage-script: NAME/VERSION</c>).</summary>
    public int Version { get; }

    /// <summary>The file name in <c>src/GenImage.Core/GuestScripts</c>, e.g. <c>Prepare-Windows.ps1</c>.</summary>
    public string FileName { get; }

    /// <summary><c>Windows</c> or <c>Linux</c>.</summary>
    public string OsType { get; }

    /// <summary>The Run Command id to run it with: <c>RunPowerShellScript</c> or <c>RunShellScript</c>.</summary>
    public string CommandId { get; }

    /// <summary>The script text, exactly as embedded.</summary>
    public string Text { get; }

    /// <summary>The text split into lines, without line terminators; this is what Run Command receives.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The marker line every script starts with.</summary>
    public string MarkerLine => $"# genimage-script: {Name}/{Version}";

    /// <inheritdoc />
    public override string ToString() => $"{FileName} ({Name}/{Version}, {CommandId})";

    internal static IReadOnlyList<string> SplitLines(string text)
    {
        var lines = new List<string>(text.Split('\n'));
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].EndsWith("\r", StringComparison.Ordinal))
            {
                lines[i] = lines[i].Substring(0, lines[i].Length - 1);
            }
        }
        // The file's final newline ends the last line; it does not start another one.
        if (lines.Count > 0 && lines[lines.Count - 1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines.AsReadOnly();
    }
}
