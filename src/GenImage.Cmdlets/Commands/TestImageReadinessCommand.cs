using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Readiness;
using GenImage.Core.Vm;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Checks a source VM (alone, or with the definition, version and regions it is about to be published to) or an existing image version against the readiness rules.</para>
/// <para type="description">Writes one finding per rule (Pass, Fail, or Skipped with the reason). A failed Error rule does not stop a script unless -FailOnError or -ErrorAction Stop is given.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ImageReadiness", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ReadinessFinding))]
[OutputType(typeof(ReadinessSummary))]
[OutputType(typeof(bool))]
public sealed class TestImageReadinessCommand : GenImageCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByIdSet = "ById";
    private const string ByVersionIdSet = "ByVersionId";
    private const string ByObjectSet = "ByObject";

    /// <summary>Error id written (or thrown with -FailOnError) when an Error rule fails.</summary>
    public const string ReadinessFailedErrorId = "ReadinessFailed";

    private bool _allReady = true;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(VmNameCompleter))]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    public string? VmName { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [Alias("SourceId")]
    [ValidateNotNullOrEmpty]
    public string? VmId { get; set; }

    /// <summary>An existing gallery image version to check.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByVersionIdSet)]
    [ValidateNotNullOrEmpty]
    public string? VersionId { get; set; }

    /// <summary>A SourceVm (Get-SourceVm), a GeneralizeResult (Invoke-GeneralizeVm) or a GalleryImageVersion (Get-GalleryImageVersion).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByObjectSet)]
    [ValidateNotNull]
    public object? InputObject { get; set; }

    /// <summary>Resource group of the gallery (default: the VM's resource group).</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByObjectSet)]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? GalleryResourceGroupName { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByObjectSet)]
    [ArgumentCompleter(typeof(GalleryNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? GalleryName { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByObjectSet)]
    [ArgumentCompleter(typeof(DefinitionNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? DefinitionName { get; set; }

    /// <summary>The version about to be created (Major.Minor.Patch).</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByObjectSet)]
    [ValidateNotNullOrEmpty]
    public string? Version { get; set; }

    /// <summary>Target regions: NAME, NAME=COUNT, NAME=COUNT=STORAGE, or hashtables.</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByObjectSet)]
    [ArgumentCompleter(typeof(LocationCompleter))]
    [ValidateNotNullOrEmpty]
    public object[]? TargetRegion { get; set; }

    /// <summary>The version will be published excluded from latest.</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByObjectSet)]
    public SwitchParameter ExcludeFromLatest { get; set; }

    /// <summary>The release policy requires new versions to start excluded from latest (GI3005).</summary>
    [Parameter]
    public SwitchParameter RequireExcludeFromLatest { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByObjectSet)]
    public DateTime EndOfLifeDate { get; set; }

    /// <summary>The VM is about to be prepared and generalized (Invoke-GeneralizeVm -Prepare, or publishing with generalization).</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByObjectSet)]
    public SwitchParameter WillGeneralize { get; set; }

    /// <summary>Run the inspection script in the guest. Default: when the VM runs with a Ready agent; -Inspect:$false never.</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByObjectSet)]
    public SwitchParameter Inspect { get; set; }

    /// <summary>Tags the source must carry (GI6001); default owner.</summary>
    [Parameter]
    public string[]? RequiredTag { get; set; }

    /// <summary>The image serves scale sets (GI4003 allows up to 50 replicas per region).</summary>
    [Parameter]
    public SwitchParameter ForScaleSet { get; set; }

    /// <summary>Rule ids to evaluate, with wildcards (GI2*).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RuleIdCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Rule { get; set; }

    /// <summary>Rule ids to leave out, with wildcards.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RuleIdCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeRule { get; set; }

    /// <summary>Return only $true (no failed Error rule on any target) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Output one summary per target instead of the findings.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>Stop with the error GenImage.ReadinessFailed when an Error rule fails.</summary>
    [Parameter]
    public SwitchParameter FailOnError { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (Quiet.IsPresent && Summary.IsPresent)
        {
            ThrowTerminatingError(ErrorRecords.Argument("InvalidArgument", "-Quiet and -Summary cannot be used together.", null));
        }
    }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var options = new ReadinessCheckOptions
        {
            GalleryResourceGroupName = GalleryResourceGroupName,
            GalleryName = GalleryName,
            DefinitionName = DefinitionName,
            VersionName = Version,
            WillGeneralize = WillGeneralize.IsPresent,
            RequireExcludeFromLatest = RequireExcludeFromLatest.IsPresent,
            ForScaleSet = ForScaleSet.IsPresent,
            Inspect = MyInvocation.BoundParameters.ContainsKey(nameof(Inspect)) ? Inspect.IsPresent : (bool?)null,
        };
        if (MyInvocation.BoundParameters.ContainsKey(nameof(ExcludeFromLatest)))
        {
            options.ExcludeFromLatest = ExcludeFromLatest.IsPresent;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(EndOfLifeDate)))
        {
            var local = EndOfLifeDate.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(EndOfLifeDate, DateTimeKind.Utc) : EndOfLifeDate;
            options.EndOfLifeDate = new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero);
        }
        if (RequiredTag != null)
        {
            options.RequiredTags = RequiredTag.ToList();
        }

        foreach (var pattern in Rule ?? Array.Empty<string>())
        {
            options.Selection.Include.Add(pattern);
        }

        foreach (var pattern in ExcludeRule ?? Array.Empty<string>())
        {
            options.Selection.Exclude.Add(pattern);
        }

        if (Rule != null)
        {
            WarnAboutUnmatchedPatterns(Rule);
        }

        var target = ResolveTarget(connection.SubscriptionId, options);
        if (target == null)
        {
            return;
        }

        if (TargetRegion != null)
        {
            try
            {
                foreach (var region in TargetRegions.ParseAll(TargetRegion, 1, "Standard_LRS"))
                {
                    options.TargetRegions.Add(region);
                }
            }
            catch (GenImageException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, TargetRegion));
            }
        }

        ReadinessReport report;
        try
        {
            if (options.VersionId != null)
            {
                GalleryIds.ParseVersion(options.VersionId);
            }

            if (options.VmId != null)
            {
                ResourceIds.RequireVirtualMachine(options.VmId);
            }

            report = RunAsync((log, ct) =>
                new ReadinessChecker(new ArmVmOperations(connection), new ArmReadinessSources(connection), log).CheckAsync(options, ct), target: target);
        }
        catch (GenImageException ex)
        {
            _allReady = false;
            if (!Quiet.IsPresent)
            {
                WriteItemError(ex, target);
            }

            return;
        }

        var summary = report.Summarize();
        if (!summary.IsReady)
        {
            _allReady = false;
        }

        WriteInformation(new InformationRecord(summary.ToString(), "Test-ImageReadiness") { Tags = { "GenImage.ReadinessSummary" } });

        if (!Quiet.IsPresent)
        {
            if (Summary.IsPresent)
            {
                WriteObject(summary);
            }
            else
            {
                foreach (var finding in report.Findings)
                {
                    WriteObject(finding);
                }
            }

            foreach (var warning in report.Findings.Where(f => f.IsBlocking))
            {
                WriteWarning($"{warning.RuleId} {warning.Title}: {warning.Message}");
            }
        }

        if (!summary.IsReady && !Quiet.IsPresent)
        {
            var record = ReadinessFailed(summary, report.Findings);
            if (FailOnError.IsPresent)
            {
                ThrowTerminatingError(record);
            }

            if (ErrorActionIsStop())
            {
                WriteError(record);
            }
        }
    }

    protected override void EndProcessing()
    {
        if (Quiet.IsPresent)
        {
            WriteObject(_allReady);
        }

        base.EndProcessing();
    }

    private string? ResolveTarget(string subscriptionId, ReadinessCheckOptions options)
    {
        switch (ParameterSetName)
        {
            case ByNameSet:
                options.VmId = ResourceIds.VirtualMachine(subscriptionId, ResourceGroupName!, VmName!);
                return options.VmId;
            case ByIdSet:
                options.VmId = VmId!;
                return options.VmId;
            case ByVersionIdSet:
                options.VersionId = VersionId!;
                return options.VersionId;
            default:
                var value = InputObject is PSObject ps ? ps.BaseObject : InputObject;
                switch (value)
                {
                    case SourceVm vm:
                        options.VmId = vm.Id;
                        return vm.Id;
                    case GeneralizeResult generalized:
                        options.VmId = generalized.Id;
                        options.WillGeneralize = false;
                        return generalized.Id;
                    case GalleryImageVersion version:
                        options.VersionId = version.Id;
                        return version.Id;
                    default:
                        WriteError(ErrorRecords.Argument("InvalidInputObject",
                            $"Test-ImageReadiness takes a SourceVm, a GeneralizeResult or a GalleryImageVersion, not a {value?.GetType().FullName ?? "null"}.",
                            InputObject));
                        return null;
                }
        }
    }

    private void WarnAboutUnmatchedPatterns(IEnumerable<string> patterns)
    {
        foreach (var pattern in patterns)
        {
            var selection = new ReadinessSelection();
            selection.Include.Add(pattern);
            if (ReadinessCatalog.Select(selection).Count == 0)
            {
                WriteWarning($"-Rule '{pattern}' matches no readiness rule; Get-ImageReadinessRule lists them.");
            }
        }
    }

    private bool ErrorActionIsStop() =>
        MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var value)
        && value is ActionPreference preference && preference == ActionPreference.Stop;

    private static ErrorRecord ReadinessFailed(ReadinessSummary summary, IEnumerable<ReadinessFinding> findings)
    {
        var failing = findings.Where(f => f.IsBlocking).ToList();
        var message = $"'{summary.Target}' is not ready: {failing.Count} rule(s) of severity Error failed: " +
                      string.Join("; ", failing.Select(f => $"{f.RuleId} {f.Title}"));
        var ex = new GenImageException(ReadinessFailedErrorId, GenImageErrorKind.InvalidOperation, message) { Target = summary.Target };
        var record = ErrorRecords.From(ex, summary);
        record.ErrorDetails = new ErrorDetails(message)
        {
            RecommendedAction = string.Join(" ", failing.Select(f => $"{f.RuleId}: {f.Remediation}")),
        };
        return record;
    }
}
