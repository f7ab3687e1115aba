#!/usr/bin/env bash
# Runs the GenImage fault suite (Release): recipes killed at every step boundary and inside each irreversible step,
# and runs under seeded transient faults; prints runs, clean end state, resumes needed, leaks, duplicates.
# See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/GenImage.FaultSuite > /dev/null
dotnet bench/GenImage.FaultSuite/bin/Release/net10.0/GenImage.FaultSuite.dll "$@"
