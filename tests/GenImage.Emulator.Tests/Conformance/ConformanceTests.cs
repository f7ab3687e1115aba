using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static GenImage.Emulator.Tests.TestSupport;

namespace GenImage.Emulator.Tests.Conformance;

/// <summary>
/// Replays the ARM examples in <c>../shared/arm-examples/examples</c> (read in place, never copied) against the emulator
/// and checks status codes and response shapes; see <see cref="ConformanceSuite"/> for the table.
/// </summary>
public sealed class ConformanceTests
{
    public static TheoryData<string> CoveredExamples()
    {
        var data = new TheoryData<string>();
        foreach (var row in ConformanceSuite.Rows)
        {
            data.Add(row.Example);
        }

        return data;
    }

    /// <summary>The examples folder, found from the repository root; fails (never skips) when it is missing.</summary>
    internal static string ExamplesRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GenImage.Cmdlets.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new Xunit.Sdk.XunitException($"Cannot find the repository root (GenImage.Cmdlets.sln) above {AppContext.BaseDirectory}.");
        }

        var examples = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "arm-examples", "examples"));
        if (!Directory.Exists(examples))
        {
            throw new Xunit.Sdk.XunitException(
                $"The ARM examples are missing: expected them at {examples} (the repository's sibling folder shared/arm-examples). The conformance suite reads them in place and cannot run without them.");
        }

        return examples;
    }

    private static JsonObject LoadExample(string example)
        => JsonNode.Parse(File.ReadAllText(Path.Combine(ExamplesRoot(), example)))!.AsObject();

    [Fact]
    public void Every_example_is_replayed_or_listed_with_a_reason()
    {
        var root = ExamplesRoot();
        var files = Directory.GetFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);

        var covered = ConformanceSuite.Rows.Select(r => r.Example).ToHashSet();
        var notCovered = ConformanceSuite.NotCovered.Keys.ToHashSet();
        Assert.Empty(covered.Intersect(notCovered));
        var unlisted = files.Where(f => !covered.Contains(f) && !notCovered.Contains(f)).ToList();
        Assert.True(unlisted.Count == 0, "Examples neither replayed nor listed in ConformanceSuite.NotCovered: " + string.Join(", ", unlisted));
        var stale = covered.Concat(notCovered).Where(f => !files.Contains(f)).ToList();
        Assert.True(stale.Count == 0, "Table entries without an example file: " + string.Join(", ", stale));
        Assert.All(ConformanceSuite.NotCovered.Values, reason => Assert.True(reason.Length > 20));
        Assert.All(ConformanceSuite.Rows, row => Assert.All((row.Excluded ?? []).Values, reason => Assert.False(string.IsNullOrWhiteSpace(reason))));
    }

    [Theory]
    [MemberData(nameof(CoveredExamples))]
    public async Task Example_replays_with_an_expected_status_and_the_example_shape(string example)
    {
        var row = ConformanceSuite.Rows.Single(r => r.Example == example);
        var doc = LoadExample(example);
        var parameters = doc["parameters"]!.AsObject();
        var responses = doc["responses"]!.AsObject();

        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = ConformanceSuite.World, ClockScale = 0.001 });
        using var http = Http(host);

        foreach (var step in row.Setup ?? [])
        {
            var stepBody = step.BodyFromExample is null ? step.Body?.DeepClone()
                : LoadExample(step.BodyFromExample)["parameters"]!.AsObject().Select(p => p.Value).First(v => v is JsonObject)!.DeepClone();
            if (step.Tags is not null)
            {
                stepBody!["tags"] = step.Tags.DeepClone();
            }

            var (setupResponse, setupBody) = await SendJsonAsync(http, step.Method, $"{Fill(step.PathTemplate, row)}?api-version={step.ApiVersion}", stepBody);
            Assert.True((int)setupResponse.StatusCode < 300, $"Set-up {step.Method} {step.PathTemplate} answered {(int)setupResponse.StatusCode}: {setupBody?.ToJsonString()}");
            await WaitAsync(http, setupResponse);
        }

        var (path, body) = BuildRequest(row, parameters);
        var (response, actual) = await SendJsonAsync(http, row.Method, path, body);
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(responses.ContainsKey(status),
            $"{example}: the emulator answered {status} ({actual?.ToJsonString()}), the example lists {string.Join(", ", responses.Select(r => r.Key))}.");

        if (row.FollowMonitor && status == "202")
        {
            (status, actual) = await FollowMonitorAsync(http, Header(response, "Location"));
            Assert.True(responses.ContainsKey(status), $"{example}: the monitor URL ended with {status}.");
        }

        var expected = responses[status]?["body"];
        if (expected is not null)
        {
            var problems = ExampleShape.Differences(expected, actual, (row.Excluded ?? []).Keys);
            Assert.True(problems.Count == 0, $"{example}: the response lacks or mistypes what the example has:\n  " + string.Join("\n  ", problems));
        }

        await WaitAsync(http, response);
    }

    [Fact]
    public async Task The_SDK_models_parse_the_responses_without_losing_what_the_examples_have()
    {
        await using var host = await TestSupport.StartAsync(new EmulatorOptions { WorldYaml = ConformanceSuite.World, ClockScale = 0.001 });
        var client = Sdk(host);

        var vm = (await Vm(client, "vm-win").GetAsync()).Value.Data;
        var vmExample = LoadExample("Microsoft.Compute/2023-07-01/VirtualMachine_Get.json")["responses"]!["200"]!["body"]!;
        var checks = new (string Path, object? Value)[]
        {
            ("id", vm.Id), ("name", vm.Name), ("type", vm.ResourceType), ("location", vm.Location),
            ("properties.vmId", vm.VmId), ("properties.provisioningState", vm.ProvisioningState),
            ("properties.hardwareProfile.vmSize", vm.HardwareProfile?.VmSize),
            ("properties.storageProfile.imageReference.publisher", vm.StorageProfile?.ImageReference?.Publisher),
            ("properties.storageProfile.imageReference.offer", vm.StorageProfile?.ImageReference?.Offer),
            ("properties.storageProfile.imageReference.sku", vm.StorageProfile?.ImageReference?.Sku),
            ("properties.storageProfile.imageReference.version", vm.StorageProfile?.ImageReference?.Version),
            ("properties.storageProfile.osDisk.osType", vm.StorageProfile?.OSDisk?.OSType),
            ("properties.storageProfile.osDisk.name", vm.StorageProfile?.OSDisk?.Name),
            ("properties.storageProfile.osDisk.createOption", vm.StorageProfile?.OSDisk?.CreateOption),
            ("properties.storageProfile.osDisk.caching", vm.StorageProfile?.OSDisk?.Caching),
            ("properties.storageProfile.osDisk.diskSizeGB", vm.StorageProfile?.OSDisk?.DiskSizeGB),
            ("properties.storageProfile.osDisk.managedDisk.storageAccountType", vm.StorageProfile?.OSDisk?.ManagedDisk?.StorageAccountType),
            ("properties.storageProfile.osDisk.managedDisk.id", vm.StorageProfile?.OSDisk?.ManagedDisk?.Id),
            ("properties.osProfile.computerName", vm.OSProfile?.ComputerName),
            ("properties.osProfile.adminUsername", vm.OSProfile?.AdminUsername),
            ("properties.osProfile.windowsConfiguration.provisionVMAgent", vm.OSProfile?.WindowsConfiguration?.ProvisionVmAgent),
            ("properties.osProfile.windowsConfiguration.enableAutomaticUpdates", vm.OSProfile?.WindowsConfiguration?.IsAutomaticUpdatesEnabled),
            ("properties.networkProfile.networkInterfaces", vm.NetworkProfile?.NetworkInterfaces.FirstOrDefault()?.Id),
            ("properties.diagnosticsProfile.bootDiagnostics.enabled", vm.BootDiagnostics?.Enabled),
            ("properties.timeCreated", vm.TimeCreated),
            ("tags", vm.Tags.Count > 0 ? vm.Tags : null),
        };
        var lost = checks.Where(c => Has(vmExample, c.Path) && c.Value is null).Select(c => c.Path).ToList();
        Assert.True(lost.Count == 0, "VirtualMachineData lost: " + string.Join(", ", lost));
        Assert.Equal(checks.Length, checks.Count(c => Has(vmExample, c.Path)));

        var view = (await Vm(client, "vm-win").InstanceViewAsync()).Value;
        var viewExample = LoadExample("Microsoft.Compute/2023-07-01/VirtualMachine_Get_InstanceView.json")["responses"]!["200"]!["body"]!;
        var viewChecks = new (string Path, object? Value)[]
        {
            ("computerName", view.ComputerName), ("osName", view.OSName), ("osVersion", view.OSVersion),
            ("vmAgent.vmAgentVersion", view.VmAgent?.VmAgentVersion), ("vmAgent.statuses", view.VmAgent?.Statuses.FirstOrDefault()?.Code),
            ("disks", view.Disks.FirstOrDefault()?.Name), ("hyperVGeneration", view.HyperVGeneration),
            ("statuses", view.Statuses.FirstOrDefault()?.Code),
        };
        lost = viewChecks.Where(c => Has(viewExample, c.Path) && c.Value is null).Select(c => c.Path).ToList();
        Assert.True(lost.Count == 0, "VirtualMachineInstanceView lost: " + string.Join(", ", lost));
    }

    private static bool Has(JsonNode node, string path)
    {
        var current = node;
        foreach (var part in path.Split('.'))
        {
            current = current is JsonObject o && o.TryGetPropertyValue(part, out var child) ? child : null;
            if (current is null)
            {
                return false;
            }
        }

        return true;
    }

    private static string Fill(string template, Row row)
    {
        var result = template;
        foreach (var (name, value) in (row.Values ?? []).Concat(ConformanceSuite.PathValues))
        {
            result = result.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("{", result);
        return result;
    }

    private static (string Path, JsonNode? Body) BuildRequest(Row row, JsonObject parameters)
    {
        var path = Fill(row.PathTemplate, row);
        JsonNode? body = null;
        var query = new List<string>();
        foreach (var (name, value) in parameters)
        {
            if (row.PathTemplate.Contains("{" + name + "}", StringComparison.Ordinal) || (row.Ignored ?? []).Contains(name))
            {
                continue;
            }

            if (value is JsonObject or JsonArray)
            {
                body = value.DeepClone();
                continue;
            }

            var text = row.QueryOverrides is not null && row.QueryOverrides.TryGetValue(name, out var o) ? o
                : value!.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? value.ToJsonString() : value.ToString();
            query.Add($"{name}={Uri.EscapeDataString(text)}");
        }

        foreach (var (from, to) in row.BodyText ?? [])
        {
            body = JsonNode.Parse(body!.ToJsonString().Replace(from, to, StringComparison.Ordinal));
        }

        foreach (var (path2, value) in row.BodyOverrides ?? [])
        {
            var parts = path2.Split('.');
            var target = body!;
            foreach (var part in parts[..^1])
            {
                target = target[part] ??= new JsonObject();
            }

            target[parts[^1]] = value;
        }

        foreach (var (name, value) in row.JsonOverrides ?? [])
        {
            body![name] = value.DeepClone();
        }

        return ($"{path}?{string.Join("&", query)}", body);
    }

    private static async Task<(HttpResponseMessage, JsonNode?)> SendJsonAsync(HttpClient http, string method, string relative, JsonNode? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), relative);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        else if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("", Encoding.UTF8, "application/json");
        }

        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text));
    }

    /// <summary>Waits for a long-running answer to finish (through its Azure-AsyncOperation URL).</summary>
    private static async Task WaitAsync(HttpClient http, HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Azure-AsyncOperation", out var urls))
        {
            var seen = await PollStatusAsync(http, urls.Single());
            Assert.Equal("Succeeded", seen[^1]["status"]!.GetValue<string>());
        }
    }

    private static async Task<(string Status, JsonNode? Body)> FollowMonitorAsync(HttpClient http, string location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var (response, body) = await GetAsync(http, location);
            if ((int)response.StatusCode != 202)
            {
                return (((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), body);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException("The monitor URL never finished.");
            }

            await Task.Delay(15);
        }
    }

}
