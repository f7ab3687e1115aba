using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace GenImage.Demo;

/// <summary>How <see cref="ConsoleHost"/> answers a confirmation (ShouldProcess / ShouldContinue) prompt.</summary>
public enum ConfirmAnswer
{
    /// <summary>Answer "No". A script that means to go ahead passes <c>-Force</c> or <c>-Confirm:$false</c>.</summary>
    Decline,

    /// <summary>Answer "Yes".</summary>
    Accept,
}

/// <summary>One question the host was asked and what it answered.</summary>
public sealed record HostPrompt(string Caption, string Message, string Answer);

/// <summary>
/// A non-interactive PowerShell host that writes to a <see cref="TextWriter"/>: output lines (so
/// <c>Out-Default</c> renders format views as tables and lists), <c>ERROR: </c>, <c>WARNING: </c>,
/// <c>VERBOSE: </c> and <c>DEBUG: </c> lines (verbose and debug only when the preference lets the engine
/// send them), and progress as one short line per change.
/// </summary>
/// <remarks>
/// Nobody sits at this host, so it never waits for input:
/// <list type="bullet">
/// <item>confirmation prompts are answered with <see cref="ConfirmAnswer"/> (by default "No"): a script that
/// should go ahead passes <c>-Force</c> or <c>-Confirm:$false</c>, exactly as an unattended runbook must;</item>
/// <item>a prompt for values (for example a missing mandatory parameter) fails the way
/// <c>pwsh -NonInteractive</c> does, with a "missing mandatory parameters" error;</item>
/// <item><c>ReadLine</c> returns an empty string; reading secure input and prompting for credentials are not supported.</item>
/// </list>
/// Every line written is also kept in <see cref="Transcript"/>.
/// </remarks>
public sealed class ConsoleHost : PSHost
{
    private readonly ConsoleHostUserInterface _ui;
    private readonly Guid _instanceId = Guid.NewGuid();

    /// <summary>Creates a host writing to <paramref name="writer"/> (or nowhere, when null; the transcript is kept either way).</summary>
    /// <param name="writer">Where lines go.</param>
    /// <param name="useColor">Colour the ERROR and WARNING lines with ANSI escapes; by default only when
    /// <paramref name="writer"/> is the console's own output and that output is not redirected.</param>
    /// <param name="width">Line width offered to the formatter (tables are laid out for it).</param>
    public ConsoleHost(TextWriter? writer = null, bool? useColor = null, int width = 120)
    {
        writer ??= TextWriter.Null;
        var color = useColor ?? (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected);
        _ui = new ConsoleHostUserInterface(writer, color, width);
    }

    /// <inheritdoc />
    public override string Name => "GenImageHost";

    /// <inheritdoc />
    public override Version Version { get; } = typeof(ConsoleHost).Assembly.GetName().Version ?? new Version(0, 1);

    /// <inheritdoc />
    public override Guid InstanceId => _instanceId;

    /// <inheritdoc />
    public override PSHostUserInterface UI => _ui;

    /// <inheritdoc />
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

    /// <inheritdoc />
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    /// <summary>How confirmation prompts are answered. Default: <see cref="ConfirmAnswer.Decline"/>.</summary>
    public ConfirmAnswer ConfirmAnswer
    {
        get => _ui.ConfirmAnswer;
        set => _ui.ConfirmAnswer = value;
    }

    /// <summary>Every confirmation the host was asked, in order, with its answer.</summary>
    public IReadOnlyList<HostPrompt> Prompts => _ui.Prompts;

    /// <summary>Everything written so far, as lines separated by <c>\n</c>, without colour.</summary>
    public string Transcript => _ui.Transcript;

    /// <summary>Length of <see cref="Transcript"/>; lets a caller take what was written after a point.</summary>
    public int TranscriptLength => _ui.TranscriptLength;

    /// <summary>The transcript from <paramref name="start"/> on.</summary>
    public string TranscriptSince(int start) => _ui.TranscriptSince(start);

    /// <summary>The exit code a script asked for with <c>exit</c>, if any.</summary>
    public int? ShouldExitCode { get; private set; }

    /// <summary>Writes an <c>ERROR: </c> line, as the engine would for an error record.</summary>
    public void WriteErrorRecord(ErrorRecord record) => _ui.WriteErrorLine(ErrorFormatter.Format(record));

    /// <inheritdoc />
    public override void SetShouldExit(int exitCode) => ShouldExitCode = exitCode;

    /// <inheritdoc />
    public override void EnterNestedPrompt() =>
        throw new NotSupportedException("This host has no interactive prompt; nested prompts (for example $Host.EnterNestedPrompt() or Suspend) are not supported.");

    /// <inheritdoc />
    public override void ExitNestedPrompt() =>
        throw new NotSupportedException("This host has no interactive prompt; nested prompts are not supported.");

    /// <inheritdoc />
    public override void NotifyBeginApplication()
    {
    }

    /// <inheritdoc />
    public override void NotifyEndApplication()
    {
    }
}

