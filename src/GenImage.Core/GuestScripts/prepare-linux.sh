# genimage-script: prepare-linux/1
#
# prepare-linux.sh - deprovision a Linux VM so that it can be captured as a generalized image.
#
# Runs as root through Azure Run Command (RunShellScript), or by hand as root.
#
# What it does, in order:
#   1. finds the Azure Linux agent: `waagent` on PATH, /usr/sbin/waagent, /usr/bin/waagent, or the
#      Python package (python3 -m azurelinuxagent.agent). Without it, the script fails and changes
#      nothing.
#   2. cloud-init, when installed: `cloud-init clean --logs --seed` (`--logs` on releases without
#      --seed), then removes leftovers under /var/lib/cloud (instance, instances).
#   3. empties the shell history of root and of every /home/* account.
#   4. schedules, 30 seconds later and outside this process (a transient systemd timer, or a
#      detached background job where systemd is not running):
#          waagent -force -deprovision+user; empty /etc/machine-id; sync; shutdown -h now
#      If the deprovision fails, the VM is NOT shut down; the reason goes to the journal
#      (tag genimage-prepare) and to /run/genimage-prepare.log.
#
# Why the deprovision is deferred: Run Command is executed by the Azure Linux agent itself, and
# `waagent -deprovision` stops that agent. Run inline, the agent is stopped before it can report
# the command's result and the Run Command never completes. Deferring it lets Run Command return
# this script's result first; the caller then waits for the VM to stop.
#
# Idempotent: running it again while a deprovision is already scheduled schedules nothing new.
# Set GENIMAGE_DEFER_SECONDS to change the 30-second delay.
#
# The last line of standard output is always:
#   GENIMAGE-RESULT {"script":"prepare-linux","status":"succeeded|failed","message":"...",
#                    "cloudInit":true|false,"waagent":"2.9.1.1"|null,"deprovision":"scheduled"|...}
#
# Portable POSIX sh (dash, busybox ash, bash).

LC_ALL=C
export LC_ALL
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export PATH

SCRIPT_NAME=prepare-linux
DEFER_SECONDS=${GENIMAGE_DEFER_SECONDS:-30}
UNIT_NAME=genimage-deprovision
LOG_FILE=/run/genimage-prepare.log

# json_str VALUE: print VALUE as a JSON string literal (quotes, backslashes and control
# characters escaped).
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

# sh_quote VALUE: VALUE as one single-quoted shell word.
sh_quote() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

cloud_init=false
waagent_version=null
deprovision=null

# finish STATUS MESSAGE: print the result line and exit (0 when succeeded, 1 when failed).
finish() {
    printf 'GENIMAGE-RESULT {"script":"%s","status":"%s","message":%s,"cloudInit":%s,"waagent":%s,"deprovision":%s}\n' \
        "$SCRIPT_NAME" "$1" "$(json_str "$2")" "$cloud_init" "$waagent_version" "$deprovision"
    if [ "$1" = succeeded ]; then exit 0; fi
    exit 1
}

if [ "$(id -u)" != 0 ]; then
    finish failed "prepare-linux must run as root (Run Command runs it as root; by hand, use sudo)."
fi

case "$DEFER_SECONDS" in '' | *[!0-9]*) DEFER_SECONDS=30 ;; esac

# --- 1. Azure Linux agent ---------------------------------------------------------------------
waagent_cmd=""
if command -v waagent >/dev/null 2>&1; then
    waagent_cmd=$(sh_quote "$(command -v waagent)")
elif [ -x /usr/sbin/waagent ]; then
    waagent_cmd=/usr/sbin/waagent
elif [ -x /usr/bin/waagent ]; then
    waagent_cmd=/usr/bin/waagent
elif command -v python3 >/dev/null 2>&1 && python3 -c 'import azurelinuxagent.agent' >/dev/null 2>&1; then
    waagent_cmd="$(sh_quote "$(command -v python3)") -m azurelinuxagent.agent"
fi
if [ -z "$waagent_cmd" ]; then
    finish failed "The Azure Linux agent (waagent) was not found (not on PATH, not in /usr/sbin or /usr/bin, no azurelinuxagent Python package). Install WALinuxAgent and run again; nothing was changed and the VM was not shut down."
fi

# "WALinuxAgent-2.9.1.1 running on ubuntu 22.04" -> 2.9.1.1
version=$(eval "$waagent_cmd -version" 2>/dev/null | sed -n 's/^WALinuxAgent-\([^ ]*\).*/\1/p' | head -n 1)
if [ -n "$version" ]; then
    waagent_version=$(json_str "$version")
