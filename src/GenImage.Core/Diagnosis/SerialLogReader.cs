using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Evidence;

namespace GenImage.Core.Diagnosis;

/// <summary>
/// The caps that keep a serial log's footprint in memory flat whatever its size (docs/evidence.md, "Serial logs").
/// The whole log goes to a file, never to memory.
/// </summary>
public static class SerialLogLimits
{
    /// <summary>A line held in memory (excerpt, matched lines) is cut at this many characters and ends with "…".</summary>
    public const int MaxLineChars = 1024;

    /// <summary>The excerpt kept in results, the journal and evidence.json: at most this many UTF-8 bytes (its newest lines).</summary>
    public const int ExcerptMaxBytes = 16 * 1024;

    /// <summary>The excerpt's default number of lines (the last non-empty lines of the log).</summary>
    public const int ExcerptLines = 40;

    /// <summary>The largest number of lines asked for as a tail (Get-VmBootDiagnosis -SerialLogTail).</summary>
    public const int MaxTailLines = 1000;

    /// <summary>
    /// Lines that prove a boot failure (or show an agent) kept for the diagnosis, the first ones; later matches are
    /// counted, not kept. Context lines are kept around them (<see cref="ContextAround"/> before and after each) and
    /// the last <see cref="MaxKeptLines"/> of them, at most 2 x <see cref="MaxKeptLines"/> in all.
    /// </summary>
    public const int MaxKeptLines = 2000;

    /// <summary>Context lines kept before and after each kept evidence line.</summary>
    public const int ContextAround = 30;

    /// <summary>A line longer than this is checked for secrets and written in pieces of this many bytes.</summary>
    public const int PieceBytes = 64 * 1024;

    /// <summary>
    /// The newest lines of <paramref name="tail"/> whose texts fit in <paramref name="maxBytes"/> UTF-8 bytes (a newline
    /// between lines counted), oldest first.
    /// </summary>
    public static IList<SerialLogLine> Cap(IList<SerialLogLine> tail, int maxBytes = ExcerptMaxBytes)
    {
        var result = new List<SerialLogLine>();
        long total = 0;
        for (var i = tail.Count - 1; i >= 0; i--)
        {
            var size = Encoding.UTF8.GetByteCount(tail[i].Text) + (result.Count > 0 ? 1 : 0);
            if (total + size > maxBytes)
            {
                break;
            }

            total += size;
            result.Add(tail[i]);
        }
        result.Reverse();
        return result;
    }
}

/// <summary>How to read a serial log: where to save it and how many of its last lines to keep.</summary>
public sealed class SerialLogReadOptions
{
    /// <summary>The file the log is written to as it streams; null: the log is read, not saved.</summary>
    public string? DestinationPath { get; set; }

    /// <summary>The last non-empty lines to keep in memory.</summary>
    public int TailLines { get; set; } = SerialLogLimits.ExcerptLines;

    /// <summary>The lines to keep with their numbers (default: the evidence patterns of the boot-failure catalogue, with their context).</summary>
    public Regex? Keep { get; set; }

    /// <summary>
    /// False: keep no line but the tail (a log nobody will diagnose, e.g. a validation that passed); matching every
    /// line against the catalogue is what a large log costs in time.
    /// </summary>
    public bool ForDiagnosis { get; set; } = true;
}

/// <summary>A serial log read from its blob: the bounded text in memory and, when saved, the file with its size and SHA256.</summary>
public sealed class SerialLogCapture
{
    public SerialLogText Text { get; set; } = SerialLogText.Empty;

    /// <summary>The file written; null when the log was not saved.</summary>
    public string? FilePath { get; set; }

    /// <summary>The bytes written to the file (the blob's bytes, with secrets replaced on the lines that had one).</summary>
    public long FileBytes { get; set; }

    /// <summary>SHA256 of the file as written, lowercase hex.</summary>
    public string? Sha256 { get; set; }

    /// <summary>Lines whose secrets were replaced by [REDACTED] in the file and in memory.</summary>
    public int RedactedLines { get; set; }
}

