using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// Large serial logs through the real Azure SDK and the emulator: streamed to their file once, equal to the blob, and
/// only a capped excerpt in the objects, the journal and evidence.json.
/// </summary>
public sealed class SerialLogTests
{
    /// <summary>The serial log blob of a VM as the emulator serves it, read by the test itself (SAS from retrieveBootDiagnosticsData).</summary>
    private static async Task<byte[]> DownloadAsync(EmulatorFixture emulator, string resourceGroup, string vm)
    {
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                cert is not null && string.Equals(Convert.ToHexString(SHA256.HashData(cert.RawData)), emulator.CertificateThumbprint, StringComparison.OrdinalIgnoreCase),
        };
        using var http = new HttpClient(handler) { BaseAddress = emulator.Endpoint };
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + B64("{\"upn\":\"tester@genimage.example\",\"oid\":\"11111111-2222-3333-4444-555555555555\"}") + ".");
        var path = $"subscriptions/{emulator.SubscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{vm}/retrieveBootDiagnosticsData?api-version=2023-07-01";
        using var sas = await http.PostAsync(path, null);
        sas.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await sas.Content.ReadAsStringAsync());
        http.DefaultRequestHeaders.Authorization = null;
        return await http.GetByteArrayAsync(json.RootElement.GetProperty("serialConsoleLogBlobUri").GetString());
    }

    [Fact]
    public async Task Get_VmBootDiagnosis_streams_the_whole_log_into_the_bundle_equal_to_the_blob()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Worlds.BootFailures);
        using var session = emulator.Connect();
        var folder = Path.Combine(Path.GetTempPath(), "genimage-seriallog-" + Guid.NewGuid().ToString("N"));
        try
        {
            var r = session.Run("Get-VmBootDiagnosis -ResourceGroupName rg-prod -Name vm-api-biglog -OutputPath $out -SerialLogTail 1000",
                new RunOptions { Variables = new Dictionary<string, object?> { ["out"] = folder } });
            Assert.True(r.Succeeded, r.Describe());
            var d = r.SingleOutput();
            var served = await DownloadAsync(emulator, "rg-prod", "vm-api-biglog");

            var file = Path.Combine(folder, "attachments", "serial.log");
            Assert.True(served.Length > 1024 * 1024, $"{served.Length} bytes");
            Assert.Equal(Convert.ToHexString(SHA256.HashData(served)), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))));
            var boot = d.Get<PSObject>("BootDiagnostics");
            Assert.Equal(served.LongLength, boot.Get<long>("SerialLogBytes"));
            Assert.Equal(file, boot.Get<string>("SerialLogPath"));
            Assert.Equal(Convert.ToHexString(SHA256.HashData(served)).ToLowerInvariant(), boot.Get<string>("SerialLogSha256"));
            // The tail asked for is 1,000 lines; memory keeps at most 16 KiB of them.
            var tail = boot.Items("Tail").Select(l => l.Get<string>("Text")).ToList();
            Assert.InRange(tail.Count, 1, 999);
            Assert.True(Encoding.UTF8.GetByteCount(string.Join("\n", tail)) <= 16 * 1024);
            Assert.Equal("[ 3600.000001] reboot: Restarting system", tail[^1][25..]);
            // diagnosis.json carries the tail and the matched lines, not the log.
            Assert.True(new FileInfo(Path.Combine(folder, "diagnosis.json")).Length < 64 * 1024);
            Assert.Empty(RecipeFolder.VerifyBundle(folder));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }

    [Fact]
    public async Task A_recipe_run_writes_a_large_serial_log_once_and_its_journal_and_evidence_keep_only_the_excerpt()
    {
        const long size = 4L * 1024 * 1024;
        var world = File.ReadAllText(RepoPaths.World(Worlds.Healthy))
            .Replace("kind: World\n", $"kind: World\nserialLog: {{ sizeBytes: {size}, line: \"padding {{n}} of a long boot\" }}\n", StringComparison.Ordinal);
        using var folder = new RecipeFolder();
        await using var emulator = await EmulatorFixture.StartWithYamlAsync(world);
        using var session = emulator.Connect();

        var r = session.Run("Invoke-ImageRecipe -Path $path -Force", new RunOptions { Variables = new Dictionary<string, object?> { ["path"] = folder["ubuntu2204-gen2.yaml"] } });

        Assert.True(r.Succeeded, r.Describe());
        var run = r.SingleOutput();
        Assert.Equal("Succeeded", run.Get<string>("Status"));
        var bundle = run.Get<string>("EvidencePath");
        var log = Path.Combine(bundle, "attachments", "serial-westeurope.log");
        var bytes = new FileInfo(log).Length;
        Assert.InRange(bytes, size, size + 4096);
        // Written once: no other file of the run is as large as the log.
        var runFolder = Path.GetDirectoryName(bundle)!;
        Assert.Equal(new[] { log }, Directory.GetFiles(runFolder, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length >= size / 2));

        // evidence.json names the file with its size and hash, and holds only the excerpt.
        var evidenceText = File.ReadAllText(Path.Combine(bundle, "evidence.json"));
        Assert.True(evidenceText.Length < 256 * 1024, $"{evidenceText.Length} characters");
        Assert.DoesNotContain("padding 0 of a long boot", evidenceText, StringComparison.Ordinal);
        using var evidence = JsonDocument.Parse(evidenceText);
        var validation = evidence.RootElement.GetProperty("validation").EnumerateArray().Single(v => v.GetProperty("source").GetString() == "Run");
        Assert.Equal("attachments/serial-westeurope.log", validation.GetProperty("serialLogFile").GetString());
        Assert.Equal(bytes, validation.GetProperty("serialLogBytes").GetInt64());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(log))).ToLowerInvariant(), validation.GetProperty("serialLogSha256").GetString());
        var excerpt = validation.GetProperty("serialLogExcerpt").GetString()!;
        Assert.True(Encoding.UTF8.GetByteCount(excerpt) <= 16 * 1024);
        Assert.Contains("Guest Agent ready", excerpt, StringComparison.Ordinal);

        // The journal keeps the excerpt too, never the log.
        var journal = File.ReadAllText(Path.Combine(runFolder, "journal.jsonl"));
        Assert.True(journal.Length < 256 * 1024, $"{journal.Length} characters");
        Assert.DoesNotContain("padding 0 of a long boot", journal, StringComparison.Ordinal);
        Assert.Empty(RecipeFolder.VerifyBundle(bundle));
    }
}
