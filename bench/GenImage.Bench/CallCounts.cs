using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GenImage.Demo;
using GenImage.Emulator;

namespace GenImage.Bench;

/// <summary>
/// ARM requests per flow, against the minimum a flow needs (docs/arm-calls.md lists each call of the minimum):
/// each flow runs once against a fresh emulator of the healthy world at clock scale 0, and the emulator's request log
/// is grouped by method and resource type.
/// </summary>
internal static partial class CallCounts
{
    internal sealed record Flow(string Name, string Setup, string Script, int Minimum);

    private const string VmId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/virtualMachines/";
    private const string Versions = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal_images/images/";

    /// <summary>The flows measured, with the minimum of each (the calls are listed in docs/arm-calls.md).</summary>
    public static readonly IReadOnlyList<Flow> Flows = new[]
    {
        new Flow("Invoke-ImageRecipe ubuntu2204-gen2", "", "Invoke-ImageRecipe -Path $examples/recipes/ubuntu2204-gen2.yaml -OutputPath $output -Force | Out-Null", 33),
        new Flow("Invoke-ImageRecipe windows2022-gen2-tl", "", "Invoke-ImageRecipe -Path $examples/recipes/windows2022-gen2-tl.yaml -OutputPath $output -Force | Out-Null", 31),
        new Flow("Invoke-GeneralizeVm -Prepare (Linux)", "", "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force | Out-Null", 7),
        new Flow("New-GalleryImageVersion to two regions",
            "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force | Out-Null",
            $"New-GalleryImageVersion rg-images gal_images ubuntu-2204-gen2 -SourceId '{VmId}vm-ubuntu2204-src' -Name 1.0.0 -TargetRegion westeurope,northeurope | Out-Null", 5),
        new Flow("Test-ImageDeployment",
            $"Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force | Out-Null; New-GalleryImageVersion rg-images gal_images ubuntu-2204-gen2 -SourceId '{VmId}vm-ubuntu2204-src' -Name 1.0.0 -TargetRegion westeurope | Out-Null",
            $"Test-ImageDeployment -ImageId '{Versions}ubuntu-2204-gen2/versions/1.0.0' | Out-Null", 13),
    };

    internal sealed record Counted(Flow Flow, int Requests, IReadOnlyList<(string Call, int Count)> Calls);

    public static async Task<IReadOnlyList<Counted>> RunAsync(IEnumerable<Flow> flows, TextWriter? dump)
    {
        var results = new List<Counted>();
        foreach (var flow in flows)
        {
            await using var host = await EmulatorHost.StartAsync(new EmulatorOptions { WorldFile = RepoPaths.World("healthy"), ClockScale = 0 });
            using var session = BenchSession.Connect(host);
            var output = Path.Combine(Path.GetTempPath(), "genimage-bench-calls-" + Guid.NewGuid().ToString("N"));
            try
            {
                session.SetVariable("output", output);
                session.SetVariable("examples", Path.Combine(RepoPaths.Root, "examples"));
                if (flow.Setup.Length > 0)
                {
                    BenchSession.Ensure(session.Run(flow.Setup), flow.Name + " (setup)");
                }

                host.ClearRequestLog();
                BenchSession.Ensure(session.Run(flow.Script), flow.Name);
                var log = host.RequestLog;
                var calls = log.GroupBy(e => e.Method + " " + Shape(e.Path))
                    .Select(g => (g.Key, g.Count())).OrderByDescending(c => c.Item2).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
                results.Add(new Counted(flow, log.Count, calls));
                if (dump != null)
                {
                    dump.WriteLine($"## {flow.Name}: {log.Count} requests (minimum {flow.Minimum})");
                    foreach (var e in log)
                    {
                        dump.WriteLine($"  {e.Method,-6} {e.Status} {Shape(e.Path)}{(e.Query.Contains("$expand", StringComparison.Ordinal) ? " ?" + e.Query : string.Empty)}");
                    }
                }
            }
            finally
            {
                if (Directory.Exists(output))
                {
                    Directory.Delete(output, true);
                }
            }
        }

        return results;
    }

    internal sealed record RetentionFigure(int Deleted, double Seconds, double ModelledSeconds, int Requests, int Throttled, double ClockScale, bool ArmBudgets = false);

