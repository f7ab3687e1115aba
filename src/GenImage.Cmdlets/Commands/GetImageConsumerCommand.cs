using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using GenImage.Cmdlets.Completion;
using GenImage.Cmdlets.Infrastructure;
using GenImage.Core.Errors;
using GenImage.Core.Fleet;

namespace GenImage.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Gets the VMs and scale sets (and, with -TemplatePath, the ARM JSON and Bicep templates) that use a gallery image definition (latest), a version or a managed image.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ImageConsumer")]
[OutputType(typeof(ImageConsumer))]
public sealed class GetImageConsumerCommand : GenImageCmdlet
{
    /// <summary>A gallery image definition, version or managed image id; by property name (versions, definitions, managed images, inventory items pipe in).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "ResourceId", "VersionId")]
    [ValidateNotNullOrEmpty]
    public string? ImageId { get; set; }

    /// <summary>Look at the VMs and scale sets of this resource group only; the whole subscription when omitted.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    /// <summary>ARM JSON and Bicep files or folders to search (wildcards); folders are searched for *.json, *.jsonc, *.bicep and *.bicepparam.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? TemplatePath { get; set; }

    private List<string>? _templates;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _templates = ResolveTemplatePaths();
    }

    protected override void ProcessRecord()
    {
        var connection = RequireConnection();
        var query = new ConsumerQuery { ImageId = ImageId!, ResourceGroupName = ResourceGroupName, TemplatePaths = _templates ?? new List<string>() };
        try
        {
            foreach (var consumer in RunAsync((log, ct) => FleetEngines.Consumers(connection, log).FindAsync(query, ct)))
            {
                WriteObject(consumer);
            }
        }
        catch (GenImageException ex)
        {
            WriteItemError(ex, ImageId);
        }
    }

    /// <summary>File-system paths of -TemplatePath (wildcards through the provider); a path that matches nothing is an error.</summary>
    private List<string> ResolveTemplatePaths()
    {
        var result = new List<string>();
        foreach (var path in TemplatePath ?? Array.Empty<string>())
        {
            try
            {
                var resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider);
                if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                {
                    WriteError(ErrorRecords.Argument(FleetErrorIds.TemplateUnreadable, $"'{path}' is not a file-system path; templates are files.", path));
                    continue;
                }
                if (resolved.Count == 0)
                {
                    WriteError(new ErrorRecord(new System.IO.FileNotFoundException($"No template file matches '{path}'."),
                        ErrorRecords.Prefix + FleetErrorIds.TemplateUnreadable, ErrorCategory.ObjectNotFound, path));
                }
                result.AddRange(resolved);
            }
            catch (ItemNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, ErrorRecords.Prefix + FleetErrorIds.TemplateUnreadable, ErrorCategory.ObjectNotFound, path));
            }
        }
        return result.Distinct(StringComparer.Ordinal).ToList();
    }
}
