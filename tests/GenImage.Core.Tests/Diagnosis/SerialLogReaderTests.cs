using System.Security.Cryptography;
using System.Text;
using GenImage.Core.Diagnosis;
using GenImage.Core.Evidence;
using GenImage.Core.Tests.Validation;
using GenImage.Core.Validation;

namespace GenImage.Core.Tests.Diagnosis;

/// <summary>
/// A serial log of any size is streamed to its file once, equal to the blob byte for byte, and memory keeps only the
/// capped excerpt and the lines the catalogue looks at.
/// </summary>
public sealed class SerialLogReaderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "genimage-seriallog-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, true);
        }
    }

    /// <summary>A log generated as it is read (never whole in memory), with the hash of every byte it served.</summary>
    internal sealed class GeneratedLog : Stream
    {
        private readonly Func<long, string> _line;
        private readonly long _size;
        private readonly int _maxRead;
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] _pending = Array.Empty<byte>();
        private int _offset;
        private long _index;

        /// <param name="size">Lines are served until this many bytes (the last one whole).</param>
        /// <param name="line">Line i, with its newline (or without, for a log that does not end with one).</param>
        /// <param name="maxRead">The most bytes one read returns (a slow network).</param>
        public GeneratedLog(long size, Func<long, string> line, int maxRead = int.MaxValue)
        {
            _size = size;
            _line = line;
            _maxRead = maxRead;
        }

        public long Served { get; private set; }
        public long Lines => _index;
        public string Sha256 => Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = 0;
            count = Math.Min(count, _maxRead);
            while (n < count)
            {
                if (_offset == _pending.Length)
                {
                    if (Served + n >= _size)
                    {
                        break;
                    }

                    _pending = Encoding.UTF8.GetBytes(_line(_index++));
                    _offset = 0;
                }
                var take = Math.Min(count - n, _pending.Length - _offset);
                Buffer.BlockCopy(_pending, _offset, buffer, offset + n, take);
                _offset += take;
                n += take;
            }
            _hash.AppendData(buffer, offset, n);
            Served += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Served; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static string Padding(long i) => $"2026-12-06 10:00:00.000  [  {i,10}] systemd[1]: Started Session {i} of User azureadmin.\n";

    [Fact]
    public async Task A_large_log_is_written_once_equal_to_the_blob_and_memory_keeps_the_tail_and_the_catalogue_lines()
    {
        // 8 MiB of ordinary lines with a kernel panic in the middle and at the end.
        var log = new GeneratedLog(8L * 1024 * 1024, i => i == 50_000 ? "[    3.398872] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n" : Padding(i));
        var path = Path.Combine(_folder, "serial.log");

        var capture = await SerialLogReader.ReadAsync(log, new SerialLogReadOptions { DestinationPath = path, TailLines = 40, Keep = new System.Text.RegularExpressions.Regex("Kernel panic|VFS:") }, CancellationToken.None);

        Assert.Equal(log.Served, new FileInfo(path).Length);
        Assert.Equal(log.Served, capture.FileBytes);
        Assert.Equal(log.Served, capture.Text.Bytes);
        Assert.Equal(log.Sha256, capture.Sha256);
        Assert.Equal(log.Sha256, Sha256Sums.HashFile(path));
        Assert.Equal(0, capture.RedactedLines);
        Assert.Equal(log.Lines, capture.Text.LineCount);
        var tail = capture.Text.Tail(1000);
        Assert.Equal(40, tail.Count);
        Assert.Equal(capture.Text.LineCount, tail[^1].LineNumber);
        // Only the panic line is kept with its number, not the 100,000 ordinary ones (the catalogue's patterns by default).
        var kept = Assert.Single(capture.Text.Lines);
        Assert.Contains("Kernel panic", kept);
        var panic = Assert.Single(capture.Text.Matching(new[] { new System.Text.RegularExpressions.Regex("Kernel panic") }));
        Assert.Equal(50_001, panic.LineNumber);
    }

    [Fact]
    public async Task Lines_cut_across_reads_of_any_size_match_the_catalogue_as_the_parsed_text_does()
    {
        foreach (var text in new[] { BootLogs.KernelPanic, BootLogs.Fstab, BootLogs.NoNetwork, BootLogs.UnattendFailed, BootLogs.LinuxHealthy })
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var trickle = new GeneratedLog(bytes.Length, i => i == 0 ? text : string.Empty, maxRead: 3);
            var streamed = (await SerialLogReader.ReadAsync(trickle, new SerialLogReadOptions(), CancellationToken.None)).Text;
            var parsed = SerialLogText.Parse(text);

            Assert.Equal(parsed.LineCount, streamed.LineCount);
            Assert.Equal(parsed.Bytes, streamed.Bytes);
            var facts = new BootFacts { OsType = text.Contains("SAC", StringComparison.Ordinal) ? "Windows" : "Linux", ProvisioningState = "Failed", ErrorCode = "OSProvisioningTimedOut" };
            facts.SerialLog = parsed;
            var expected = BootSignatureCatalog.Match(facts);
            facts.SerialLog = streamed;
            var actual = BootSignatureCatalog.Match(facts);
            Assert.Equal(expected?.Signature.Id, actual?.Signature.Id);
            Assert.Equal(expected?.Lines.Select(l => (l.LineNumber, l.Text)), actual?.Lines.Select(l => (l.LineNumber, l.Text)));
            Assert.Equal(parsed.Tail(5).Select(l => (l.LineNumber, l.Text)), streamed.Tail(5).Select(l => (l.LineNumber, l.Text)));
        }
    }

    [Fact]
    public async Task Thousands_of_context_lines_do_not_crowd_out_the_evidence()
    {
        // 5,000 lines that are context for GI7012 (eth0) before a kernel panic: the panic is still the diagnosis.
        var text = string.Concat(Enumerable.Range(0, 5000).Select(i => $"[  {i,10}] hv_netvsc eth0: VF slot {i % 8} added\n")) + BootLogs.KernelPanic;
        var streamed = (await SerialLogReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), new SerialLogReadOptions(), CancellationToken.None)).Text;
        var parsed = SerialLogText.Parse(text);
        var facts = new BootFacts { OsType = "Linux", ProvisioningState = "Failed", ErrorCode = "OSProvisioningTimedOut", SerialLog = parsed };
        var expected = BootSignatureCatalog.Match(facts)!;
        facts.SerialLog = streamed;

        var actual = BootSignatureCatalog.Match(facts)!;

        Assert.Equal(BootSignatureCatalog.KernelPanicNoRoot, expected.Signature.Id);
        Assert.Equal(expected.Signature.Id, actual.Signature.Id);
        Assert.Equal(expected.Lines.Select(l => (l.LineNumber, l.Text)), actual.Lines.Select(l => (l.LineNumber, l.Text)));
        Assert.True(streamed.Lines.Count <= 2 * SerialLogLimits.MaxKeptLines);
    }

    [Fact]
    public async Task A_line_without_end_is_written_whole_and_held_cut()
    {
        var log = new GeneratedLog(3L * 1024 * 1024, _ => "x");
        var path = Path.Combine(_folder, "one-line.log");

        var capture = await SerialLogReader.ReadAsync(log, new SerialLogReadOptions { DestinationPath = path }, CancellationToken.None);

        Assert.Equal(log.Sha256, Sha256Sums.HashFile(path));
        Assert.Equal(1, capture.Text.LineCount);
        var line = Assert.Single(capture.Text.Tail(10));
        Assert.Equal(SerialLogLimits.MaxLineChars + 1, line.Text.Length);
        Assert.EndsWith("…", line.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_are_replaced_in_the_file_and_in_memory_the_other_lines_stay_as_served()
    {
        const string served = "boot line one\r\npassword: Hunter2Hunter2\nhttps://sa.blob.core.windows.net/c/b?sv=2021-08-06&sr=b&sp=r&sig=abcdEFGH1234\nlast line\n";
        var path = Path.Combine(_folder, "secret.log");

        var capture = await SerialLogReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(served)), new SerialLogReadOptions { DestinationPath = path }, CancellationToken.None);

        var written = File.ReadAllText(path);
        Assert.Equal(2, capture.RedactedLines);
        Assert.StartsWith("boot line one\r\n", written, StringComparison.Ordinal);
        Assert.EndsWith("\nlast line\n", written, StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2", written, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=abcd", written, StringComparison.Ordinal);
        Assert.Null(Redactor.FindSecretValue(written));
        Assert.All(capture.Text.Tail(10), l => Assert.Null(Redactor.FindSecretValue(l.Text)));
        Assert.Equal(capture.Sha256, Sha256Sums.HashFile(path));
        Assert.Equal(new FileInfo(path).Length, capture.FileBytes);
    }

    [Fact]
    public async Task The_validation_excerpt_is_capped_in_lines_line_length_and_bytes_and_the_log_streams_to_its_file()
    {
        // 32 MiB of 5,000-character lines: the excerpt keeps at most 1,024 characters a line and 16 KiB in all.
        var ops = new FakeDeploymentOperations();
        GeneratedLog? served = null;
        ops.SerialLogStream = () => served = new GeneratedLog(32L * 1024 * 1024, i => $"line {i} " + new string('a', 5000) + "\n");
        var path = Path.Combine(_folder, "attachments", "serial-westeurope.log");

        var result = await new DeploymentValidator(ops, new ValidationLog()).ValidateAsync(ops.Image(),
            new DeploymentValidationOptions
            {
                Region = "westeurope", ResourceGroupName = "rg-gal", SubscriptionId = "s1", ShortId = "0a1b2c3d",
                AgentReadyTimeout = TimeSpan.FromMilliseconds(200), SerialLogPath = path,
            }, CancellationToken.None);

        Assert.Equal("Succeeded", result.Outcome);
        Assert.NotEmpty(result.SerialLogExcerpt);
        Assert.True(result.SerialLogExcerpt.Count <= SerialLogLimits.ExcerptLines);
        Assert.All(result.SerialLogExcerpt, l => Assert.True(l.Length <= SerialLogLimits.MaxLineChars + 1, $"{l.Length} characters"));
        Assert.True(Encoding.UTF8.GetByteCount(string.Join("\n", result.SerialLogExcerpt)) <= SerialLogLimits.ExcerptMaxBytes);
        Assert.StartsWith($"line {served!.Lines - 1} ", result.SerialLogExcerpt[^1], StringComparison.Ordinal);
        Assert.Equal(path, result.SerialLogPath);
        Assert.Equal(served.Served, result.SerialLogBytes);
        Assert.Equal(served.Sha256, result.SerialLogSha256);
        Assert.Equal(served.Sha256, Sha256Sums.HashFile(path));
        Assert.Single(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_excerpt_cap_keeps_the_newest_lines_that_fit()
    {
        var lines = Enumerable.Range(1, 30).Select(i => new SerialLogLine { LineNumber = i, Text = new string('b', 1000) }).ToList();

        var capped = SerialLogLimits.Cap(lines);

        Assert.Equal(16, capped.Count);
        Assert.Equal(30, capped[^1].LineNumber);
        Assert.Equal(15, capped[0].LineNumber);
    }
}