    /// <summary>
    /// Retention: the Windows recipe (keepVersions: 5) on the healthy world whose definition holds 100 older versions, at
    /// clock scale 0.001. Time from the first version DELETE to the last request of the run, against the deletes' modelled
    /// time one after another (30 Azure seconds each); requests and 429s of the retention from the emulator's log.
    /// <paramref name="armBudgets"/>: with the world's throttling section on at ARM's rates (reads 250 / 25 a second,
    /// writes and deletes 200 / 10), so the run's reads and deletes draw on enforced budgets (the module paces by them).
    /// </summary>
    public static async Task<RetentionFigure> RetentionAsync(bool armBudgets = false)
    {
        const double scale = 0.001;
        const int existing = 100;
        var world = File.ReadAllText(RepoPaths.World("healthy"));
        var anchor = "                sku: 2022-datacenter-g2\n";
        var at = world.IndexOf(anchor, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException("the healthy world no longer has the win2022-datacenter-g2 definition");
        }

        var versions = new StringBuilder("                versions:\n");
        for (var i = 1; i <= existing; i++)
        {
            versions.Append(CultureInfo.InvariantCulture, $"                  - {{ name: 0.0.{i}, source: vm-win2022-src, publishedDaysAgo: 1 }}\n");
        }

        world = world.Insert(at + anchor.Length, versions.ToString());
        if (armBudgets)
        {
            world += "\nthrottling:\n  enabled: true\n  reads: { bucket: 250, refillPerSecond: 25 }\n" +
                "  writes: { bucket: 200, refillPerSecond: 10 }\n  deletes: { bucket: 200, refillPerSecond: 10 }\n";
        }

        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions { WorldYaml = world, ClockScale = scale });
        using var session = BenchSession.Connect(host);
        var output = Path.Combine(Path.GetTempPath(), "genimage-bench-retention-" + Guid.NewGuid().ToString("N"));
        try
        {
            session.SetVariable("output", output);
            session.SetVariable("examples", Path.Combine(RepoPaths.Root, "examples"));
            host.ClearRequestLog();
            BenchSession.Ensure(session.Run("Invoke-ImageRecipe -Path $examples/recipes/windows2022-gen2-tl.yaml -OutputPath $output -Force | Out-Null"), "Invoke-ImageRecipe (retention)");
            var log = host.RequestLog.OrderBy(e => e.Time).ToList();
            var first = log.FindIndex(e => e.Method == "DELETE" && e.Path.Contains("/versions/", StringComparison.OrdinalIgnoreCase));
            if (first < 0)
            {
                throw new InvalidOperationException("retention deleted no version");
            }

            var retention = log.Skip(first).ToList();
            var deleted = retention.Count(e => e.Method == "DELETE" && e.Path.Contains("/versions/", StringComparison.OrdinalIgnoreCase) && e.Status < 300);
            var end = retention.Max(e => e.Time + e.Duration);
            return new RetentionFigure(deleted, (end - retention[0].Time).TotalSeconds, deleted * 30 * scale, retention.Count, retention.Count(e => e.Status == 429), scale, armBudgets);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }
        }
    }

    public static string Render(RetentionFigure r)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| Retention (keepVersions: 5 over 100 versions) | Deleted | Time (s) | Modelled, one after another (s) | Time / modelled | Requests | 429s |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        sb.AppendLine(inv, $"| Invoke-ImageRecipe windows2022-gen2-tl, clock scale {r.ClockScale}{(r.ArmBudgets ? ", ARM budgets enforced" : "")} | {r.Deleted} | {r.Seconds:0.00} | {r.ModelledSeconds:0.00} | {r.Seconds / r.ModelledSeconds:0.00}x | {r.Requests} | {r.Throttled} |");
        return sb.ToString();
    }

    /// <summary>A request path with subscription ids, GUIDs and operation ids folded, so the same call groups together.</summary>
    internal static string Shape(string path) =>
        GuidPattern().Replace(path.Split('?')[0], "{id}");

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();


    public static string Render(IReadOnlyList<Counted> results)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| Flow | Requests | Minimum | Ratio |");
        sb.AppendLine("|---|---:|---:|---:|");
        foreach (var r in results)
        {
            sb.AppendLine(inv, $"| {r.Flow.Name} | {r.Requests} | {r.Flow.Minimum} | {(double)r.Requests / r.Flow.Minimum:0.00}x |");
        }

        return sb.ToString();
    }
}
