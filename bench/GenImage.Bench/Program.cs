using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using GenImage.Core.Guest;
using GenImage.Core.Readiness;
using GenImage.Core.Recipes;
using GenImage.Demo;
using GenImage.Emulator;

namespace GenImage.Bench;

/// <summary>
/// GenImage's benchmarks: each case runs warm-up iterations, then N measured ones, and reports the median and
/// 95th percentile wall time and the bytes allocated per iteration. Results go to a markdown file with the machine facts.
/// </summary>
internal static class Program
{
    private const string Sub = "00000000-0000-0000-0000-000000000001";
    private const int VmCount = 16;

    private static async Task<int> Main(string[] args)
    {
        var outPath = Path.Combine(RepoPaths.Root, "bench", "results.md");
        if (args.Contains("--retention"))
        {
            Console.Out.Write(CallCounts.Render(await CallCounts.RetentionAsync(armBudgets: args.Contains("--arm-budgets"))));
            return 0;
        }

        if (args.Contains("--throttled-listing"))
        {
            // Real time: about 6.5 minutes for 10,000 versions listed version by version at ARM's 25 reads a second.
            var at = Array.IndexOf(args, "--versions");
            var versions = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 10_000;
            Console.Out.Write(ThrottledListing.Render(await ThrottledListing.RunAsync(versions)));
            return 0;
        }

        if (args.Contains("--overhead"))
        {
            Console.Out.Write(Overhead.Render(await Overhead.MeasureAsync()));
            return 0;
        }

        if (args.Contains("--listing"))
        {
            // Get-GalleryImageVersion of 10,000 versions: requests, time and 429s.
            Console.Out.Write(await Listing.RunAsync());
            return 0;
        }

        if (args.Contains("--calls"))
        {
            // Every request of each flow, to compare with docs/arm-calls.md.
            await CallCounts.RunAsync(CallCounts.Flows, Console.Out);
            return 0;
        }

        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length)
            {
                outPath = Path.GetFullPath(args[++i]);
            }
            else if (args[i] == SerialLogMemory.ChildFlag && i + 1 < args.Length)
            {
                // One recipe run in this fresh process (started by the serial-log memory case).
                return await SerialLogMemory.RunChildAsync(long.Parse(args[i + 1], CultureInfo.InvariantCulture));
            }
        }

        var results = new List<Result>();
        await using (var host = await EmulatorHost.StartAsync(new EmulatorOptions { WorldYaml = World(), ClockScale = 0 }))
        {
            results.Add(await SdkGetVmAsync(host));
            using var session = BenchSession.Connect(host);
            results.Add(Generalize(session));
            results.Add(Publish(session));
            results.Add(Evidence(session));
        }

        results.AddRange(Recipes());
        results.Add(Readiness());
        var memory = SerialLogMemory.Measure();
        var calls = await CallCounts.RunAsync(CallCounts.Flows, null);
        var retention = await CallCounts.RetentionAsync();
        var retentionBudgets = await CallCounts.RetentionAsync(armBudgets: true);
        var overhead = await Overhead.MeasureAsync();
        var listing = await Listing.RunAsync();
        // Real time: about 6.5 minutes for 10,000 versions at ARM's 25 reads a second.
        var throttled = await ThrottledListing.RunAsync(10_000);

        var markdown = Render(results) + SerialLogMemory.Render(memory) + Environment.NewLine +
            "## ARM requests per flow (`--calls` lists them; the minimum is docs/arm-calls.md)" + Environment.NewLine + Environment.NewLine +
            CallCounts.Render(calls) + Environment.NewLine +
            "## Retention (`--retention`, `--retention --arm-budgets`)" + Environment.NewLine + Environment.NewLine + CallCounts.Render(retention) +
            CallCounts.Render(retentionBudgets).Split(Environment.NewLine)[2] + Environment.NewLine + Environment.NewLine +
            "## Overhead outside Azure's own work (`--overhead`)" + Environment.NewLine + Environment.NewLine + Overhead.Render(overhead) + Environment.NewLine +
            listing + Environment.NewLine +
            "## Listing 10,000 versions under ARM's read budget (`--throttled-listing`)" + Environment.NewLine + Environment.NewLine + ThrottledListing.Render(throttled) +
            Environment.NewLine + "Produced with `bench/run.sh` (all figures above in one run); each `--` option runs its case alone." + Environment.NewLine +
            Environment.NewLine + File.ReadAllText(Path.Combine(RepoPaths.Root, "bench", "before.md"));
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        await File.WriteAllTextAsync(outPath, markdown, new UTF8Encoding(false));
        Console.Out.Write(markdown);
        Console.Out.WriteLine($"Written to {outPath}");
        return 0;
    }

    // ---- cases ------------------------------------------------------------------------------------------------

    /// <summary>(a) One SDK round trip: GET a VM with its instance view over HTTPS.</summary>
    private static async Task<Result> SdkGetVmAsync(EmulatorHost host)
    {
        var client = Sdk(host);
        var vm = client.GetVirtualMachineResource(VirtualMachineResource.CreateResourceIdentifier(Sub, "rg-bench", "vm-bench-src"));
        return await MeasureAsync("SDK GET VM with instance view (emulator round trip)", 20, 200, async _ =>
        {
            var data = (await vm.GetAsync(InstanceViewType.InstanceView)).Value.Data;
            if (data.InstanceView is null)
            {
                throw new InvalidOperationException("no instance view");
            }
        });
    }

    /// <summary>(b) Invoke-GeneralizeVm -Prepare end to end in the hosted engine; one fresh VM per iteration.</summary>
    private static Result Generalize(ScriptSession session)
    {
        const int warmup = 2;
        return Measure("Invoke-GeneralizeVm -Prepare (hosted engine, clock scale 0)", warmup, VmCount - warmup, i =>
            BenchSession.Ensure(session.Run($"Invoke-GeneralizeVm -ResourceGroupName rg-bench -Name vm-bench-{i + 1:00} -Prepare -Force | Out-Null"), "Invoke-GeneralizeVm"));
    }

    /// <summary>(e) New-GalleryImageVersion to two regions end to end (pre-flight, PUT, replication followed to the end).</summary>
    private static Result Publish(ScriptSession session)
    {
        var source = $"/subscriptions/{Sub}/resourceGroups/rg-bench/providers/Microsoft.Compute/virtualMachines/vm-bench-published";
        return Measure("New-GalleryImageVersion to two regions (hosted engine, clock scale 0)", 2, 12, i =>
            BenchSession.Ensure(session.Run($"New-GalleryImageVersion rg-bench galbench ubuntu -SourceId '{source}' -Name 1.0.{i} -TargetRegion westeurope,northeurope | Out-Null"),
                "New-GalleryImageVersion"));
    }

    /// <summary>(f) Get-ImageEvidence for a published version: collect from ARM and write the bundle.</summary>
    private static Result Evidence(ScriptSession session)
    {
        var version = $"/subscriptions/{Sub}/resourceGroups/rg-bench/providers/Microsoft.Compute/galleries/galbench/images/ubuntu/versions/1.0.0";
        var root = Path.Combine(Path.GetTempPath(), "genimage-bench-evidence-" + Guid.NewGuid().ToString("N"));
        try
        {
            return Measure("Get-ImageEvidence bundle write for a version (hosted engine)", 2, 12, i =>
                BenchSession.Ensure(session.Run($"Get-ImageEvidence -VersionId '{version}' -OutputPath '{Path.Combine(root, i.ToString(CultureInfo.InvariantCulture))}' | Out-Null"),
                    "Get-ImageEvidence"));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }
    }

    /// <summary>(c) Parse and validate each shipped recipe.</summary>
    private static IEnumerable<Result> Recipes()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "examples", "recipes"), "*.yaml").OrderBy(f => f, StringComparer.Ordinal))
        {
            yield return Measure($"Recipe parse + validate: {Path.GetFileName(file)}", 20, 200, _ =>
            {
                var recipe = RecipeParser.ParseFile(file);
                if (recipe.Path.Length == 0)
                {
                    throw new InvalidOperationException("no recipe");
                }
            });
        }
    }

    /// <summary>(d) Every readiness rule over a full input (VM, guest facts, definition, versions, regions).</summary>
    private static Result Readiness()
    {
        var input = FullInput();
        var count = ReadinessEngine.Evaluate(input).Count;
        return Measure($"ReadinessEngine.Evaluate, full input ({count} rules)", 200, 2000, _ =>
        {
            if (ReadinessEngine.Evaluate(input).Count != count)
            {
                throw new InvalidOperationException("rule count changed");
            }
        });
    }

    // ---- inputs -----------------------------------------------------------------------------------------------

    private static string World()
    {
        var sb = new StringBuilder();
        sb.Append("""
            apiVersion: genimage.dev/emulator/v1
            kind: World
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000001
                resourceGroups:
                  - name: rg-bench
                    location: westeurope
                    galleries:
                      - name: galbench
                        images:
                          - { name: ubuntu, osType: Linux, publisher: bench, offer: ubuntu, sku: gen2 }
                    virtualMachines:
                      - { name: vm-bench-src, osType: Linux, tags: { owner: bench } }
                      - { name: vm-bench-published, osType: Linux, powerState: deallocated, osState: generalized, guest: { prepared: true }, tags: { owner: bench } }

            """);
        for (var i = 1; i <= VmCount; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"          - {{ name: vm-bench-{i:00}, osType: Linux, tags: {{ owner: bench }} }}\n");
        }

        return sb.ToString();
    }

    private static ReadinessInput FullInput()
    {
        const string vmId = "/subscriptions/" + Sub + "/resourceGroups/rg-bench/providers/Microsoft.Compute/virtualMachines/vm-bench-src";
        const string definitionId = "/subscriptions/" + Sub + "/resourceGroups/rg-bench/providers/Microsoft.Compute/galleries/galbench/images/ubuntu";
        var facts = new JsonObject
        {
            ["waagentInstalled"] = true,
            ["waagentVersion"] = "2.9.1.1",
            ["agentConfigured"] = true,
            ["sshHostKeys"] = new JsonArray(),
            ["machineId"] = false,
            ["adminUsers"] = new JsonArray(),
            ["shellHistory"] = new JsonArray(),
            ["cloudInitState"] = new JsonArray(),
            ["waagentState"] = new JsonArray(),
            ["osRelease"] = "Ubuntu 22.04.4 LTS",
        };
        var result = new JsonObject { ["script"] = "inspect-linux", ["status"] = "succeeded", ["message"] = "inspected", ["facts"] = facts };
        if (!GuestScriptResult.TryParse("GENIMAGE-RESULT " + result.ToJsonString(), out var parsed, out var error))
        {
            throw new InvalidOperationException(error);
        }

        var input = new ReadinessInput
        {
            SourceId = vmId,
            SourceVm = new SourceVm
            {
                Id = vmId, Name = "vm-bench-src", ResourceGroupName = "rg-bench", SubscriptionId = Sub, Location = "westeurope",
                VmSize = "Standard_D2s_v5", OsType = "Linux", HyperVGeneration = "V2", PowerState = "running", ProvisioningState = "Succeeded",
                AgentStatus = "Ready", AgentVersion = "2.9.1.1", OsDiskSizeGB = 30, OsDiskStorageAccountType = "Premium_LRS",
                Tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["owner"] = "bench" },
            },
            Guest = GuestFacts.FromResult(parsed!),
            WillGeneralize = true,
            Definition = new GalleryImageDefinition
            {
                Id = definitionId, Name = "ubuntu", GalleryName = "galbench", ResourceGroupName = "rg-bench", OsType = "Linux",
                OsState = "Generalized", HyperVGeneration = "V2", SecurityType = "TrustedLaunchSupported", Architecture = "x64",
            },
            VersionName = "1.1.0",
            SourcePurchasePlan = "",
            Now = DateTimeOffset.UtcNow,
        };
        for (var v = 0; v < 10; v++)
        {
            input.ExistingVersions.Add(new GalleryImageVersion
            {
                Id = $"{definitionId}/versions/1.0.{v}", Name = $"1.0.{v}", DefinitionName = "ubuntu", GalleryName = "galbench", Location = "westeurope",
                ProvisioningState = "Succeeded",
                Regions = { new RegionReplication { Region = "westeurope", ReplicaCount = 1, StorageAccountType = "Standard_LRS", State = "Completed" } },
            });
        }

        input.TargetRegions.Add(new TargetRegion { Name = "westeurope", ReplicaCount = 2, StorageAccountType = "Standard_ZRS" });
        input.TargetRegions.Add(new TargetRegion { Name = "northeurope", ReplicaCount = 1, StorageAccountType = "Standard_LRS" });
        return input;
    }

    private static ArmClient Sdk(EmulatorHost host)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                cert is not null && Convert.ToHexString(SHA256.HashData(cert.RawData)) == host.CertificateThumbprint,
        };
        var options = new ArmClientOptions
        {
            Environment = new ArmEnvironment(host.Endpoint, "https://management.azure.com/"),
            Transport = new HttpClientTransport(new HttpClient(handler)),
        };
        options.Retry.MaxRetries = 0;
        return new ArmClient(new UnsignedCredential(), Sub, options);
    }

    /// <summary>An unsigned token naming a principal: the emulator reads, never verifies, it.</summary>
    private sealed class UnsignedCredential : TokenCredential
    {
        private static readonly string Token = B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." +
            B64("{\"upn\":\"bench@genimage.example\",\"oid\":\"22222222-3333-4444-5555-666666666666\"}") + ".";

        private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }


    // ---- measuring --------------------------------------------------------------------------------------------

    private sealed record Result(string Name, int Iterations, double MedianMs, double P95Ms, double MinMs, long BytesPerIteration, string AllocationScope);

    /// <summary>Synchronous case: allocations counted across all threads (the hosted engine and the emulator work on several).</summary>
    private static Result Measure(string name, int warmup, int iterations, Action<int> body)
    {
        for (var i = 0; i < warmup; i++)
        {
            body(i);
        }

        var times = new double[iterations];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < iterations; i++)
        {
            var sw = Stopwatch.StartNew();
            body(warmup + i);
            times[i] = sw.Elapsed.TotalMilliseconds;
        }

        var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        return Summarize(name, times, bytes / iterations, "process");
    }

    private static async Task<Result> MeasureAsync(string name, int warmup, int iterations, Func<int, Task> body)
    {
        for (var i = 0; i < warmup; i++)
        {
            await body(i);
        }

        var times = new double[iterations];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < iterations; i++)
        {
            var sw = Stopwatch.StartNew();
            await body(warmup + i);
            times[i] = sw.Elapsed.TotalMilliseconds;
        }

        var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        return Summarize(name, times, bytes / iterations, "process (client and emulator)");
    }

    private static Result Summarize(string name, double[] times, long bytesPerIteration, string scope)
    {
        Array.Sort(times);
        double Percentile(double p) => times[Math.Min(times.Length - 1, (int)Math.Ceiling(p * times.Length) - 1)];
        var median = times.Length % 2 == 1 ? times[times.Length / 2] : (times[times.Length / 2 - 1] + times[times.Length / 2]) / 2;
        Console.Error.WriteLine($"{name}: median {median:0.###} ms");
        return new Result(name, times.Length, median, Percentile(0.95), times[0], bytesPerIteration, scope);
    }

    private static string Render(IReadOnlyList<Result> results)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# GenImage benchmark results");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Date (UTC): {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm}");
        sb.AppendLine(inv, $"- OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
        sb.AppendLine(inv, $"- .NET: {RuntimeInformation.FrameworkDescription}");
        sb.AppendLine(inv, $"- Logical cores: {Environment.ProcessorCount}");
        sb.AppendLine(inv, $"- Configuration: {(IsDebug() ? "Debug" : "Release")}; server GC: {System.Runtime.GCSettings.IsServerGC}");
        sb.AppendLine("- Emulator: in process, HTTPS on 127.0.0.1, clock scale 0 (Azure's waits take no time)");
        sb.AppendLine();
        sb.AppendLine("| Case | Iterations | Median (ms) | p95 (ms) | Min (ms) | Allocated per iteration | Allocation scope |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            sb.AppendLine(inv, $"| {r.Name} | {r.Iterations} | {r.MedianMs:0.000} | {r.P95Ms:0.000} | {r.MinMs:0.000} | {Bytes(r.BytesPerIteration)} | {r.AllocationScope} |");
        }

        sb.AppendLine();
        sb.AppendLine("Wall time per iteration after warm-up (Stopwatch). Allocations: GC.GetTotalAllocatedBytes over the measured iterations divided by their number;");
        sb.AppendLine("for the cases against the emulator they include the emulator's own work in the same process. See bench/README.md.");
        return sb.ToString();
    }

    private static string Bytes(long b) => b >= 1024 * 1024
        ? (b / (1024.0 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " MiB"
        : (b / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB";

    private static bool IsDebug()
    {
#if DEBUG
        return true;
#else
        return false;
#endif
    }
}
