using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests;

/// <summary>
/// An independent client: the official JavaScript SDK <c>@azure/arm-compute</c> (exact version pinned in
/// <c>tests/js-client/package.json</c> and its lock file) drives the emulator unmodified, at the api-versions it sends,
/// through GenImage's whole flow. The test installs the package itself (<c>npm ci</c> into tests/js-client/node_modules),
/// starts the emulator in-process, trusts its certificate through <c>NODE_EXTRA_CA_CERTS</c> (the certificate exported
/// to PEM; TLS verification stays on) and runs <c>node script.mjs</c>, which prints one JSON result per step. One case
/// per step; they share one run. Skipped, with the reason, only where npm is not installed.
/// </summary>
public sealed class JsClientTests
{
    private const string Rg = "rg-js";
    private const string SourceVm = "vm-js-src";
    private const string NewVm = "vm-js-from-version";

    private const string World = """
        apiVersion: genimage.dev/emulator/v1
        kind: World
        clock: { scale: 0.001 }
        tenantId: 00000000-0000-0000-0000-0000000000aa
        subscriptions:
          - id: 00000000-0000-0000-0000-000000000001
            resourceGroups:
              - name: rg-js
                location: westeurope
                virtualMachines:
                  - name: vm-js-src
                    osType: Linux
        """;

    /// <summary>The steps the script runs, in its order.</summary>
    public static readonly string[] StepNames =
    [
        "run command", "deallocate", "generalize", "gallery create", "definition create", "version create", "version patch",
        "replication status", "vm create from version", "boot diagnostics", "vm delete", "version delete", "definition delete", "gallery delete",
    ];

    public static TheoryData<string> Steps()
    {
        var data = new TheoryData<string>();
        foreach (var step in StepNames)
        {
            data.Add(step);
        }

        return data;
    }

    private static readonly Lazy<Task<JsRun>> Run = new(RunAsync);

    [NpmTheory]
    [MemberData(nameof(Steps))]
    public async Task Js_sdk_step_succeeds_against_the_emulator(string step)
    {
        var run = await Run.Value;
        var result = run.Step(step);
        Assert.True(result["ok"]!.GetValue<bool>(), $"Step '{step}' failed in @azure/arm-compute: {result["error"]} (code {result["code"]}, HTTP {result["statusCode"]}).");

        string S(string name) => result[name]?.ToString() ?? "(missing)";
        switch (step)
        {
            case "run command":
                Assert.Equal("prepare-linux", result["script"]?["script"]?.ToString());
                Assert.Equal("succeeded", result["script"]?["status"]?.ToString());
                Assert.Contains("prepare-linux/1:succeeded", run.Source.ScriptsRun);
                break;
            case "deallocate":
                Assert.Equal("PowerState/deallocated", S("powerState"));
                break;
            case "generalize":
                Assert.Equal("OSState/generalized", S("osState"));
                Assert.Equal("generalized", run.Source.OsState);
                Assert.Equal(true, run.Source.GeneralizedWithPreparedGuest);
                break;
            case "gallery create":
            case "definition create":
                Assert.Equal("Succeeded", S("provisioningState"));
                break;
            case "version create":
                Assert.Equal("Succeeded", S("provisioningState"));
                Assert.Equal(["West Europe", "North Europe"], result["regions"]!.AsArray().Select(r => r!.ToString()));
                break;
            case "version patch":
                Assert.Equal("Succeeded", S("provisioningState"));
                Assert.Equal("true", S("excludeFromLatest").ToLowerInvariant());
                Assert.Equal("validated", result["tags"]?["stage"]?.ToString());
                break;
            case "replication status":
                Assert.Equal("Completed", S("aggregatedState"));
                Assert.All(result["regions"]!.AsArray(), r => Assert.Equal("Completed", r!["state"]!.ToString()));
                Assert.Equal(2, result["regions"]!.AsArray().Count);
                break;
            case "vm create from version":
                Assert.Equal("Succeeded", S("provisioningState"));
                Assert.Equal("PowerState/running", S("powerState"));
                Assert.Equal("Ready", S("agent"));
                Assert.Equal("1.0.0", S("exactVersion"));
                Assert.EndsWith("/galleries/gal_js/images/ubuntu-js/versions/1.0.0", S("imageReferenceId"));
                break;
            case "boot diagnostics":
                Assert.Equal("200", S("serialStatus"));
                Assert.Equal("true", S("serialMentionsAgent").ToLowerInvariant());
                Assert.Equal("200", S("screenshotStatus"));
                Assert.Equal("true", S("screenshotIsBmp").ToLowerInvariant());
                break;
            case "vm delete":
                Assert.Equal("404", S("afterwards"));
                Assert.DoesNotContain(run.VmsAfter, name => name == NewVm);
                break;
            case "version delete":
            case "definition delete":
            case "gallery delete":
                Assert.Equal("404", S("afterwards"));
                break;
            default:
                throw new Xunit.Sdk.XunitException($"No assertions for step '{step}'.");
        }
    }

