namespace GenImage.Cmdlets.Tests;

/// <summary>
/// Where a connection is seen. Process scope (the default in pwsh): every runspace of the process, as the runspaces of
/// Start-ThreadJob and ForEach-Object -Parallel are. Runspace scope: the runspace that connected only. The tests of this
/// class make process connections, so they run one at a time (one class); every other session of the test process keeps
/// to its own connection (<c>$GenImageContextScope = 'Runspace'</c>, the harness default) and never sees them.
/// </summary>
public sealed class ContextScopeTests : IClassFixture<EmulatorFixture>
{
    private const string ConnectProcess =
        "Connect-GenImage -Emulator -Endpoint $GenImageTestEndpoint -EmulatorCertificateThumbprint $GenImageTestThumbprint -Scope Process -ErrorAction Stop";

    private readonly EmulatorFixture _emulator;

    public ContextScopeTests(EmulatorFixture emulator) => _emulator = emulator;

    /// <summary>A session as pwsh has it: no scope preference.</summary>
    private ModuleSession PwshLikeSession() =>
        ModuleSession.Open(_emulator, new ScriptSessionOptions { ContextScope = null }, connect: false);

    [Fact]
    public void ForEachObjectParallelUsesTheSessionsConnection()
    {
        using var session = PwshLikeSession();
        try
        {
            var connected = session.Run(ConnectProcess);
            var r = session.Run("""
                $names = 'vm-win2022-src', 'vm-ubuntu2204-src'
                $names | ForEach-Object -Parallel {
                    Import-Module $using:manifest
                    $vm = Get-SourceVm -ResourceGroupName rg-images -Name $_
                    "$($vm.Name)|$((Get-GenImageContext).Scope)|$([runspace]::DefaultRunspace.InstanceId -ne $using:me)"
                }
                """, new { manifest = RepoPaths.ModuleManifest, me = session.Session.Runspace.InstanceId });

            Assert.True(connected.Succeeded, connected.Describe());
            Assert.Equal("Process", connected.SingleOutput().Get<string>("Scope"));
            Assert.True(r.Succeeded, r.Describe());
            Assert.Equal(
                new[] { "vm-ubuntu2204-src|Process|True", "vm-win2022-src|Process|True" },
                r.BaseObjects.Cast<string>().OrderBy(s => s, StringComparer.Ordinal));
        }
        finally
        {
            session.Run("Disconnect-GenImage -Scope Process");
        }
    }

    [Fact]
    public void AnotherRunspaceOfTheProcessUsesTheConnectionAsAThreadJobDoes()
    {
        // Start-ThreadJob runs its script block in a new runspace of the same process; this is that, without the
        // ThreadJob module (which the hosted engine does not ship).
        using var session = PwshLikeSession();
        try
        {
            session.Run(ConnectProcess).EnsureSuccess();
            var r = session.Run("""
                $runspace = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
                $runspace.Open()
                try {
                    $ps = [powershell]::Create()
                    $ps.Runspace = $runspace
                    $null = $ps.AddScript("Import-Module '$manifest'; (Get-SourceVm -ResourceGroupName rg-images).Name")
                    $ps.Invoke()
                    $ps.Streams.Error | ForEach-Object { "ERROR $_" }
                }
                finally { $runspace.Dispose() }
                """, new { manifest = RepoPaths.ModuleManifest });

            Assert.True(r.Succeeded, r.Describe());
            Assert.Equal(new[] { Worlds.LinuxVm, Worlds.WindowsVm }, r.BaseObjects.Select(o => o?.ToString()).OrderBy(s => s, StringComparer.Ordinal));
        }
        finally
        {
            session.Run("Disconnect-GenImage -Scope Process");
        }
    }

    [Fact]
    public void ARunspaceConnectionStaysInItsRunspace()
    {
        using var session = PwshLikeSession();
        var connected = session.Run("Connect-GenImage -Emulator -Endpoint $GenImageTestEndpoint -EmulatorCertificateThumbprint $GenImageTestThumbprint -Scope Runspace -ErrorAction Stop");

        var own = session.Run("(Get-SourceVm -ResourceGroupName rg-images).Count");
        var parallel = session.Run("""
            1 | ForEach-Object -Parallel {
                Import-Module $using:manifest
                try { Get-SourceVm -ResourceGroupName rg-images -ErrorAction Stop } catch { "$($_.FullyQualifiedErrorId)|$($_.Exception.Message)" }
            }
            """, new { manifest = RepoPaths.ModuleManifest });

        Assert.True(connected.Succeeded, connected.Describe());
        Assert.Equal("Runspace", connected.SingleOutput().Get<string>("Scope"));
        Assert.Equal(2, Assert.IsType<int>(own.SingleOutput().BaseObject));
        Assert.True(parallel.Succeeded, parallel.Describe());
        var failure = Assert.IsType<string>(Assert.Single(parallel.BaseObjects));
        Assert.StartsWith("GenImage.NotConnected", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void NotConnectedSaysHowToConnectInAStartJob()
    {
        using var session = PwshLikeSession();

        var r = session.Run("Get-SourceVm -ResourceGroupName rg-images");

        var error = Assert.Single(r.AllErrors);
        Assert.StartsWith("GenImage.NotConnected", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("Start-Job { Connect-GenImage", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("Start-ThreadJob and ForEach-Object -Parallel", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASessionThatKeepsToItselfNeitherSeesNorReplacesTheProcessConnection()
    {
        using var shared = PwshLikeSession();
        using var isolated = ModuleSession.Open(_emulator, connect: false); // $GenImageContextScope = 'Runspace'
        try
        {
            shared.Run(ConnectProcess).EnsureSuccess();

            var before = isolated.Run("Get-GenImageContext");
            var connect = isolated.Run(ModuleSession.ConnectScript);
            var sharedAfter = shared.Run("(Get-GenImageContext).Scope");
            isolated.Run("Disconnect-GenImage").EnsureSuccess();
            var sharedAfterDisconnect = shared.Run("(Get-GenImageContext).Scope");

            Assert.Empty(before.Output);
            Assert.Equal("Runspace", connect.SingleOutput().Get<string>("Scope"));
            Assert.Equal("Process", sharedAfter.SingleOutput().BaseObject);
            Assert.Equal("Process", sharedAfterDisconnect.SingleOutput().BaseObject);
        }
        finally
        {
            shared.Run("Disconnect-GenImage -Scope Process");
        }
    }
}