/// <summary>The user interface of <see cref="ConsoleHost"/>.</summary>
public sealed class ConsoleHostUserInterface : PSHostUserInterface
{
    private const string Red = "\u001b[91m";
    private const string Yellow = "\u001b[93m";
    private const string Reset = "\u001b[0m";

    private static readonly Regex AnsiEscape = new("\u001b\\[[0-9;?]*[ -/]*[@-~]", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private readonly TextWriter _writer;
    private readonly bool _color;
    private readonly ConsoleHostRawUserInterface _raw;
    private readonly object _gate = new();
    private readonly StringBuilder _transcript = new();
    private readonly Dictionary<(long Source, int Activity), string> _progress = new();
    private readonly List<HostPrompt> _prompts = new();

    internal ConsoleHostUserInterface(TextWriter writer, bool color, int width)
    {
        _writer = writer;
        _color = color;
        _raw = new ConsoleHostRawUserInterface(width);
    }

    internal ConfirmAnswer ConfirmAnswer { get; set; } = ConfirmAnswer.Decline;

    internal IReadOnlyList<HostPrompt> Prompts
    {
        get
        {
            lock (_gate)
            {
                return _prompts.ToArray();
            }
        }
    }

    internal string Transcript
    {
        get
        {
            lock (_gate)
            {
                return _transcript.ToString();
            }
        }
    }

    internal int TranscriptLength
    {
        get
        {
            lock (_gate)
            {
                return _transcript.Length;
            }
        }
    }

    internal string TranscriptSince(int start)
    {
        lock (_gate)
        {
            start = Math.Clamp(start, 0, _transcript.Length);
            return _transcript.ToString(start, _transcript.Length - start);
        }
    }

    /// <inheritdoc />
    public override PSHostRawUserInterface RawUI => _raw;

    /// <summary>True only when the host colours its lines; otherwise escape sequences are removed from what is written.</summary>
    public override bool SupportsVirtualTerminal => _color;

    /// <inheritdoc />
    public override void Write(string value) => Emit(value, newLine: false, colorCode: null);

    /// <inheritdoc />
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) =>
        Emit(value, newLine: false, colorCode: null);

    /// <inheritdoc />
    public override void WriteLine(string value) => Emit(value, newLine: true, colorCode: null);

    /// <inheritdoc />
    public override void WriteErrorLine(string value) => Emit(Prefix("ERROR: ", value), newLine: true, colorCode: Red);

    /// <inheritdoc />
    public override void WriteWarningLine(string message) => Emit(Prefix("WARNING: ", message), newLine: true, colorCode: Yellow);

    /// <inheritdoc />
    public override void WriteVerboseLine(string message) => Emit(Prefix("VERBOSE: ", message), newLine: true, colorCode: null);

    /// <inheritdoc />
    public override void WriteDebugLine(string message) => Emit(Prefix("DEBUG: ", message), newLine: true, colorCode: null);