    [NpmFact]
    public async Task Js_sdk_runs_every_step_at_its_own_api_versions_and_prints_no_token()
    {
        var run = await Run.Value;
        Assert.Equal(StepNames, run.StepOrder);

        // @azure/arm-compute 25.1.1 sends these; the emulator accepted every request (no 400 for an api-version).
        var versions = run.Requests.Select(r => (r.Path, Version: ApiVersion(r.Query))).ToList();
        Assert.Contains(versions, r => r.Path.Contains("/virtualMachines/", StringComparison.OrdinalIgnoreCase) && r.Version == "2026-04-01");
        Assert.Contains(versions, r => r.Path.Contains("/galleries/", StringComparison.OrdinalIgnoreCase) && r.Version == "2025-12-03");
        Assert.DoesNotContain(run.Requests, r => r.ArmErrorCode is "InvalidApiVersionParameter" or "NoRegisteredProviderFound");

        // The credential's token never reaches the script's output.
        const string tokenHeader = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        Assert.DoesNotContain(tokenHeader, run.Output, StringComparison.Ordinal);
    }

    [NpmFact]
    public async Task Without_the_emulators_certificate_node_refuses_the_connection()
    {
        // The JavaScript client trusts the emulator only through NODE_EXTRA_CA_CERTS: TLS verification stays on.
        var node = JsTools.Find(OperatingSystem.IsWindows() ? "node.exe" : "node") ?? throw new InvalidOperationException("npm is installed but node is not on PATH.");
        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions { WorldYaml = World });
        var probe = "fetch(process.argv[1]).then(r => console.log('connected ' + r.status), e => console.log('refused ' + (e.cause?.code ?? e.message)))";
        var result = await JsTools.RunAsync(node, ["-e", probe, host.Endpoint + "subscriptions?api-version=2022-12-01"], Path.GetTempPath(),
            new Dictionary<string, string> { ["NO_PROXY"] = "127.0.0.1,localhost" }, TimeSpan.FromMinutes(1));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("refused DEPTH_ZERO_SELF_SIGNED_CERT", result.Stdout.Trim());
    }

    private static string? ApiVersion(string query)
        => query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "api-version") is { Length: 2 } kv ? kv[1] : null;

    private sealed record JsRun(
        IReadOnlyDictionary<string, JsonObject> Steps,
        IReadOnlyList<string> StepOrder,
        string Output,
        VmSnapshot Source,
        IReadOnlyList<string> VmsAfter,
        IReadOnlyList<RequestLogEntry> Requests)
    {
        public JsonObject Step(string name) => Steps.TryGetValue(name, out var step) ? step
            : throw new Xunit.Sdk.XunitException($"The script reported no step '{name}'. Its output:\n{Output}");
    }

    private static async Task<JsRun> RunAsync()
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "js-client");
        var npm = JsTools.Find(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
            ?? throw new InvalidOperationException(JsTools.NpmMissing);
        var node = JsTools.Find(OperatingSystem.IsWindows() ? "node.exe" : "node")
            ?? throw new InvalidOperationException("npm is installed but node is not on PATH.");

        var install = await JsTools.RunAsync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], folder, new Dictionary<string, string>(), TimeSpan.FromMinutes(10));
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {folder} failed ({install.ExitCode}):\n{install.Output}");
        }

        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions { WorldYaml = World });
        var temp = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "genimage-js-" + Guid.NewGuid().ToString("N")));
        try
        {
            var pem = Path.Combine(temp.FullName, "emulator.pem");
            await File.WriteAllTextAsync(pem, (await ServerCertificateAsync(host)).ExportCertificatePem());

            var run = await JsTools.RunAsync(node, ["script.mjs"], folder, new Dictionary<string, string>
            {
                ["NODE_EXTRA_CA_CERTS"] = pem,
                ["NO_PROXY"] = "127.0.0.1,localhost",
                ["GENIMAGE_EMULATOR_ENDPOINT"] = host.Endpoint.ToString(),
                ["GENIMAGE_SUBSCRIPTION_ID"] = host.SubscriptionIds[0],
                ["GENIMAGE_TENANT_ID"] = host.TenantId,
                ["GENIMAGE_RESOURCE_GROUP"] = Rg,
                ["GENIMAGE_LOCATION"] = "westeurope",
                ["GENIMAGE_REPLICA_LOCATION"] = "northeurope",
                ["GENIMAGE_SOURCE_VM"] = SourceVm,
            }, TimeSpan.FromMinutes(5));
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"node script.mjs failed ({run.ExitCode}):\n{run.Output}");
            }

            var document = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'))
                ?? throw new InvalidOperationException($"node script.mjs printed no result:\n{run.Output}");
            var steps = JsonNode.Parse(document)!["steps"]!.AsArray().Select(s => s!.AsObject()).ToList();
            return new JsRun(
                steps.ToDictionary(s => s["step"]!.GetValue<string>()),
                steps.Select(s => s["step"]!.GetValue<string>()).ToList(),
                run.Output,
                host.GetVm(host.SubscriptionIds[0], Rg, SourceVm)!,
                host.ListVms(host.SubscriptionIds[0]).Select(v => v.Name).ToList(),
                host.RequestLog);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    /// <summary>The emulator's certificate, as its TLS handshake presents it (pinned by thumbprint while reading it).</summary>
    private static async Task<X509Certificate2> ServerCertificateAsync(EmulatorHost host)
    {
        X509Certificate2? seen = null;
        using var http = new HttpClient(PinnedHandler(host, cert => seen = X509CertificateLoader.LoadCertificate(cert.RawData))) { BaseAddress = host.Endpoint };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        using var response = await http.GetAsync("subscriptions?api-version=2022-12-01");
        return seen ?? throw new InvalidOperationException("The emulator presented no certificate.");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GenImage.Cmdlets.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"Cannot find the repository root (GenImage.Cmdlets.sln) above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A fact that is skipped, with the reason, where npm is not installed.</summary>
public sealed class NpmFactAttribute : FactAttribute
{
    public NpmFactAttribute()
    {
        if (JsTools.Find(OperatingSystem.IsWindows() ? "npm.cmd" : "npm") is null)
        {
            Skip = JsTools.NpmMissing;
        }
    }
}

/// <summary>A theory that is skipped, with the reason, where npm is not installed.</summary>
public sealed class NpmTheoryAttribute : TheoryAttribute
{
    public NpmTheoryAttribute()
    {
        if (JsTools.Find(OperatingSystem.IsWindows() ? "npm.cmd" : "npm") is null)
        {
            Skip = JsTools.NpmMissing;
        }
    }
}

/// <summary>Finding and running node and npm.</summary>
internal static class JsTools
{
    public const string NpmMissing = "npm is not installed (not found on PATH): the test of the JavaScript SDK @azure/arm-compute needs Node.js and npm.";

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? Find(string executable)
        => (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir.Trim('"'), executable))
            .FirstOrDefault(File.Exists);

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => $"stdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <summary>Runs a process to its end (killing it and its children after <paramref name="timeout"/>).</summary>
    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["npm_config_update_notifier"] = "false";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} did not finish within {timeout}.\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
