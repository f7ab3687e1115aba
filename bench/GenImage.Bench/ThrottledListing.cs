using System.Diagnostics;
using System.Globalization;
using System.Text;
using GenImage.Emulator;

namespace GenImage.Bench;

/// <summary>
/// <c>--throttled-listing [--versions N]</c>: Get-GalleryImageVersion -ExpandReplicationStatus over a definition with N
/// versions (default 10,000): the list pages, then one read per version for its replication status, the listing whose
/// reads exceed ARM's bucket (a plain listing is ⌈N / 50⌉ pages and fits in it), while the emulator enforces ARM's subscription read bucket at ARM's documented rates (250 tokens, 25 a
/// second). The bucket refills on the real clock whatever the emulator's clock scale (Throttler), so the case runs in
/// real time: once the first 250 tokens are spent, the listing can go no faster than 25 reads a second. Reports the
/// requests, the elapsed time, the sustained rate against the refill rate, the 429s on the wire and the errors surfaced.
/// </summary>
/// <remarks>
/// Compute's GetGalleryImageVersion windows (2000 per 3 minutes in the emulator, after the recorded traffic) would bind
/// before ARM's read bucket does (11 a second); they are raised here so the figure is about ARM's bucket. Which listing
/// the module does is read from the request log: list pages (GET on the versions collection) and single-version GETs.
/// </remarks>
internal static class ThrottledListing
{
    private const int ReadBucket = 250;
    private const double ReadRefill = 25;

    internal sealed record Figure(int Versions, int Listed, int Requests, int ListPages, int VersionGets, int Throttled, int Errors, double Seconds)
    {
        /// <summary>Reads answered per second, all of them.</summary>
        public double Rate => (Requests - Throttled) / Seconds;

        /// <summary>
        /// Reads beyond the bucket's first 250 per second, against the refill rate (null when the listing fit in the
        /// bucket: the budget never ran low, so there was no rate to sustain).
        /// </summary>
        public double? SustainedShare => Requests - Throttled <= ReadBucket ? null : (Requests - Throttled - ReadBucket) / Seconds / ReadRefill;
    }

    public static async Task<Figure> RunAsync(int versions)
    {
        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions { WorldYaml = World(versions), ClockScale = 0 });
        using var session = BenchSession.Connect(host);

        // The connection's reads so far came out of the bucket; wait until it is full again so every run starts alike.
        await Task.Delay(TimeSpan.FromSeconds(ReadBucket / ReadRefill));
        host.ClearRequestLog();
        var watch = Stopwatch.StartNew();
        var r = session.Run("@(Get-GalleryImageVersion -ResourceGroupName rg-bench -GalleryName galbench -DefinitionName ubuntu -ExpandReplicationStatus).Count");
        watch.Stop();
        var log = host.RequestLog;
        var listed = r.Output.Count == 1 ? Convert.ToInt32(r.Output[0].BaseObject, CultureInfo.InvariantCulture) : 0;
        var listPages = log.Count(e => e.Method == "GET" && e.Path.EndsWith("/versions", StringComparison.OrdinalIgnoreCase));
        var versionGets = log.Count(e => e.Method == "GET" && e.Path.Contains("/versions/", StringComparison.OrdinalIgnoreCase));
        var errors = r.Errors.Count + (r.TerminatingException is null ? 0 : 1);
        if (errors > 0)
        {
            Console.Error.WriteLine(r.Describe());
        }

        return new Figure(versions, listed, log.Count, listPages, versionGets, log.Count(e => e.Status == 429), errors, watch.Elapsed.TotalSeconds);
    }

    public static string Render(Figure f)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| Throttled listing (ARM read bucket 250, 25/s, real time) | Versions | Listed | Requests | List pages | Version GETs | Elapsed (s) | Reads/s | Sustained / refill | 429s on the wire | Errors surfaced |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var share = f.SustainedShare is { } s ? (s * 100).ToString("0.0", inv) + " %" : "n/a (within the bucket)";
        sb.AppendLine(inv, $"| Get-GalleryImageVersion -ExpandReplicationStatus, whole definition | {f.Versions} | {f.Listed} | {f.Requests} | {f.ListPages} | {f.VersionGets} | {f.Seconds:0.0} | {f.Rate:0.0} | {share} | {f.Throttled} | {f.Errors} |");
        sb.AppendLine();
        sb.AppendLine("Sustained / refill: the reads beyond the bucket's first 250, per second, against ARM's refill of 25 a second. Compute's");
        sb.AppendLine("GetGalleryImageVersion windows are raised in this world so ARM's read bucket is the budget measured.");
        return sb.ToString();
    }

    private static string World(int versions)
    {
        var sb = new StringBuilder();
        sb.Append("""
            apiVersion: genimage.dev/emulator/v1
            kind: World
            throttling:
              enabled: true
              reads:   { bucket: 250, refillPerSecond: 25 }
              writes:  { bucket: 200, refillPerSecond: 10 }
              deletes: { bucket: 200, refillPerSecond: 10 }
              resource:
                GetGalleryImageVersion3Min: { bucket: 1000000, refillPerSecond: 100000 }
                GetGalleryImageVersion30Min: { bucket: 1000000, refillPerSecond: 100000 }
            subscriptions:
              - id: 00000000-0000-0000-0000-000000000001
                resourceGroups:
                  - name: rg-bench
                    location: westeurope
                    virtualMachines:
                      - { name: vm-bench-src, osType: Linux, powerState: deallocated, osState: generalized, guest: { prepared: true }, tags: { owner: bench } }
                    galleries:
                      - name: galbench
                        images:
                          - name: ubuntu
                            osType: Linux
                            publisher: bench
                            offer: ubuntu
                            sku: gen2
                            versions:

            """);
        for (var i = 0; i < versions; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"                  - {{ name: 1.{i / 1000}.{i % 1000}, source: vm-bench-src, publishedDaysAgo: 1 }}\n");
        }

        return sb.ToString();
    }
}
