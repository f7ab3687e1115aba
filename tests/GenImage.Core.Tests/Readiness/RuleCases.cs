using System.Text.Json.Nodes;
using static GenImage.Core.Tests.Readiness.ReadinessInputs;

namespace GenImage.Core.Tests.Readiness;

/// <summary>One input and the finding a rule must report for it.</summary>
public sealed class RuleCase
{
    public RuleCase(string ruleId, string name, Func<ReadinessInput> input, FindingStatus status, FindingSeverity? severity = null)
    {
        RuleId = ruleId;
        Name = name;
        Input = input;
        Status = status;
        Severity = severity;
    }

    public string RuleId { get; }
    public string Name { get; }
    public Func<ReadinessInput> Input { get; }
    public FindingStatus Status { get; }
    /// <summary>The severity the finding must carry (null: the catalogue's).</summary>
    public FindingSeverity? Severity { get; }
    public override string ToString() => $"{RuleId} {Name} -> {Status}";
}

/// <summary>A pass, a fail and a skip case for every rule of the catalogue (more where a rule has branches).</summary>
internal static class RuleCases
{
    private const FindingStatus Pass = FindingStatus.Pass, Fail = FindingStatus.Fail, Skip = FindingStatus.Skipped;
    private const FindingSeverity Err = FindingSeverity.Error, Warn = FindingSeverity.Warning;

    private static RuleCase C(string id, string name, Func<ReadinessInput> input, FindingStatus status, FindingSeverity? severity = null) =>
        new(id, name, input, status, severity);

