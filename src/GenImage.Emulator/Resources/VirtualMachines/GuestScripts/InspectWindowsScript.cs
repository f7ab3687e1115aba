using System.Text.Json.Nodes;
using GenImage.Emulator.Providers.Compute;

namespace GenImage.Emulator.Resources.VirtualMachines.GuestScripts;

/// <summary>
/// <c>inspect-windows</c>: read-only. Answers with the result line Inspect-Windows.ps1 prints, built from the guest
/// model (Sysprep blockers, leftovers, agent, <c>dvdRomDisabled</c>, <c>domain</c>). The OS build's update revision is
/// reported as 2340.
/// </summary>
internal sealed class InspectWindowsScript : IGuestScript
{
    private const int ListLimit = 20;

    public string Name => "inspect-windows";
    public string OsType => "Windows";
    public double AzureSeconds => Durations.InspectWindows;

    public GuestScriptOutput Run(GuestScriptContext context)
    {
        var vm = context.Vm;
        var guest = vm.Guest;
        var installed = guest.AgentStatus != "Missing";
        var appx = guest.SysprepBlockers.Where(b => b.StartsWith("appx:", StringComparison.Ordinal)).Select(b => b["appx:".Length..].Trim()).ToList();
        var bitLocker = guest.SysprepBlockers.Any(b => b.StartsWith("bitlocker", StringComparison.Ordinal));
        var pendingReboot = guest.SysprepBlockers.Any(b => b.StartsWith("pendingReboot", StringComparison.Ordinal)) ? new JsonArray("CBS") : new JsonArray();
        var panther = guest.Leftovers.Contains("pantherUnattend") ? new JsonArray(@"C:\Windows\Panther\unattend.xml") : new JsonArray();
        var build = string.Join('.', vm.OsVersion.Replace("Microsoft Windows NT ", "", StringComparison.Ordinal).Split('.').Take(3));

        var facts = new JsonObject
        {
            ["agent"] = new JsonObject
            {
                ["installed"] = installed,
                ["version"] = installed ? guest.AgentVersion : null,
                ["serviceStatus"] = installed ? (guest.AgentStatus == "Ready" ? "Running" : "Stopped") : null,
            },
        };
        var truncated = new JsonArray();
        var appxArray = new JsonArray(appx.Take(ListLimit).Select(a => (JsonNode?)a).ToArray());
        facts["appxBlockers"] = appxArray;
        if (appx.Count > ListLimit)
        {
            facts["appxBlockerCount"] = appx.Count;
            truncated.Add("appxBlockers");
        }

        facts["bitLocker"] = new JsonObject { ["osVolumeProtected"] = bitLocker };
        facts["pendingReboot"] = pendingReboot;
        facts["dvdRomDisabled"] = guest.DvdRomDisabled;
        facts["domainJoined"] = guest.Domain is not null;
        facts["domain"] = guest.Domain;
        facts["pantherUnattendFiles"] = panther;
        facts["imageState"] = guest.Prepared ? "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE" : "IMAGE_STATE_COMPLETE";
        facts["sysprepGeneralizationState"] = 7;
        facts["osName"] = vm.OsName;
        facts["osVersion"] = build + ".2340";
        facts["truncatedLists"] = truncated;

        var findings = new List<string>();
        if (appx.Count > 0)
        {
            findings.Add($"{appx.Count} per-user AppX package(s)");
        }

        if (bitLocker)
        {
            findings.Add("BitLocker on the OS volume");
        }

        if (pendingReboot.Count > 0)
        {
            findings.Add("a pending reboot (CBS)");
        }

        if (panther.Count > 0)
        {
            findings.Add($"{panther.Count} answer file(s) holding a password");
        }

        if (!installed)
        {
            findings.Add("no Azure VM agent");
        }

        var message = findings.Count > 0 ? $"{vm.OsName}: found {string.Join(", ", findings)}." : $"{vm.OsName}: nothing found that blocks Sysprep.";

        var result = new JsonObject
        {
            ["script"] = Name,
            ["status"] = "succeeded",
            ["message"] = message,
            ["facts"] = facts,
            ["warnings"] = new JsonArray(),
        };
        return new GuestScriptOutput(ResultLine.Prefix + GuestJson.Write(result, windows: true) + "\n", "", "succeeded");
    }
}
