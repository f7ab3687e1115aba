using System;
using System.Collections.Generic;
using System.Linq;
using GenImage.Core.Guest;

namespace GenImage.Core.Readiness;

/// <summary>
/// GI5001-GI5012: what the inspection script found inside the guest (<see cref="GuestFacts"/>).
/// Every rule is Skipped when the guest was not inspected, when the fact belongs to the other OS, or when
/// the script could not read the fact (null means unknown, never "none"). GI5001 also reads the agent
/// status of a running VM's instance view, so a VM whose agent is missing (where the inspection itself
/// cannot run) still fails it.
/// <para>
/// Provisioning leftovers (GI5002-GI5006) are <b>Warnings</b> when the run prepares the guest
/// (<see cref="ReadinessInput.WillPrepare"/>, by default <see cref="ReadinessInput.WillGeneralize"/>),
/// because waagent -deprovision+user and the preparation script remove them; they are <b>Errors</b> when
/// nothing will remove them before capture. For a Specialized definition they are Skipped: a specialized
/// image keeps the machine's identity by design. The Sysprep-only rules (GI5008, GI5010, GI5011) are
/// Skipped for a Specialized definition too, because no Sysprep runs.
/// </para>
/// </summary>
internal static class GuestRules
{
    public static void Register(IDictionary<string, Func<RuleContext, Outcome>> map)
    {
        map["GI5001"] = Agent;
        map["GI5002"] = c => Leftover(c, f => f.SshHostKeys, "SSH host keys", "sshHostKeys");
        map["GI5003"] = MachineId;
        map["GI5004"] = AdminUsers;
        map["GI5005"] = c => Leftover(c, f => f.ShellHistoryFiles, "shell history files", "shellHistory");
        map["GI5006"] = ProvisioningState;
        map["GI5007"] = c => WindowsList(c, f => f.PantherUnattendFiles, "pantherUnattendFiles", sysprepOnly: false,
            "No answer file with a password was found.", l => $"Answer files with a password were found: {l}.");
        map["GI5008"] = c => WindowsList(c, f => f.AppxBlockers, "appxBlockers", sysprepOnly: true,
            "No per-user AppX package blocks Sysprep.", l => $"Sysprep will stop on AppX packages installed for a user but not provisioned for all users: {l}.");
        map["GI5009"] = c => WindowsFlag(c, f => f.BitLockerOn, "bitLockerOn", badWhen: true, sysprepOnly: false,
            "BitLocker is off on the OS volume.", "BitLocker protects the OS volume; Sysprep refuses to generalize it.");
        map["GI5010"] = c => WindowsList(c, f => f.PendingReboot, "pendingReboot", sysprepOnly: true,
            "No reboot is pending.", l => $"A reboot is pending ({l}); Sysprep fails or the image boots into unfinished servicing.");
        map["GI5011"] = c => WindowsFlag(c, f => f.DvdRomDisabled, "dvdRomDisabled", badWhen: true, sysprepOnly: true,
            "The DVD-ROM driver is enabled.", "The DVD-ROM driver (cdrom service) is disabled; provisioning cannot read its answer media and new VMs can time out at first boot.");
        map["GI5012"] = DomainJoined;
    }

    private const string NotInspected = "the guest was not inspected (inspection runs on a running VM, with -Inspect)";

    private static Outcome? Precondition(RuleContext c, string osType, bool identityRule, bool sysprepOnly)
    {
        var facts = c.Input.Guest;
        if (facts == null)
        {
            return Outcome.Skip(c.Input.GuestUnavailableReason ?? NotInspected);
        }

        if (!string.Equals(facts.OsType, osType, StringComparison.OrdinalIgnoreCase))
        {
            return Outcome.Skip($"the rule applies to {osType} guests; this guest is {facts.OsType}");
        }

        if ((identityRule || sysprepOnly) && c.DefinitionIsSpecialized)
        {
            return Outcome.Skip(identityRule
                ? "the definition is Specialized, and a specialized image keeps the machine's identity by design"
                : "the definition is Specialized, so Sysprep does not run");
        }

        return null;
    }

