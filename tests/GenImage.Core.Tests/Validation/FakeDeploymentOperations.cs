using GenImage.Core.Errors;
using GenImage.Core.Validation;
using GenImage.Core.Vm;

namespace GenImage.Core.Tests.Validation;

/// <summary>An ARM that creates, provisions and deletes validation VMs the way a test tells it to.</summary>
internal sealed class FakeDeploymentOperations : IDeploymentOperations
{
    private readonly object _gate = new();

    public TimeSpan PollingInterval => TimeSpan.FromMilliseconds(5);
    public List<string> Calls { get; } = new();
    public ValidationVmSpec? Created { get; private set; }
    /// <summary>Resource ids that exist now.</summary>
    public HashSet<string> Existing { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Thrown by BeginCreate (a refused request).</summary>
    public GenImageException? CreateRefusal { get; set; }
    /// <summary>Thrown by WaitForCreate (a failed provisioning).</summary>
    public GenImageException? ProvisioningFailure { get; set; }
    /// <summary>WaitForCreate never ends on its own (until the token is cancelled).</summary>
    public bool ProvisioningHangs { get; set; }
    /// <summary>Signalled when WaitForCreate starts.</summary>
    public TaskCompletionSource WaitStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public string AgentStatus { get; set; } = "Ready";
    public string? SerialLog { get; set; } = "[    0.000000] Linux version 5.15\n[   12.1] cloud-init: provisioning finished\n";
    public bool SerialLogFails { get; set; }
    /// <summary>Serves the serial log from this stream instead of <see cref="SerialLog"/> (large logs).</summary>
    public Func<System.IO.Stream>? SerialLogStream { get; set; }
    public string ProbeStdOut { get; set; } = "ok\n";
    public GenImageException? ProbeFailure { get; set; }
    /// <summary>How many deletes answer 409 Conflict before one succeeds.</summary>
    public int DeleteConflicts { get; set; }
    /// <summary>Every delete fails.</summary>
    public bool DeleteFails { get; set; }
    /// <summary>Deleting the VM leaves its disk (deleteOption Detach).</summary>
    public bool DiskSurvivesVmDelete { get; set; }
    public Dictionary<string, string> RegionStates { get; } = new(StringComparer.OrdinalIgnoreCase) { ["westeurope"] = "Completed" };

    public ValidationImage Image(string osType = "Windows", string securityType = "TrustedLaunch") => new()
    {
        Id = "/subscriptions/s1/resourceGroups/rg-gal/providers/Microsoft.Compute/galleries/gal/images/def/versions/1.0.0",
        Kind = "GalleryImageVersion",
        Name = "1.0.0",
        ResourceGroupName = "rg-gal",
        OsType = osType,
        HyperVGeneration = "V2",
        SecurityType = securityType,
        AvailableRegions = RegionStates.Where(r => r.Value == "Completed").Select(r => r.Key).ToList(),
        RegionStates = new Dictionary<string, string>(RegionStates, StringComparer.OrdinalIgnoreCase),
    };

    private void Call(string call)
    {
        lock (_gate)
        {
            Calls.Add(call);
        }
    }

    public Task<ValidationImage> GetImageAsync(string imageId, CancellationToken cancellationToken) => Task.FromResult(Image());

    public Task<string?> GetResourceGroupLocationAsync(string resourceGroup, CancellationToken cancellationToken) => Task.FromResult<string?>("westeurope");

    public Task BeginCreateVmAsync(ValidationVmSpec spec, CancellationToken cancellationToken)
    {
        Call("create " + spec.Name);
        if (CreateRefusal != null)
        {
            throw CreateRefusal;
        }

        Created = new ValidationVmSpec
        {
            SubscriptionId = spec.SubscriptionId, ResourceGroupName = spec.ResourceGroupName, Name = spec.Name, Location = spec.Location,
            VmSize = spec.VmSize, ImageId = spec.ImageId, OsType = spec.OsType, WithOsProfile = spec.WithOsProfile, ComputerName = spec.ComputerName,
            AdminUsername = spec.AdminUsername, AdminPassword = spec.AdminPassword, SshPublicKey = spec.SshPublicKey, SecurityType = spec.SecurityType,
            OsDiskName = spec.OsDiskName, OsDiskStorageAccountType = spec.OsDiskStorageAccountType, SubnetId = spec.SubnetId, NicName = spec.NicName,
            Tags = new Dictionary<string, string>(spec.Tags),
        };
        lock (_gate)
        {
            Existing.Add(spec.VmId);
            Existing.Add(spec.OsDiskId);
            if (spec.NicId != null)
            {
                Existing.Add(spec.NicId);
            }
        }
        return Task.CompletedTask;
    }

    public async Task WaitForCreateAsync(string vmId, CancellationToken cancellationToken)
    {
        Call("wait");
        WaitStarted.TrySetResult();
        if (ProvisioningHangs)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (ProvisioningFailure != null)
        {
            throw ProvisioningFailure;
        }
    }

    public Task<ValidationVmStatus> GetVmStatusAsync(string vmId, CancellationToken cancellationToken)
    {
        Call("status");
        bool exists;
        lock (_gate)
        {
            exists = Existing.Contains(vmId);
        }

        return Task.FromResult(new ValidationVmStatus { Exists = exists, AgentStatus = exists ? AgentStatus : null, ProvisioningState = "Succeeded" });
    }

    public Task<System.IO.Stream?> OpenSerialLogAsync(string vmId, CancellationToken cancellationToken)
    {
        Call("serial");
        if (SerialLogFails)
        {
            throw new GenImageException(ErrorIds.ArmRequestFailed, GenImageErrorKind.OperationStopped, "boot diagnostics unavailable");
        }

        return Task.FromResult<System.IO.Stream?>(SerialLogStream?.Invoke() ?? (SerialLog == null ? null : new System.IO.MemoryStream(System.Text.Encoding.UTF8.GetBytes(SerialLog))));
    }

    public Task<RunCommandOutput> RunCommandAsync(string vmId, string commandId, IReadOnlyList<string> script, CancellationToken cancellationToken)
    {
        Call("probe " + commandId);
        if (ProbeFailure != null)
        {
            throw ProbeFailure;
        }

        return Task.FromResult(new RunCommandOutput(ProbeStdOut, ""));
    }

    private static GenImageException Conflict(string id) =>
        new(ErrorIds.ArmRequestFailed, GenImageErrorKind.InvalidOperation, "The VM is being created.") { ArmErrorCode = "Conflict", HttpStatus = 409, Target = id };

    public Task DeleteVmAsync(string vmId, CancellationToken cancellationToken)
    {
        Call("delete vm");
        cancellationToken.ThrowIfCancellationRequested();
        if (DeleteFails)
        {
            throw new GenImageException(ErrorIds.ArmRequestFailed, GenImageErrorKind.PermissionDenied, "AuthorizationFailed: no delete for you") { ArmErrorCode = "AuthorizationFailed", HttpStatus = 403 };
        }

        if (DeleteConflicts > 0)
        {
            DeleteConflicts--;
            throw Conflict(vmId);
        }
        lock (_gate)
        {
            Existing.Remove(vmId);
            if (!DiskSurvivesVmDelete)
            {
                Existing.RemoveWhere(id => id.Contains("/disks/", StringComparison.OrdinalIgnoreCase) || id.Contains("/networkInterfaces/", StringComparison.OrdinalIgnoreCase));
            }
        }
        return Task.CompletedTask;
    }

    public Task DeleteResourceAsync(string resourceId, CancellationToken cancellationToken)
    {
        Call("delete " + resourceId[(resourceId.LastIndexOf('/') + 1)..]);
        lock (_gate)
        {
            Existing.Remove(resourceId);
        }

        return Task.CompletedTask;
    }

    /// <summary>The tags recorded on the image, by key.</summary>
    public Dictionary<string, string> ImageTags { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Thrown by RecordOnImage (no permission to update the version, say).</summary>
    public GenImageException? RecordFailure { get; set; }

    public Task RecordOnImageAsync(string imageId, KeyValuePair<string, string> tag, CancellationToken cancellationToken)
    {
        Call("record");
        if (RecordFailure != null)
        {
            throw RecordFailure;
        }

        var merged = ValidationTags.Merge(ImageTags, tag, out var refused) ?? throw new GenImageException(ErrorIds.ArmRequestFailed, GenImageErrorKind.LimitsExceeded, refused!);
        lock (_gate)
        {
            ImageTags.Clear();
            foreach (var t in merged)
            {
                ImageTags[t.Key] = t.Value;
            }
        }
        return Task.CompletedTask;
    }

    public Task<bool> ResourceExistsAsync(string resourceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Existing.Contains(resourceId));
        }
    }
}

internal sealed class ValidationLog : GenImage.Core.Logging.IGenImageLog
{
    public List<string> Messages { get; } = new();
    public List<string> Warnings { get; } = new();
    public void Verbose(string message)
    {
        lock (Messages)
        {
            Messages.Add(message);
        }
    }
    public void Debug(string message)
    {
        lock (Messages)
        {
            Messages.Add(message);
        }
    }
    public void Warning(string message)
    {
        lock (Warnings)
        {
            Warnings.Add(message);
        }
    }
    public void Progress(GenImage.Core.Logging.ProgressInfo progress)
    {
        lock (Messages)
        {
            Messages.Add(progress.Activity + ": " + progress.Status);
        }
    }
}
