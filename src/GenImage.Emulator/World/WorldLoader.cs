using System.Text.RegularExpressions;
using GenImage.Emulator.Resources.VirtualMachines;
using GenImage.Emulator.Resources.VirtualMachines.GuestScripts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GenImage.Emulator.World;

/// <summary>Parses and validates a world file. Every error is a <see cref="WorldFileException"/> with line and column.</summary>
internal static partial class WorldLoader
{
    private static readonly string[] RootKeys = ["apiVersion", "kind", "clock", "tenantId", "subscriptions", "replication", "throttling", "faults", "activityLog", "roleDefinitions", "roleAssignments", "rbac", "serialLog", "platformImages"];
    private static readonly string[] ClockKeys = ["scale"];
    private static readonly string[] SubscriptionKeys = ["id", "displayName", "resourceGroups"];
    private static readonly string[] ResourceGroupKeys =
        ["name", "location", "tags", "virtualMachines", "galleries", "disks", "networkInterfaces", "images", "virtualMachineScaleSets"];
    private static readonly string[] VmKeys =
    [
        "name", "location", "size", "powerState", "osState", "osType", "osName", "osVersion", "computerName",
        "hyperVGeneration", "securityType", "adminUsername", "osDisk", "image", "plan", "tags", "guest", "boot", "ageDays",
    ];
    private static readonly string[] VmPlanKeys = ["name", "publisher", "product", "promotionCode"];
    private static readonly string[] OsDiskKeys = ["name", "sizeGB", "storageAccountType", "deleteOption"];
    private static readonly string[] ImageKeys = ["publisher", "offer", "sku", "version", "gallery", "definition", "managedImage", "id"];
    private static readonly string[] BootKeys =
        ["failure", "errorCode", "errorMessage", "agent", "failedMinutesAgo", "diagnostics", "serialLog", "screenshot"];
    private static readonly string[] SerialLogKeys = ["sizeKB", "sizeBytes", "line", "lines"];
    private static readonly string[] RootSerialLogKeys = ["sizeBytes", "line"];
    public static readonly string[] DiagnosticsModes = ["enabled", "disabled", "blobMissing"];
    private static readonly string[] GuestKeys = ["agent", "prepared", "cloudInit", "sysprepBlockers", "leftovers", "dvdRomDisabled", "domain"];
    private static readonly string[] AgentKeys = ["version", "status"];

    public static readonly string[] PowerStates = ["running", "stopped", "deallocated"];
    public static readonly string[] OsTypes = ["Windows", "Linux"];
    public static readonly string[] Generations = ["V1", "V2"];
    public static readonly string[] SecurityTypes = ["Standard", "TrustedLaunch", "ConfidentialVM"];
    public static readonly string[] AgentStatuses = ["Ready", "NotReady", "Missing"];
    public static readonly string[] StorageAccountTypes = ["Standard_LRS", "StandardSSD_LRS", "Premium_LRS", "StandardSSD_ZRS", "Premium_ZRS", "PremiumV2_LRS", "UltraSSD_LRS"];
    public static readonly string[] Leftovers = ["sshHostKeys", "machineId", "adminHome", "shellHistory", "pantherUnattend", "cloudInitState", "waagentState"];

