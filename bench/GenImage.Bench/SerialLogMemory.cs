using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GenImage.Demo;
using GenImage.Emulator;

namespace GenImage.Bench;

/// <summary>
/// Peak memory of a recipe run (examples/recipes/ubuntu2204-gen2.yaml on the healthy world at its clock scale, 0.001) whose
/// validation VM's serial log is 0, 8 and 32 MiB (the world's root <c>serialLog.sizeBytes</c>). Each size runs in a fresh
/// process, so that one run's peak is not another's: the process hosts the emulator (which generates and serves the
/// log), the PowerShell engine and the module, as a runbook worker with a local emulator would.
/// </summary>
internal static class SerialLogMemory
{
    public const string ChildFlag = "--serial-log-run";
    private const string ResultPrefix = "SERIALLOG-RESULT ";
    private static readonly long[] Sizes = { 0, 8L * 1024 * 1024, 32L * 1024 * 1024 };

    internal sealed record Run(long LogBytes, long PeakWorkingSet, long PeakHeap, long Allocated, long LogFileBytes, int LogCopies, long RunFolderBytes, long JournalBytes, long EvidenceJsonBytes, double Seconds);

    /// <summary>Runs each size in a child process and returns what each reported.</summary>
    public static IReadOnlyList<Run> Measure()
    {
        var runs = new List<Run>();
        foreach (var size in Sizes)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            {
                start.ArgumentList.Add(typeof(SerialLogMemory).Assembly.Location);
            }

            start.ArgumentList.Add(ChildFlag);
            start.ArgumentList.Add(size.ToString(CultureInfo.InvariantCulture));
            using var child = Process.Start(start)!;
            var stderr = child.StandardError.ReadToEndAsync();
            var output = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"The serial-log run of {size} bytes reported nothing (exit {child.ExitCode}): {output}{stderr.Result}");
            runs.Add(JsonSerializer.Deserialize<Run>(line[ResultPrefix.Length..])!);
        }
        return runs;
    }

    /// <summary>One recipe run with a serial log of <paramref name="bytes"/>; prints its figures as one JSON line.</summary>
    public static async Task<int> RunChildAsync(long bytes)
    {
        var root = Path.Combine(Path.GetTempPath(), "genimage-bench-seriallog-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "probes"));
        try
        {
            var recipes = Path.Combine(RepoPaths.Root, "examples", "recipes");
            var recipe = Path.Combine(root, "ubuntu2204-gen2.yaml");
            File.WriteAllText(recipe, File.ReadAllText(Path.Combine(recipes, "ubuntu2204-gen2.yaml")).Replace("outputPath: ../../out/evidence", "outputPath: runs", StringComparison.Ordinal));
            foreach (var probe in Directory.GetFiles(Path.Combine(recipes, "probes")))
            {
                File.Copy(probe, Path.Combine(root, "probes", Path.GetFileName(probe)));
            }

            var world = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "worlds", "healthy.yaml"));
            if (bytes > 0)
            {
                world = world.Replace("kind: World\n", $"kind: World\nserialLog: {{ sizeBytes: {bytes.ToString(CultureInfo.InvariantCulture)} }}\n", StringComparison.Ordinal);
            }

            await using var host = await EmulatorHost.StartAsync(new EmulatorOptions { WorldYaml = world });
            using var session = BenchSession.Connect(host);

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var peakHeap = GC.GetTotalMemory(false);
            using var stop = new CancellationTokenSource();
            // The managed heap sampled every 5 ms (GC.GetTotalMemory without a collection: what is live or not yet collected).
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                    try
                    {
                        await Task.Delay(5, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            });
            var allocatedBefore = GC.GetTotalAllocatedBytes(true);
            var watch = Stopwatch.StartNew();
            var r = session.Run("Invoke-ImageRecipe -Path $path -Force", new RunOptions { Variables = new Dictionary<string, object?> { ["path"] = recipe } });
            watch.Stop();
            await stop.CancelAsync();
            await sampler;
            var allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
            if (!r.Succeeded || r.Output.Count != 1 || !string.Equals(r.Output[0].Properties["Status"]?.Value?.ToString(), "Succeeded", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("The recipe run did not succeed: " + r.Describe());
            }

            using var self = Process.GetCurrentProcess();
            self.Refresh();
            var runFolder = Directory.GetDirectories(Path.Combine(root, "runs", "ubuntu2204-gen2")).Single();
            var files = Directory.GetFiles(runFolder, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
            var logs = files.Where(f => f.Name.StartsWith("serial-", StringComparison.Ordinal)).ToList();
            // A copy of the log is any file of the run folder at least as large as the log the emulator served.
            var copies = bytes == 0 ? logs.Count : files.Count(f => f.Length >= bytes);
            var run = new Run(bytes, self.PeakWorkingSet64, peakHeap, allocated, logs.Sum(f => f.Length), copies, files.Sum(f => f.Length),
                files.Where(f => f.Name == "journal.jsonl" && f.DirectoryName == runFolder).Sum(f => f.Length),
                files.Where(f => f.Name == "evidence.json").Sum(f => f.Length), watch.Elapsed.TotalSeconds);
            Console.Out.WriteLine(ResultPrefix + JsonSerializer.Serialize(run));
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(root, true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static string Render(IReadOnlyList<Run> runs)
    {
        var inv = CultureInfo.InvariantCulture;
        var baseline = runs[0];
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine("## Peak memory of a recipe run by serial-log size");
        sb.AppendLine();
        sb.AppendLine("`examples/recipes/ubuntu2204-gen2.yaml` on `examples/worlds/healthy.yaml` with the root `serialLog: { sizeBytes: N }`, one");
        sb.AppendLine("fresh process per size (emulator, PowerShell engine and module in it), the world's clock scale 0.001. Target: a 32 MiB log raises the");
        sb.AppendLine("peak working set by less than 50 MiB over the 0 MiB run and is written to disk once. Produced by `bench/run.sh`.");
        sb.AppendLine();
        sb.AppendLine("| Serial log | Peak working set | vs 0 MiB | Peak managed heap (sampled) | vs 0 MiB | Allocated during the run | Log file | Copies on disk | Run folder | journal.jsonl | evidence.json | Wall time |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            sb.AppendLine(inv, $"| {Mib(r.LogBytes)} | {Mib(r.PeakWorkingSet)} | {Delta(r.PeakWorkingSet - baseline.PeakWorkingSet)} | {Mib(r.PeakHeap)} | {Delta(r.PeakHeap - baseline.PeakHeap)} | {Mib(r.Allocated)} | {Mib(r.LogFileBytes)} | {r.LogCopies} | {Mib(r.RunFolderBytes)} | {Kib(r.JournalBytes)} | {Kib(r.EvidenceJsonBytes)} | {r.Seconds:0.0} s |");
        }

        sb.AppendLine();
        sb.AppendLine("Peak working set: `Process.PeakWorkingSet64` of the child process at the end of the run (the OS's high-water mark of its");
        sb.AppendLine("resident memory). Peak managed heap: `GC.GetTotalMemory(false)` sampled every 5 ms during the run. Allocated:");
        sb.AppendLine("`GC.GetTotalAllocatedBytes(true)` over the run, emulator included (it generates the log line by line). Copies on disk:");
        sb.AppendLine("files of the run folder at least as large as the served log.");
        sb.AppendLine();
        sb.AppendLine("Before (issue 13, measured on main 7f35091, when the log was read whole and written six times): peak memory 169 MiB");
        sb.AppendLine("normal, 345 MiB at a 2 MiB log, 945 MiB at 8 MiB, 4.27 GiB at 32 MiB; the run folder was six times the log.");
        return sb.ToString();
    }

    private static string Mib(long b) => (b / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";

    private static string Kib(long b) => (b / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB";

    private static string Delta(long b) => (b >= 0 ? "+" : "−") + Mib(Math.Abs(b));
}
