#!/bin/sh
# genimage-probe: linux/1
# Runs inside the validation VM through Run Command: proves the image booted and provisioned.
status=failed
if [ -f /var/lib/waagent/provisioned ] || cloud-init status 2>/dev/null | grep -q done; then status=succeeded; fi
echo "GENIMAGE-RESULT {\"probe\":\"linux\",\"status\":\"$status\"}"