    public static WorldDefinition LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WorldFileException(path, 0, 0, $"cannot read the world file: {ex.Message}", ex);
        }

        return Parse(text, path);
    }

    public static WorldDefinition Parse(string yaml, string? source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            var inner = ex.InnerException is YamlException ie ? ie.Message : null;
            throw new WorldFileException(source, (int)ex.Start.Line, (int)ex.Start.Column,
                $"the file is not valid YAML: {StripMark(ex.Message)}{(inner is null ? "" : " " + StripMark(inner))}", ex);
        }

        if (stream.Documents.Count == 0)
        {
            throw new WorldFileException(source, 1, 1, "the world file is empty; it needs at least 'apiVersion', 'kind' and 'subscriptions'.");
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            throw YamlMap.Error(source, second, "a world file holds one YAML document; found more than one.");
        }

        return ReadWorld(stream.Documents[0].RootNode, source);
    }

    private static string StripMark(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: …): ".
        var idx = message.LastIndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && idx >= 0 ? message[(idx + 3)..] : message;
    }

    private static WorldDefinition ReadWorld(YamlNode root, string? source)
    {
        var map = YamlMap.Read(root, "the world", source, RootKeys);
        var apiVersion = map.String("apiVersion", required: true)!;
        if (apiVersion != WorldDefinition.ApiVersion)
        {
            throw map.ErrorAt("apiVersion", $"apiVersion '{apiVersion}' is not supported; use '{WorldDefinition.ApiVersion}'.");
        }

        var kind = map.String("kind", required: true)!;
        if (kind != WorldDefinition.Kind)
        {
            throw map.ErrorAt("kind", $"kind '{kind}' is not supported; use '{WorldDefinition.Kind}'.");
        }

        var world = new WorldDefinition();
        if (map.Node("clock") is { } clockNode)
        {
            var clock = YamlMap.Read(clockNode, "clock", source, ClockKeys);
            world.ClockScale = clock.Double("scale", WorldDefinition.DefaultClockScale, 0, 100);
        }

        if (map.Node("replication") is { } replicationNode)
        {
            world.Replication = ReadReplication(replicationNode, source);
        }

        if (map.Has("tenantId"))
        {
            world.TenantId = map.Guid("tenantId", required: true);
        }

        if (map.Node("serialLog") is { } serialNode)
        {
            var log = YamlMap.Read(serialNode, "serialLog", source, RootSerialLogKeys);
            world.SerialLog = new SerialLogPadding
            {
                Bytes = log.Long("sizeBytes", 0, 0, SerialLogPadding.MaxBytes),
                Line = ReadPaddingLine(log, "serialLog"),
            };
        }

        ReadFrontDoor(map, world, source);
        ReadPlatformImages(map, world, source);

        var subscriptions = map.Sequence("subscriptions");
        if (subscriptions.Count == 0)
        {
            throw map.ErrorAt("subscriptions", "the world needs at least one subscription under 'subscriptions'.");
        }

        for (var i = 0; i < subscriptions.Count; i++)
        {
            var sub = ReadSubscription(subscriptions[i], $"subscriptions[{i}]", source);
            if (world.Subscriptions.Any(s => string.Equals(s.Id, sub.Id, StringComparison.OrdinalIgnoreCase)))
            {
                throw YamlMap.Error(source, subscriptions[i], $"subscription '{sub.Id}' is defined twice.");
            }

            world.Subscriptions.Add(sub);
        }

        CheckReferences(world, source);
        return world;
    }

    private static SubscriptionDefinition ReadSubscription(YamlNode node, string where, string? source)
    {
        var map = YamlMap.Read(node, where, source, SubscriptionKeys);
        var sub = new SubscriptionDefinition
        {
            Id = map.Guid("id", required: true),
        };
        sub.DisplayName = map.String("displayName") ?? $"Subscription {sub.Id[..8]}";
        var groups = map.Sequence("resourceGroups");
        for (var i = 0; i < groups.Count; i++)
        {
            var rg = ReadResourceGroup(groups[i], $"{where}.resourceGroups[{i}]", source, sub.Id);
            if (sub.ResourceGroups.Any(g => string.Equals(g.Name, rg.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw YamlMap.Error(source, groups[i], $"resource group '{rg.Name}' is defined twice in subscription '{sub.Id}' (names are case-insensitive).");
            }

            sub.ResourceGroups.Add(rg);
        }

        return sub;
    }

    private static ResourceGroupDefinition ReadResourceGroup(YamlNode node, string where, string? source, string subscriptionId)
    {
        var map = YamlMap.Read(node, where, source, ResourceGroupKeys);
        var rg = new ResourceGroupDefinition
        {
            Name = map.String("name", required: true)!,
            Location = NormalizeLocation(map.String("location", required: true)!),
            Tags = map.StringMap("tags"),
        };
        if (!ResourceGroupName().IsMatch(rg.Name))
        {
            throw map.ErrorAt("name", $"'{rg.Name}' is not a valid resource group name (1-90 letters, digits, '.', '_', '-', '(' or ')', not ending in '.').");
        }

        var vms = map.Sequence("virtualMachines");
        for (var i = 0; i < vms.Count; i++)
        {
            var vm = ReadVm(vms[i], $"{where}.virtualMachines[{i}]", source, $"/subscriptions/{subscriptionId}/resourceGroups/{rg.Name}");
            if (rg.VirtualMachines.Any(v => string.Equals(v.Name, vm.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw YamlMap.Error(source, vms[i], $"virtual machine '{vm.Name}' is defined twice in resource group '{rg.Name}' (names are case-insensitive).");
            }

            rg.VirtualMachines.Add(vm);
        }

        ReadGalleries(map, where, source, rg);
        ReadFleet(map, where, source, rg);
        return rg;
    }

    private static VirtualMachineDefinition ReadVm(YamlNode node, string where, string? source, string groupId)
    {
        var map = YamlMap.Read(node, where, source, VmKeys);
        var vm = new VirtualMachineDefinition
        {
            Name = map.String("name", required: true)!,
            OsType = map.Enum("osType", OsTypes, ""),
        };
        if (!VmName().IsMatch(vm.Name))
        {
            throw map.ErrorAt("name", $"'{vm.Name}' is not a valid virtual machine name (1-64 letters, digits, '-', '_' or '.', starting with a letter or digit).");
        }

        if (vm.OsType.Length == 0)
        {
            throw YamlMap.Error(source, node, $"{where} is missing the required key 'osType' (Windows or Linux).");
        }

        var windows = vm.OsType == "Windows";
        vm.Location = map.String("location") is { } loc ? NormalizeLocation(loc) : null;
        vm.Size = map.String("size") ?? vm.Size;
        vm.PowerState = map.Enum("powerState", PowerStates, "running");
        vm.OsState = map.Enum("osState", ["generalized", "specialized"], "specialized") == "generalized" ? "generalized" : null;
        if (vm.OsState is not null && vm.PowerState == "running")
        {
            throw map.ErrorAt("osState", $"{where} is generalized, so its powerState must be stopped or deallocated, not running.");
        }

        vm.OsName = map.String("osName") ?? (windows ? "Windows Server 2022 Datacenter" : "Ubuntu 22.04.4 LTS");
        vm.OsVersion = map.String("osVersion") ?? DefaultOsVersion(vm.OsName, windows);
        vm.ComputerName = map.String("computerName") ?? DefaultComputerName(vm.Name, windows);
        vm.HyperVGeneration = map.Enum("hyperVGeneration", Generations, "V2");
        vm.SecurityType = map.Enum("securityType", SecurityTypes, "Standard");
        if (vm.SecurityType != "Standard" && vm.HyperVGeneration == "V1")
        {
            throw map.ErrorAt("securityType", $"{where}: securityType {vm.SecurityType} requires hyperVGeneration V2 (as in Azure).");
        }

        vm.AdminUsername = map.String("adminUsername") ?? "azureadmin";
        vm.OsDiskSizeGB = windows ? 127 : 30;
        if (map.Node("osDisk") is { } diskNode)
        {
            var disk = YamlMap.Read(diskNode, $"{where}.osDisk", source, OsDiskKeys);
            vm.OsDiskName = disk.String("name");
            vm.OsDiskSizeGB = disk.Int("sizeGB", vm.OsDiskSizeGB, 1, 32767);
            vm.OsDiskStorageAccountType = disk.Enum("storageAccountType", StorageAccountTypes, "Premium_LRS");
            vm.OsDiskDeleteOption = disk.Enum("deleteOption", ["Delete", "Detach"], "Delete");
        }

        vm.AgeDays = map.Double("ageDays", vm.AgeDays, 0, 36500);
        if (map.Node("image") is { } imageNode)
        {
            vm.Image = ReadImageReference(imageNode, $"{where}.image", source, groupId);
        }

        if (map.Node("plan") is { } planNode)
        {
            vm.Plan = ReadPlan(planNode, $"{where}.plan", source, VmPlanKeys);
        }

        vm.Tags = map.StringMap("tags");
        vm.Guest = ReadGuest(map.Node("guest"), $"{where}.guest", source, windows);
        if (map.Node("boot") is { } bootNode)
        {
            vm.Boot = ReadBoot(bootNode, $"{where}.boot", source, vm.OsType);
        }

        return vm;
    }

    /// <summary>
    /// A VM's image: a marketplace image (publisher, offer, sku, version), a gallery image of this resource group
    /// (gallery, definition, version; version latest or absent = the definition), a managed image of this resource group
    /// (managedImage), or any resource id (id).
    /// </summary>
    private static ImageReferenceDefinition ReadImageReference(YamlNode node, string where, string? source, string groupId)
    {
        var image = YamlMap.Read(node, where, source, ImageKeys);
        var forms = new[] { image.Has("publisher"), image.Has("gallery"), image.Has("managedImage"), image.Has("id") }.Count(b => b);
        if (forms != 1)
        {
            throw YamlMap.Error(source, node,
                $"{where} names one image: publisher/offer/sku (marketplace), gallery/definition[/version] (a gallery image), managedImage (a managed image), or id (a resource id).");
        }

        if (image.Has("publisher"))
        {
            return new ImageReferenceDefinition
            {
                Publisher = image.String("publisher", required: true)!,
                Offer = image.String("offer", required: true)!,
                Sku = image.String("sku", required: true)!,
                Version = image.String("version") ?? "latest",
            };
        }

        if (image.Has("gallery"))
        {
            var gallery = image.String("gallery", required: true)!;
            var definition = image.String("definition", required: true)!;
            var version = image.String("version") ?? "latest";
            var definitionId = $"{groupId}/providers/Microsoft.Compute/galleries/{gallery}/images/{definition}";
            return new ImageReferenceDefinition
            {
                Version = version,
                Id = string.Equals(version, "latest", StringComparison.OrdinalIgnoreCase) ? definitionId : $"{definitionId}/versions/{version}",
            };
        }

        if (image.Has("managedImage"))
        {
            return new ImageReferenceDefinition { Id = $"{groupId}/providers/Microsoft.Compute/images/{image.String("managedImage", required: true)}" };
        }

        var id = image.String("id", required: true)!;
        if (!id.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase))
        {
            throw image.ErrorAt("id", $"{where}.id must be a resource id (/subscriptions/…); got '{id}'.");
        }

        return new ImageReferenceDefinition { Id = id };
    }

    private static BootDefinition ReadBoot(YamlNode node, string where, string? source, string osType)
    {
        var map = YamlMap.Read(node, where, source, BootKeys);
        var boot = new BootDefinition();
        if (map.Has("failure"))
        {
            var key = map.String("failure", required: true)!;
            var failure = BootFailures.Find(key)
                ?? throw map.ErrorAt("failure", $"{where}.failure: unknown failure '{key}'; expected one of: {string.Join(", ", BootFailures.Keys)}.");
            if (failure.OsType is { } os && os != osType)
            {
                throw map.ErrorAt("failure", $"{where}.failure: '{failure.Key}' happens to {os} guests only; this VM is {osType}.");
            }

            boot.Failure = failure.Key;
        }

        boot.ErrorCode = map.String("errorCode");
        boot.ErrorMessage = map.String("errorMessage");
        if (boot.ErrorMessage is not null && boot.ErrorCode is null && boot.Failure is null)
        {
            throw map.ErrorAt("errorMessage", $"{where}.errorMessage needs an errorCode or a failure.");
        }

        if (map.Has("agent"))
        {
            boot.AgentStatus = map.Enum("agent", AgentStatuses, "NotReady");
        }

        boot.FailedMinutesAgo = map.Double("failedMinutesAgo", 20, 0, 60 * 24 * 365);
        boot.Diagnostics = map.Enum("diagnostics", DiagnosticsModes, "enabled");
        if (map.Node("serialLog") is { } logNode)
        {
            var log = YamlMap.Read(logNode, $"{where}.serialLog", source, SerialLogKeys);
            if (log.Has("sizeKB") && log.Has("sizeBytes"))
            {
                throw log.ErrorAt("sizeBytes", $"{where}.serialLog: give sizeKB or sizeBytes, not both.");
            }

            boot.SerialLogBytes = log.Has("sizeBytes") ? log.Long("sizeBytes", 0, 0, SerialLogPadding.MaxBytes) : log.Int("sizeKB", 0, 0, 16384) * 1024L;
            boot.SerialLogLine = ReadPaddingLine(log, $"{where}.serialLog");
            boot.SerialLogLines = log.StringList("lines").Select(l => l.Value).ToList();
        }

        boot.Screenshot = map.Bool("screenshot", true);
        return boot;
    }

    /// <summary>A padding line pattern: one line of text (no newline), at most 4,096 characters.</summary>
    private static string? ReadPaddingLine(YamlMap log, string where)
    {
        var line = log.String("line");
        if (line is not null && (line.Length == 0 || line.Length > 4096 || line.Contains('\n') || line.Contains('\r')))
        {
            throw log.ErrorAt("line", $"{where}.line must be one line of 1 to 4096 characters ({{n}} is the padding line's number).");
        }

        return line;
    }

    /// <summary>A purchase plan: name, publisher and product are required (ARM refuses a partial plan).</summary>
    private static PlanDefinition ReadPlan(YamlNode node, string where, string? source, string[] keys)
    {
        var map = YamlMap.Read(node, where, source, keys);
        var plan = new PlanDefinition
        {
            Name = map.String("name", required: true)!,
            Publisher = map.String("publisher", required: true)!,
            Product = map.String("product", required: true)!,
            PromotionCode = keys.Contains("promotionCode") ? map.String("promotionCode") : null,
        };
        foreach (var (key, value) in new[] { ("name", plan.Name), ("publisher", plan.Publisher), ("product", plan.Product) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw map.ErrorAt(key, $"{where}.{key} must not be empty.");
            }
        }

        return plan;
    }

    private static GuestDefinition ReadGuest(YamlNode? node, string where, string? source, bool windows)
    {
        var guest = new GuestDefinition
        {
            AgentVersion = windows ? "2.7.41491.1102" : "2.9.1.1",
            CloudInit = !windows,
        };
        if (node is null)
        {
            return guest;
        }

        var map = YamlMap.Read(node, where, source, GuestKeys);
        if (map.Node("agent") is { } agentNode)
        {
            var agent = YamlMap.Read(agentNode, $"{where}.agent", source, AgentKeys);
            guest.AgentVersion = agent.String("version") ?? guest.AgentVersion;
            guest.AgentStatus = agent.Enum("status", AgentStatuses, "Ready");
        }

        guest.Prepared = map.Bool("prepared", false);
        guest.CloudInit = map.Bool("cloudInit", guest.CloudInit);
        if (windows && guest.CloudInit)
        {
            throw map.ErrorAt("cloudInit", $"{where}.cloudInit applies to Linux guests only.");
        }

        foreach (var (itemNode, value) in map.StringList("sysprepBlockers"))
        {
            if (!windows)
            {
                throw YamlMap.Error(source, itemNode, $"{where}.sysprepBlockers applies to Windows guests only.");
            }

            if (SysprepBlockers.Validate(value) is { } problem)
            {
                throw YamlMap.Error(source, itemNode, $"{where}.sysprepBlockers: {problem}");
            }

            guest.SysprepBlockers.Add(value);
        }

        foreach (var (itemNode, value) in map.StringList("leftovers"))
        {
            var match = Leftovers.FirstOrDefault(l => string.Equals(l, value, StringComparison.OrdinalIgnoreCase))
                ?? throw YamlMap.Error(source, itemNode, $"{where}.leftovers: unknown leftover '{value}'; expected one of: {string.Join(", ", Leftovers)}.");
            guest.Leftovers.Add(match);
        }

        guest.DvdRomDisabled = map.Bool("dvdRomDisabled", false);
        guest.Domain = map.String("domain");
        if (!windows && (map.Has("dvdRomDisabled") || guest.Domain is not null))
        {
            throw map.ErrorAt(map.Has("domain") ? "domain" : "dvdRomDisabled", $"{where}.dvdRomDisabled and {where}.domain apply to Windows guests only.");
        }

        return guest;
    }

    /// <summary>ARM location names are lower case without spaces ("West Europe" → "westeurope").</summary>
    public static string NormalizeLocation(string location) => location.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    private static string DefaultOsVersion(string osName, bool windows)
    {
        if (!windows)
        {
            var m = Regex.Match(osName, @"\d+(\.\d+)+");
            return m.Success ? m.Value : "22.04";
        }

        if (osName.Contains("2016", StringComparison.Ordinal))
        {
            return "Microsoft Windows NT 10.0.14393.0";
        }

        if (osName.Contains("2019", StringComparison.Ordinal))
        {
            return "Microsoft Windows NT 10.0.17763.0";
        }

        if (osName.Contains("2025", StringComparison.Ordinal))
        {
            return "Microsoft Windows NT 10.0.26100.0";
        }

        return "Microsoft Windows NT 10.0.20348.0";
    }

    private static string DefaultComputerName(string vmName, bool windows)
    {
        var name = vmName;
        if (windows)
        {
            name = new string(name.Where(c => char.IsLetterOrDigit(c) || c == '-').ToArray());
            if (name.Length > 15)
            {
                name = name[..15];
            }
        }

        return name.Length == 0 ? "localhost" : name;
    }

    [GeneratedRegex(@"^[-\w\._\(\)]{0,89}[-\w_\(\)]$")]
    private static partial Regex ResourceGroupName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_\.-]{0,63}$")]
    private static partial Regex VmName();
}