else
    waagent_version=$(json_str unknown)
fi
echo "Azure Linux agent: $waagent_cmd (version ${version:-unknown})"

# Already scheduled by an earlier run? Then do not schedule a second deprovision.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ] &&
    { systemctl is-active --quiet "$UNIT_NAME.timer" 2>/dev/null || systemctl is-active --quiet "$UNIT_NAME.service" 2>/dev/null; }; then
    if command -v cloud-init >/dev/null 2>&1; then cloud_init=true; fi
    deprovision='"scheduled"'
    finish succeeded "A deprovision is already scheduled ($UNIT_NAME); nothing new was scheduled. The VM will shut down when it completes."
fi

# --- 2. cloud-init ----------------------------------------------------------------------------
if command -v cloud-init >/dev/null 2>&1; then
    cloud_init=true
    if cloud-init clean --logs --seed; then
        echo "cloud-init clean --logs --seed: done"
    elif cloud-init clean --logs; then
        echo "cloud-init clean --logs: done (this cloud-init has no --seed)"
    else
        echo "cloud-init clean is not available; removing its state by hand"
        rm -f /var/log/cloud-init.log /var/log/cloud-init-output.log
    fi
fi
for leftover in /var/lib/cloud/instance /var/lib/cloud/instances; do
    if [ -e "$leftover" ] || [ -L "$leftover" ]; then
        rm -rf "$leftover" && echo "removed $leftover"
    fi
done

# --- 3. shell history -------------------------------------------------------------------------
for f in /root/.bash_history /home/*/.bash_history; do
    if [ -f "$f" ] && [ -s "$f" ]; then
        : > "$f" && echo "emptied $f"
    fi
done

# --- 4. deferred deprovision and shutdown ---------------------------------------------------
job_dir=/run
[ -d "$job_dir" ] && [ -w "$job_dir" ] || job_dir=/tmp
job_file="$job_dir/genimage-deprovision.sh"
[ -d /run ] || LOG_FILE=/dev/null

cat > "$job_file" <<EOF
#!/bin/sh
# Deferred part of GenImage prepare-linux: deprovision, then shut down. Removes itself.
exec >>$(sh_quote "$LOG_FILE") 2>&1
rm -f $(sh_quote "$job_file")
echo "\$(date -u) waagent -force -deprovision+user"
if $waagent_cmd -force -deprovision+user; then
    # An empty machine-id makes systemd generate a new one on the first boot of each copy.
    if [ -f /etc/machine-id ]; then : > /etc/machine-id; fi
    if [ -f /var/lib/dbus/machine-id ] && [ ! -L /var/lib/dbus/machine-id ]; then rm -f /var/lib/dbus/machine-id; fi
    sync
    logger -t genimage-prepare "deprovision complete; shutting down" 2>/dev/null
    shutdown -h now || poweroff || halt -p
else
    rc=\$?
    logger -t genimage-prepare "waagent deprovision failed (exit \$rc); the VM is left running" 2>/dev/null
    echo "waagent deprovision failed (exit \$rc); the VM is left running"
fi
EOF
chmod 700 "$job_file"

scheduled=""
if command -v systemd-run >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl reset-failed "$UNIT_NAME.service" "$UNIT_NAME.timer" >/dev/null 2>&1
    if systemd-run --unit="$UNIT_NAME" --description="GenImage deprovision and shutdown" \
        --on-active="$DEFER_SECONDS" /bin/sh "$job_file"; then
        scheduled="a systemd timer ($UNIT_NAME.timer)"
    fi
fi
if [ -z "$scheduled" ]; then
    # No systemd: a detached job that outlives this script and its process group.
    detach=""
    if command -v setsid >/dev/null 2>&1; then detach=setsid; fi
    $detach nohup /bin/sh -c "sleep $DEFER_SECONDS; exec /bin/sh $(sh_quote "$job_file")" </dev/null >/dev/null 2>&1 &
    if kill -0 "$!" 2>/dev/null; then
        scheduled="a background job"
    fi
fi
if [ -z "$scheduled" ]; then
    rm -f "$job_file"
    finish failed "Could not schedule the deprovision (neither systemd-run nor a background job could be started); cloud-init state and shell history were cleaned, waagent deprovision was not run and the VM was not shut down."
fi

deprovision='"scheduled"'
sync
finish succeeded "Cleaned cloud-init state and shell history. waagent -force -deprovision+user and a shutdown run in $DEFER_SECONDS seconds through $scheduled, after Run Command has returned; the VM stops when the deprovision succeeds (if it fails the VM keeps running; see the journal, tag genimage-prepare)."