    private static Outcome Unknown(string fact) => Outcome.Skip($"the inspection could not read '{fact}'");

    private static FindingSeverity LeftoverSeverity(RuleContext c) => c.WillPrepare ? FindingSeverity.Warning : FindingSeverity.Error;

    private static string LeftoverTail(RuleContext c) => c.WillPrepare
        ? " This run prepares the guest, which removes them before capture."
        : " Nothing in this run removes them before capture.";

    private static Outcome Agent(RuleContext c)
    {
        var vm = c.Vm;
        var facts = c.Input.Guest;
        if (vm != null && vm.IsGeneralized)
        {
            return Outcome.Skip("the VM is generalized; its agent no longer runs until a new VM is made from the image");
        }

        var running = vm != null && string.Equals(vm.PowerState, "running", StringComparison.OrdinalIgnoreCase);
        var instanceStatus = running ? vm!.AgentStatus : null;
        if (facts == null && instanceStatus == null)
        {
            if (c.Input.GuestUnavailableReason != null)
            {
                return Outcome.Skip(c.Input.GuestUnavailableReason);
            }

            return Outcome.Skip(running
                ? "the guest was not inspected and the VM's instance view reports no agent status"
                : "the guest was not inspected and the VM is not running, so its agent status is not known");
        }
        var problems = new List<string>();
        if (facts != null)
        {
            if (facts.AgentInstalled == false)
            {
                problems.Add(facts.OsType == "Windows" ? "the WindowsAzureGuestAgent service is not installed" : "waagent is not installed");
            }

            if (facts.OsType == "Windows" && facts.AgentStatus != null && !string.Equals(facts.AgentStatus, "Running", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"the WindowsAzureGuestAgent service is {facts.AgentStatus}");
            }

            if (facts.OsType == "Linux" && facts.AgentConfigured == false)
            {
                problems.Add("/etc/waagent.conf is missing");
            }
        }
        if (instanceStatus != null && !string.Equals(instanceStatus, "Ready", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"the VM's instance view reports the agent as '{instanceStatus}'");
        }

        var outcome = problems.Count > 0
            ? Outcome.Fail("The Azure VM agent is not ready: " + string.Join("; ", problems) + ". Run Command cannot prepare the guest, and an image without a working agent fails to provision.")
            : Outcome.Pass((facts?.AgentVersion ?? vm?.AgentVersion) is string version && version.Length > 0
                ? $"The Azure VM agent {version} is installed and ready."
                : "The Azure VM agent is installed and ready.");
        return outcome
            .With("agentInstalled", facts?.AgentInstalled)
            .With("agentVersion", facts?.AgentVersion ?? vm?.AgentVersion)
            .With("agentServiceStatus", facts?.AgentStatus)
            .With("agentConfigured", facts?.AgentConfigured)
            .With("instanceViewAgentStatus", instanceStatus);
    }

    private static Outcome Leftover(RuleContext c, Func<GuestFacts, IReadOnlyList<string>?> read, string what, string fact)
    {
        var pre = Precondition(c, "Linux", identityRule: true, sysprepOnly: false);
        if (pre != null)
        {
            return pre;
        }

        var list = read(c.Input.Guest!);
        if (list == null)
        {
            return Unknown(fact);
        }

        return (list.Count == 0
                ? Outcome.Pass($"No {what} were found.")
                : Outcome.Fail($"Found {what}: {string.Join(", ", list)}.{LeftoverTail(c)}", LeftoverSeverity(c)))
            .With(fact, list).With("willPrepare", c.WillPrepare);
    }

    private static Outcome MachineId(RuleContext c)
    {
        var pre = Precondition(c, "Linux", identityRule: true, sysprepOnly: false);
        if (pre != null)
        {
            return pre;
        }

        var present = c.Input.Guest!.MachineIdPresent;
        if (present == null)
        {
            return Unknown("machineId");
        }

        return (present == false
                ? Outcome.Pass("/etc/machine-id is empty.")
                : Outcome.Fail("/etc/machine-id has content; every VM made from the image would share it." + LeftoverTail(c), LeftoverSeverity(c)))
            .With("machineIdPresent", present).With("willPrepare", c.WillPrepare);
    }

