# genimage-script: inspect-linux/1
#
# inspect-linux.sh - report what a Linux VM would leave behind in a generalized image.
#
# Read-only: nothing is changed, created or deleted. Runs as root through Azure Run Command
# (RunShellScript), or by hand:
#
#     sh inspect-linux.sh              # inspect the running system
#     sh inspect-linux.sh /mnt/osdisk  # inspect an OS disk mounted elsewhere
#
# Every path in the report is the path the guest itself sees (the root argument is stripped).
# Facts reported under "facts":
#   osRelease         PRETTY_NAME from etc/os-release (null when absent)
#   sshHostKeys       etc/ssh/ssh_host_*_key private host keys
#   machineId         true when etc/machine-id is non-empty
#   adminUsers        accounts in etc/passwd with uid >= 1000 and a login shell (name, uid, home,
#                     shell, homeExists)
#   shellHistory      non-empty .bash_history files of root, /home/* and the accounts above
#   cloudInitState    var/lib/cloud/instance and var/lib/cloud/instances/*
#   waagentState      var/lib/waagent/*.xml (ovf-env.xml ...), *.crt, *.prv, provisioned
#   waagentInstalled  usr/sbin/waagent or usr/bin/waagent exists (or waagent on PATH for /)
#   waagentVersion    the agent's version, only when inspecting the running system
#   agentConfigured   etc/waagent.conf exists
#   truncatedLists    names of the lists above that were cut to their first 10 entries (Run Command
#                     returns only the last 4,096 bytes of output)
#
# The last line of standard output is always:
#   GENIMAGE-RESULT {"script":"inspect-linux","status":"succeeded|failed","message":"...","facts":{...}}
#
# Portable POSIX sh (dash, busybox ash, bash) with coreutils, grep, sed and awk only.

LC_ALL=C
export LC_ALL

SCRIPT_NAME=inspect-linux

# json_str VALUE: print VALUE as a JSON string literal. The value travels through the environment,
# so backslashes, quotes, newlines and other control characters all survive unchanged.
json_str() {
    GI_JSON_VALUE=$1 awk 'BEGIN {
        for (i = 1; i < 32; i++) ctl[sprintf("%c", i)] = sprintf("\\u%04x", i)
        ctl["\""] = "\\\""; ctl["\\"] = "\\\\"; ctl["\n"] = "\\n"; ctl["\r"] = "\\r"; ctl["\t"] = "\\t"
        s = ENVIRON["GI_JSON_VALUE"]; out = ""
        n = length(s)
        for (i = 1; i <= n; i++) { c = substr(s, i, 1); out = out ((c in ctl) ? ctl[c] : c) }
        printf "\"%s\"", out
    }'
}

# json_push LIST JSON_VALUE: append a JSON value to the comma-separated list variable LIST (named
# after its JSON key). Run Command returns only the last 4,096 bytes of output, so a list keeps at
# most LIST_LIMIT entries; a list that had more is named in "truncatedLists".
LIST_LIMIT=10
truncatedLists=""
json_push() {
    eval "gi_push_n=\${${1}_n:-0}"
    if [ "$gi_push_n" -ge "$LIST_LIMIT" ]; then
        case ",$truncatedLists," in
            *",\"$1\","*) ;;
            *) truncatedLists="${truncatedLists:+$truncatedLists,}\"$1\"" ;;
        esac
        return 0
    fi
    eval "${1}_n=\$((gi_push_n + 1))"
    eval "gi_push_cur=\${$1}"
    if [ -n "$gi_push_cur" ]; then
        gi_push_cur="$gi_push_cur,$2"
    else
        gi_push_cur=$2
    fi
    eval "$1=\$gi_push_cur"
}

# guest_path HOST_PATH: the path as the inspected guest sees it.
guest_path() {
    printf '%s' "${1#"$ROOT"}"
}

# push_path LIST_VARIABLE HOST_PATH: append the guest path of HOST_PATH when it exists.
push_path() {
    if [ -e "$2" ] || [ -L "$2" ]; then
        json_push "$1" "$(json_str "$(guest_path "$2")")"
    fi
}

json_bool() {
    if [ "$1" = 1 ]; then printf true; else printf false; fi
}

emit_failure() {
    printf 'GENIMAGE-RESULT {"script":"%s","status":"failed","message":%s}\n' "$SCRIPT_NAME" "$(json_str "$1")"
    exit 1
}

ROOT_ARG=${1:-/}
if [ ! -d "$ROOT_ARG" ]; then
    emit_failure "The root directory '$ROOT_ARG' does not exist or is not a directory."
fi
# "/" becomes "", "/mnt/os/" becomes "/mnt/os": paths below are "$ROOT/etc/...".
ROOT=$(printf '%s' "$ROOT_ARG" | sed 's:/*$::')