    private static JsonArray Arr(params string[] items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

    public static IEnumerable<RuleCase> All()
    {
        const string imageId = "/subscriptions/" + Sub + "/resourceGroups/rg-images/providers/Microsoft.Compute/images/img1";
        const string storageId = "/subscriptions/" + Sub + "/resourceGroups/rg-images/providers/Microsoft.Storage/storageAccounts/sa1";

        // ---- GI1001 source exists and is supported
        yield return C("GI1001", "vm read", () => Windows(), Pass);
        yield return C("GI1001", "managed image resolved", () => Windows(i => { i.SourceVm = null; i.SourceId = imageId; i.SourceResolved = true; }), Pass);
        yield return C("GI1001", "storage account is unsupported", () => Windows(i => { i.SourceVm = null; i.SourceId = storageId; }), Fail, Err);
        yield return C("GI1001", "vm not found", () => Windows(i => { i.SourceVm = null; i.SourceLookupError = "ResourceNotFound: not found"; }), Fail, Err);
        yield return C("GI1001", "vm provisioning failed", () => Windows(i => i.SourceVm!.ProvisioningState = "Failed"), Fail, Err);
        yield return C("GI1001", "source version not succeeded", () => Windows(i => { i.SourceVm = null; i.SourceId = DefinitionId + "/versions/0.1.0"; i.SourceVersion = Version("0.1.0"); i.SourceVersion.ProvisioningState = "Failed"; }), Fail, Err);
        yield return C("GI1001", "no source", () => new ReadinessInput(), Skip);
        yield return C("GI1001", "managed image not read", () => Windows(i => { i.SourceVm = null; i.SourceId = imageId; }), Skip);

        // ---- GI1002 OS state fits
        yield return C("GI1002", "running vm generalized by this run", () => Windows(), Pass);
        yield return C("GI1002", "generalized vm", () => Windows(i => { i.SourceVm!.OsState = "generalized"; i.SourceVm.PowerState = "deallocated"; i.WillGeneralize = false; }), Pass);
        yield return C("GI1002", "unprepared vm not generalized", () => Windows(i => { i.WillGeneralize = false; i.SourceVm!.PowerState = "stopped"; }), Fail, Err);
        yield return C("GI1002", "generalized vm into specialized definition", () => Windows(i => { i.SourceVm!.OsState = "generalized"; i.WillGeneralize = false; i.Definition!.OsState = "Specialized"; }), Fail, Err);
        yield return C("GI1002", "specialized vm into specialized definition", () => Windows(i => { i.WillGeneralize = false; i.Definition!.OsState = "Specialized"; }), Pass);
        yield return C("GI1002", "no definition", () => Windows(i => i.Definition = null), Skip);
        yield return C("GI1002", "managed image source", () => Windows(i => { i.SourceVm = null; i.SourceId = imageId; }), Skip);

        // ---- GI1003 generalized VM reused
        yield return C("GI1003", "not generalized", () => Windows(), Pass);
        yield return C("GI1003", "generalized, first capture", () => Windows(i => { i.SourceVm!.OsState = "generalized"; i.WillGeneralize = false; }), Pass);
        yield return C("GI1003", "generalized and asked to prepare again", () => Windows(i => { i.SourceVm!.OsState = "generalized"; i.WillGeneralize = true; }), Fail, Warn);
        yield return C("GI1003", "generalized and already a version source", () => Windows(i => { i.SourceVm!.OsState = "generalized"; i.WillGeneralize = false; i.ExistingVersions.Add(Version("1.0.5", VmId)); }), Fail, Warn);
        yield return C("GI1003", "no vm", () => Windows(i => { i.SourceVm = null; i.SourceId = imageId; }), Skip);

        // ---- GI1004 OS disk
        yield return C("GI1004", "127 GB premium", () => Windows(), Pass);
        yield return C("GI1004", "3000 GB on gen2", () => Windows(i => i.SourceVm!.OsDiskSizeGB = 3000), Pass);
        yield return C("GI1004", "5000 GB", () => Windows(i => i.SourceVm!.OsDiskSizeGB = 5000), Fail, Err);
        yield return C("GI1004", "3000 GB on gen1 definition", () => Windows(i => { i.SourceVm!.OsDiskSizeGB = 3000; i.Definition!.HyperVGeneration = "V1"; }), Fail, Err);
        yield return C("GI1004", "ultra disk", () => Windows(i => i.SourceVm!.OsDiskStorageAccountType = "UltraSSD_LRS"), Fail, Err);
        yield return C("GI1004", "disk unknown", () => Windows(i => { i.SourceVm!.OsDiskSizeGB = null; i.SourceVm.OsDiskStorageAccountType = null; }), Skip);

        // ---- GI2001 OS type
        yield return C("GI2001", "windows into windows", () => Windows(), Pass);
        yield return C("GI2001", "linux into windows", () => Linux(i => i.Definition = Definition("Windows")), Fail, Err);
        yield return C("GI2001", "no definition", () => Windows(i => i.Definition = null), Skip);
        yield return C("GI2001", "os type unknown", () => Windows(i => { i.SourceVm!.OsType = null; i.Guest = null; }), Skip);

        // ---- GI2002 definition OS state
        yield return C("GI2002", "generalized", () => Windows(), Pass);
        yield return C("GI2002", "specialized, not generalizing", () => Windows(i => { i.WillGeneralize = false; i.Definition!.OsState = "Specialized"; }), Pass);
        yield return C("GI2002", "specialized while generalizing", () => Windows(i => i.Definition!.OsState = "Specialized"), Fail, Err);
        yield return C("GI2002", "managed image into specialized", () => Windows(i => { i.SourceVm = null; i.SourceId = imageId; i.WillGeneralize = false; i.Definition!.OsState = "Specialized"; }), Fail, Err);
        yield return C("GI2002", "unknown state", () => Windows(i => i.Definition!.OsState = "Frozen"), Fail, Err);
        yield return C("GI2002", "no definition", () => Windows(i => i.Definition = null), Skip);

        // ---- GI2003 generation
        yield return C("GI2003", "V2 into V2", () => Windows(), Pass);
        yield return C("GI2003", "V2 into V1", () => Windows(i => { i.Definition!.HyperVGeneration = "V1"; i.Definition.SecurityType = "Standard"; }), Fail, Err);
        yield return C("GI2003", "V1 into V2", () => Windows(i => { i.SourceVm!.HyperVGeneration = "V1"; i.SourceVm.SecurityType = "Standard"; }), Fail, Err);
        yield return C("GI2003", "generation unknown", () => Windows(i => i.SourceVm!.HyperVGeneration = null), Skip);

        // ---- GI2004 security type
        yield return C("GI2004", "TL into TL", () => Windows(), Pass);
        yield return C("GI2004", "standard gen2 into TL", () => Windows(i => i.SourceVm!.SecurityType = "Standard"), Pass);
        yield return C("GI2004", "TL into standard", () => Windows(i => i.Definition!.SecurityType = "Standard"), Fail, Err);
        yield return C("GI2004", "gen1 into TL", () => Windows(i => { i.SourceVm!.HyperVGeneration = "V1"; i.SourceVm.SecurityType = "Standard"; }), Fail, Err);
        yield return C("GI2004", "CVM into TL", () => Windows(i => i.SourceVm!.SecurityType = "ConfidentialVM"), Fail, Err);
        yield return C("GI2004", "standard into CVM", () => Windows(i => { i.SourceVm!.SecurityType = "Standard"; i.Definition!.SecurityType = "ConfidentialVM"; }), Fail, Err);
        yield return C("GI2004", "not a vm", () => Windows(i => { i.SourceVm = null; i.SourceId = imageId; }), Skip);

        // ---- GI2005 architecture
        yield return C("GI2005", "x64 size into x64", () => Windows(), Pass);
        yield return C("GI2005", "arm size into arm64", () => Windows(i => { i.SourceVm!.VmSize = "Standard_D2ps_v5"; i.Definition!.Architecture = "Arm64"; }), Pass);
        yield return C("GI2005", "arm size into x64", () => Windows(i => i.SourceVm!.VmSize = "Standard_D4pds_v5"), Fail, Err);
        yield return C("GI2005", "given x64 into arm64", () => Windows(i => { i.SourceArchitecture = "x64"; i.Definition!.Architecture = "Arm64"; }), Fail, Err);
        yield return C("GI2005", "size unknown", () => Windows(i => i.SourceVm!.VmSize = null), Skip);

        // ---- GI2006 disk controller
        yield return C("GI2006", "scsi size", () => Windows(), Pass);
        yield return C("GI2006", "nvme size, nvme definition", () => Windows(i => { i.SourceVm!.VmSize = "Standard_D2s_v6"; i.Definition!.DiskControllerTypes = "SCSI, NVMe"; }), Pass);
        yield return C("GI2006", "nvme size, scsi definition", () => Windows(i => i.SourceVm!.VmSize = "Standard_D2s_v6"), Fail, Warn);
        yield return C("GI2006", "size unknown", () => Windows(i => i.SourceVm!.VmSize = null), Skip);

        // ---- GI2007 purchase plan
        yield return C("GI2007", "no plan anywhere", () => Windows(), Pass);
        yield return C("GI2007", "same plan", () => Windows(i => { i.SourcePurchasePlan = "pub/prod/plan"; i.Definition!.PurchasePlan = "pub/prod/plan"; }), Pass);
        yield return C("GI2007", "plan on source only", () => Windows(i => i.SourcePurchasePlan = "pub/prod/plan"), Fail, Err);
        yield return C("GI2007", "different plans", () => Windows(i => { i.SourcePurchasePlan = "pub/prod/plan"; i.Definition!.PurchasePlan = "pub/prod/other"; }), Fail, Err);
        yield return C("GI2007", "plan not read", () => Windows(i => i.SourcePurchasePlan = null), Skip);

        // ---- GI3001 version name
        yield return C("GI3001", "1.1.0", () => Windows(), Pass);
        yield return C("GI3001", "two parts", () => Windows(i => i.VersionName = "1.0"), Fail, Err);
        yield return C("GI3001", "beyond int32", () => Windows(i => i.VersionName = "1.0.2147483648"), Fail, Err);
        yield return C("GI3001", "letters", () => Windows(i => i.VersionName = "1.0.0-beta"), Fail, Err);
        yield return C("GI3001", "no version", () => Windows(i => i.VersionName = null), Skip);
        yield return C("GI3001", "leading zero", () => Windows(i => i.VersionName = "01.0.0"), Fail, Err);
        yield return C("GI3001", "leading zero in patch", () => Windows(i => i.VersionName = "1.0.00"), Fail, Err);
        yield return C("GI3001", "zero parts", () => Windows(i => i.VersionName = "0.0.0"), Pass);

        // ---- GI3002 unique
        yield return C("GI3002", "new", () => Windows(), Pass);
        yield return C("GI3002", "exists", () => Windows(i => i.VersionName = "1.0.0"), Fail, Err);
        yield return C("GI3002", "same number with leading zeros exists", () => Windows(i => { i.ExistingVersions.Add(Version("02.0.0")); i.VersionName = "2.0.0"; }), Fail, Err);
        yield return C("GI3002", "no definition", () => Windows(i => i.Definition = null), Skip);
        yield return C("GI3002", "existing version check", () => Windows(i => { i.VersionName = null; i.Version = Version("1.0.0"); }), Skip);

        // ---- GI3003 higher than latest
        yield return C("GI3003", "higher", () => Windows(), Pass);
        yield return C("GI3003", "first version", () => Windows(i => i.ExistingVersions.Clear()), Pass);
        yield return C("GI3003", "only above an excluded version", () => Windows(i => i.ExistingVersions.Add(Version("9.0.0", excludeFromLatest: true))), Pass);
        yield return C("GI3003", "lower", () => Windows(i => i.VersionName = "0.9.9"), Fail, Warn);
        yield return C("GI3003", "numeric not text order", () => Windows(i => { i.ExistingVersions.Add(Version("1.10.0")); i.VersionName = "1.9.0"; }), Fail, Warn);
        yield return C("GI3003", "no version", () => Windows(i => i.VersionName = null), Skip);

        // ---- GI3004 end of life
        yield return C("GI3004", "no date", () => Windows(), Pass);
        yield return C("GI3004", "future", () => Windows(i => i.EndOfLifeDate = Now.AddDays(30)), Pass);
        yield return C("GI3004", "past", () => Windows(i => i.EndOfLifeDate = Now.AddDays(-1)), Fail, Err);
        yield return C("GI3004", "existing version expired", () => Windows(i => { i.VersionName = null; i.Version = Version("1.0.0"); i.Version.EndOfLifeDate = Now.AddDays(-1); }), Fail, Err);
        yield return C("GI3004", "no version", () => Windows(i => i.VersionName = null), Skip);

        // ---- GI3005 exclude from latest
        yield return C("GI3005", "not required", () => Windows(), Pass);
        yield return C("GI3005", "required and excluded", () => Windows(i => { i.RequireExcludeFromLatest = true; i.ExcludeFromLatest = true; }), Pass);
        yield return C("GI3005", "required, not excluded", () => Windows(i => i.RequireExcludeFromLatest = true), Fail, Warn);
        yield return C("GI3005", "no version", () => Windows(i => i.VersionName = null), Skip);

        // ---- GI4001 region names
        yield return C("GI4001", "westeurope", () => Windows(), Pass);
        yield return C("GI4001", "display name", () => Windows(i => i.TargetRegions[0].Name = "West Europe"), Pass);
        yield return C("GI4001", "typo", () => Windows(i => i.TargetRegions.Add(new TargetRegion { Name = "westeurop" })), Fail, Err);
        yield return C("GI4001", "caller's region list", () => Windows(i => i.KnownRegions.Add("northeurope")), Fail, Err);
        yield return C("GI4001", "no regions", () => Windows(i => i.TargetRegions.Clear()), Skip);

        // ---- GI4002 source region included
        yield return C("GI4002", "included", () => Windows(), Pass);
        yield return C("GI4002", "missing", () => Windows(i => i.TargetRegions[0].Name = "northeurope"), Fail, Warn);
        yield return C("GI4002", "no regions", () => Windows(i => i.TargetRegions.Clear()), Skip);
        yield return C("GI4002", "source region unknown", () => Windows(i => { i.SourceVm = null; i.SourceId = imageId; }), Skip);

        // ---- GI4003 replica counts
        yield return C("GI4003", "2", () => Windows(), Pass);
        yield return C("GI4003", "0", () => Windows(i => i.TargetRegions[0].ReplicaCount = 0), Fail, Err);
        yield return C("GI4003", "101", () => Windows(i => i.TargetRegions[0].ReplicaCount = 101), Fail, Err);
        yield return C("GI4003", "30 without scale sets", () => Windows(i => i.TargetRegions[0].ReplicaCount = 30), Fail, Warn);
        yield return C("GI4003", "30 for scale sets", () => Windows(i => { i.TargetRegions[0].ReplicaCount = 30; i.ForScaleSet = true; }), Pass);
        yield return C("GI4003", "60 for scale sets", () => Windows(i => { i.TargetRegions[0].ReplicaCount = 60; i.ForScaleSet = true; }), Fail, Warn);
        yield return C("GI4003", "no regions", () => Windows(i => i.TargetRegions.Clear()), Skip);

        // ---- GI4004 storage type
        yield return C("GI4004", "Standard_ZRS", () => Windows(), Pass);
        yield return C("GI4004", "Premium_ZRS", () => Windows(i => i.TargetRegions[0].StorageAccountType = "Premium_ZRS"), Fail, Err);
        yield return C("GI4004", "no regions", () => Windows(i => i.TargetRegions.Clear()), Skip);

        // ---- GI4005 ZRS where zones exist
        yield return C("GI4005", "zrs in westeurope", () => Windows(), Pass);
        yield return C("GI4005", "lrs only", () => Windows(i => i.TargetRegions[0].StorageAccountType = "Standard_LRS"), Pass);
        yield return C("GI4005", "zrs in westus", () => Windows(i => i.TargetRegions.Add(new TargetRegion { Name = "westus", StorageAccountType = "Standard_ZRS" })), Fail, Warn);
        yield return C("GI4005", "no regions", () => Windows(i => i.TargetRegions.Clear()), Skip);

        // ---- GI5001 agent
        yield return C("GI5001", "windows agent running", () => Windows(), Pass);
        yield return C("GI5001", "linux agent installed", () => Linux(), Pass);
        yield return C("GI5001", "instance view only, ready", () => Windows(i => i.Guest = null), Pass);
        yield return C("GI5001", "agent service stopped", () => Windows(i => i.Guest = Facts("Windows", f => f["agent"]!["serviceStatus"] = "Stopped")), Fail, Err);
        yield return C("GI5001", "waagent missing", () => Linux(i => i.Guest = Facts("Linux", f => f["waagentInstalled"] = false)), Fail, Err);
        yield return C("GI5001", "instance view not ready, not inspected", () => Linux(i => { i.Guest = null; i.SourceVm!.AgentStatus = "Not Ready"; }), Fail, Err);
        yield return C("GI5001", "not inspected and deallocated", () => Windows(i => { i.Guest = null; i.SourceVm!.PowerState = "deallocated"; i.SourceVm.AgentStatus = null; }), Skip);
        yield return C("GI5001", "generalized", () => Windows(i => { i.Guest = null; i.SourceVm!.OsState = "generalized"; i.SourceVm.PowerState = "deallocated"; }), Skip);

        // ---- GI5002..GI5006 leftovers: Warning when this run prepares, Error when not
        foreach (var (id, fact, value) in new (string, string, Func<JsonNode>)[]
                 {
                     ("GI5002", "sshHostKeys", () => Arr("/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ed25519_key")),
                     ("GI5003", "machineId", () => JsonValue.Create(true)),
                     ("GI5004", "adminUsers", () => new JsonArray(new JsonObject { ["name"] = "azureadmin", ["uid"] = 1000, ["homeExists"] = true, ["home"] = "/home/azureadmin" })),
                     ("GI5005", "shellHistory", () => Arr("/root/.bash_history")),
                     ("GI5006", "cloudInitState", () => Arr("/var/lib/cloud/instances/abc")),
                 })
        {
            yield return C(id, "clean", () => Linux(), Pass);
            yield return C(id, "leftover, run prepares", () => Linux(i => i.Guest = Facts("Linux", f => f[fact] = value())), Fail, Warn);
            yield return C(id, "leftover, nothing prepares", () => Linux(i => { i.WillGeneralize = false; i.SourceVm!.OsState = null; i.Definition!.OsState = "Generalized"; i.Guest = Facts("Linux", f => f[fact] = value()); }), Fail, Err);
            yield return C(id, "leftover, WillPrepare overrides", () => Linux(i => { i.WillGeneralize = true; i.WillPrepare = false; i.Guest = Facts("Linux", f => f[fact] = value()); }), Fail, Err);
            yield return C(id, "leftover, specialized definition", () => Linux(i => { i.WillGeneralize = false; i.Definition!.OsState = "Specialized"; i.Guest = Facts("Linux", f => f[fact] = value()); }), Skip);
            yield return C(id, "not inspected", () => Linux(i => i.Guest = null), Skip);
            yield return C(id, "windows guest", () => Windows(), Skip);
            yield return C(id, "fact unreadable", () => Linux(i => i.Guest = Facts("Linux", f => { f[fact] = null; if (fact == "cloudInitState") { f["waagentState"] = null; } })), Skip);
        }
        yield return C("GI5006", "waagent state", () => Linux(i => i.Guest = Facts("Linux", f => f["waagentState"] = Arr("/var/lib/waagent/ovf-env.xml"))), Fail, Warn);

        // ---- GI5007..GI5012 Windows guest
        yield return C("GI5007", "clean", () => Windows(), Pass);
        yield return C("GI5007", "unattend with password", () => Windows(i => i.Guest = Facts("Windows", f => f["pantherUnattendFiles"] = Arr(@"C:\Windows\Panther\unattend.xml"))), Fail, Err);
        yield return C("GI5007", "linux guest", () => Linux(), Skip);
        yield return C("GI5007", "not inspected", () => Windows(i => i.Guest = null), Skip);

        yield return C("GI5008", "clean", () => Windows(), Pass);
        yield return C("GI5008", "appx blocker", () => Windows(i => i.Guest = Facts("Windows", f => f["appxBlockers"] = Arr("Microsoft.BingWeather_4.53.0.0_x64__8wekyb3d8bbwe"))), Fail, Err);
        yield return C("GI5008", "specialized definition", () => Windows(i => { i.WillGeneralize = false; i.Definition!.OsState = "Specialized"; i.Guest = Facts("Windows", f => f["appxBlockers"] = Arr("x")); }), Skip);
        yield return C("GI5008", "not inspected", () => Windows(i => i.Guest = null), Skip);

        yield return C("GI5009", "off", () => Windows(), Pass);
        yield return C("GI5009", "on", () => Windows(i => i.Guest = Facts("Windows", f => f["bitLocker"] = new JsonObject { ["osVolumeProtected"] = true })), Fail, Err);
        yield return C("GI5009", "unreadable", () => Windows(i => i.Guest = Facts("Windows", f => f["bitLocker"] = null)), Skip);

        yield return C("GI5010", "none", () => Windows(), Pass);
        yield return C("GI5010", "pending", () => Windows(i => i.Guest = Facts("Windows", f => f["pendingReboot"] = Arr("CBS"))), Fail, Err);
        yield return C("GI5010", "linux guest", () => Linux(), Skip);

        yield return C("GI5011", "enabled", () => Windows(), Pass);
        yield return C("GI5011", "disabled", () => Windows(i => i.Guest = Facts("Windows", f => f["dvdRomDisabled"] = true)), Fail, Warn);
        yield return C("GI5011", "not inspected", () => Windows(i => i.Guest = null), Skip);

        yield return C("GI5012", "workgroup", () => Windows(), Pass);
        yield return C("GI5012", "domain joined", () => Windows(i => i.Guest = Facts("Windows", f => { f["domainJoined"] = true; f["domain"] = "corp.example.com"; })), Fail, Warn);
        yield return C("GI5012", "linux guest", () => Linux(), Skip);

        // ---- GI6001 tags
        yield return C("GI6001", "owner present", () => Windows(), Pass);
        yield return C("GI6001", "owner missing", () => Windows(i => i.SourceVm!.Tags.Clear()), Fail, Warn);
        yield return C("GI6001", "owner empty", () => Windows(i => i.SourceVm!.Tags["owner"] = " "), Fail, Warn);
        yield return C("GI6001", "custom required tag", () => Windows(i => i.RequiredTags.Add("costCenter")), Fail, Warn);
        yield return C("GI6001", "tags not read", () => Windows(i => { i.SourceVm = null; i.SourceId = imageId; }), Skip);

        // ---- GI6002 not left running
        yield return C("GI6002", "running, generalized by this run", () => Windows(), Pass);
        yield return C("GI6002", "deallocated", () => Windows(i => { i.SourceVm!.PowerState = "deallocated"; i.WillGeneralize = false; }), Pass);
        yield return C("GI6002", "running, specialized capture", () => Windows(i => { i.WillGeneralize = false; i.Definition!.OsState = "Specialized"; }), Fail, Warn);
        yield return C("GI6002", "version's source still running", () => Windows(i => { i.VersionName = null; i.Version = Version("1.0.0", VmId); i.WillGeneralize = false; }), Fail, Warn);
        yield return C("GI6002", "no vm", () => Windows(i => { i.SourceVm = null; i.SourceId = imageId; }), Skip);
    }
}