    private static Outcome AdminUsers(RuleContext c)
    {
        var pre = Precondition(c, "Linux", identityRule: true, sysprepOnly: false);
        if (pre != null)
        {
            return pre;
        }

        var users = c.Input.Guest!.AdminUsers;
        if (users == null)
        {
            return Unknown("adminUsers");
        }

        var described = users.Select(u => u.HomeExists == true ? $"{u.Name} (home {u.Home ?? "/home/" + u.Name})" : u.Name).ToList();
        return (users.Count == 0
                ? Outcome.Pass("No interactive user account or home directory was found.")
                : Outcome.Fail($"Found interactive user account(s): {string.Join(", ", described)}.{LeftoverTail(c)}", LeftoverSeverity(c)))
            .With("adminUsers", users.Select(u => u.Name).ToList())
            .With("homesPresent", users.Where(u => u.HomeExists == true).Select(u => u.Name).ToList())
            .With("willPrepare", c.WillPrepare);
    }

    private static Outcome ProvisioningState(RuleContext c)
    {
        var pre = Precondition(c, "Linux", identityRule: true, sysprepOnly: false);
        if (pre != null)
        {
            return pre;
        }

        var facts = c.Input.Guest!;
        if (facts.CloudInitState == null && facts.WaagentState == null)
        {
            return Unknown("cloudInitState/waagentState");
        }

        var found = (facts.CloudInitState ?? Array.Empty<string>()).Concat(facts.WaagentState ?? Array.Empty<string>()).ToList();
        return (found.Count == 0
                ? Outcome.Pass("No cloud-init or waagent provisioning state was found.")
                : Outcome.Fail($"Found provisioning state from this VM: {string.Join(", ", found)}.{LeftoverTail(c)}", LeftoverSeverity(c)))
            .With("cloudInitState", facts.CloudInitState).With("waagentState", facts.WaagentState).With("willPrepare", c.WillPrepare);
    }

    private static Outcome WindowsList(RuleContext c, Func<GuestFacts, IReadOnlyList<string>?> read, string fact, bool sysprepOnly,
        string pass, Func<string, string> fail)
    {
        var pre = Precondition(c, "Windows", identityRule: false, sysprepOnly: sysprepOnly);
        if (pre != null)
        {
            return pre;
        }

        var list = read(c.Input.Guest!);
        if (list == null)
        {
            return Unknown(fact);
        }

        return (list.Count == 0 ? Outcome.Pass(pass) : Outcome.Fail(fail(string.Join(", ", list)))).With(fact, list);
    }

    private static Outcome WindowsFlag(RuleContext c, Func<GuestFacts, bool?> read, string fact, bool badWhen, bool sysprepOnly,
        string pass, string fail)
    {
        var pre = Precondition(c, "Windows", identityRule: false, sysprepOnly: sysprepOnly);
        if (pre != null)
        {
            return pre;
        }

        var value = read(c.Input.Guest!);
        if (value == null)
        {
            return Unknown(fact);
        }

        return (value.Value == badWhen ? Outcome.Fail(fail) : Outcome.Pass(pass)).With(fact, value);
    }

    private static Outcome DomainJoined(RuleContext c)
    {
        var pre = Precondition(c, "Windows", identityRule: false, sysprepOnly: false);
        if (pre != null)
        {
            return pre;
        }

        var facts = c.Input.Guest!;
        if (facts.DomainJoined == null)
        {
            return Unknown("domainJoined");
        }

        return (facts.DomainJoined == true
                ? Outcome.Fail($"The VM is joined to the domain '{facts.Domain ?? "(unknown)"}'; generalizing removes the domain trust.")
                : Outcome.Pass("The VM is not domain joined."))
            .With("domainJoined", facts.DomainJoined).With("domain", facts.Domain);
    }
}
