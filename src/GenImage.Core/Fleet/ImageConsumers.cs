using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using GenImage.Core.Errors;
using GenImage.Core.Gallery;
using GenImage.Core.Logging;

namespace GenImage.Core.Fleet;

/// <summary>Who an image is asked about, where to look.</summary>
public sealed class ConsumerQuery
{
    /// <summary>A gallery image definition, a version (or ".../versions/latest") or a managed image.</summary>
    public string ImageId { get; set; } = string.Empty;
    /// <summary>Look at the VMs and scale sets of this resource group; null for the whole subscription.</summary>
    public string? ResourceGroupName { get; set; }
    /// <summary>ARM JSON and Bicep files (directories are searched for *.json, *.jsonc, *.bicep, *.bicepparam).</summary>
    public IList<string> TemplatePaths { get; set; } = new List<string>();
}

/// <summary>
/// Finds who uses an image: VMs and scale sets whose image reference names it (a definition means "latest"), and
/// references in ARM JSON and Bicep templates. Asked about a version, it also lists the consumers of the
/// definition's "latest" when "latest" resolves to that version now, and VMs on latest created from it. Reads one
/// VM list and one scale set list (and their pages), plus the definition's version list for a version.
/// </summary>
public sealed class ImageConsumers
{
    public const string VirtualMachine = "VirtualMachine";
    public const string ScaleSet = "ScaleSet";
    public const string Template = "Template";
    public const string ViaVersion = "Version";
    public const string ViaLatest = "Latest";
    public const string ViaManagedImage = "ManagedImage";

    private static readonly string[] TemplateExtensions = { ".json", ".jsonc", ".bicep", ".bicepparam" };

    private readonly IFleetOperations _fleet;
    private readonly IGenImageLog _log;

    public ImageConsumers(IFleetOperations fleet, IGenImageLog? log = null)
    {
        _fleet = fleet ?? throw new ArgumentNullException(nameof(fleet));
        _log = log ?? NullLog.Instance;
    }

    /// <summary>The consumers of <see cref="ConsumerQuery.ImageId"/>: VMs and scale sets of the scope, then template references.</summary>
    public async Task<IReadOnlyList<ImageConsumer>> FindAsync(ConsumerQuery query, CancellationToken cancellationToken)
    {
        if (query == null)
        {
            throw new ArgumentNullException(nameof(query));
        }

        var target = Target.Parse(query.ImageId);
        var versionIsLatest = false;
        if (target.Kind == ImageReferenceKind.GalleryVersion)
        {
            var address = GalleryIds.ParseVersion(target.Id);
            var versions = await _fleet.ListVersionsAsync(address.ResourceGroupName, address.GalleryName, address.DefinitionName, cancellationToken).ConfigureAwait(false);
            var latest = LatestVersion.Resolve(versions);
            versionIsLatest = latest != null && FleetIds.Same(latest.Id, target.Id);
        }
        var vms = _fleet.ListVmsAsync(query.ResourceGroupName, cancellationToken);
        var sets = _fleet.ListScaleSetsAsync(query.ResourceGroupName, cancellationToken);
        await Task.WhenAll(vms, sets).ConfigureAwait(false);
        var result = Match(target, versionIsLatest, vms.Result, sets.Result).ToList();
        _log.Verbose($"{result.Count} of {vms.Result.Count} VM(s) and {sets.Result.Count} scale set(s) use {target.Id}.");
        foreach (var file in TemplateFiles(query.TemplatePaths))
        {
            result.AddRange(ScanTemplate(file, target, versionIsLatest));
        }
        return result;
    }

    /// <summary>The VMs and scale sets (already read) that use <paramref name="imageId"/>; for a version, also "latest" when it resolves to it.</summary>
    public static IReadOnlyList<ImageConsumer> Match(string imageId, bool versionIsLatest, IEnumerable<FleetVm> vms, IEnumerable<FleetScaleSet> sets) =>
        Match(Target.Parse(imageId), versionIsLatest, vms, sets).ToList();

