using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Readiness;
using GenImage.Core.Validation;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Deploys a validation VM from a gallery image version (or a managed image) in one or more regions, waits for provisioning and the guest agent, then deletes it.</para>
/// <para type="description">Writes one ValidationResult per region. Clean-up always runs, also on failure, timeout and Ctrl+C; a failed clean-up names every resource left behind.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ImageDeployment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ValidationResult), typeof(GenImageJob))]
public sealed class TestImageDeploymentCommand : GenImageCmdlet
{
    /// <summary>The gallery image version (or managed image) to deploy; takes the Id of Get-GalleryImageVersion and New-ManagedImage output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "VersionId")]
    [ValidateNotNullOrEmpty]
    public string? ImageId { get; set; }

    /// <summary>Regions to deploy in. Default: the image's own region.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(LocationCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Region { get; set; }

    /// <summary>Resource group of the validation VM. Default: the gallery's (or managed image's) resource group.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string VmSize { get; set; } = "Standard_D2s_v5";

    /// <summary>Subnet of the validation VM's NIC. Required against Azure; the emulator needs none.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SubnetId { get; set; }

    /// <summary>Admin user and password. Default: user 'genimage' and a random password generated in memory (never shown).</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Linux: log in with this SSH public key instead of a password.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SshPublicKey { get; set; }

    /// <summary>A script run through Run Command once the agent is Ready; a GENIMAGE-RESULT line, when it writes one, decides success.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProbeScript { get; set; }

    /// <summary>Keep the validation VM and its disk for troubleshooting.</summary>
    [Parameter]
    public SwitchParameter KeepVm { get; set; }

    /// <summary>Limit for provisioning, in seconds (default 1800).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 1800;

    /// <summary>Limit for the guest agent to report Ready after provisioning, in seconds (default 600).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int AgentTimeoutSec { get; set; } = 600;

    /// <summary>Extra tags of the validation VM (genimage-validation=true is always set).</summary>
    [Parameter]
    public Hashtable? Tag { get; set; }

    /// <summary>Stop with the error GenImage.ValidationFailed when a region fails.</summary>
    [Parameter]
    public SwitchParameter FailOnError { get; set; }

    /// <summary>
    /// Confirm every region here, then deploy and check them in a background job (Get-Job, Receive-Job, Stop-Job) that
    /// uses this session's connection; returns the job.
    /// </summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var imageId = ImageId!;
        var ops = new ArmDeploymentOperations(connection);
        var correlationId = Guid.NewGuid().ToString();

        ValidationImage image;
        try
        {
            image = RunAsync((log, ct) => new DeploymentValidator(ops, log).GetImageAsync(imageId, ct), correlationId);
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, imageId);
            return;
        }

        var regions = (Region ?? new[] { image.Location.Length > 0 ? image.Location : image.AvailableRegions.FirstOrDefault() ?? string.Empty })
            .Where(r => !string.IsNullOrWhiteSpace(r))
            .Select(KnownRegions.Normalize)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (regions.Count == 0)
        {
            WriteError(ErrorRecords.Argument("NoRegion", $"The image '{imageId}' has no region to deploy in; give -Region.", imageId));
            return;
        }

        var confirmed = new List<DeploymentValidationOptions>();
        foreach (var region in regions)
        {
            var options = new DeploymentValidationOptions
            {
                Region = region,
                SubscriptionId = connection.SubscriptionId,
                ResourceGroupName = ResourceGroupName ?? image.ResourceGroupName,
                VmSize = VmSize,
                SubnetId = SubnetId,
                RequireSubnet = !connection.Context.IsEmulator,
                AdminUsername = Credential?.UserName,
                AdminPassword = Credential?.GetNetworkCredential().Password,
                SshPublicKey = SshPublicKey,
                KeepVm = KeepVm.IsPresent,
                ProbeScript = ProbeScript,
                ProvisionTimeout = TimeSpan.FromSeconds(TimeoutSec),
                AgentReadyTimeout = TimeSpan.FromSeconds(AgentTimeoutSec),
                TimeoutParameterName = "-TimeoutSec",
            };
            if (Tag != null)
            {
                foreach (DictionaryEntry entry in Tag)
                {
                    options.Tags[entry.Key?.ToString() ?? string.Empty] = entry.Value?.ToString() ?? string.Empty;
                }
            }

            var spec = DeploymentValidator.BuildSpec(image, options);
            options.ShortId = spec.Name.Substring(DeploymentValidator.NamePrefix.Length);
            var action = $"Deploy validation VM '{spec.Name}' ({spec.VmSize}, {spec.SecurityType}) in {region} into '{options.ResourceGroupName}'" +
                         (KeepVm.IsPresent ? " and keep it" : ", then delete it and its disk") +
                         (string.Equals(image.Kind, "GalleryImageVersion", StringComparison.OrdinalIgnoreCase) ? $"; record the outcome on the version's tag {ValidationTags.Prefix}{region}" : string.Empty);
            if (!ShouldChange($"{imageId} ({region})", action))
            {
                continue;
            }

            if (AsJob.IsPresent)
            {
                // A job never asks: every region is confirmed here first, then one job deploys them in turn.
                confirmed.Add(options);
                continue;
            }

            ValidateRegion(new PipelineOutput(this), ops, image, options, correlationId, imageId, FailOnError.IsPresent, ErrorActionIsStop());
        }

        if (AsJob.IsPresent && confirmed.Count > 0)
        {
            var errorActionStop = ErrorActionIsStop();
            var failOnError = FailOnError.IsPresent;
            CarryOut(true, imageId,
                "A validation stopped by Stop-Job deletes the VM it deployed before the job ends; a region it had not reached was not deployed. " +
                "Get-SourceVm lists any validation VM (giv-*) still there.",
                output =>
                {
                    foreach (var options in confirmed)
                    {
                        ValidateRegion(output, ops, image, options, correlationId, imageId, failOnError, errorActionStop);
                    }
                });
        }
    }

    /// <summary>Deploys and checks one confirmed region; runs on the pipeline thread, or in the job (so it reads no parameter).</summary>
    private static void ValidateRegion(IOperationOutput output, ArmDeploymentOperations ops, ValidationImage image, DeploymentValidationOptions options,
        string correlationId, string imageId, bool failOnError, bool errorActionStop)
    {
        ValidationResult result;
        try
        {
            // On Ctrl+C or Stop-Job, Run returns only after the validator has cleaned up.
            result = output.Run((log, ct) => new DeploymentValidator(ops, log).ValidateAsync(image, options, ct), correlationId);
        }
        catch (GenImageException ex)
        {
            output.WriteError(ErrorRecords.From(ex, imageId));
            return;
        }

        output.WriteObject(result);
        if (!result.Succeeded)
        {
            output.WriteWarning($"Validation in {result.Region} {result.Outcome}: {result.ErrorCode}: {result.Explanation}");
            var record = ValidationFailed(result);
            if (failOnError)
            {
                output.ThrowTerminatingError(record);
            }

            if (errorActionStop)
            {
                output.WriteError(record);
            }
        }
    }

    private bool ErrorActionIsStop() =>
        MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var value)
        && value is ActionPreference preference && preference == ActionPreference.Stop;

    private static ErrorRecord ValidationFailed(ValidationResult result)
    {
        var message = $"Validation of '{result.ImageId}' in {result.Region} {result.Outcome}: {result.ErrorCode}: {result.Explanation}";
        var ex = new GenImageException(ValidationErrorIds.ValidationFailed, GenImageErrorKind.InvalidOperation, message) { Target = result.ImageId };
        return ErrorRecords.From(ex, result);
    }
}
