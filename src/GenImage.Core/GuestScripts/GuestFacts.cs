using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json;

namespace GenImage.Core.Guest;

/// <summary>An interactive account found by the Linux inspection (uid 1000 or more, with a login shell).</summary>
public sealed class GuestAdminUser
{
    public GuestAdminUser(string name, bool? homeExists, int? uid = null, string? home = null, string? shell = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        HomeExists = homeExists;
        Uid = uid;
        Home = home;
        Shell = shell;
    }

    public string Name { get; }

    /// <summary>Whether the home directory exists; null when not reported.</summary>
    public bool? HomeExists { get; }

    public int? Uid { get; }

    public string? Home { get; }

    public string? Shell { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// A typed view of the <c>facts</c> reported by Inspect-Windows.ps1 or inspect-linux.sh. A fact the
/// script did not report, or reported as null because it could not read it, is null here: null means
/// unknown, never "no" or "none". Facts of the other OS are always null.
/// </summary>
public sealed class GuestFacts
{
    private GuestFacts(string osType)
    {
        OsType = osType;
    }

    /// <summary><c>Windows</c> or <c>Linux</c>.</summary>
    public string OsType { get; }

    // ---- both OSes ----

    /// <summary>Windows: the WindowsAzureGuestAgent service exists. Linux: waagent is installed.</summary>
    public bool? AgentInstalled { get; private set; }

    public string? AgentVersion { get; private set; }

    /// <summary>Windows: the agent service status (Running, Stopped, ...). Linux: not reported.</summary>
    public string? AgentStatus { get; private set; }

    /// <summary>Windows: caption (Windows Server 2022 Datacenter). Linux: PRETTY_NAME from /etc/os-release.</summary>
    public string? OsName { get; private set; }

    /// <summary>Windows: version and build (10.0.20348.2340). Linux: not reported.</summary>
    public string? OsVersion { get; private set; }

    /// <summary>The names of lists the script cut short to keep its result line small.</summary>
    public IReadOnlyList<string>? TruncatedLists { get; private set; }

    /// <summary>Facts the script could not read, with the reason (Windows).</summary>
    public IReadOnlyList<string>? Warnings { get; private set; }

    // ---- Linux ----

    /// <summary>/etc/waagent.conf exists.</summary>
    public bool? AgentConfigured { get; private set; }

    public IReadOnlyList<string>? SshHostKeys { get; private set; }

    /// <summary>/etc/machine-id is not empty.</summary>
    public bool? MachineIdPresent { get; private set; }

    public IReadOnlyList<GuestAdminUser>? AdminUsers { get; private set; }

    public IReadOnlyList<string>? ShellHistoryFiles { get; private set; }

    public IReadOnlyList<string>? CloudInitState { get; private set; }

    public IReadOnlyList<string>? WaagentState { get; private set; }

    // ---- Windows ----

    /// <summary>AppX packages installed for a user but not provisioned for all users (Sysprep blockers).</summary>
    public IReadOnlyList<string>? AppxBlockers { get; private set; }

    /// <summary>BitLocker protection is on for the OS volume.</summary>
    public bool? BitLockerOn { get; private set; }

    /// <summary>Why a reboot is pending: CBS, WindowsUpdate, PendingFileRenameOperations.</summary>
    public IReadOnlyList<string>? PendingReboot { get; private set; }

    /// <summary>The cdrom service is disabled (Start = 4).</summary>
    public bool? DvdRomDisabled { get; private set; }

    public bool? DomainJoined { get; private set; }

    public string? Domain { get; private set; }

    /// <summary>Answer files that contain a password (only their paths are reported).</summary>
    public IReadOnlyList<string>? PantherUnattendFiles { get; private set; }

    /// <summary>HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State ImageState.</summary>
    public string? ImageState { get; private set; }

    /// <summary>HKLM\SYSTEM\Setup\Status\SysprepStatus GeneralizationState (7 = ready for Sysprep).</summary>
    public int? SysprepGeneralizationState { get; private set; }

    /// <summary>Reads the facts of an inspection result.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    /// <exception cref="FormatException">The result is not from an inspection script, has no <c>facts</c>
    /// object, or a fact has the wrong JSON type.</exception>
    public static GuestFacts FromResult(GuestScriptResult result)
    {
        if (result == null)
        {
            throw new ArgumentNullException(nameof(result));
        }

        string osType;
        if (result.Script == GuestScripts.Get(GuestScriptKind.InspectWindows).Name)
        {
            osType = "Windows";
        }
        else if (result.Script == GuestScripts.Get(GuestScriptKind.InspectLinux).Name)
        {
            osType = "Linux";
        }
        else
        {
            throw new FormatException($"The result of '{result.Script}' is not an inspection result; facts come from inspect-windows or inspect-linux.");
        }

        if (!result.Properties.TryGetValue("facts", out var facts) || facts.ValueKind != JsonValueKind.Object)
        {
            var found = result.Properties.TryGetValue("facts", out var other) ? GuestScriptResult.Describe(other.ValueKind) : "nothing";
            throw new FormatException(
                $"The {result.Script} result ({result.Status}: {result.Message}) has no 'facts' object (found {found}).");
        }

        var reader = new Reader(result.Script);
        var f = new GuestFacts(osType)
        {
            Warnings = reader.StringList(result.Properties.TryGetValue("warnings", out var w) ? w : (JsonElement?)null, "warnings"),
            TruncatedLists = reader.StringList(facts, "truncatedLists"),
        };
        if (osType == "Windows")
        {
            var agent = reader.Object(facts, "agent");
            if (agent.HasValue)
            {
                f.AgentInstalled = reader.Bool(agent.Value, "installed", "agent.");
                f.AgentVersion = reader.String(agent.Value, "version", "agent.");
                f.AgentStatus = reader.String(agent.Value, "serviceStatus", "agent.");
            }
            f.AppxBlockers = reader.StringList(facts, "appxBlockers");
            var bitLocker = reader.Object(facts, "bitLocker");
            if (bitLocker.HasValue)
            {
                f.BitLockerOn = reader.Bool(bitLocker.Value, "osVolumeProtected", "bitLocker.");
            }

            f.PendingReboot = reader.StringList(facts, "pendingReboot");
            f.DvdRomDisabled = reader.Bool(facts, "dvdRomDisabled");
            f.DomainJoined = reader.Bool(facts, "domainJoined");
            f.Domain = reader.String(facts, "domain");
            f.PantherUnattendFiles = reader.StringList(facts, "pantherUnattendFiles");
            f.ImageState = reader.String(facts, "imageState");
            f.SysprepGeneralizationState = reader.Int(facts, "sysprepGeneralizationState");
            f.OsName = reader.String(facts, "osName");
            f.OsVersion = reader.String(facts, "osVersion");
        }
        else
        {
            f.AgentInstalled = reader.Bool(facts, "waagentInstalled");
            f.AgentVersion = reader.String(facts, "waagentVersion");
            f.AgentConfigured = reader.Bool(facts, "agentConfigured");
            f.SshHostKeys = reader.StringList(facts, "sshHostKeys");
            f.MachineIdPresent = reader.Bool(facts, "machineId");
            f.AdminUsers = reader.AdminUsers(facts, "adminUsers");
            f.ShellHistoryFiles = reader.StringList(facts, "shellHistory");
            f.CloudInitState = reader.StringList(facts, "cloudInitState");
            f.WaagentState = reader.StringList(facts, "waagentState");
            f.OsName = reader.String(facts, "osRelease");
        }
        return f;
    }

    /// <summary>Reads typed values and names the offending key ("facts.bitLocker.osVolumeProtected") when one is wrong.</summary>
    private sealed class Reader
    {
        private readonly string _script;

        public Reader(string script) => _script = script;

        private static JsonElement? Find(JsonElement parent, string key) =>
            parent.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : (JsonElement?)null;

        private FormatException Wrong(string path, string expected, JsonElement found) =>
            new FormatException($"The {_script} fact '{path}' must be {expected} or null, but it is {GuestScriptResult.Describe(found.ValueKind)}.");

        public JsonElement? Object(JsonElement parent, string key)
        {
            var value = Find(parent, key);
            if (value.HasValue && value.Value.ValueKind != JsonValueKind.Object)
            {
                throw Wrong("facts." + key, "an object", value.Value);
            }

            return value;
        }

        public bool? Bool(JsonElement parent, string key, string prefix = "")
        {
            var value = Find(parent, key);
            if (!value.HasValue)
            {
                return null;
            }

            return value.Value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Wrong("facts." + prefix + key, "true or false", value.Value),
            };
        }

        public string? String(JsonElement parent, string key, string prefix = "")
        {
            var value = Find(parent, key);
            if (!value.HasValue)
            {
                return null;
            }

            if (value.Value.ValueKind != JsonValueKind.String)
            {
                throw Wrong("facts." + prefix + key, "a string", value.Value);
            }

            return value.Value.GetString();
        }

        public int? Int(JsonElement parent, string key)
        {
            var value = Find(parent, key);
            if (!value.HasValue)
            {
                return null;
            }

            if (value.Value.ValueKind == JsonValueKind.Number && value.Value.TryGetInt32(out var number))
            {
                return number;
            }
            // Registry values sometimes arrive as text ("7").
            if (value.Value.ValueKind == JsonValueKind.String
                && int.TryParse(value.Value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number))
            {
                return number;
            }

            throw Wrong("facts." + key, "an integer", value.Value);
        }

        public ReadOnlyCollection<string>? StringList(JsonElement parent, string key) => StringList(Find(parent, key), "facts." + key);

        public ReadOnlyCollection<string>? StringList(JsonElement? value, string path)
        {
            if (!value.HasValue || value.Value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.Value.ValueKind != JsonValueKind.Array)
            {
                throw Wrong(path, "an array of strings", value.Value);
            }

            var list = new List<string>();
            var index = 0;
            foreach (var item in value.Value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw Wrong($"{path}[{index}]", "a string", item);
                }

                list.Add(item.GetString()!);
                index++;
            }
            return list.AsReadOnly();
        }

        public ReadOnlyCollection<GuestAdminUser>? AdminUsers(JsonElement parent, string key)
        {
            var value = Find(parent, key);
            if (!value.HasValue)
            {
                return null;
            }

            if (value.Value.ValueKind != JsonValueKind.Array)
            {
                throw Wrong("facts." + key, "an array of objects", value.Value);
            }

            var users = new List<GuestAdminUser>();
            var index = 0;
            foreach (var item in value.Value.EnumerateArray())
            {
                var path = $"{key}[{index}].";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw Wrong($"facts.{key}[{index}]", "an object", item);
                }

                var name = String(item, "name", path);
                if (string.IsNullOrEmpty(name))
                {
                    throw new FormatException($"The {_script} fact 'facts.{path}name' is missing; every admin user needs a name.");
                }
                int? uid = null;
                var uidValue = Find(item, "uid");
                if (uidValue.HasValue)
                {
                    if (uidValue.Value.ValueKind != JsonValueKind.Number)
                    {
                        throw Wrong($"facts.{path}uid", "an integer", uidValue.Value);
                    }
                    // A uid beyond int.MaxValue is left unknown rather than failing the whole report.
                    if (uidValue.Value.TryGetInt32(out var u))
                    {
                        uid = u;
                    }
                }
                users.Add(new GuestAdminUser(name!, Bool(item, "homeExists", path), uid, String(item, "home", path), String(item, "shell", path)));
                index++;
            }
            return users.AsReadOnly();
        }
    }
}
