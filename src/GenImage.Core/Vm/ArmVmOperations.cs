using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using GenImage.Core.Connection;
using GenImage.Core.Errors;

namespace GenImage.Core.Vm;

/// <summary><see cref="IVmOperations"/> over the Azure SDK.</summary>
public sealed class ArmVmOperations : IVmOperations
{
    private readonly GenImageConnection _connection;

    public ArmVmOperations(GenImageConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    public TimeSpan PollingInterval => _connection.PollingInterval;

    private VirtualMachineResource Vm(string vmId) =>
        _connection.Client.GetVirtualMachineResource(ResourceIds.ParseVirtualMachine(vmId));

    public async Task<SourceVm> GetAsync(string vmId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Vm(vmId).GetAsync(InstanceViewType.InstanceView, cancellationToken).ConfigureAwait(false);
            return VmFacts.From(response.Value.Data);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "read the virtual machine", vmId);
        }
    }

    public Task StartAsync(string vmId, CancellationToken cancellationToken) =>
        Lro(vmId, "start", ct => Vm(vmId).PowerOnAsync(WaitUntil.Started, ct), cancellationToken);

    public async Task DeallocateAsync(string vmId, CancellationToken cancellationToken)
    {
        try
        {
            var operation = await Vm(vmId).DeallocateAsync(WaitUntil.Started, null, cancellationToken).ConfigureAwait(false);
            // Followed by its status URL alone: deallocate has no result to read from Location afterwards.
            if (await StatusPolling.WaitAsync(_connection.Client, operation, PollingInterval, cancellationToken).ConfigureAwait(false) == null)
            {
                await operation.WaitAsync(PollingInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "deallocate", vmId);
        }
    }

    public async Task GeneralizeAsync(string vmId, CancellationToken cancellationToken)
    {
        try
        {
            await Vm(vmId).GeneralizeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "generalize", vmId);
        }
    }

    public async Task<RunCommandOutput> RunCommandAsync(string vmId, string commandId, IReadOnlyList<string> script, CancellationToken cancellationToken)
    {
        try
        {
            var input = new RunCommandInput(commandId);
            foreach (var line in script)
            {
                input.Script.Add(line);
            }

            var operation = await Vm(vmId).RunCommandAsync(WaitUntil.Started, input, cancellationToken).ConfigureAwait(false);
            // The final status body carries the output (properties.output): no read of the Location URL after it.
            var final = await StatusPolling.WaitAsync(_connection.Client, operation, PollingInterval, cancellationToken).ConfigureAwait(false);
            if (final is { } body && body.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object &&
                properties.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Object &&
                output.TryGetProperty("value", out var values) && values.ValueKind == JsonValueKind.Array)
            {
                return Output(values.EnumerateArray().Select(v => (Str(v, "code"), Str(v, "message"))));
            }

            // No status URL, or a status body without the output: the SDK reads the result as before.
            var result = await operation.WaitAsync(PollingInterval, cancellationToken).ConfigureAwait(false);
            return Output(result.Value.Value.Select(v => ((string?)v.Code, (string?)v.Message)));
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, "run a command on", vmId);
        }
    }

    /// <summary>Standard output and error of a Run Command's result statuses (codes ComponentStatus/StdOut/…, …/StdErr/…).</summary>
    private static RunCommandOutput Output(IEnumerable<(string? Code, string? Message)> statuses)
    {
        string stdout = string.Empty, stderr = string.Empty;
        foreach (var (code, message) in statuses)
        {
            if ((code ?? string.Empty).IndexOf("StdOut", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                stdout += message ?? string.Empty;
            }
            else if ((code ?? string.Empty).IndexOf("StdErr", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                stderr += message ?? string.Empty;
            }
        }
        return new RunCommandOutput(stdout, stderr);
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private async Task Lro(string vmId, string action, Func<CancellationToken, Task<ArmOperation>> start, CancellationToken cancellationToken)
    {
        try
        {
            var operation = await start(cancellationToken).ConfigureAwait(false);
            await operation.WaitAsync(PollingInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ArmErrors.IsArmFailure(ex))
        {
            throw ArmErrors.TranslateAny(ex, action, vmId);
        }
    }
}

/// <summary>Reads the facts GenImage needs from the SDK's VM model.</summary>
public static class VmFacts
{
    public static SourceVm From(VirtualMachineData data)
    {
        var id = data.Id;
        var view = data.InstanceView;
        var statuses = view?.Statuses ?? (IReadOnlyList<InstanceViewStatus>)Array.Empty<InstanceViewStatus>();
        var vm = new SourceVm
        {
            Id = id.ToString(),
            Name = data.Name,
            ResourceGroupName = id.ResourceGroupName ?? string.Empty,
            SubscriptionId = id.SubscriptionId ?? string.Empty,
            Location = data.Location.Name,
            VmSize = data.HardwareProfile?.VmSize?.ToString(),
            OsType = data.StorageProfile?.OSDisk?.OSType?.ToString(),
            OsName = view?.OSName,
            HyperVGeneration = view?.HyperVGeneration?.ToString(),
            SecurityType = data.SecurityProfile?.SecurityType?.ToString() ?? "Standard",
            PowerState = StatusSuffix(statuses, "PowerState/") ?? "unknown",
            OsState = StatusSuffix(statuses, "OSState/"),
            ProvisioningState = data.ProvisioningState,
            AgentVersion = view?.VmAgent?.VmAgentVersion,
            AgentStatus = view?.VmAgent?.Statuses is { Count: > 0 } agentStatuses ? agentStatuses[0].DisplayStatus : null,
            OsDiskId = data.StorageProfile?.OSDisk?.ManagedDisk?.Id?.ToString(),
            OsDiskSizeGB = data.StorageProfile?.OSDisk?.DiskSizeGB,
            OsDiskStorageAccountType = data.StorageProfile?.OSDisk?.ManagedDisk?.StorageAccountType?.ToString(),
            PurchasePlan = PlanText(data.Plan),
        };
        foreach (var tag in data.Tags)
        {
            vm.Tags[tag.Key] = tag.Value;
        }

        var reference = data.StorageProfile?.ImageReference;
        vm.ImageReferenceId = reference?.Id?.ToString() ?? reference?.SharedGalleryImageUniqueId ?? reference?.CommunityGalleryImageId;
        vm.BaseImage = vm.ImageReferenceId == null ? BaseImage(reference?.Publisher, reference?.Offer, reference?.Sku, reference?.Version, reference?.ExactVersion) : null;
        return vm;
    }

    /// <summary>
    /// The marketplace image of an imageReference: the exact version when ARM reports it, else the version asked for
    /// unless that is "latest" (then the version is unknown); null without publisher, offer and sku.
    /// </summary>
    public static MarketplaceImage? BaseImage(string? publisher, string? offer, string? sku, string? version, string? exactVersion)
    {
        if (string.IsNullOrEmpty(publisher) || string.IsNullOrEmpty(offer) || string.IsNullOrEmpty(sku))
        {
            return null;
        }

        var exact = !string.IsNullOrEmpty(exactVersion) ? exactVersion
            : !string.IsNullOrEmpty(version) && !string.Equals(version, "latest", StringComparison.OrdinalIgnoreCase) ? version
            : null;
        return new MarketplaceImage { Publisher = publisher!, Offer = offer!, Sku = sku!, Version = exact };
    }

    /// <summary>"publisher/product/name", the form GI2007 and the definition's purchase plan use; null without a plan.</summary>
    public static string? PlanText(ComputePlan? plan) =>
        plan == null ? null : $"{plan.Publisher}/{plan.Product}/{plan.Name}";

    /// <summary>The part after <paramref name="prefix"/> of the first status code that starts with it.</summary>
    public static string? StatusSuffix(IEnumerable<InstanceViewStatus> statuses, string prefix)
    {
        foreach (var status in statuses)
        {
            if (status.Code != null && status.Code.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return status.Code.Substring(prefix.Length);
            }
        }
        return null;
    }
}
