namespace GenImage.Cmdlets.Tests;

/// <summary>Connect-GenImage, Get-GenImageContext, Disconnect-GenImage and Get-SourceVm through the hosted engine.</summary>
public sealed class ConnectionCmdletTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _emulator;

    public ConnectionCmdletTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public void Connect_returns_the_context_and_Get_GenImageContext_shows_it()
    {
        using var session = _emulator.Connect();

        var context = session.Context!;
        Assert.Equal("GenImage.GenImageContext", context.TypeName());
        Assert.Equal(Worlds.SubscriptionId, context.Get<string>("SubscriptionId"));
        Assert.Equal("GenImage Demo", context.Get<string>("SubscriptionName"));
        Assert.True(context.Get<bool>("IsEmulator"));
        Assert.Equal("Emulator", context.Get<string>("CredentialType"));
        Assert.Equal("operator@genimage.local", context.Get<string>("Account"));

        var again = session.Run("Get-GenImageContext").EnsureSuccess();
        Assert.Equal(Worlds.SubscriptionId, again.SingleOutput().Get<string>("SubscriptionId"));
        Assert.DoesNotContain(context.Properties, p => p.Name.Contains("Token", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Connect_reads_the_emulator_connection_file()
    {
        var file = Path.Combine(Path.GetTempPath(), "genimage-" + Guid.NewGuid() + ".json");
        File.WriteAllText(file,
            $"{{\"endpoint\":\"{_emulator.Endpoint}\",\"certificateThumbprint\":\"{_emulator.CertificateThumbprint}\",\"subscriptionIds\":[\"{_emulator.SubscriptionId}\"],\"tenantId\":\"{_emulator.TenantId}\"}}");
        try
        {
            using var session = ModuleSession.Open(_emulator, connect: false);
            var r = session.Run("Connect-GenImage -Emulator -ConnectionFile $f", new { f = file });
            Assert.True(r.Succeeded, r.Describe());
            Assert.Equal(_emulator.SubscriptionId, r.SingleOutput().Get<string>("SubscriptionId"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_wrong_certificate_pin_is_refused()
    {
        using var session = ModuleSession.Open(_emulator, connect: false);

        var r = session.Run("Connect-GenImage -Emulator -Endpoint $e -EmulatorCertificateThumbprint $t",
            new { e = _emulator.Endpoint, t = new string('A', 64) });

        // A cmdlet's terminating error stops the statement; the script's error stream carries it.
        var error = Assert.Single(r.AllErrors);
        Assert.StartsWith("GenImage.ConnectFailed", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains("thumbprint", error.Exception.Message);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void An_unknown_subscription_is_object_not_found()
    {
        using var session = ModuleSession.Open(_emulator, connect: false);

        var r = session.Run("Connect-GenImage -Emulator -Endpoint $e -EmulatorCertificateThumbprint $t -Subscription 11111111-2222-3333-4444-555555555555",
            new { e = _emulator.Endpoint, t = _emulator.CertificateThumbprint });

        var error = Assert.Single(r.AllErrors);
        Assert.StartsWith("GenImage.SubscriptionNotFound", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("11111111-2222-3333-4444-555555555555", error.Exception.Message);
    }

    [Fact]
    public void Cmdlets_without_a_connection_say_to_connect_first()
    {
        using var session = _emulator.Connect();
        session.Run("Disconnect-GenImage").EnsureSuccess();

        var context = session.Run("Get-GenImageContext");
        var r = session.Run("Get-SourceVm");

        Assert.Empty(context.Output);
        var error = Assert.Single(r.AllErrors);
        Assert.StartsWith("GenImage.NotConnected", error.FullyQualifiedErrorId);
        Assert.Contains("Connect-GenImage", error.Exception.Message);
    }

    [Fact]
    public void Get_SourceVm_lists_with_wildcards_and_reports_the_imaging_facts()
    {
        using var session = _emulator.Connect();

        var all = session.Run("Get-SourceVm -ResourceGroupName rg-images").EnsureSuccess();
        var windows = session.Run("Get-SourceVm -Name 'vm-win*'").EnsureSuccess();
        var missing = session.Run("Get-SourceVm -ResourceGroupName rg-images -Name vm-nope");

        Assert.Equal(new[] { Worlds.LinuxVm, Worlds.WindowsVm }, all.Output.Select(o => o.Get<string>("Name")));
        var win = windows.SingleOutput();
        Assert.Equal("GenImage.SourceVm", win.TypeName());
        Assert.Equal("Windows", win.Get<string>("OsType"));
        Assert.Equal("V2", win.Get<string>("HyperVGeneration"));
        Assert.Equal("TrustedLaunch", win.Get<string>("SecurityType"));
        Assert.Equal("running", win.Get<string>("PowerState"));
        Assert.Equal("Ready", win.Get<string>("AgentStatus"));
        var error = Assert.Single(missing.Errors);
        Assert.StartsWith("GenImage.ResourceNotFound", error.FullyQualifiedErrorId);
    }
}
