using GenImage.HelpGen;

namespace GenImage.Cmdlets.Tests;

/// <summary>
/// The examples of the help run as written, against a fresh emulator of the healthy world: the code is taken from
/// <c>Get-Help -Examples</c> (the MAML the build generates), the examples of one cmdlet run in order in one session, as
/// a reader who tries them one after the other would. <c>Connect-GenImage -Emulator</c> in an example reaches the
/// test's emulator through <c>$PSDefaultParameterValues</c>; relative paths resolve in a copy of <c>examples/</c>.
/// An example the docs mark <c>&lt;!-- not run: reason --&gt;</c> (it needs Azure itself) is left out, and every cmdlet
/// must keep at least one example that runs.
/// </summary>
public sealed class HelpExampleTests
{
    public static TheoryData<string> Cmdlets()
    {
        var data = new TheoryData<string>();
        foreach (var name in ManifestTests.RequiredCmdlets.OrderBy(n => n, StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public async Task ExamplesRunAgainstTheEmulator(string cmdlet)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var examples = new ExampleSession(emulator);

        var ran = examples.RunAll(cmdlet);

        Assert.NotEmpty(ran);
    }

    [Fact]
    public async Task GeneralizeExamplesGeneralizeTheWorldsVms()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var examples = new ExampleSession(emulator);

        var ran = examples.RunAll("Invoke-GeneralizeVm");

        Assert.Equal(3, ran.Count);
        // Example 1 generalizes the Windows VM, example 2 only shows a plan, example 3 takes every VM of the group.
        Assert.Equal("generalized", ran[0].Result.SingleOutput().Get<string>("OsStateAfter"));
        Assert.Empty(ran[1].Result.Output);
        Assert.Contains("What if:", ran[1].Result.HostOutput, StringComparison.Ordinal);
        Assert.Contains(Worlds.LinuxVm, ran[1].Result.HostOutput, StringComparison.Ordinal);
        Assert.Equal("generalized", emulator.Vm(Worlds.WindowsVm).OsState);
        Assert.Equal("generalized", emulator.Vm(Worlds.LinuxVm).OsState);
        Assert.Contains(ran[2].Result.WarningMessages, w => w.Contains(Worlds.WindowsVm, StringComparison.Ordinal));
    }

    /// <summary>One example as Get-Help shows it, and what running it gave.</summary>
    public sealed record RanExample(string Title, string Code, ScriptResult Result);

    /// <summary>A session on one emulator, with <c>Connect-GenImage -Emulator</c> pointed at it and a copy of examples/ as the current folder.</summary>
    private sealed class ExampleSession : IDisposable
    {
        private readonly ModuleSession _session;
        private readonly string _folder;

        public ExampleSession(EmulatorFixture emulator)
        {
            _folder = Path.Combine(Path.GetTempPath(), "genimage-examples-" + Guid.NewGuid().ToString("N"));
            CopyDirectory(Path.Combine(RepoPaths.Root, "examples"), Path.Combine(_folder, "examples"));
            _session = ModuleSession.Open(emulator, connect: false);
            _session.Run("""
                $PSDefaultParameterValues['Connect-GenImage:Endpoint'] = $GenImageTestEndpoint
                $PSDefaultParameterValues['Connect-GenImage:EmulatorCertificateThumbprint'] = $GenImageTestThumbprint
                $null = $ExecutionContext.SessionState.Path.SetLocation($folder)
                """, new { folder = _folder }).EnsureSuccess();
        }

        /// <summary>Runs the examples of <paramref name="cmdlet"/> in order; fails on the first that writes an error.</summary>
        public List<RanExample> RunAll(string cmdlet)
        {
            var page = new HelpBuilder(Path.Combine(RepoPaths.Root, "docs"), RepoPaths.Root).LoadCmdletPage(cmdlet);
            Assert.True(page is not null, $"docs/cmdlets/{cmdlet}.md does not exist.");
            var help = _session.Run(
                "@((Get-Help -Name $name -Examples).examples.example) | ForEach-Object { [pscustomobject]@{ Title = \"$($_.title)\".Trim(' ', '-'); Code = \"$($_.code)\" } }",
                new { name = cmdlet });
            help.EnsureSuccess();
            var shown = help.Output.Select(o => (Title: o.Get<string>("Title"), Code: o.Get<string>("Code"))).ToList();
            Assert.True(shown.Count == page!.Examples.Count, $"Get-Help {cmdlet} -Examples shows {shown.Count} examples, the page has {page.Examples.Count}.");

            var ran = new List<RanExample>();
            for (var i = 0; i < shown.Count; i++)
            {
                var doc = page.Examples[i];
                Assert.Equal(doc.Title, shown[i].Title);
                if (doc.NotRunReason is not null)
                {
                    continue;
                }

                var result = _session.Run(shown[i].Code);

                Assert.True(result.Succeeded, $"{cmdlet}, {doc.Title} failed:\n{shown[i].Code}\n\n{result.Describe()}");
                ran.Add(new RanExample(doc.Title, shown[i].Code, result));
            }
            Assert.True(ran.Count > 0, $"{cmdlet} has no example that runs against the emulator.");
            return ran;
        }

        public void Dispose()
        {
            _session.Dispose();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a finished run: the temp folder is left for the system to clean.
            }
        }

        private static void CopyDirectory(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }

            foreach (var dir in Directory.GetDirectories(from))
            {
                CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
            }
        }
    }
}
