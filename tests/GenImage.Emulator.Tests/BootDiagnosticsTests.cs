using static GenImage.Emulator.Tests.GalleryWorld;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>retrieveBootDiagnosticsData and the SAS-protected blobs the emulator serves itself.</summary>
public sealed class BootDiagnosticsTests
{
    private static async Task<(string Screenshot, string Serial)> UrisAsync(EmulatorHost host, string vm, string rg, int minutes = 60)
    {
        var data = (await Vm(Sdk(host), vm, rg).RetrieveBootDiagnosticsDataAsync(minutes)).Value;
        return (data.ConsoleScreenshotBlobUri.ToString(), data.SerialConsoleLogBlobUri.ToString());
    }

    private static HttpClient Anonymous(EmulatorHost host) => Http(host, authenticate: false);

    [Fact]
    public async Task Serial_log_and_screenshot_are_served_without_a_bearer_token()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        await PublishAsync(Sdk(host), "win2022", "1.0.0", "vm-win-prepared");
        var (_, _, statusUrl) = await CreateVmAsync(http, "val-win", "/" + VersionPath("win2022", "1.0.0"), "Windows");
        await PollStatusAsync(http, statusUrl!);

        var (screenshot, serial) = await UrisAsync(host, "val-win", "rg-validation");
        Assert.StartsWith(host.Endpoint.ToString(), serial);
        Assert.Contains("/_blob/bootdiagnostics/", serial);
        Assert.Contains("sv=2021-08-06", serial);
        Assert.Contains("sp=r", serial);

        using var anonymous = Anonymous(host);
        var log = await anonymous.GetStringAsync(serial);
        Assert.Contains("Windows Boot Manager", log);
        Assert.Contains("Starting Windows", log);
        Assert.Contains("Sysprep specialize", log);
        Assert.Contains("OOBE", log);
        Assert.Contains("Guest Agent ready", log);
        Assert.DoesNotContain("could not complete the installation", log);

        var image = await anonymous.GetByteArrayAsync(screenshot);
        Assert.Equal((byte)'B', image[0]);
        Assert.Equal((byte)'M', image[1]);
        Assert.Equal(image.Length, BitConverter.ToInt32(image, 2));

