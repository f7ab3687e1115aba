using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>The host: certificate, endpoint, default world, connection file, command line.</summary>
public sealed class HostTests
{
    [Fact]
    public async Task Serves_https_on_loopback_with_the_advertised_certificate()
    {
        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions());
        Assert.Equal("https", host.Endpoint.Scheme);
        Assert.Equal("127.0.0.1", host.Endpoint.Host);
        Assert.Matches("^[0-9A-F]{64}$", host.CertificateThumbprint);

        X509Certificate2? served = null;
        using var http = new HttpClient(PinnedHandler(host, c => served = new X509Certificate2(c))) { BaseAddress = host.Endpoint };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        var (response, body) = await GetAsync(http, "subscriptions?api-version=2022-12-01");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.NotNull(served);
        Assert.Equal(host.CertificateThumbprint, Convert.ToHexString(SHA256.HashData(served!.RawData)));
        Assert.Equal("CN=localhost", served.Subject);
        var san = served.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(System.Net.IPAddress.Loopback, san.EnumerateIPAddresses());
        Assert.Contains("localhost", san.EnumerateDnsNames());

        // Default world: one subscription, no resource groups.
        Assert.Equal(["00000000-0000-0000-0000-000000000001"], host.SubscriptionIds);
        Assert.Single(body!["value"]!.AsArray());
    }

    [Fact]
    public async Task A_given_certificate_is_served_by_each_host_and_outlives_them()
    {
        using var certificate = EmulatorHost.CreateCertificate();
        var thumbprint = Convert.ToHexString(SHA256.HashData(certificate.RawData));
        await using (var first = await EmulatorHost.StartAsync(new EmulatorOptions { Certificate = certificate }))
        await using (var second = await EmulatorHost.StartAsync(new EmulatorOptions { Certificate = certificate }))
        {
            Assert.Equal(thumbprint, first.CertificateThumbprint);
            Assert.Equal(thumbprint, second.CertificateThumbprint);
            using var http = Http(second);
            Assert.Equal(200, (int)(await GetAsync(http, "subscriptions?api-version=2022-12-01")).Response.StatusCode);
        }

        // Stopped hosts leave the certificate to its owner: a third host still serves it.
        Assert.True(certificate.HasPrivateKey);
        await using var third = await EmulatorHost.StartAsync(new EmulatorOptions { Certificate = certificate });
        using var again = Http(third);
        Assert.Equal(200, (int)(await GetAsync(again, "subscriptions?api-version=2022-12-01")).Response.StatusCode);

        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => EmulatorHost.StartAsync(new EmulatorOptions { Certificate = publicOnly }));
        Assert.Contains("private key", refused.Message);
    }

    [Fact]
    public async Task A_client_that_pins_another_thumbprint_is_refused()
    {
        await using var host = await TestSupport.StartAsync(new EmulatorOptions());
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => false };
        using var http = new HttpClient(handler);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(host.Endpoint + "subscriptions?api-version=2022-12-01"));
    }

    [Fact]
    public async Task Connection_file_is_written_at_start_and_deleted_at_stop()
    {
        var path = Path.Combine(Path.GetTempPath(), "genimage-tests", Guid.NewGuid().ToString("N"), "emulator.json");
        var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = Worlds.Standard, ConnectionFile = path });
        try
        {
            var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
            Assert.Equal(host.Endpoint.ToString(), json["endpoint"]!.GetValue<string>());
            Assert.Equal(host.CertificateThumbprint, json["certificateThumbprint"]!.GetValue<string>());
            Assert.Equal(host.SubscriptionIds, json["subscriptionIds"]!.AsArray().Select(s => s!.GetValue<string>()));
            Assert.Equal(host.TenantId, json["tenantId"]!.GetValue<string>());
            Assert.Equal(Environment.ProcessId, json["processId"]!.GetValue<int>());
            Assert.True(DateTimeOffset.TryParse(json["startedAt"]!.GetValue<string>(), out _));
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.False(File.Exists(path));
        await host.DisposeAsync(); // a second stop is harmless
    }

    [Fact]
    public async Task Two_emulators_run_side_by_side_with_their_own_state()
    {
        // Each makes its own certificate (no EmulatorOptions.Certificate), as two standalone emulators do.
        await using var a = await EmulatorHost.StartAsync(new EmulatorOptions { WorldYaml = Worlds.Standard, ClockScale = 0.001 });
        await using var b = await EmulatorHost.StartAsync(new EmulatorOptions { WorldYaml = Worlds.Standard, ClockScale = 0.001 });
        Assert.NotEqual(a.Endpoint, b.Endpoint);
        Assert.NotEqual(a.CertificateThumbprint, b.CertificateThumbprint);
        using var http = Http(a);
        await PostAsync(http, VmPath("vm-win") + "/powerOff?api-version=2023-07-01");
        await WaitForVmAsync(a, "vm-win", v => v.PowerState == "stopped");
        Assert.Equal("running", b.GetVm(Sub, Rg, "vm-win")!.PowerState);
        Assert.Null(a.GetVm(Sub, Rg, "no-such-vm"));
        Assert.NotNull(a.GetVm(Sub.ToUpperInvariant(), "RG-IMAGES", "VM-WIN"));
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--port", "notaport")]
    [InlineData("--port", "70000")]
    [InlineData("--clock-scale", "-1")]
    [InlineData("--world")]
    public async Task Cli_rejects_bad_arguments_with_exit_code_2(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Cli.RunAsync(args, stdout, stderr, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.StartsWith("GenImage.Emulator: ", stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public async Task Cli_help_prints_usage()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, await Cli.RunAsync(["--help"], stdout, new StringWriter(), CancellationToken.None));
        Assert.Contains("--world PATH", stdout.ToString());
        Assert.Contains("--connection-file PATH", stdout.ToString());
    }

    [Fact]
    public async Task Cli_invalid_world_is_exit_code_2_with_the_location()
    {
        var file = Path.Combine(Path.GetTempPath(), $"genimage-bad-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: genimage.dev/emulator/v1\nkind: World\nsubscriptions: 3\n");
        try
        {
            var stderr = new StringWriter();
            Assert.Equal(2, await Cli.RunAsync(["--world", file, "--quiet"], new StringWriter(), stderr, CancellationToken.None));
            Assert.Contains($"{file}(3,16)", stderr.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Cli_runs_until_cancelled_and_removes_its_connection_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "genimage-tests", Guid.NewGuid().ToString("N"), "emulator.json");
        var world = Path.Combine(WorldFileTests.RepoRoot(), "examples", "worlds", "healthy.yaml");
        using var stop = new CancellationTokenSource();
        var stdout = new StringWriter();
        var run = Cli.RunAsync(["--world", world, "--connection-file", path, "--clock-scale", "0.01"], stdout, new StringWriter(), stop.Token);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(path) && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(File.Exists(path), "connection file not written");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        string output;
        lock (stdout)
        {
            output = stdout.ToString();
        }

        Assert.Contains(json["endpoint"]!.GetValue<string>(), output);
        Assert.Contains(json["certificateThumbprint"]!.GetValue<string>(), output);
        Assert.Contains("clock scale:     0.01", output);

        stop.Cancel();
        Assert.Equal(0, await run);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Standalone_process_exits_2_on_bad_arguments()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GenImage.Emulator.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--no-such-option");
        using var process = Process.Start(psi)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("unknown argument '--no-such-option'", stderr);
    }
}