# --- operating system -------------------------------------------------------------------------
os_release=null
if [ -f "$ROOT/etc/os-release" ]; then
    pretty=$(sed -n 's/^PRETTY_NAME=//p' "$ROOT/etc/os-release" | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/")
    if [ -n "$pretty" ]; then
        os_release=$(json_str "$pretty")
    fi
fi

# --- SSH host keys ----------------------------------------------------------------------------
sshHostKeys=""
for f in "$ROOT"/etc/ssh/ssh_host_*_key; do
    push_path sshHostKeys "$f"
done

# --- machine-id -------------------------------------------------------------------------------
machine_id=0
if [ -s "$ROOT/etc/machine-id" ] && grep -q '[^[:space:]]' "$ROOT/etc/machine-id" 2>/dev/null; then
    machine_id=1
fi

# --- interactive accounts and shell history ---------------------------------------------------
adminUsers=""
shellHistory=""
if [ -f "$ROOT/etc/passwd" ]; then
    while IFS=: read -r u_name u_pw u_uid u_gid u_gecos u_home u_shell || [ -n "$u_name" ]; do
        case "$u_uid" in '' | *[!0-9]*) continue ;; esac
        [ "$u_uid" -ge 1000 ] || continue
        [ "$u_uid" -ne 65534 ] || continue
        case "$u_shell" in
            */nologin | */false | */true | */sync | */halt | */shutdown) continue ;;
        esac
        home_exists=0
        if [ -n "$u_home" ] && [ -d "$ROOT$u_home" ]; then
            home_exists=1
        fi
        [ -n "$u_shell" ] || u_shell=/bin/sh
        json_push adminUsers "{\"name\":$(json_str "$u_name"),\"uid\":$u_uid,\"home\":$(json_str "$u_home"),\"shell\":$(json_str "$u_shell"),\"homeExists\":$(json_bool "$home_exists")}"
        # A home outside /home/NAME is not covered by the home/* scan below.
        case "$u_home" in
            '' | / | /root) check_home=0 ;;
            /home/*/*) check_home=1 ;;
            /home/*) check_home=0 ;;
            *) check_home=1 ;;
        esac
        if [ "$check_home" = 1 ] && [ -f "$ROOT$u_home/.bash_history" ] && [ -s "$ROOT$u_home/.bash_history" ]; then
            json_push shellHistory "$(json_str "$u_home/.bash_history")"
        fi
    done < "$ROOT/etc/passwd"
fi

for f in "$ROOT"/root/.bash_history "$ROOT"/home/*/.bash_history; do
    if [ -f "$f" ] && [ -s "$f" ]; then
        json_push shellHistory "$(json_str "$(guest_path "$f")")"
    fi
done

# --- cloud-init -------------------------------------------------------------------------------
cloudInitState=""
push_path cloudInitState "$ROOT/var/lib/cloud/instance"
for f in "$ROOT"/var/lib/cloud/instances/*; do
    push_path cloudInitState "$f"
done

# --- Azure Linux agent ------------------------------------------------------------------------
waagentState=""
for f in "$ROOT"/var/lib/waagent/*.xml "$ROOT"/var/lib/waagent/*.crt "$ROOT"/var/lib/waagent/*.prv \
    "$ROOT"/var/lib/waagent/provisioned; do
    push_path waagentState "$f"
done

waagent_installed=0
waagent_version=null
if [ -e "$ROOT/usr/sbin/waagent" ] || [ -e "$ROOT/usr/bin/waagent" ]; then
    waagent_installed=1
fi
if [ -z "$ROOT" ]; then
    agent_cmd=""
    if command -v waagent >/dev/null 2>&1; then
        agent_cmd=$(command -v waagent)
    elif [ -x /usr/sbin/waagent ]; then
        agent_cmd=/usr/sbin/waagent
    fi
    if [ -n "$agent_cmd" ]; then
        waagent_installed=1
        # "WALinuxAgent-2.9.1.1 running on ubuntu 22.04" -> 2.9.1.1
        ver=$("$agent_cmd" -version 2>/dev/null | sed -n 's/^WALinuxAgent-\([^ ]*\).*/\1/p' | head -n 1)
        if [ -n "$ver" ]; then
            waagent_version=$(json_str "$ver")
        fi
    fi
fi

agent_configured=0
if [ -f "$ROOT/etc/waagent.conf" ]; then
    agent_configured=1
fi

# --- summary ----------------------------------------------------------------------------------
leftovers=""
[ -z "$sshHostKeys" ] || leftovers="$leftovers, SSH host keys"
[ "$machine_id" = 0 ] || leftovers="$leftovers, machine-id"
[ -z "$shellHistory" ] || leftovers="$leftovers, shell history"
[ -z "$adminUsers" ] || leftovers="$leftovers, interactive accounts ($adminUsers_n)"
[ -z "$cloudInitState" ] || leftovers="$leftovers, cloud-init instance state"
[ -z "$waagentState" ] || leftovers="$leftovers, Azure agent provisioning state"
if [ -n "$leftovers" ]; then
    message="Inspected ${ROOT_ARG}: found ${leftovers#, }."
else
    message="Inspected ${ROOT_ARG}: no provisioning leftovers found."
fi
if [ "$waagent_installed" = 0 ]; then
    message="$message The Azure Linux agent (waagent) is not installed."
fi

facts="{\"root\":$(json_str "$ROOT_ARG"),\"osRelease\":$os_release"
facts="$facts,\"sshHostKeys\":[$sshHostKeys]"
facts="$facts,\"machineId\":$(json_bool "$machine_id")"
facts="$facts,\"adminUsers\":[$adminUsers]"
facts="$facts,\"shellHistory\":[$shellHistory]"
facts="$facts,\"cloudInitState\":[$cloudInitState]"
facts="$facts,\"waagentState\":[$waagentState]"
facts="$facts,\"waagentInstalled\":$(json_bool "$waagent_installed")"
facts="$facts,\"waagentVersion\":$waagent_version"
facts="$facts,\"agentConfigured\":$(json_bool "$agent_configured")"
facts="$facts,\"truncatedLists\":[$truncatedLists]}"

printf 'GENIMAGE-RESULT {"script":"%s","status":"succeeded","message":%s,"facts":%s}\n' \
    "$SCRIPT_NAME" "$(json_str "$message")" "$facts"
