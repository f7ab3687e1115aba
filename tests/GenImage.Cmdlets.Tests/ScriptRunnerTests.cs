using System.Collections;
using System.Text.RegularExpressions;

namespace GenImage.Cmdlets.Tests;

/// <summary>The harness itself: streams, variables, preferences, stopping and the console host.</summary>
public sealed class ScriptRunnerTests
{
    // An advanced function that writes to every stream, so the capture can be checked without the module.
    private const string StreamsFunction = """
        function Write-Everything {
            [CmdletBinding()]
            param()
            $PSCmdlet.WriteObject('out-1')
            $PSCmdlet.WriteWarning('warn-1')
            $PSCmdlet.WriteVerbose('verbose-1')
            $PSCmdlet.WriteDebug('debug-1')
            $PSCmdlet.WriteInformation('info-1', [string[]]@('tag'))
            $p = [System.Management.Automation.ProgressRecord]::new(7, 'Generalize', 'Deallocating')
            $p.PercentComplete = 45
            $PSCmdlet.WriteProgress($p)
            $PSCmdlet.WriteProgress($p)
            $p.RecordType = 'Completed'
            $PSCmdlet.WriteProgress($p)
            $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                [System.InvalidOperationException]::new('error-1'), 'Test.ErrorOne', 'ObjectNotFound', 'target-1'))
            $PSCmdlet.WriteObject('out-2')
        }
        """;

    private static ScriptSession Open(ScriptSessionOptions? options = null)
    {
        options ??= new ScriptSessionOptions();
        options.ImportModule = false;
        return ScriptRunner.Open(options);
    }

