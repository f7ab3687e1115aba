using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using GenImage.Demo;
using GenImage.Emulator;
using GenImage.Emulator.Faults;

namespace GenImage.FaultSuite;

/// <summary>
/// The fault suite: example recipes run end to end in a separate process (a hosted PowerShell engine with the staged
/// module) against an emulator in this process, which is killed (SIGKILL) at every step boundary and inside each
/// irreversible step, or met with seeded transient faults; each interrupted run is resumed in a new process. Every run's
/// end state is then compared with a clean run's: one version, published as the clean run left it, the source as the
/// clean run left it, no test VM or disk left, nothing created twice. See bench/README.md.
/// </summary>
internal static class Program
{
    private const string Sub = "00000000-0000-0000-0000-000000000001";
    private const string Rg = "rg-images";
    private const string Gallery = "gal_images";
    private const string WorkerResult = "FAULTSUITE-RESULT ";

    private static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--worker")
        {
            return Worker(args);
        }

        var options = SuiteOptions.Parse(args);
        var rows = new List<Row>();
        foreach (var recipe in options.Recipes)
        {
            var suite = new Suite(recipe, options);
            if (options.KillPoints != 0)
            {
                rows.Add(await suite.KillsAsync());
            }

            if (options.FaultRuns > 0)
            {
                rows.Add(await suite.FaultsAsync());
            }
        }