    /// <summary>One line per change in words or per quarter of progress: <c>[Activity] Status 45%</c>; a Completed record prints nothing.</summary>
    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var key = (sourceId, record.ActivityId);
        string? line = null;
        lock (_gate)
        {
            if (record.RecordType == ProgressRecordType.Completed)
            {
                _progress.Remove(key);
                return;
            }
            var text = new StringBuilder();
            text.Append('[').Append(record.Activity).Append(']');
            if (!string.IsNullOrWhiteSpace(record.StatusDescription))
            {
                text.Append(' ').Append(record.StatusDescription);
            }

            if (record.PercentComplete >= 0)
            {
                text.Append(' ').Append(record.PercentComplete.ToString(CultureInfo.InvariantCulture)).Append('%');
            }

            var candidate = text.ToString();
            // A line is printed when the status changes in words, or the percentage crosses a quarter:
            // a console log of every percent of a long replication helps nobody.
            var shape = System.Text.RegularExpressions.Regex.Replace(record.StatusDescription ?? string.Empty, @"\d+%?", "#") +
                "|" + (record.PercentComplete < 0 ? -1 : record.PercentComplete / 25).ToString(CultureInfo.InvariantCulture);
            if (!_progress.TryGetValue(key, out var last) || last != shape)
            {
                _progress[key] = shape;
                line = candidate;
            }
        }
        if (line is not null)
        {
            Emit(line, newLine: true, colorCode: null);
        }
    }

    /// <summary>Returns an empty line: there is nobody to type one.</summary>
    public override string ReadLine() => string.Empty;

    /// <summary>Not supported: there is nobody to type a secret, and none is ever read from a file either.</summary>
    public override SecureString ReadLineAsSecureString() =>
        throw new NotSupportedException("This host is not interactive and cannot read secure input. Pass the value as a parameter (for example a PSCredential to -Credential).");

    /// <summary>
    /// Fails as <c>pwsh -NonInteractive</c> does; for a missing mandatory parameter the engine reports
    /// "missing mandatory parameters" naming it.
    /// </summary>
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        var fields = descriptions is null ? string.Empty : string.Join(", ", descriptions.Select(d => d.Name));
        lock (_gate)
        {
            _prompts.Add(new HostPrompt(caption ?? string.Empty, message ?? string.Empty, "(not answered: " + fields + ")"));
        }

        throw new PSInvalidOperationException(
            $"This host is not interactive and cannot prompt for {(fields.Length == 0 ? "input" : fields)}. Pass every value as a parameter.");
    }

    /// <inheritdoc cref="ReadLineAsSecureString" />
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw new NotSupportedException("This host is not interactive and cannot prompt for credentials. Pass a PSCredential to -Credential.");

    /// <inheritdoc cref="ReadLineAsSecureString" />
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
        PromptForCredential(caption, message, userName, targetName);

    /// <summary>
    /// Answers a choice without asking: "No" (or "Yes" when the host accepts), otherwise the default choice.
    /// </summary>
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var wanted = ConfirmAnswer == ConfirmAnswer.Accept ? "Yes" : "No";
        var index = -1;
        for (var i = 0; i < choices.Count; i++)
        {
            if (string.Equals(choices[i].Label.Replace("&", string.Empty, StringComparison.Ordinal), wanted, StringComparison.OrdinalIgnoreCase))
            {
                index = i;
                break;
            }
        }
        if (index < 0)
        {
            index = defaultChoice;
        }

        if (index < 0 || index >= choices.Count)
        {
            throw new PSInvalidOperationException($"This host is not interactive and cannot choose an answer to '{caption}: {message}'.");
        }
        var answer = choices[index].Label.Replace("&", string.Empty, StringComparison.Ordinal);
        lock (_gate)
        {
            _prompts.Add(new HostPrompt(caption ?? string.Empty, message ?? string.Empty, answer));
        }

        Emit($"{(string.IsNullOrEmpty(caption) ? "Confirm" : caption)}: {message} -> answered '{answer}' (not interactive)", newLine: true, colorCode: null);
        return index;
    }

    private static string Prefix(string prefix, string? value)
    {
        value ??= string.Empty;
        // Indent continuation lines under the first, so a multi-line message stays readable.
        return prefix + value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\n" + new string(' ', prefix.Length), StringComparison.Ordinal);
    }

    private void Emit(string? value, bool newLine, string? colorCode)
    {
        value ??= string.Empty;
        // The formatter decorates table headers with ANSI escapes; the transcript never keeps them, and
        // the writer gets them only when this host colours its output.
        var plain = value.Contains('\u001b', StringComparison.Ordinal) ? AnsiEscape.Replace(value, string.Empty) : value;
        if (!_color)
        {
            value = plain;
        }

        lock (_gate)
        {
            _transcript.Append(plain);
            if (newLine)
            {
                _transcript.Append('\n');
            }

            if (_color && colorCode is not null)
            {
                _writer.Write(colorCode + value + Reset);
            }
            else
            {
                _writer.Write(value);
            }

            if (newLine)
            {
                _writer.WriteLine();
            }

            _writer.Flush();
        }
    }
}

/// <summary>The raw user interface of <see cref="ConsoleHost"/>: a fixed-size buffer and no keyboard.</summary>
public sealed class ConsoleHostRawUserInterface : PSHostRawUserInterface
{
    private readonly Size _buffer;
    private readonly Size _window;

    internal ConsoleHostRawUserInterface(int width)
    {
        if (width < 40)
        {
            width = 40;
        }

        _buffer = new Size(width, 9999);
        _window = new Size(width, 50);
    }

    /// <inheritdoc />
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

    /// <inheritdoc />
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

    /// <inheritdoc />
    public override Size BufferSize
    {
        get => _buffer;
        set { }
    }

    /// <inheritdoc />
    public override Coordinates CursorPosition { get; set; }

    /// <inheritdoc />
    public override int CursorSize { get; set; } = 25;

    /// <inheritdoc />
    public override bool KeyAvailable => false;

    /// <inheritdoc />
    public override Size MaxPhysicalWindowSize => _window;

    /// <inheritdoc />
    public override Size MaxWindowSize => _window;

    /// <inheritdoc />
    public override Coordinates WindowPosition { get; set; }

    /// <inheritdoc />
    public override Size WindowSize
    {
        get => _window;
        set { }
    }

    /// <inheritdoc />
    public override string WindowTitle { get; set; } = "GenImage";

    /// <inheritdoc />
    public override void FlushInputBuffer()
    {
    }

    /// <inheritdoc />
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) =>
        throw new NotSupportedException("This host keeps no screen buffer.");

    /// <inheritdoc />
    public override KeyInfo ReadKey(ReadKeyOptions options) =>
        throw new NotSupportedException("This host is not interactive and cannot read keys.");

    /// <inheritdoc />
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
    {
    }

    /// <inheritdoc />
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
    {
    }

    /// <inheritdoc />
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
    {
    }
}