    [Fact]
    public void EveryStreamIsCaptured()
    {
        using var session = Open();

        var r = session.Run(StreamsFunction + "\nWrite-Everything", new RunOptions { VerbosePreference = ActionPreference.Continue, DebugPreference = ActionPreference.Continue });

        Assert.Equal(new object?[] { "out-1", "out-2" }, r.BaseObjects);
        var error = Assert.Single(r.Errors);
        Assert.Equal("Test.ErrorOne,Write-Everything", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("target-1", error.TargetObject);
        Assert.Equal(new[] { "warn-1" }, r.WarningMessages);
        Assert.Equal(new[] { "verbose-1" }, r.VerboseMessages);
        Assert.Equal("debug-1", Assert.Single(r.Debug).Message);
        Assert.Equal("info-1", Assert.Single(r.Information).MessageData);
        Assert.Equal(3, r.Progress.Count);
        Assert.Equal(ProgressRecordType.Completed, r.Progress[^1].RecordType);
        Assert.Null(r.TerminatingException);
        Assert.True(r.HadErrors);
        Assert.Equal(new[] { "Test.ErrorOne,Write-Everything" }, r.ErrorIds);
    }

    [Fact]
    public void PreferencesApplyToOneRunOnly()
    {
        using var session = Open();
        session.Run(StreamsFunction).EnsureSuccess();

        var quiet = session.Run("Write-Everything", new RunOptions { ProgressPreference = ActionPreference.SilentlyContinue });
        var loud = session.Run("Write-Everything", new RunOptions { VerbosePreference = ActionPreference.Continue });
        var after = session.Run("Write-Everything; $VerbosePreference; $ProgressPreference");

        Assert.Empty(quiet.Verbose);
        Assert.Empty(quiet.Progress);
        Assert.Single(loud.Verbose);
        Assert.NotEmpty(loud.Progress);
        Assert.Empty(after.Verbose);
        Assert.NotEmpty(after.Progress);
        Assert.Equal(new object?[] { "out-1", "out-2", ActionPreference.SilentlyContinue, ActionPreference.Continue }, after.BaseObjects);
    }

    [Fact]
    public void VariablesComeFromObjectsOrDictionariesAndStateCarriesAcrossRuns()
    {
        using var session = Open();

        session.Run("$sum = $a + $b", new { a = 2, b = 3 }).EnsureSuccess();
        var r = session.Run("$sum * $factor", new RunOptions { Variables = new Dictionary<string, object?> { ["factor"] = 10 } });

        Assert.Equal(50, r.SingleOutput().BaseObject);
        Assert.Equal(5, session.GetVariable("sum"));
    }

    [Fact]
    public void ATerminatingErrorIsCapturedWithItsRecord()
    {
        using var session = Open();

        var r = session.Run("'before'; throw 'stop here'; 'after'");

        Assert.Equal(new object?[] { "before" }, r.BaseObjects);
        Assert.IsAssignableFrom<RuntimeException>(r.TerminatingException);
        Assert.Equal("stop here", r.TerminatingError?.Exception.Message);
        Assert.True(r.HadErrors);
        var failure = Assert.Throws<ScriptFailedException>(() => r.EnsureSuccess());
        Assert.Contains("stop here", failure.Message);
    }

    [Fact]
    public void ErrorActionStopTurnsAWrittenErrorIntoATerminatingOneWithTheSameId()
    {
        using var session = Open();
        session.Run(StreamsFunction).EnsureSuccess();

        var r = session.Run("Write-Everything -ErrorAction Stop");

        Assert.IsType<ActionPreferenceStopException>(r.TerminatingException);
        Assert.Equal("Test.ErrorOne,Write-Everything", r.TerminatingError?.FullyQualifiedErrorId);
        Assert.Contains("Test.ErrorOne,Write-Everything", r.ErrorIds);
    }

    [Fact]
    public void StopWhenStopsTheRunLikeCtrlC()
    {
        using var session = Open();

        // The loop never ends by itself: that Run returns at all, Stopped, is the proof.
        var r = session.Run("""
            function Invoke-Forever {
                [CmdletBinding()]
                param()
                $i = 0
                while ($true) {
                    $i++
                    $PSCmdlet.WriteProgress([System.Management.Automation.ProgressRecord]::new(1, 'Loop', "round $i"))
                    [System.Threading.Thread]::Sleep(20)
                }
            }
            Invoke-Forever
            """, new RunOptions { StopWhen = x => x.Progress.Count >= 3 });

        Assert.True(r.Stopped, r.Describe());
        Assert.IsType<PipelineStoppedException>(r.TerminatingException);
        Assert.True(r.Progress.Count >= 3, r.Describe());
    }

    [Fact]
    public void CancellationAndStopAfterStopTheRun()
    {
        using var session = Open();
        const string forever = "while ($true) { [System.Threading.Thread]::Sleep(20) }";

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var cancelled = session.Run(forever, new RunOptions { CancellationToken = cts.Token });
        var timedOut = session.Run(forever, new RunOptions { StopAfter = TimeSpan.FromMilliseconds(200) });
        var next = session.Run("'the session still works'");

        Assert.True(cancelled.Stopped);
        Assert.True(timedOut.Stopped);
        Assert.Equal("the session still works", next.SingleOutput().BaseObject);
        Assert.False(next.Stopped);
    }

    [Fact]
    public void RunFileSetsPSScriptRootAndPassesParameters()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"genimage-runfile-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "script.ps1");
        File.WriteAllText(file, "param([string]$Name)\n\"$PSScriptRoot|$Name\"");
        try
        {
            using var session = Open();

            var r = session.RunFile(file, new Hashtable { ["Name"] = "vm1" });

            Assert.Equal($"{dir}|vm1", r.SingleOutput().BaseObject);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void PipelineInputReachesTheScript()
    {
        using var session = Open();

        var r = session.Run("$input | ForEach-Object { $_.Name }", new RunOptions
        {
            Input = new[] { new { Name = "a" }, new { Name = "b" } },
        });

        Assert.Equal(new object?[] { "a", "b" }, r.BaseObjects);
    }

    [Fact]
    public void TheHostRendersTablesWarningsErrorsAndProgressAsPlainLines()
    {
        var writer = new StringWriter();
        using var session = Open(new ScriptSessionOptions { HostWriter = writer });
        session.Run(StreamsFunction).EnsureSuccess();

        var r = session.Run("Write-Everything; Get-Command -Name Get-Command, Import-Module | Out-Default", new RunOptions { RenderToHost = true });

        var text = r.HostOutput;
        Assert.Equal(text, writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Contains("out-1\n", text);
        Assert.Contains("WARNING: warn-1\n", text);
        Assert.DoesNotContain("VERBOSE:", text);
        Assert.Contains("ERROR: error-1\n", text);
        Assert.Contains("ErrorId: Test.ErrorOne,Write-Everything", text);
        Assert.Single(Regex.Matches(text, @"^\[Generalize\] Deallocating 45%$", RegexOptions.Multiline));
        Assert.Matches(new Regex(@"^CommandType\s+Name\s+Version\s+Source\s*$", RegexOptions.Multiline), text);
        Assert.Contains("Import-Module", text);
        Assert.DoesNotContain('\u001b', text);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void ConfirmationIsDeclinedUnlessTheHostIsToldToAccept()
    {
        const string function = """
            function Invoke-Risky {
                [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
                param()
                if ($PSCmdlet.ShouldProcess('vm1', 'Generalize')) { 'done' } else { 'declined' }
            }
            """;
        using var declining = Open();
        using var accepting = Open(new ScriptSessionOptions { ConfirmAnswer = ConfirmAnswer.Accept });

        var declined = declining.Run(function + "\nInvoke-Risky");
        var noPrompt = declining.Run(function + "\nInvoke-Risky -Confirm:$false");
        var accepted = accepting.Run(function + "\nInvoke-Risky");

        Assert.Equal("declined", declined.SingleOutput().BaseObject);
        Assert.Equal("done", noPrompt.SingleOutput().BaseObject);
        Assert.Equal("done", accepted.SingleOutput().BaseObject);
        var prompt = Assert.Single(declining.ConsoleHost!.Prompts);
        Assert.Equal("No", prompt.Answer);
        Assert.Contains("vm1", prompt.Message);
        Assert.Equal("Yes", Assert.Single(accepting.ConsoleHost!.Prompts).Answer);
    }

    [Fact]
    public void AMissingMandatoryParameterFailsInsteadOfWaiting()
    {
        using var session = Open();

        var r = session.Run("function Need-Name { param([Parameter(Mandatory)][string]$Name) $Name }\nNeed-Name");

        Assert.True(r.HadErrors, r.Describe());
        Assert.Contains(r.ErrorIds, id => id.StartsWith("MissingMandatoryParameter", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadingSecureInputIsRefusedWithAClearMessage()
    {
        var host = new ConsoleHost();

        var ex = Assert.Throws<NotSupportedException>(() => host.UI.ReadLineAsSecureString());

        Assert.Contains("not interactive", ex.Message);
        Assert.Equal(string.Empty, host.UI.ReadLine());
        Assert.Equal(120, host.UI.RawUI.BufferSize.Width);
    }

    [Fact]
    public void TheDefaultSessionImportsTheStagedModule()
    {
        using var session = ScriptRunner.Open();

        Assert.Equal("GenImage", session.Module?.Name);
        Assert.Equal(RepoPaths.ModuleManifest, session.ModuleManifestPath);
        var r = session.Run("(Get-Module GenImage).Path");
        Assert.StartsWith(RepoPaths.ModuleDirectory, (string)r.SingleOutput().BaseObject);
    }

    [Fact]
    public void AMissingManifestFailsWithABuildHint()
    {
        var ex = Assert.Throws<FileNotFoundException>(() =>
            ScriptRunner.Open(new ScriptSessionOptions { ModuleManifestPath = Path.Combine(Path.GetTempPath(), "no-such-dir", "GenImage.psd1") }));

        Assert.Contains("dotnet build GenImage.Cmdlets.sln", ex.Message);
    }
}