/// <summary>
/// Streams a serial log from its blob to a file once, in 64 KiB buffers, while keeping in memory only what
/// <see cref="SerialLogLimits"/> allows. Lines with a secret (SAS, token, password, key) are written with the secret
/// replaced; every other byte is written as served, so the file equals the blob when nothing was redacted.
/// </summary>
public static class SerialLogReader
{
    private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, false);
    private static readonly string[] SecretWords = { "BEGIN", "eyJ", "Bearer", "pass", "pwd", "secret", "key", "token" };
    private static readonly Regex KeyBegin = new Regex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----", RegexOptions.CultureInvariant);
    private static readonly Regex KeyEnd = new Regex(@"-----END [A-Z ]*PRIVATE KEY-----", RegexOptions.CultureInvariant);

    /// <summary>Reads <paramref name="source"/> to its end (it is not disposed here).</summary>
    public static async Task<SerialLogCapture> ReadAsync(Stream source, SerialLogReadOptions options, CancellationToken cancellationToken)
    {
        if (source == null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        options ??= new SerialLogReadOptions();
        var state = new State(options.ForDiagnosis ? options.Keep ?? BootSignatureCatalog.EvidencePattern : null,
            options.ForDiagnosis && options.Keep == null ? BootSignatureCatalog.ContextPattern : null, Math.Max(0, Math.Min(options.TailLines, SerialLogLimits.MaxTailLines)));
        FileStream? file = null;
        string? path = null;
        if (options.DestinationPath != null)
        {
            try
            {
                path = Path.GetFullPath(options.DestinationPath);
                var folder = Path.GetDirectoryName(path);
                if (!string.IsNullOrEmpty(folder))
                {
                    Directory.CreateDirectory(folder);
                }

                file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, SerialLogLimits.PieceBytes);
            }
            catch (Exception ex) when (IoErrors.IsIoFailure(ex) || ex is ArgumentException)
            {
                throw IoErrors.Translate(ex, "write the serial log", options.DestinationPath);
            }
            state.File = file;
            state.Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }

        try
        {
            var buffer = new byte[SerialLogLimits.PieceBytes];
            int read;
            while ((read = await source.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
            {
                state.Feed(buffer, read);
            }
            state.End();
            file?.Flush(true);
        }
        catch (Exception ex) when (file != null && IoErrors.IsIoFailure(ex))
        {
            throw IoErrors.Translate(ex, "write the serial log", path!);
        }
        finally
        {
            file?.Dispose();
        }

        return new SerialLogCapture
        {
            Text = state.ToText(),
            FilePath = path,
            FileBytes = state.Written,
            Sha256 = state.Hash != null ? Sha256Sums.Hex(state.Hash.GetHashAndReset()) : null,
            RedactedLines = state.Redacted,
        };
    }

    private sealed class State
    {
        private readonly Regex? _keep;
        private readonly Regex? _context;
        private readonly int _tailLines;
        private readonly List<SerialLogLine> _kept = new List<SerialLogLine>();
        private readonly Dictionary<int, SerialLogLine> _near = new Dictionary<int, SerialLogLine>();
        private readonly Queue<SerialLogLine> _recentContext = new Queue<SerialLogLine>();
        private readonly Queue<SerialLogLine> _lastContext = new Queue<SerialLogLine>();
        private int _contextAfter;
        private readonly Queue<SerialLogLine> _tail = new Queue<SerialLogLine>();
        private readonly byte[] _line = new byte[SerialLogLimits.PieceBytes];
        private int _length;
        private bool _continued;
        private bool _inKey;
        private int _lineNumber;
        private long _bytes;
        private bool _hasText;
        private int _dropped;

        public State(Regex? keep, Regex? context, int tailLines)
        {
            _keep = keep;
            _context = context;
            _tailLines = tailLines;
        }

        public FileStream? File { get; set; }
        public IncrementalHash? Hash { get; set; }
        public long Written { get; private set; }
        public int Redacted { get; private set; }

        public void Feed(byte[] buffer, int count)
        {
            _bytes += count;
            var start = 0;
            while (start < count)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, count - start);
                var end = newline < 0 ? count : newline + 1;
                var take = end - start;
                while (take > 0)
                {
                    var room = _line.Length - _length;
                    var n = Math.Min(room, take);
                    Buffer.BlockCopy(buffer, start, _line, _length, n);
                    _length += n;
                    start += n;
                    take -= n;
                    if (_length == _line.Length && !(take == 0 && newline >= 0))
                    {
                        Piece(lineEnds: false);
                    }
                }
                if (newline >= 0)
                {
                    Piece(lineEnds: true);
                }
            }
        }

        public void End()
        {
            if (_length > 0 || _continued)
            {
                Piece(lineEnds: true);
            }
        }

        /// <summary>The bytes gathered so far: a whole line, or a piece of a long one.</summary>
        private void Piece(bool lineEnds)
        {
            var text = Utf8.GetString(_line, 0, _length);
            var redacted = Redact(text, out var changed);
            if (File != null)
            {
                if (changed)
                {
                    Write(Utf8.GetBytes(redacted));
                }
                else
                {
                    Write(_line, _length);
                }
            }
            if (changed)
            {
                Redacted++;
            }

            if (!_continued)
            {
                _lineNumber++;
                Remember(redacted.TrimEnd('\n', '\r'));
            }
            _length = 0;
            _continued = !lineEnds;
        }

        private string Redact(string text, out bool changed)
        {
            if (_inKey)
            {
                changed = true;
                if (KeyEnd.IsMatch(text))
                {
                    _inKey = false;
                }

                return text.EndsWith("\n", StringComparison.Ordinal) ? Redactor.Mask + "\n" : Redactor.Mask;
            }
            if (!MayHoldSecret(text))
            {
                changed = false;
                return text;
            }

            if (KeyBegin.IsMatch(text) && !KeyEnd.IsMatch(text))
            {
                _inKey = true;
            }

            if (Redactor.FindSecretValue(text) == null)
            {
                changed = false;
                return text;
            }
            changed = true;
            return Redactor.Redact(text);
        }

        /// <summary>
        /// False when no pattern of <see cref="Redactor"/> can match: each needs one of these words (a private key's
        /// BEGIN, a JWT's eyJ, Bearer, a password or key word) or an '=' (SAS, connection strings, storage keys).
        /// </summary>
        private static bool MayHoldSecret(string text)
        {
            if (text.IndexOf('=') >= 0)
            {
                return true;
            }

            foreach (var word in SecretWords)
            {
                if (text.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return true;
                }
            }
            return false;
        }

        private void Remember(string raw)
        {
            var text = SerialLogText.Clean(raw);
            if (text.Length > SerialLogLimits.MaxLineChars)
            {
                text = text.Substring(0, SerialLogLimits.MaxLineChars) + "…";
            }

            if (text.Length == 0)
            {
                return;
            }

            _hasText = true;
            var line = new SerialLogLine { LineNumber = _lineNumber, Text = text };
            if (_keep != null && _keep.IsMatch(text))
            {
                if (_kept.Count < SerialLogLimits.MaxKeptLines)
                {
                    _kept.Add(line);
                    // The context just before it, and the next context lines after it.
                    while (_recentContext.Count > 0)
                    {
                        Near(_recentContext.Dequeue());
                    }

                    _contextAfter = SerialLogLimits.ContextAround;
                }
                else
                {
                    _dropped++;
                }
            }
            else if (_context != null && _context.IsMatch(text))
            {
                if (_contextAfter > 0)
                {
                    _contextAfter--;
                    Near(line);
                }
                else
                {
                    Ring(_recentContext, line, SerialLogLimits.ContextAround);
                }

                Ring(_lastContext, line, SerialLogLimits.MaxKeptLines);
            }
            if (_tailLines > 0)
            {
                _tail.Enqueue(line);
                if (_tail.Count > _tailLines)
                {
                    _tail.Dequeue();
                }
            }
        }

        private void Near(SerialLogLine line)
        {
            if (_near.Count < SerialLogLimits.MaxKeptLines)
            {
                _near[line.LineNumber] = line;
            }
        }

        private static void Ring(Queue<SerialLogLine> ring, SerialLogLine line, int capacity)
        {
            ring.Enqueue(line);
            if (ring.Count > capacity)
            {
                ring.Dequeue();
            }
        }

        private void Write(byte[] bytes, int count = -1)
        {
            var n = count < 0 ? bytes.Length : count;
            File!.Write(bytes, 0, n);
            Hash!.AppendData(bytes, 0, n);
            Written += n;
        }

        public SerialLogText ToText()
        {
            if (_bytes == 0)
            {
                return SerialLogText.Empty;
            }

            // Evidence and context in log order, each line once.
            var all = new SortedDictionary<int, SerialLogLine>();
            foreach (var l in _lastContext.Concat(_near.Values).Concat(_kept))
            {
                all[l.LineNumber] = l;
            }

            return new SerialLogText(all.Values.ToList(), _tail.ToArray(), _lineNumber, _bytes, !_hasText, _dropped);
        }
    }
}
