namespace GenImage.Cmdlets.Tests;

/// <summary>The emulator fixture and a connected module session work end to end.</summary>
public sealed class EmulatorHarnessTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _emulator;

    public EmulatorHarnessTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public void TheFixtureServesTheHealthyWorldOnLoopback()
    {
        Assert.Equal("https", _emulator.Endpoint.Scheme);
        Assert.Equal("127.0.0.1", _emulator.Endpoint.Host);
        Assert.NotEqual(0, _emulator.Endpoint.Port);
        Assert.Matches("^[0-9A-Fa-f]{64}$", _emulator.CertificateThumbprint);
        Assert.Equal(Worlds.SubscriptionId, _emulator.SubscriptionId);
        Assert.Equal("running", _emulator.Vm(Worlds.WindowsVm).PowerState);
        Assert.Equal("Linux", _emulator.Vm(Worlds.LinuxVm).OsType);
        Assert.Null(_emulator.FindVm(Worlds.ResourceGroup, "vm-that-does-not-exist"));
    }

    [Fact]
    public void ASessionConnectsToTheFixtureThroughVariables()
    {
        using var session = _emulator.Connect();

        var context = session.Context!;
        Assert.Equal("GenImage.GenImageContext", context.TypeName());
        Assert.True(context.Get<bool>("IsEmulator"));
        Assert.Equal(Worlds.SubscriptionId, context.Get<string>("SubscriptionId"));
        Assert.Equal(_emulator.Endpoint, context.Get<Uri>("Endpoint"));

        var again = session.Run("Get-GenImageContext");
        Assert.True(again.Succeeded, again.Describe());
        Assert.Equal(Worlds.SubscriptionId, again.SingleOutput().Get<string>("SubscriptionId"));
    }

    [Fact]
    public void SessionsAreIndependent()
    {
        using var connected = _emulator.Connect();
        using var fresh = ModuleSession.Open(_emulator, connect: false);

        var r = fresh.Run("Get-GenImageContext");

        Assert.Null(fresh.Context);
        Assert.Empty(r.Output);
        Assert.Equal(Worlds.SubscriptionId, connected.Run("Get-GenImageContext").SingleOutput().Get<string>("SubscriptionId"));
    }

    [Fact]
    public async Task ATestCanStartItsOwnEmulatorFromInlineYaml()
    {
        var yaml = File.ReadAllText(RepoPaths.World(Worlds.Healthy));

        await using var own = await EmulatorFixture.StartWithYamlAsync(yaml);

        Assert.NotEqual(_emulator.Endpoint, own.Endpoint);
        Assert.Equal("running", own.Vm(Worlds.LinuxVm).PowerState);
    }
}