    private static IEnumerable<ImageConsumer> Match(Target target, bool versionIsLatest, IEnumerable<FleetVm> vms, IEnumerable<FleetScaleSet> sets)
    {
        foreach (var vm in vms.OrderBy(v => v.ResourceGroupName, StringComparer.OrdinalIgnoreCase).ThenBy(v => v.Name, StringComparer.OrdinalIgnoreCase))
        {
            var via = target.Via(vm.ImageReferenceId, vm.ExactVersion, versionIsLatest);
            if (via == null)
            {
                continue;
            }

            yield return new ImageConsumer
            {
                Kind = VirtualMachine, Name = vm.Name, ResourceGroupName = vm.ResourceGroupName, Id = vm.Id, Via = via,
                Reference = vm.ImageReferenceId!, ReferencedId = vm.ImageReferenceId, ExactVersion = vm.ExactVersion, ImageId = target.Id,
            };
        }
        foreach (var set in sets.OrderBy(v => v.ResourceGroupName, StringComparer.OrdinalIgnoreCase).ThenBy(v => v.Name, StringComparer.OrdinalIgnoreCase))
        {
            var via = target.Via(set.ImageReferenceId, null, versionIsLatest);
            if (via == null)
            {
                continue;
            }

            yield return new ImageConsumer
            {
                Kind = ScaleSet, Name = set.Name, ResourceGroupName = set.ResourceGroupName, Id = set.Id, Via = via,
                Reference = set.ImageReferenceId!, ReferencedId = set.ImageReferenceId, ImageId = target.Id,
            };
        }
    }

    /// <summary>One line for a -WhatIf or confirmation text: who uses the image, or that nothing does.</summary>
    public static string Describe(IReadOnlyCollection<ImageConsumer> consumers)
    {
        if (consumers.Count == 0)
        {
            return "no VM or scale set uses it";
        }

        var parts = consumers.Take(5).Select(c =>
            c.Kind == ScaleSet ? $"scale set {c.Name} ({Pins(c)})" : $"VM {c.Name} ({Pins(c)})");
        return "used by " + string.Join(", ", parts) + (consumers.Count > 5 ? $" and {consumers.Count - 5} more" : string.Empty);

        static string Pins(ImageConsumer c) => c.Via switch
        {
            ViaVersion => $"pins {FleetIds.NameOf(c.Reference)}",
            ViaLatest => c.ExactVersion == null ? "latest" : $"latest, created from {c.ExactVersion}",
            _ => "managed image",
        };
    }

    // ---- templates ---------------------------------------------------------------------------------------------

