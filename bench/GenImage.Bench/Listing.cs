using System.Diagnostics;
using System.Globalization;
using System.Text;
using GenImage.Emulator;
using GenImage.Emulator.Throttling;

namespace GenImage.Bench;

/// <summary>
/// <c>--listing</c>: Get-GalleryImageVersion of one definition with 10,000 versions, through the hosted engine against
/// the emulator with ARM's and Compute's throttling on (default buckets), and what it cost: requests, time, 429s. The
/// minimum is one list call and its pages: ⌈10,000 / 50⌉ = 200 requests. "emulator time" is the time the emulator spent
/// answering (its request log), the rest is the client: SDK, engine and PowerShell.
/// </summary>
internal static class Listing
{
    public const int Versions = 10_000;
    private const int PageSize = 50;
    private const string VersionsPath = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-bench/providers/Microsoft.Compute/galleries/gal_bench/images/many/versions";

    public static async Task<string> RunAsync()
    {
        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            WorldYaml = World(),
            ClockScale = 0,
            Throttling = new ThrottlingSettings { Enabled = true },
        });
        using var session = BenchSession.Connect(host);

        host.ClearRequestLog();
        var clock = Stopwatch.StartNew();
        var result = session.Run("@(Get-GalleryImageVersion -ResourceGroupName rg-bench -GalleryName gal_bench -DefinitionName many).Count");
        clock.Stop();
        BenchSession.Ensure(result, "Get-GalleryImageVersion");
        var listed = Convert.ToInt32(result.Output.Single().BaseObject, CultureInfo.InvariantCulture);
        if (listed != Versions)
        {
            throw new InvalidOperationException($"Get-GalleryImageVersion returned {listed} versions, not {Versions}.");
        }

        var log = host.RequestLog;
        var pages = log.Count(e => e.Method == "GET" && string.Equals(e.Path, VersionsPath, StringComparison.OrdinalIgnoreCase));
        var perVersion = log.Count(e => e.Path.StartsWith(VersionsPath + "/", StringComparison.OrdinalIgnoreCase));
        var throttled = log.Count(e => e.Status == 429);
        var minimum = (Versions + PageSize - 1) / PageSize;
        var served = TimeSpan.FromTicks(log.Sum(e => e.Duration.Ticks));

        var sb = new StringBuilder();
        sb.AppendLine("## Listing 10,000 versions of one definition (`--listing`)").AppendLine();
        sb.AppendLine("Get-GalleryImageVersion of a definition with 10,000 versions (hosted engine, emulator with throttling on at its default buckets, clock scale 0).").AppendLine();
        sb.AppendLine("| versions | requests | list pages | per-version GETs | 429s | minimum | time (ms) | emulator time (ms) |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {listed} | {log.Count} | {pages} | {perVersion} | {throttled} | {minimum} | {clock.Elapsed.TotalMilliseconds:0} | {served.TotalMilliseconds:0} |"));
        return sb.ToString();
    }

    private static string World()
    {
        var yaml = new StringBuilder("""
            apiVersion: genimage.dev/emulator/v1
            kind: World
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000001
                resourceGroups:
                  - name: rg-bench
                    location: westeurope
                    galleries:
                      - name: gal_bench
                        images:
                          - name: many
                            osType: Linux
                            publisher: bench
                            offer: ubuntu
                            sku: many
                            versions:

            """);
        for (var i = 0; i < Versions; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"                  - {{ name: 1.{i / 1000}.{i % 1000}, source: vm-gone, publishedDaysAgo: {1 + (i % 300)} }}\n");
        }

        return yaml.ToString();
    }
}
