using System.Text.Json.Nodes;
using GenImage.Emulator.Providers.Compute;

namespace GenImage.Emulator.Resources.VirtualMachines.GuestScripts;

/// <summary>
/// <c>inspect-linux</c>: read-only. Answers with the result line inspect-linux.sh prints, built from the guest model:
/// leftovers become the files the script would find; the <c>adminHome</c> leftover stands for the admin account and its home.
/// </summary>
internal sealed class InspectLinuxScript : IGuestScript
{
    public string Name => "inspect-linux";
    public string OsType => "Linux";
    public double AzureSeconds => Durations.InspectLinux;

    public GuestScriptOutput Run(GuestScriptContext context)
    {
        var vm = context.Vm;
        var guest = vm.Guest;
        bool Has(string leftover) => guest.Leftovers.Contains(leftover, StringComparer.Ordinal);
        var admin = vm.AdminUsername.Length > 0 ? vm.AdminUsername : "azureuser";
        var installed = guest.AgentStatus != "Missing";

        var sshHostKeys = Has("sshHostKeys")
            ? new JsonArray("/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_rsa_key")
            : new JsonArray();
        var adminUsers = Has("adminHome")
            ? new JsonArray(new JsonObject { ["name"] = admin, ["uid"] = 1000, ["home"] = $"/home/{admin}", ["shell"] = "/bin/bash", ["homeExists"] = true })
            : new JsonArray();
        var shellHistory = new JsonArray();
        if (Has("shellHistory"))
        {
            shellHistory.Add("/root/.bash_history");
            if (Has("adminHome"))
            {
                shellHistory.Add($"/home/{admin}/.bash_history");
            }
        }

        var cloudInitState = Has("cloudInitState") ? new JsonArray("/var/lib/cloud/instance", $"/var/lib/cloud/instances/{vm.VmId}") : new JsonArray();
        var waagentState = Has("waagentState") ? new JsonArray("/var/lib/waagent/ovf-env.xml", "/var/lib/waagent/provisioned") : new JsonArray();

        var found = new List<string>();
        if (sshHostKeys.Count > 0)
        {
            found.Add("SSH host keys");
        }

        if (Has("machineId"))
        {
            found.Add("machine-id");
        }

        if (shellHistory.Count > 0)
        {
            found.Add("shell history");
        }

        if (adminUsers.Count > 0)
        {
            found.Add($"interactive accounts ({adminUsers.Count})");
        }

        if (cloudInitState.Count > 0)
        {
            found.Add("cloud-init instance state");
        }

        if (waagentState.Count > 0)
        {
            found.Add("Azure agent provisioning state");
        }

        var message = found.Count > 0 ? $"Inspected /: found {string.Join(", ", found)}." : "Inspected /: no provisioning leftovers found.";
        if (!installed)
        {
            message += " The Azure Linux agent (waagent) is not installed.";
        }

        var facts = new JsonObject
        {
            ["root"] = "/",
            ["osRelease"] = vm.OsName,
            ["sshHostKeys"] = sshHostKeys,
            ["machineId"] = Has("machineId"),
            ["adminUsers"] = adminUsers,
            ["shellHistory"] = shellHistory,
            ["cloudInitState"] = cloudInitState,
            ["waagentState"] = waagentState,
            ["waagentInstalled"] = installed,
            ["waagentVersion"] = installed ? guest.AgentVersion : null,
            ["agentConfigured"] = installed,
            ["truncatedLists"] = new JsonArray(),
        };
        var result = new JsonObject { ["script"] = Name, ["status"] = "succeeded", ["message"] = message, ["facts"] = facts };
        return new GuestScriptOutput(ResultLine.Prefix + GuestJson.Write(result, windows: false) + "\n", "", "succeeded");
    }
}
