using System.Net;
using System.Security.Cryptography.X509Certificates;
using GenImage.Emulator.Arm;
using GenImage.Emulator.Hosting;
using GenImage.Emulator.Operations;
using GenImage.Emulator.Providers;
using GenImage.Emulator.Resources.Disks;
using GenImage.Emulator.Resources.Galleries;
using GenImage.Emulator.Resources.Images;
using GenImage.Emulator.Resources.NetworkInterfaces;
using GenImage.Emulator.Resources.PlatformImages;
using GenImage.Emulator.Resources.ResourceGroups;
using GenImage.Emulator.Resources.RunCommands;
using GenImage.Emulator.Resources.ScaleSets;
using GenImage.Emulator.Resources.Subscriptions;
using GenImage.Emulator.Resources.VirtualMachines;
using GenImage.Emulator.Resources.VirtualMachines.BootDiagnostics;
using GenImage.Emulator.State;
using GenImage.Emulator.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GenImage.Emulator;

/// <summary>
/// A running Azure Resource Manager emulator: HTTPS on 127.0.0.1 with an in-memory self-signed certificate, serving
/// the world described by a world file.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WorldStore _store;
    private readonly RequestLog _log;
    private readonly X509Certificate2 _certificate;
    private readonly bool _ownsCertificate;
    private readonly string? _connectionFile;
    private readonly SemaphoreSlim _stopGate = new(1, 1);
    private bool _stopped;

    private EmulatorHost(WebApplication app, WorldStore store, RequestLog log, X509Certificate2 certificate, bool ownsCertificate, Uri endpoint, string? connectionFile)
    {
        _app = app;
        _store = store;
        _log = log;
        _certificate = certificate;
        _ownsCertificate = ownsCertificate;
        _connectionFile = connectionFile;
        Endpoint = endpoint;
        CertificateThumbprint = SelfSignedCertificate.Thumbprint(certificate);
        SubscriptionIds = store.Subscriptions.All.Select(s => s.Id).ToArray();
        TenantId = store.TenantId;
    }

    /// <summary>The base address, <c>https://127.0.0.1:PORT/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Upper-case hex SHA-256 of the certificate's DER bytes (64 characters); clients pin it.</summary>
    public string CertificateThumbprint { get; }

    public IReadOnlyList<string> SubscriptionIds { get; }

    public string TenantId { get; }

    /// <summary>The clock scale in effect (real seconds per Azure second).</summary>
    public double ClockScale => _store.Clock.Scale;

    /// <summary>
    /// The real time within [<paramref name="from"/>, <paramref name="to"/>] during which Azure itself was busy with
    /// something the emulator models (an operation, a replication, a boot, a guest shutdown, a resource busy), overlaps
    /// counted once. A run's wall time minus this is the time the client spent outside Azure's own work: its overhead.
    /// </summary>
    public TimeSpan ModelledTime(DateTimeOffset from, DateTimeOffset to) => _store.Clock.ModelledTime(from, to);

    /// <summary>The path of the connection file this host wrote, if any.</summary>
    public string? ConnectionFilePath => _connectionFile;

    /// <summary>A copy of the request log, in order.</summary>
    public IReadOnlyList<RequestLogEntry> RequestLog => _log.Snapshot();

    /// <summary>Raised after each request is answered (on the request's thread).</summary>
    public event Action<RequestLogEntry>? RequestCompleted
    {
        add => _log.Added += value;
        remove => _log.Added -= value;
    }

    public void ClearRequestLog() => _log.Clear();

    private Authorization.FrontDoor? _frontDoor;
    private Persistence.StateFile? _stateFile;
    private Timer? _saveTimer;

    /// <summary>The fault injector: add rules at run time (<c>Faults.Add(new FaultRule { … })</c>), clear them, read their counters.</summary>
    public global::GenImage.Emulator.Faults.FaultInjector Faults => _frontDoor!.Faults;

    /// <summary>The throttling in effect (a copy of the world's or the options' settings).</summary>
    public global::GenImage.Emulator.Throttling.ThrottlingSettings Throttling => _frontDoor!.Throttler.Settings.Clone();

    /// <summary>Whether every request is checked against the world's role assignments.</summary>
    public bool EnforcesRbac => _frontDoor!.Authorization.Enforce;

    /// <summary>The full path of the state file in persistent mode, else null.</summary>
    public string? StateFilePath => _stateFile?.Path;

    /// <summary>Saves the state file now (persistent mode only; otherwise does nothing).</summary>
    public void SaveState() => _stateFile?.Save();

    private void AttachFrontDoor(Authorization.FrontDoor frontDoor, Persistence.StateFile? stateFile)
    {
        _frontDoor = frontDoor;
        _stateFile = stateFile;
        if (stateFile is not null)
        {
            _log.Added += _ => stateFile.Touch();
            _saveTimer = new Timer(_ => SaveQuietly(stateFile), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        }
    }

    private static void SaveQuietly(Persistence.StateFile stateFile)
    {
        try
        {
            stateFile.SaveIfChanged();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The next save (after a write, on the timer or at stop) tries again.
        }
    }

    /// <summary>The VM's current state, or null when there is no such VM. Names are case-insensitive.</summary>
    public VmSnapshot? GetVm(string subscriptionId, string resourceGroup, string name)
        => _store.Enter(() => _store.FindSubscription(subscriptionId)?.ResourceGroups.Get(resourceGroup)?.VirtualMachines.Get(name)?.ToSnapshot());

    /// <summary>Every VM of a subscription (including VMs created through PUT), or an empty list when there is no such subscription.</summary>
    public IReadOnlyList<VmSnapshot> ListVms(string subscriptionId)
        => _store.Enter(() => (IReadOnlyList<VmSnapshot>)(_store.FindSubscription(subscriptionId)?.ResourceGroups.All
            .SelectMany(rg => rg.VirtualMachines.All).Select(vm => vm.ToSnapshot()).ToArray() ?? []));

    /// <summary>Every managed disk of a subscription (VM OS disks, attached or left behind).</summary>
    public IReadOnlyList<DiskSnapshot> ListDisks(string subscriptionId)
        => _store.Enter(() => (IReadOnlyList<DiskSnapshot>)(_store.FindSubscription(subscriptionId)?.ResourceGroups.All
            .SelectMany(rg => rg.Disks.All).Select(DisksProvider.Snapshot).ToArray() ?? []));

    /// <summary>A gallery image version and its replication per region, or null when there is no such version.</summary>
    public ImageVersionSnapshot? GetImageVersion(string subscriptionId, string resourceGroup, string gallery, string image, string version)
        => _store.Enter(() => _store.FindSubscription(subscriptionId)?.ResourceGroups.Get(resourceGroup)?.Galleries.Get(gallery)?.Images.Get(image)
            ?.Versions.Get(version) is { } v ? GalleryJson.Snapshot(v, _store.Clock.Now) : null);

    /// <summary>
    /// A new self-signed certificate fit for <see cref="EmulatorOptions.Certificate"/>: RSA 2048, CN=localhost,
    /// SAN 127.0.0.1 and localhost, server authentication, private key in memory. The caller disposes it.
    /// </summary>
    public static X509Certificate2 CreateCertificate() => SelfSignedCertificate.Create();

    /// <summary>Starts an emulator. Throws <see cref="WorldFileException"/> for an invalid world.</summary>
    public static async Task<EmulatorHost> StartAsync(EmulatorOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.WorldFile is not null && options.WorldYaml is not null)
        {
            throw new ArgumentException("Give either WorldFile or WorldYaml, not both.", nameof(options));
        }

        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be from 0 to 65535.");
        }

        if (options.ClockScale is { } s && (double.IsNaN(s) || s < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), s, "ClockScale must be zero or positive.");
        }

        if (options.Certificate is { HasPrivateKey: false })
        {
            throw new ArgumentException("EmulatorOptions.Certificate must have its private key: the emulator serves TLS with it.", nameof(options));
        }

        var world = options.WorldFile is not null ? WorldLoader.LoadFile(options.WorldFile)
            : options.WorldYaml is not null ? WorldLoader.Parse(options.WorldYaml, null)
            : WorldDefinition.CreateDefault();

        var clock = new ScaledClock(options.ClockScale ?? world.ClockScale, options.TimeProvider);
        var state = Authorization.FrontDoorSetup.ReadState(options);
        var store = new WorldStore(Authorization.FrontDoorSetup.StartingDefinition(world, state), clock);
        var operations = new OperationStore(store);
        var routes = new RouteTable();
        var blobs = new BootDiagnosticsBlobs(store);
        IResourceProvider[] providers =
        [
            new SubscriptionsProvider(store),
            new ResourceGroupsProvider(store, operations),
            new VirtualMachinesProvider(store, operations, blobs),
            new RunCommandsProvider(store, operations),
            new GalleriesProvider(store, operations),
            new GalleryImagesProvider(store, operations),
            new GalleryImageVersionsProvider(store, operations),
            new ImagesProvider(store, operations),
            new DisksProvider(store, operations),
            new ScaleSetsProvider(store),
            new PlatformImagesProvider(store),
            new NetworkInterfacesProvider(store),
            new OperationsProvider(store, operations),
        ];
        foreach (var provider in providers)
        {
            provider.Register(routes);
        }

        var (frontDoor, stateFile) = Authorization.FrontDoorSetup.Create(world, options, store, operations, routes, state);
        var ownsCertificate = options.Certificate is null;
        var certificate = options.Certificate ?? SelfSignedCertificate.Create();
        var log = new RequestLog();
        blobs.Log = log;
        Uri? endpoint = null;
        var dispatcher = new ArmDispatcher(routes, store, log, () => endpoint ?? new Uri("https://127.0.0.1/"), frontDoor);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(EmulatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(certificate));
        });

        var app = builder.Build();
        app.Run(context => BootDiagnosticsBlobs.IsBlobPath(context.Request.Path)
            ? blobs.HandleAsync(context)
            : dispatcher.HandleAsync(context));
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            if (ownsCertificate)
            {
                certificate.Dispose();
            }

            throw new InvalidOperationException($"The emulator could not listen on 127.0.0.1:{options.Port}: {ex.Message}", ex);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The emulator started but reported no address.");
        var port = new Uri(address).Port;
        endpoint = new Uri($"https://127.0.0.1:{port}/");

        var host = new EmulatorHost(app, store, log, certificate, ownsCertificate, endpoint, options.ConnectionFile);
        host.AttachFrontDoor(frontDoor, stateFile);
        if (options.ConnectionFile is not null)
        {
            try
            {
                ConnectionFile.Write(options.ConnectionFile, endpoint, host.CertificateThumbprint, host.SubscriptionIds, host.TenantId, DateTimeOffset.UtcNow);
            }
            catch
            {
                await host.StopAsync().ConfigureAwait(false);
                throw;
            }
        }

        return host;
    }

    /// <summary>Stops listening and deletes the connection file this host wrote. Safe to call more than once.</summary>
    public async Task StopAsync()
    {
        await _stopGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            if (_saveTimer is not null)
            {
                await _saveTimer.DisposeAsync().ConfigureAwait(false);
            }

            if (_connectionFile is not null)
            {
                ConnectionFile.DeleteIfOurs(_connectionFile, Endpoint);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _stateFile?.Save();
            if (_ownsCertificate)
            {
                _certificate.Dispose();
            }
        }
        finally
        {
            _stopGate.Release();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