    /// <summary>The template files under <paramref name="paths"/> (files as given; directories searched recursively).</summary>
    public static IEnumerable<string> TemplateFiles(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                yield return Path.GetFullPath(path);
            }
            else if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                             .Where(f => TemplateExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                             .OrderBy(f => f, StringComparer.Ordinal))
                {
                    yield return Path.GetFullPath(file);
                }
            }
            else
            {
                throw new GenImageException(FleetErrorIds.TemplateUnreadable, GenImageErrorKind.ObjectNotFound,
                    $"Template path '{path}' is neither a file nor a directory.")
                { Target = path };
            }
        }
    }

    private static readonly Regex LiteralId = new Regex(
        @"/subscriptions/[^/'""\s]+/resourceGroups/(?<rg>[^/'""\s]+)/providers/Microsoft\.Compute/(?:galleries/(?<gallery>[^/'""\s]+)/images/(?<definition>[^/'""\s]+)(?:/versions/(?<version>[^/'""\s\]]+))?|images/(?<image>[^/'""\s\]]+))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex ResourceIdCall = new Regex(@"resourceId\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex ExistingName = new Regex(
        @"'Microsoft\.Compute/(?<type>galleries/images/versions|galleries/images|images)@[^']*'\s*existing\s*=\s*\{[^}]*?name\s*:\s*'(?<name>[^']+)'",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);

    /// <summary>
    /// References to the image in one ARM JSON or Bicep file: literal resource ids, <c>resourceId('Microsoft.Compute/…', …)</c>
    /// calls whose name arguments are literals, and Bicep <c>existing</c> resources named by a literal. A part that is an
    /// expression (a parameter, a variable) is not guessed: such a reference is not reported.
    /// </summary>
    public static IEnumerable<ImageConsumer> ScanTemplate(string file, string imageId, bool versionIsLatest) =>
        ScanTemplate(file, Target.Parse(imageId), versionIsLatest);

    private static IEnumerable<ImageConsumer> ScanTemplate(string file, Target target, bool versionIsLatest)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new GenImageException(FleetErrorIds.TemplateUnreadable, GenImageErrorKind.ResourceUnavailable,
                $"Template '{file}' cannot be read: {ex.Message}", ex)
            { Target = file };
        }
        var found = new List<(int Index, string Text, Reference Reference)>();
        foreach (Match m in LiteralId.Matches(text))
        {
            var reference = m.Groups["image"].Success
                ? new Reference(m.Groups["rg"].Value, null, null, null, m.Groups["image"].Value)
                : new Reference(m.Groups["rg"].Value, m.Groups["gallery"].Value, m.Groups["definition"].Value, m.Groups["version"].Success ? m.Groups["version"].Value : null, null);
            found.Add((m.Index, m.Value, reference));
        }
        foreach (Match m in ResourceIdCall.Matches(text))
        {
            var args = Arguments(text, m.Index + m.Length, out var end);
            var reference = FromResourceId(args);
            if (reference != null)
            {
                found.Add((m.Index, text.Substring(m.Index, end - m.Index), reference));
            }
        }
        foreach (Match m in ExistingName.Matches(text))
        {
            var names = m.Groups["name"].Value.Split('/');
            var type = m.Groups["type"].Value.ToLowerInvariant();
            var reference = type switch
            {
                "galleries/images/versions" when names.Length == 3 => new Reference(null, names[0], names[1], names[2], null),
                "galleries/images" when names.Length == 2 => new Reference(null, names[0], names[1], null, null),
                "images" when names.Length == 1 => new Reference(null, null, null, null, names[0]),
                _ => null,
            };
            if (reference != null)
            {
                found.Add((m.Index, m.Value, reference));
            }
        }

        foreach (var (index, matched, reference) in found.OrderBy(f => f.Index))
        {
            var via = target.Via(reference, versionIsLatest);
            if (via == null)
            {
                continue;
            }

            var (line, column) = Position(text, index);
            yield return new ImageConsumer
            {
                Kind = Template, Name = Path.GetFileName(file), Id = file, Via = via, Reference = matched.Trim(), Line = line, Column = column,
                ReferencedId = reference.IdIn(FleetIds.ResourceGroupOf(target.Id), target.Id.Trim('/').Split('/')[1]), ImageId = target.Id,
            };
        }
    }

    /// <summary>The comma-separated arguments of a call whose '(' ends at <paramref name="start"/>, as raw text.</summary>
    private static List<string> Arguments(string text, int start, out int end)
    {
        var args = new List<string>();
        int depth = 0, from = start;
        var quote = '\0';
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }
            if (c == '\'' || c == '"')
            {
                quote = c;
            }
            else if (c == '(' || c == '[')
            {
                depth++;
            }
            else if ((c == ')' || c == ']') && depth > 0)
            {
                depth--;
            }
            else if (c == ')' && depth == 0)
            {
                args.Add(text.Substring(from, i - from).Trim());
                end = i + 1;
                return args;
            }
            else if (c == ',' && depth == 0)
            {
                args.Add(text.Substring(from, i - from).Trim());
                from = i + 1;
            }
        }
        end = text.Length;
        return new List<string>();
    }

    /// <summary>resourceId([subscriptionId,] [resourceGroup,] type, names…): a reference when the type is a gallery or image type.</summary>
    private static Reference? FromResourceId(List<string> args)
    {
        var typeIndex = args.FindIndex(a => Literal(a)?.StartsWith("Microsoft.Compute/", StringComparison.OrdinalIgnoreCase) == true);
        if (typeIndex < 0)
        {
            return null;
        }

        var type = Literal(args[typeIndex])!.Substring("Microsoft.Compute/".Length).ToLowerInvariant();
        var names = args.Skip(typeIndex + 1).Select(Literal).ToList();
        var rg = typeIndex >= 1 ? Literal(args[typeIndex - 1]) ?? Unknown : null;
        if (names.Any(n => n == null))
        {
            return null; // an expression: not guessed
        }

        switch (type)
        {
            case "galleries/images/versions" when names.Count == 3: return new Reference(rg, names[0], names[1], names[2], null);
            case "galleries/images" when names.Count == 2: return new Reference(rg, names[0], names[1], null, null);
            case "images" when names.Count == 1: return new Reference(rg, null, null, null, names[0]);
            default: return null;
        }
    }

    /// <summary>A resource group given by an expression: it cannot be compared, so the reference does not match.</summary>
    private const string Unknown = "\0";

    private static string? Literal(string arg)
    {
        var a = arg.Trim();
        return a.Length >= 2 && (a[0] == '\'' || a[0] == '"') && a[a.Length - 1] == a[0] && a.IndexOf(a[0], 1) == a.Length - 1 ? a.Substring(1, a.Length - 2) : null;
    }

    private static (int Line, int Column) Position(string text, int index)
    {
        int line = 1, lineStart = 0;
        for (var i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, index - lineStart + 1);
    }

    /// <summary>A reference found in a template; null parts were not given (a resource group the deployment's).</summary>
    private sealed class Reference
    {
        public Reference(string? resourceGroup, string? gallery, string? definition, string? version, string? image)
        {
            ResourceGroup = resourceGroup;
            Gallery = gallery;
            Definition = definition;
            Version = version;
            Image = image;
        }

        public string? ResourceGroup { get; }
        public string? Gallery { get; }
        public string? Definition { get; }
        public string? Version { get; }
        public string? Image { get; }

        public string? IdIn(string resourceGroup, string subscription)
        {
            var rg = ResourceGroup == null || ResourceGroup == Unknown ? resourceGroup : ResourceGroup;
            if (Image != null)
            {
                return GalleryIds.ManagedImage(subscription, rg, Image);
            }

            return Version == null ? GalleryIds.Definition(subscription, rg, Gallery!, Definition!) : GalleryIds.Version(subscription, rg, Gallery!, Definition!, Version);
        }
    }

    /// <summary>The image asked about.</summary>
    private sealed class Target
    {
        private Target(string id, ImageReferenceKind kind, string? definitionId)
        {
            Id = id;
            Kind = kind;
            DefinitionId = definitionId;
        }

        public string Id { get; }
        public ImageReferenceKind Kind { get; }
        public string? DefinitionId { get; }

        public static Target Parse(string imageId)
        {
            var kind = FleetIds.KindOf(imageId);
            if (kind == ImageReferenceKind.Unknown)
            {
                throw new GenImageException(FleetErrorIds.InvalidImageReference, GenImageErrorKind.InvalidArgument,
                    $"'{imageId}' is not the id of a gallery image definition, a gallery image version or a managed image. Expected " +
                    "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/galleries/{gallery}/images/{definition}[/versions/{version}] or …/providers/Microsoft.Compute/images/{name}.")
                { Target = imageId };
            }
            var id = imageId.Trim().TrimEnd('/');
            if (kind == ImageReferenceKind.GalleryDefinition)
            {
                id = FleetIds.DefinitionOf(id)!;
            }

            return new Target(id, kind, FleetIds.DefinitionOf(id));
        }

        /// <summary>How a consumer's image reference reaches this image; null when it does not.</summary>
        public string? Via(string? reference, string? exactVersion, bool versionIsLatest)
        {
            if (string.IsNullOrEmpty(reference))
            {
                return null;
            }

            var kind = FleetIds.KindOf(reference);
            switch (Kind)
            {
                case ImageReferenceKind.ManagedImage:
                    return FleetIds.Same(reference, Id) ? ViaManagedImage : null;
                case ImageReferenceKind.GalleryDefinition:
                    if (!FleetIds.Same(FleetIds.DefinitionOf(reference), Id))
                    {
                        return null;
                    }

                    return kind == ImageReferenceKind.GalleryVersion ? ViaVersion : ViaLatest;
                default: // a version
                    if (kind == ImageReferenceKind.GalleryVersion)
                    {
                        return FleetIds.Same(reference, Id) ? ViaVersion : null;
                    }

                    if (kind != ImageReferenceKind.GalleryDefinition || !FleetIds.Same(FleetIds.DefinitionOf(reference), DefinitionId))
                    {
                        return null;
                    }

                    return versionIsLatest || string.Equals(exactVersion, FleetIds.NameOf(Id), StringComparison.OrdinalIgnoreCase) ? ViaLatest : null;
            }
        }

        /// <summary>The same for a template reference (names compared case-insensitively; a resource group only when given).</summary>
        public string? Via(Reference r, bool versionIsLatest)
        {
            var rg = FleetIds.ResourceGroupOf(Id);
            if (r.ResourceGroup == Unknown)
            {
                return null;
            }

            if (r.ResourceGroup != null && !string.Equals(r.ResourceGroup, rg, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var name = FleetIds.NameOf(Id);
            if (Kind == ImageReferenceKind.ManagedImage)
            {
                return r.Image != null && string.Equals(r.Image, name, StringComparison.OrdinalIgnoreCase) ? ViaManagedImage : null;
            }

            if (r.Image != null || r.Gallery == null || r.Definition == null)
            {
                return null;
            }

            var parts = DefinitionId!.Trim('/').Split('/');
            if (!string.Equals(r.Gallery, parts[7], StringComparison.OrdinalIgnoreCase) || !string.Equals(r.Definition, parts[9], StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var latest = r.Version == null || string.Equals(r.Version, "latest", StringComparison.OrdinalIgnoreCase);
            if (Kind == ImageReferenceKind.GalleryDefinition)
            {
                return latest ? ViaLatest : ViaVersion;
            }

            if (!latest)
            {
                return string.Equals(r.Version, name, StringComparison.OrdinalIgnoreCase) ? ViaVersion : null;
            }

            return versionIsLatest ? ViaLatest : null;
        }
    }
}
