using GenImage.Emulator;

namespace GenImage.Cmdlets.Tests.Harness;

/// <summary>
/// An ARM emulator running in this process on a free port of 127.0.0.1. As an xunit class fixture
/// (<c>IClassFixture&lt;EmulatorFixture&gt;</c>) it serves the healthy world to every test of the class;
/// a test that changes state it must not share starts its own with <see cref="StartAsync(string, double?, TimeProvider?)"/>.
/// </summary>
/// <example>
/// <code>
/// await using var emulator = await EmulatorFixture.StartAsync(Worlds.ClassicFailures);
/// using var session = emulator.Connect();
/// var r = session.Run("Get-SourceVm -ResourceGroupName rg-images");
/// </code>
/// </example>
public class EmulatorFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly EmulatorOptions _options;
    private EmulatorHost? _host;

    /// <summary>The healthy world.</summary>
    public EmulatorFixture()
        : this(Worlds.Healthy)
    {
    }

    /// <summary>A world from <c>examples/worlds</c> by name (<c>healthy</c>) or a path to a YAML file.</summary>
    protected EmulatorFixture(string world, double? clockScale = null)
        : this(new EmulatorOptions { WorldFile = RepoPaths.World(world), ClockScale = clockScale })
    {
    }

    /// <summary>
    /// Any options; the port is always chosen by the system, and the certificate is <see cref="Certificate"/> unless
    /// the options give one.
    /// </summary>
    protected EmulatorFixture(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _options.Port = 0;
        _options.Certificate ??= Certificate;
    }

    /// <summary>
    /// One TLS certificate for every emulator the tests start in this process (each start would otherwise make an
    /// RSA-2048 key). The module pins it by thumbprint as it pins any emulator's.
    /// </summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate { get; } = EmulatorHost.CreateCertificate();

    /// <summary>
    /// Starts an emulator with a world from <c>examples/worlds</c> (by name) or a YAML file path; <paramref name="time"/>
    /// (a <see cref="TestClock"/>) replaces the clock behind its scaled time.
    /// </summary>
    public static Task<EmulatorFixture> StartAsync(string world = Worlds.Healthy, double? clockScale = null, TimeProvider? time = null) =>
        StartAsync(new EmulatorOptions { WorldFile = RepoPaths.World(world), ClockScale = clockScale, TimeProvider = time });

    /// <summary>Starts an emulator with an inline YAML world.</summary>
    public static Task<EmulatorFixture> StartWithYamlAsync(string worldYaml, double? clockScale = null) =>
        StartAsync(new EmulatorOptions { WorldYaml = worldYaml, ClockScale = clockScale });

    /// <summary>Starts an emulator with any options.</summary>
    public static async Task<EmulatorFixture> StartAsync(EmulatorOptions options)
    {
        var fixture = new EmulatorFixture(options);
        await fixture.InitializeAsync().ConfigureAwait(false);
        return fixture;
    }

    /// <summary>The running emulator.</summary>
    public EmulatorHost Host => _host ?? throw new InvalidOperationException("The emulator has not been started (InitializeAsync).");

    /// <summary><c>https://127.0.0.1:PORT/</c>.</summary>
    public Uri Endpoint => Host.Endpoint;

    /// <summary>SHA-256 thumbprint of the emulator's certificate (64 hex digits).</summary>
    public string CertificateThumbprint => Host.CertificateThumbprint;

    /// <summary>The world's first subscription.</summary>
    public string SubscriptionId => Host.SubscriptionIds[0];

    /// <summary>The world's tenant.</summary>
    public string TenantId => Host.TenantId;

    /// <summary>Every request the emulator answered so far.</summary>
    public IReadOnlyList<RequestLogEntry> RequestLog => Host.RequestLog;

    /// <summary>A snapshot of a VM in the first subscription, or null.</summary>
    public VmSnapshot? FindVm(string resourceGroup, string name) => Host.GetVm(SubscriptionId, resourceGroup, name);

    /// <summary>A snapshot of a VM in the first subscription; fails when there is none.</summary>
    public VmSnapshot Vm(string resourceGroup, string name) =>
        FindVm(resourceGroup, name) ?? throw new InvalidOperationException($"The emulator has no VM '{resourceGroup}/{name}' in subscription {SubscriptionId}.");

    /// <summary>A snapshot of a VM of the healthy world's resource group.</summary>
    public VmSnapshot Vm(string name) => Vm(Worlds.ResourceGroup, name);

    /// <summary>Opens a runspace with the module imported and connected to this emulator.</summary>
    public ModuleSession Connect(ScriptSessionOptions? options = null) => ModuleSession.Open(this, options);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (_host is not null)
        {
            return;
        }

        if (_options.WorldFile is { } file && !File.Exists(file))
        {
            var known = Directory.Exists(RepoPaths.WorldsDirectory)
                ? string.Join(", ", Directory.GetFiles(RepoPaths.WorldsDirectory, "*.yaml").Select(Path.GetFileNameWithoutExtension))
                : "(none)";
            throw new FileNotFoundException($"World file '{file}' does not exist. Worlds in examples/worlds: {known}.", file);
        }
        _host = await EmulatorHost.StartAsync(_options).ConfigureAwait(false);
    }

    /// <summary>Stops the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        var host = Interlocked.Exchange(ref _host, null);
        if (host is not null)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync().ConfigureAwait(false);
}

/// <summary>The classic-failures world as a class fixture.</summary>
public sealed class ClassicFailuresEmulatorFixture : EmulatorFixture
{
    /// <summary>Serves <c>examples/worlds/classic-failures.yaml</c>.</summary>
    public ClassicFailuresEmulatorFixture()
        : base(Worlds.ClassicFailures)
    {
    }
}

/// <summary>The boot-failures world as a class fixture (read-only tests share it).</summary>
public sealed class BootFailuresEmulatorFixture : EmulatorFixture
{
    /// <summary>Serves <c>examples/worlds/boot-failures.yaml</c>.</summary>
    public BootFailuresEmulatorFixture()
        : base(Worlds.BootFailures)
    {
    }
}