        Assert.All(host.RequestLog.Where(e => e.Path.StartsWith("/_blob", StringComparison.Ordinal)), e =>
        {
            Assert.Contains("sig=REDACTED", e.Query);
            Assert.DoesNotContain(serial.Split("sig=")[1], e.Query);
        });
    }

    [Fact]
    public async Task The_world_sets_the_size_and_lines_of_validation_VMs_serial_logs_and_the_blob_streams_with_its_length()
    {
        const long size = 3L * 1024 * 1024;
        var world = GalleryWorld.Yaml.Replace("kind: World\n", $"kind: World\nserialLog: {{ sizeBytes: {size}, line: \"padding line {{n}} of the log\" }}\n", StringComparison.Ordinal);
        Assert.NotEqual(GalleryWorld.Yaml, world);
        await using var host = await TestSupport.StartAsync(world);
        using var http = Http(host);
        await PublishAsync(Sdk(host), "ubuntu-gen2", "1.0.0", "vm-linux-prepared");
        var (_, _, statusUrl) = await CreateVmAsync(http, "val-big", "/" + VersionPath("ubuntu-gen2", "1.0.0"), "Linux");
        await PollStatusAsync(http, statusUrl!);
        var (_, serial) = await UrisAsync(host, "val-big", "rg-validation");

        using var anonymous = Anonymous(host);
        using var response = await anonymous.GetAsync(serial, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var length = response.Content.Headers.ContentLength;
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        long bytes = 0, padding = 0;
        var last = string.Empty;
        var afterPadding = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            bytes += System.Text.Encoding.UTF8.GetByteCount(line) + 1;
            if (line.Contains("padding line ", StringComparison.Ordinal))
            {
                Assert.EndsWith($"padding line {padding} of the log", line, StringComparison.Ordinal);
                padding++;
                afterPadding.Clear();
            }
            else
            {
                afterPadding.Add(line);
            }
        }

        Assert.Equal(bytes, length);
        Assert.InRange(bytes, size, size + 4096);
        Assert.True(padding > 50_000, $"{padding} padding lines");
        // The boot goes on after the padding: cloud-init and the agent come last.
        Assert.Contains(afterPadding, l => l.Contains("Guest Agent ready", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unprepared_lineages_tell_the_failed_provisioning_story()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        using var anonymous = Anonymous(host);
        await PublishAsync(Sdk(host), "win2022", "1.0.0", "vm-win-unprepared");
        await PublishAsync(Sdk(host), "ubuntu-gen2", "1.0.0", "vm-linux-unprepared");
        var (_, _, winUrl) = await CreateVmAsync(http, "val-win-bad", "/" + VersionPath("win2022", "1.0.0"), "Windows");
        var (_, _, linuxUrl) = await CreateVmAsync(http, "val-linux-bad", "/" + VersionPath("ubuntu-gen2", "1.0.0"));
        await PollStatusAsync(http, winUrl!);
        await PollStatusAsync(http, linuxUrl!);

        // Not Sysprep'd: Windows boots as the source machine; its console shows the Special Administration Console, no setup pass.
        var windows = await anonymous.GetStringAsync((await UrisAsync(host, "val-win-bad", "rg-validation")).Serial);
        Assert.Contains("Computer is booting, SAC started and initialized.", windows);
        Assert.DoesNotContain("Sysprep specialize", windows);
        Assert.DoesNotContain("Guest Agent ready", windows);

        // Not deprovisioned: waagent believes it provisioned already and comes up with the source's host name.
        var linux = await anonymous.GetStringAsync((await UrisAsync(host, "val-linux-bad", "rg-validation")).Serial);
        Assert.Contains("Linux version", linux);
        Assert.Contains("waagent[845]: INFO Daemon Provisioning already completed, skipping.", linux);
        Assert.Contains("vm-linux-unprepared ttyS0", linux);
        Assert.DoesNotContain("Guest Agent ready", linux);

        var screenshot = await anonymous.GetByteArrayAsync((await UrisAsync(host, "val-win-bad", "rg-validation")).Screenshot);
        Assert.Equal([0x80, 0x40, 0x00], screenshot[54..57]); // Windows setup's blue, not the blue of a running VM
    }

    [Fact]
    public async Task Sas_uris_expire_and_a_wrong_signature_is_refused()
    {
        // The clock stands still until the test moves it past the one-minute expiry.
        var clock = new TestClock(frozen: true);
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = GalleryWorld.Yaml, ClockScale = 1, TimeProvider = clock });
        using var anonymous = Anonymous(host);

        var (_, serial) = await UrisAsync(host, "vm-linux-running", Rg, minutes: 1);
        var forged = serial[..serial.IndexOf("sig=", StringComparison.Ordinal)] + "sig=" + Uri.EscapeDataString(Convert.ToBase64String(new byte[32]));
        var wrong = await anonymous.GetAsync(forged);
        Assert.Equal(403, (int)wrong.StatusCode);
        Assert.Contains("<Code>AuthenticationFailed</Code>", await wrong.Content.ReadAsStringAsync());

        Assert.Equal(200, (int)(await anonymous.GetAsync(serial)).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await anonymous.GetAsync(serial);
        Assert.Equal(403, (int)expired.StatusCode);
        Assert.Contains("signature not valid in the specified time frame", await expired.Content.ReadAsStringAsync());

        var (_, fresh) = await UrisAsync(host, "vm-linux-running", Rg, minutes: 1440);
        Assert.Equal(200, (int)(await anonymous.GetAsync(fresh)).StatusCode);
    }

    [Fact]
    public async Task At_clock_scale_zero_a_sas_uri_is_still_valid_for_its_lifetime()
    {
        // Scale 0 makes Azure's work instant; the SAS lifetime is the caller's budget and must not shrink to nothing.
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = GalleryWorld.Yaml, ClockScale = 0 });
        using var anonymous = Anonymous(host);

        var (screenshot, serial) = await UrisAsync(host, "vm-linux-running", Rg, minutes: 1);
        var log = await anonymous.GetAsync(serial);
        Assert.Equal(200, (int)log.StatusCode);
        Assert.Contains("Linux version", await log.Content.ReadAsStringAsync());
        Assert.Equal(200, (int)(await anonymous.GetAsync(screenshot)).StatusCode);
    }

    [Fact]
    public async Task Boot_diagnostics_must_be_enabled_and_the_expiry_in_range()
    {
        await using var host = await GalleryWorld.StartAsync();
        using var http = Http(host);
        await PublishAsync(Sdk(host), "ubuntu-gen2", "1.0.0", "vm-linux-prepared");
        var (_, _, statusUrl) = await CreateVmAsync(http, "val-nodiag", "/" + VersionPath("ubuntu-gen2", "1.0.0"), bootDiagnostics: false);
        await PollStatusAsync(http, statusUrl!);

        var (disabled, body) = await PostAsync(http, $"{VmPath("val-nodiag", "rg-validation")}/retrieveBootDiagnosticsData?api-version={ComputeApi}");
        Assert.Equal(409, (int)disabled.StatusCode);
        Assert.Equal("OperationNotAllowed", body!["error"]!["code"]!.GetValue<string>());

        var (range, rangeBody) = await PostAsync(http, $"{VmPath("vm-linux-running")}/retrieveBootDiagnosticsData?api-version={ComputeApi}&sasUriExpirationTimeInMinutes=0");
        Assert.Equal(400, (int)range.StatusCode);
        Assert.Equal("sasUriExpirationTimeInMinutes", rangeBody!["error"]!["target"]!.GetValue<string>());
    }
}
