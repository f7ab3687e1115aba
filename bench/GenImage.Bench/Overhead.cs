using System.Diagnostics;
using System.Globalization;
using System.Text;
using GenImage.Demo;
using GenImage.Emulator;

namespace GenImage.Bench;

/// <summary>
/// The time a recipe run spends outside Azure's own work. The emulator models how long Azure takes (operations,
/// replication, boots, guest shutdowns, busy resources) and, scaled by the clock, makes the client wait that long; it
/// also tells how much of a period at least one such piece of work was under way (<see cref="EmulatorHost.ModelledTime"/>).
/// Wall time minus that is GenImage's overhead: its own work, and every poll that came later than the work was done.
/// </summary>
internal static class Overhead
{
    internal sealed record Figure(string Recipe, double ClockScale, double WallSeconds, double ModelledSeconds, int Requests);

    public static async Task<IReadOnlyList<Figure>> MeasureAsync(double scale = 0.01)
    {
        // One run at clock scale 0 first, not counted: the process's first run also pays for loading and compiling
        // the module's code (about a second), which is not time spent around Azure's work.
        await RunAsync("ubuntu2204-gen2", 0);
        var figures = new List<Figure>();
        foreach (var recipe in new[] { "ubuntu2204-gen2", "windows2022-gen2-tl" })
        {
            figures.Add(await RunAsync(recipe, scale));
        }

        return figures;
    }

    private static async Task<Figure> RunAsync(string recipe, double scale)
    {
        {
            await using var host = await EmulatorHost.StartAsync(new EmulatorOptions { WorldFile = RepoPaths.World("healthy"), ClockScale = scale });
            using var session = BenchSession.Connect(host);
            var output = Path.Combine(Path.GetTempPath(), "genimage-bench-overhead-" + Guid.NewGuid().ToString("N"));
            try
            {
                session.SetVariable("output", output);
                session.SetVariable("recipe", Path.Combine(RepoPaths.Root, "examples", "recipes", recipe + ".yaml"));
                host.ClearRequestLog();
                var start = DateTimeOffset.UtcNow;
                var watch = Stopwatch.StartNew();
                BenchSession.Ensure(session.Run("Invoke-ImageRecipe -Path $recipe -OutputPath $output -Force | Out-Null"), "Invoke-ImageRecipe " + recipe);
                watch.Stop();
                var end = start + watch.Elapsed;
                if (Environment.GetEnvironmentVariable("GENIMAGE_BENCH_TIMELINE") == "1")
                {
                    foreach (var e in host.RequestLog)
                    {
                        Console.Error.WriteLine($"{(e.Time - start).TotalSeconds,8:0.000} {e.Duration.TotalMilliseconds,6:0} {e.Method,-6} {e.Status} {CallCounts.Shape(e.Path)}");
                    }
                }

                return new Figure(recipe, scale, watch.Elapsed.TotalSeconds, host.ModelledTime(start, end).TotalSeconds, host.RequestLog.Count);
            }
            finally
            {
                if (Directory.Exists(output))
                {
                    Directory.Delete(output, true);
                }
            }
        }
    }

    public static string Render(IReadOnlyList<Figure> figures)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| Recipe run | Clock scale | Wall (s) | Azure's modelled work (s) | Overhead (s) | Overhead % of wall | Requests |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var f in figures)
        {
            var overhead = f.WallSeconds - f.ModelledSeconds;
            sb.AppendLine(inv, $"| Invoke-ImageRecipe {f.Recipe} | {f.ClockScale} | {f.WallSeconds:0.00} | {f.ModelledSeconds:0.00} | {overhead:0.00} | {100 * overhead / f.WallSeconds:0.0}% | {f.Requests} |");
        }

        return sb.ToString();
    }
}
