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
        new Flow("Invoke-ImageRecipe ubuntu2204-gen2", "", "Invoke-ImageRecipe -Path $examples/recipes/ubuntu2204-gen2.yaml -OutputPath $output -Force | Out-Null", 1),
        new Flow("Invoke-ImageRecipe windows2022-gen2-tl", "", "Invoke-ImageRecipe -Path $examples/recipes/windows2022-gen2-tl.yaml -OutputPath $output -Force | Out-Null", 1),
        new Flow("Invoke-GeneralizeVm -Prepare (Linux)", "", "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force | Out-Null", 1),
        new Flow("New-GalleryImageVersion to two regions",
            "Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force | Out-Null",
            $"New-GalleryImageVersion rg-images gal_images ubuntu-2204-gen2 -SourceId '{VmId}vm-ubuntu2204-src' -Name 1.0.0 -TargetRegion westeurope,northeurope | Out-Null", 1),
        new Flow("Test-ImageDeployment",
            $"Invoke-GeneralizeVm -ResourceGroupName rg-images -Name vm-ubuntu2204-src -Prepare -Force | Out-Null; New-GalleryImageVersion rg-images gal_images ubuntu-2204-gen2 -SourceId '{VmId}vm-ubuntu2204-src' -Name 1.0.0 -TargetRegion westeurope | Out-Null",
            $"Test-ImageDeployment -ImageId '{Versions}ubuntu-2204-gen2/versions/1.0.0' | Out-Null", 1),
    };

    internal sealed record Counted(Flow Flow, int Requests, IReadOnlyList<(string Call, int Count)> Calls);

    public static async Task<IReadOnlyList<Counted>> RunAsync(IEnumerable<Flow> flows, TextWriter? dump)
    {
        var results = new List<Counted>();
        foreach (var flow in flows)
        {
            await using var host = await EmulatorHost.StartAsync(new EmulatorOptions { WorldFile = RepoPaths.World("healthy"), ClockScale = 0 });
            using var session = ScriptRunner.Open();
            var output = Path.Combine(Path.GetTempPath(), "genimage-bench-calls-" + Guid.NewGuid().ToString("N"));
            try
            {
                session.SetVariable("endpoint", host.Endpoint);
                session.SetVariable("thumbprint", host.CertificateThumbprint);
                session.SetVariable("output", output);
                session.SetVariable("examples", Path.Combine(RepoPaths.Root, "examples"));
                Ensure(session.Run("Connect-GenImage -Emulator -Endpoint $endpoint -EmulatorCertificateThumbprint $thumbprint -ErrorAction Stop | Out-Null"), "Connect-GenImage");
                if (flow.Setup.Length > 0)
                {
                    Ensure(session.Run(flow.Setup), flow.Name + " (setup)");
                }

                host.ClearRequestLog();
                Ensure(session.Run(flow.Script), flow.Name);
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

    /// <summary>A request path with subscription ids, GUIDs and operation ids folded, so the same call groups together.</summary>
    internal static string Shape(string path) =>
        GuidPattern().Replace(path.Split('?')[0], "{id}");

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    private static void Ensure(ScriptResult r, string what)
    {
        if (r.HadErrors || r.TerminatingException is not null)
        {
            throw new InvalidOperationException($"{what} failed during the benchmark:\n{r.Describe()}");
        }
    }

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
