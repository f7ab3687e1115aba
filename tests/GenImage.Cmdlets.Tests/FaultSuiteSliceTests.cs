using System.Diagnostics;
using System.Text.Json;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// A fixed-seed slice of the fault suite (bench/GenImage.FaultSuite, documented in bench/README.md): the Ubuntu recipe
/// killed with SIGKILL inside two irreversible steps and resumed in a new process, and two runs under seeded transient
/// faults. Every run must end as a clean run does, with nothing leaked and nothing created twice.
/// </summary>
public sealed class FaultSuiteSliceTests
{
    [Fact]
    public async Task Kills_inside_irreversible_steps_and_seeded_faults_end_like_a_clean_run()
    {
        var bin = Path.Combine(RepoPaths.Root, "bench", "GenImage.FaultSuite", "bin");
        var dll = Directory.GetFiles(bin, "GenImage.FaultSuite.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).First();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--recipe", "ubuntu", "--kill", "test VM PUT accepted", "--kill", "preparation Run Command accepted", "--fault-runs", "2", "--seed", "7" })
        {
            start.ArgumentList.Add(a);
        }

        using var suite = Process.Start(start)!;
        var stdoutTask = suite.StandardOutput.ReadToEndAsync();
        var stderrTask = suite.StandardError.ReadToEndAsync();
        using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(15)))
        {
            try
            {
                await suite.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                suite.Kill(entireProcessTree: true);
                Assert.Fail("the fault suite slice did not end within 15 minutes");
            }
        }
        var stdout = await stdoutTask;
        var stderr = await stderrTask;

        var summary = stdout.Split('\n').Select(l => l.Trim()).SingleOrDefault(l => l.StartsWith("FAULTSUITE-SUMMARY ", StringComparison.Ordinal));
        Assert.True(summary != null, stdout + stderr);
        using var doc = JsonDocument.Parse(summary!["FAULTSUITE-SUMMARY ".Length..]);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(new[] { "kills", "faults 10 %" }, rows.Select(r => r.GetProperty("Mode").GetString()));
        Assert.Equal(2, rows[0].GetProperty("Runs").GetInt32());
        Assert.Equal(2, rows[1].GetProperty("Runs").GetInt32());
        Assert.All(rows, r =>
        {
            Assert.True(r.GetProperty("Clean").GetInt32() == r.GetProperty("Runs").GetInt32(), stdout + stderr);
            Assert.Equal(0, r.GetProperty("Leaks").GetInt32());
            Assert.Equal(0, r.GetProperty("Duplicates").GetInt32());
        });
        Assert.Equal(2, rows[0].GetProperty("Resumes").GetInt32());   // each killed run needed exactly one -Resume
        Assert.Equal(0, suite.ExitCode);
    }
}