        var report = Render(rows, options);
        Console.Out.Write(report);
        if (options.Out != null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(options.Out)!);
            await File.WriteAllTextAsync(options.Out, report, new UTF8Encoding(false));
            Console.Out.WriteLine($"Written to {options.Out}");
        }
        // One JSON line for scripts and the slice test.
        Console.Out.WriteLine("FAULTSUITE-SUMMARY " + JsonSerializer.Serialize(rows));
        return rows.All(r => r.Clean == r.Runs && r.Leaks == 0 && r.Duplicates == 0) ? 0 : 1;
    }

    // ---- worker: one Invoke-ImageRecipe in its own process --------------------------------------------------------

    private static int Worker(string[] args)
    {
        string Arg(string name) => args[Array.IndexOf(args, name) + 1];
        var resume = args.Contains("--resume");
        using var session = ScriptRunner.Open();
        session.SetVariable("endpoint", new Uri(Arg("--endpoint")));
        session.SetVariable("thumbprint", Arg("--thumbprint"));
        session.SetVariable("recipe", Arg("--recipe"));
        session.SetVariable("output", Arg("--output"));
        var connect = session.Run("Connect-GenImage -Emulator -Endpoint $endpoint -EmulatorCertificateThumbprint $thumbprint -ErrorAction Stop | Out-Null");
        if (connect.HadErrors)
        {
            Console.Out.WriteLine(WorkerResult + JsonSerializer.Serialize(new { status = "ConnectFailed", errors = connect.AllErrors.Select(e => e.FullyQualifiedErrorId).ToArray() }));
            return 0;
        }
        var r = session.Run($"Invoke-ImageRecipe -Path $recipe -OutputPath $output -Force{(resume ? " -Resume" : string.Empty)}");
        var status = r.Output.Count == 1 ? r.Output[0].Properties["Status"]?.Value?.ToString() ?? "None" : "None";
        Console.Out.WriteLine(WorkerResult + JsonSerializer.Serialize(new { status, errors = r.AllErrors.Select(e => e.FullyQualifiedErrorId).ToArray() }));
        return 0;
    }

    // ---- the suite -------------------------------------------------------------------------------------------------

    private sealed class Suite
    {
        private readonly RecipeCase _recipe;
        private readonly SuiteOptions _options;

        public Suite(RecipeCase recipe, SuiteOptions options)
        {
            _recipe = recipe;
            _options = options;
        }

        /// <summary>Kills the run at every kill point (or the first N), resumes it, and checks the end state.</summary>
        public async Task<Row> KillsAsync()
        {
            var reference = await CleanRunAsync();
            var points = KillPoint.For(_recipe);
            if (_options.KillNames.Count > 0)
            {
                points = points.Where(p => _options.KillNames.Contains(p.Name)).ToList();
            }

            if (_options.KillPoints > 0)
            {
                points = points.Take(_options.KillPoints).ToList();
            }

            var row = new Row { Mode = "kills", Recipe = _recipe.Name };
            foreach (var point in points)
            {
                await using var world = await World.StartAsync(_recipe, _options, faultSeed: null);
                var first = await world.RunWorkerAsync(resume: false, killWhen: point);
                Log($"{_recipe.Name} kill {point.Name}: {(!first.Killed ? "not killed (" + first.Status + ")" : first.Status == "Killed" ? "killed" : "killed after the run ended " + first.Status)}");
                var outcome = await world.FinishAsync(first, reference);
                Log($"{_recipe.Name} kill {point.Name}: {outcome.Describe()}");
                row.Add(outcome, point.Name);
            }
            return row;
        }

        /// <summary>N runs under seeded transient faults, each resumed at most once.</summary>
        public async Task<Row> FaultsAsync()
        {
            var reference = await CleanRunAsync();
            var row = new Row { Mode = $"faults {_options.FaultRate.ToString("P0", CultureInfo.InvariantCulture)}", Recipe = _recipe.Name };
            for (var i = 0; i < _options.FaultRuns; i++)
            {
                var seed = _options.Seed + i;
                await using var world = await World.StartAsync(_recipe, _options, faultSeed: seed);
                world.AddFaults(_options.FaultRate);
                var first = await world.RunWorkerAsync(resume: false, killWhen: null);
                var outcome = await world.FinishAsync(first, reference);
                Log($"{_recipe.Name} faults seed {seed}: {world.Host.Faults.Rules.Sum(r => r.Fired)} fault(s) fired; {outcome.Describe()}");
                row.Add(outcome, $"seed {seed}");
            }
            return row;
        }

        private async Task<EndState> CleanRunAsync()
        {
            await using var world = await World.StartAsync(_recipe, _options, faultSeed: null);
            var run = await world.RunWorkerAsync(resume: false, killWhen: null);
            if (run.Status != "Succeeded")
            {
                throw new InvalidOperationException($"The clean run of {_recipe.Name} ended {run.Status}: {string.Join(", ", run.Errors)}");
            }

            return world.EndState();
        }
    }

    /// <summary>One emulator (in this process) and one output folder for the worker runs of one scenario.</summary>
    private sealed class World : IAsyncDisposable
    {
        private readonly RecipeCase _recipe;
        private readonly SuiteOptions _options;
        private readonly string _folder;

        private World(EmulatorHost host, RecipeCase recipe, SuiteOptions options, string folder)
        {
            Host = host;
            _recipe = recipe;
            _options = options;
            _folder = folder;
        }

        public EmulatorHost Host { get; }
        private string Output => Path.Combine(_folder, "runs");

        public static async Task<World> StartAsync(RecipeCase recipe, SuiteOptions options, int? faultSeed)
        {
            var folder = Path.Combine(Path.GetTempPath(), "genimage-faults-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var host = await EmulatorHost.StartAsync(new EmulatorOptions { WorldFile = RepoPaths.World("healthy"), ClockScale = options.ClockScale, FaultSeed = faultSeed });
            return new World(host, recipe, options, folder);
        }

        /// <summary>~rate of requests fail the way ARM fails: 500, 503-like throttling (429), dropped connections, failed operations.</summary>
        public void AddFaults(double rate)
        {
            var each = rate / 4;
            Host.Faults.Add(new FaultRule { Name = "5xx", Effect = FaultEffect.InternalServerError, Fraction = each });
            Host.Faults.Add(new FaultRule { Name = "429", Effect = FaultEffect.TooManyRequests, Fraction = each, RetryAfterSeconds = 0 });
            Host.Faults.Add(new FaultRule { Name = "drop", Effect = FaultEffect.DropConnection, Fraction = each });
            Host.Faults.Add(new FaultRule
            {
                Name = "failed operation", Effect = FaultEffect.FailOperation, Fraction = each, ErrorCode = "InternalExecutionError",
                ErrorMessage = "An internal execution error occurred. Please retry later.",
            });
        }

        /// <summary>Runs Invoke-ImageRecipe in a new process; kills it (SIGKILL) as soon as <paramref name="killWhen"/> holds.</summary>
        public async Task<WorkerRun> RunWorkerAsync(bool resume, KillPoint? killWhen)
        {
            var dll = typeof(Program).Assembly.Location;
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { dll, "--worker", "--endpoint", Host.Endpoint.ToString(), "--thumbprint", Host.CertificateThumbprint, "--recipe", _recipe.Path, "--output", Output })
            {
                start.ArgumentList.Add(a);
            }

            if (resume)
            {
                start.ArgumentList.Add("--resume");
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var killed = false;
            var limit = Stopwatch.StartNew();
            while (!process.HasExited)
            {
                if (killWhen != null && killWhen.Holds(Host.RequestLog, Output, _recipe))
                {
                    process.Kill(entireProcessTree: true);   // SIGKILL: no finally block, no journal line, no clean-up
                    killed = true;
                    break;
                }
                if (limit.Elapsed > TimeSpan.FromMinutes(_options.RunMinutes))
                {
                    process.Kill(entireProcessTree: true);
                    return new WorkerRun("TimedOut", Array.Empty<string>(), true);
                }
                await Task.Delay(5);
            }
            await process.WaitForExitAsync();
            if (killed)
            {
                // The kill can land after the run wrote its end (a short last step): that run needs no resume.
                return KillPoint.FinishedStatus(Output, _recipe) is { } finished
                    ? new WorkerRun(finished, Array.Empty<string>(), true)
                    : new WorkerRun("Killed", Array.Empty<string>(), true);
            }

            var line = (await stdout).Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(WorkerResult, StringComparison.Ordinal));
            if (line == null)
            {
                return new WorkerRun("NoResult", Array.Empty<string>(), false);
            }

            using var doc = JsonDocument.Parse(line[WorkerResult.Length..]);
            return new WorkerRun(doc.RootElement.GetProperty("status").GetString() ?? "None",
                doc.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray(), false);
        }

        /// <summary>Resumes until the run succeeded (at most <see cref="SuiteOptions.MaxResumes"/> times), then compares the end state.</summary>
        public async Task<Outcome> FinishAsync(WorkerRun first, EndState reference)
        {
            var run = first;
            var resumes = 0;
            while (run.Status != "Succeeded" && resumes < _options.MaxResumes)
            {
                resumes++;
                run = await RunWorkerAsync(resume: true, killWhen: null);
            }
            var end = EndState();
            return new Outcome(run.Status, resumes, end, end.SameAs(reference), run.Errors);
        }

        private static readonly string[] VersionNames = ["1.0.0", "1.0.1", "1.0.2"];

        public EndState EndState()
        {
            var versions = VersionNames
                .Select(v => (Name: v, Snapshot: Host.GetImageVersion(Sub, Rg, Gallery, _recipe.Definition, v)))
                .Where(v => v.Snapshot != null).ToList();
            var log = Host.RequestLog;
            var source = Host.GetVm(Sub, Rg, _recipe.SourceVm);
            return new EndState
            {
                Versions = versions.Select(v => v.Name).ToList(),
                VersionSucceeded = versions.Count == 1 && versions[0].Snapshot!.ProvisioningState == "Succeeded",
                ExcludedFromLatest = versions.Count == 1 && versions[0].Snapshot!.ExcludeFromLatest,
                Source = source == null ? "deleted" : source.OsState ?? source.PowerState,
                LeftVms = Host.ListVms(Sub).Count(vm => vm.Name.StartsWith("giv-", StringComparison.Ordinal)),
                LeftDisks = Host.ListDisks(Sub).Count(d => d.Name.StartsWith("giv-", StringComparison.Ordinal)),
                VersionCreates = log.Count(e => e.Method == "PUT" && e.Path.Contains("/versions/", StringComparison.OrdinalIgnoreCase) && e.Status is >= 200 and < 300),
                Generalizes = log.Count(e => e.Method == "POST" && e.Path.EndsWith("/generalize", StringComparison.OrdinalIgnoreCase) && e.Status is >= 200 and < 300),
            };
        }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            try { Directory.Delete(_folder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private sealed record WorkerRun(string Status, string[] Errors, bool Killed);

    private sealed record Outcome(string Status, int Resumes, EndState End, bool Clean, string[] Errors)
    {
        public string Describe() => $"{Status} after {Resumes} resume(s); {(Clean ? "clean" : "NOT clean: " + End)}{(Errors.Length > 0 ? " [" + string.Join(", ", Errors) + "]" : string.Empty)}";
    }

    /// <summary>What a run leaves behind, compared with a clean run's.</summary>
    private sealed class EndState
    {
        public List<string> Versions { get; init; } = new();
        public bool VersionSucceeded { get; init; }
        public bool ExcludedFromLatest { get; init; }
        public string Source { get; init; } = string.Empty;
        public int LeftVms { get; init; }
        public int LeftDisks { get; init; }
        public int VersionCreates { get; init; }
        public int Generalizes { get; init; }

        public int Leaks => LeftVms + LeftDisks;
        /// <summary>Versions beyond the one, and irreversible operations done more than once.</summary>
        public int Duplicates => Math.Max(0, Versions.Count - 1) + Math.Max(0, VersionCreates - 1) + Math.Max(0, Generalizes - 1);

        public bool SameAs(EndState clean) =>
            Versions.SequenceEqual(clean.Versions) && VersionSucceeded && ExcludedFromLatest == clean.ExcludedFromLatest && Source == clean.Source && Leaks == 0 && Duplicates == 0;

        public override string ToString() =>
            $"versions [{string.Join(",", Versions)}] succeeded={VersionSucceeded} excluded={ExcludedFromLatest} source={Source} leftVms={LeftVms} leftDisks={LeftDisks} versionPuts={VersionCreates} generalizes={Generalizes}";
    }

    /// <summary>Where a run is killed: a step that just started (from the journal), or an ARM request just answered.</summary>
    private sealed class KillPoint
    {
        private readonly Func<IReadOnlyList<RequestLogEntry>, string, RecipeCase, bool> _holds;

        private KillPoint(string name, Func<IReadOnlyList<RequestLogEntry>, string, RecipeCase, bool> holds)
        {
            Name = name;
            _holds = holds;
        }

        public string Name { get; }

        public bool Holds(IReadOnlyList<RequestLogEntry> log, string output, RecipeCase recipe) => _holds(log, output, recipe);

        private static bool Answered(IReadOnlyList<RequestLogEntry> log, string method, Func<string, bool> path, int nth = 1) =>
            log.Count(e => e.Method == method && path(e.Path) && e.Status is >= 200 and < 300) >= nth;

        /// <summary>The status the recipe's run wrote in its runFinished line, or null when no run of it has finished.</summary>
        public static string? FinishedStatus(string output, RecipeCase recipe)
        {
            var folder = Path.Combine(output, recipe.Name);
            if (!Directory.Exists(folder))
            {
                return null;
            }

            foreach (var journal in Directory.GetFiles(folder, "journal.jsonl", SearchOption.AllDirectories))
            {
                foreach (var line in File.ReadLines(journal))
                {
                    if (line.Contains("\"type\":\"runFinished\"", StringComparison.Ordinal))
                    {
                        using var doc = JsonDocument.Parse(line);
                        return doc.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
                    }
                }
            }
            return null;
        }

        private static bool StepStarted(string output, RecipeCase recipe, string step)
        {
            var folder = Path.Combine(output, recipe.Name);
            if (!Directory.Exists(folder))
            {
                return false;
            }

            foreach (var journal in Directory.GetFiles(folder, "journal.jsonl", SearchOption.AllDirectories))
            {
                try
                {
                    using var stream = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    using var reader = new StreamReader(stream);
                    string? line;
                    while ((line = reader.ReadLine()) != null)
                    {
                        if (line.Contains("\"type\":\"stepStarted\"", StringComparison.Ordinal) && line.Contains($"\"step\":\"{step}\"", StringComparison.Ordinal))
                        {
                            return true;
                        }
                    }
                }
                catch (IOException)
                {
                    // Being written: look again at the next poll.
                }
            }
            return false;
        }

        /// <summary>Every step boundary, and inside every irreversible step (plus the test VM and the probe).</summary>
        public static List<KillPoint> For(RecipeCase recipe)
        {
            var vm = "/virtualMachines/" + recipe.SourceVm;
            var points = new List<KillPoint>();
            foreach (var step in new[] { "Readiness", "Generalize", "Definition", "Publish", "Validate", "Promote", "Evidence", "Cleanup" })
            {
                points.Add(new KillPoint($"{step} started", (_, output, r) => StepStarted(output, r, step)));
            }

            points.Add(new KillPoint("preparation Run Command accepted", (log, _, _) => Answered(log, "POST", p => p.EndsWith(vm + "/runCommand", StringComparison.OrdinalIgnoreCase), nth: 2)));
            points.Add(new KillPoint("deallocate accepted", (log, _, _) => Answered(log, "POST", p => p.EndsWith(vm + "/deallocate", StringComparison.OrdinalIgnoreCase))));
            points.Add(new KillPoint("generalize answered", (log, _, _) => Answered(log, "POST", p => p.EndsWith(vm + "/generalize", StringComparison.OrdinalIgnoreCase))));
            points.Add(new KillPoint("version PUT accepted (replicating)", (log, _, _) => Answered(log, "PUT", p => p.Contains("/versions/", StringComparison.OrdinalIgnoreCase))));
            points.Add(new KillPoint("test VM PUT accepted", (log, _, _) => Answered(log, "PUT", p => p.Contains("/virtualMachines/giv-", StringComparison.OrdinalIgnoreCase))));
            points.Add(new KillPoint("probe Run Command accepted", (log, _, _) => Answered(log, "POST", p => p.Contains("/virtualMachines/giv-", StringComparison.OrdinalIgnoreCase) && p.EndsWith("/runCommand", StringComparison.OrdinalIgnoreCase))));
            points.Add(new KillPoint("promotion PATCH answered", (log, _, _) => Answered(log, "PATCH", p => p.Contains("/versions/", StringComparison.OrdinalIgnoreCase))));
            if (recipe.DeletesSource)
            {
                points.Add(new KillPoint("source VM DELETE accepted", (log, _, _) => Answered(log, "DELETE", p => p.EndsWith(vm, StringComparison.OrdinalIgnoreCase))));
            }

            return points;
        }
    }

    private sealed record RecipeCase(string Name, string Path, string Definition, string SourceVm, bool DeletesSource)
    {
        public static RecipeCase Load(string name)
        {
            var file = System.IO.Path.Combine(RepoPaths.Root, "examples", "recipes", name switch
            {
                "windows" => "windows2022-gen2-tl.yaml",
                "ubuntu" => "ubuntu2204-gen2.yaml",
                _ => throw new ArgumentException($"Unknown recipe '{name}': windows or ubuntu."),
            });
            var text = File.ReadAllText(file);
            return name == "windows"
                ? new RecipeCase("win2022-gen2-tl", file, "win2022-datacenter-g2", "vm-win2022-src", text.Contains("deleteSourceVm: true", StringComparison.Ordinal))
                : new RecipeCase("ubuntu2204-gen2", file, "ubuntu-2204-gen2", "vm-ubuntu2204-src", text.Contains("deleteSourceVm: true", StringComparison.Ordinal));
        }
    }

    private sealed class SuiteOptions
    {
        public List<RecipeCase> Recipes { get; } = new();
        /// <summary>0: none; -1: every kill point; N: the first N.</summary>
        public int KillPoints { get; set; } = -1;
        /// <summary>Only the kill points with these names (--kill, repeatable).</summary>
        public HashSet<string> KillNames { get; } = new(StringComparer.OrdinalIgnoreCase);
        public int FaultRuns { get; set; } = 30;
        public double FaultRate { get; set; } = 0.10;
        public int Seed { get; set; } = 1;
        public int MaxResumes { get; set; } = 1;
        public double ClockScale { get; set; } = 0.005;
        public double RunMinutes { get; set; } = 10;
        public string? Out { get; set; }

        public static SuiteOptions Parse(string[] args)
        {
            var o = new SuiteOptions();
            var recipes = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--recipe": recipes.Add(Next()); break;
                    case "--kills":
                        var kills = Next();
                        o.KillPoints = kills == "all" ? -1 : int.Parse(kills, CultureInfo.InvariantCulture);
                        break;
                    case "--kill": o.KillNames.Add(Next()); break;
                    case "--fault-runs": o.FaultRuns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--fault-rate": o.FaultRate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--seed": o.Seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--max-resumes": o.MaxResumes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--clock-scale": o.ClockScale = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--out": o.Out = Path.GetFullPath(Next()); break;
                    default: throw new ArgumentException($"Unknown argument '{args[i]}'. See bench/README.md.");
                }
            }
            foreach (var r in recipes.Count == 0 ? new List<string> { "windows", "ubuntu" } : recipes)
            {
                o.Recipes.Add(RecipeCase.Load(r));
            }

            return o;
        }
    }

    private sealed class Row
    {
        public string Mode { get; set; } = string.Empty;
        public string Recipe { get; set; } = string.Empty;
        public int Runs { get; set; }
        public int Clean { get; set; }
        public int Resumes { get; set; }
        public int Leaks { get; set; }
        public int Duplicates { get; set; }
        public List<string> NotClean { get; } = new();

        public void Add(Outcome outcome, string what)
        {
            Runs++;
            if (outcome.Clean && outcome.Status == "Succeeded")
            {
                Clean++;
            }
            else
            {
                NotClean.Add($"{what}: {outcome.Describe()}");
            }

            Resumes += outcome.Resumes;
            Leaks += outcome.End.Leaks;
            Duplicates += outcome.End.Duplicates;
        }
    }

    private static string Render(List<Row> rows, SuiteOptions options)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# GenImage fault suite");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {Environment.ProcessorCount} cores; " +
            $"clock scale {options.ClockScale.ToString(CultureInfo.InvariantCulture)}, seed {options.Seed}, fault rate {options.FaultRate.ToString("P0", CultureInfo.InvariantCulture)}, at most {options.MaxResumes} resume(s) per run.");
        sb.AppendLine();
        sb.AppendLine("| mode | recipe | runs | clean end state | resumes needed | leaks | duplicates |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Mode} | {r.Recipe} | {r.Runs} | {r.Clean} | {r.Resumes} | {r.Leaks} | {r.Duplicates} |");
        }

        foreach (var r in rows.Where(r => r.NotClean.Count > 0))
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Not clean ({r.Mode}, {r.Recipe}):");
            foreach (var n in r.NotClean)
            {
                sb.AppendLine("- " + n);
            }
        }
        return sb.ToString();
    }

    private static void Log(string message) => Console.Error.WriteLine(message);
}
