#!/usr/bin/env bash
# Runs the GenImage benchmarks (Release) and writes bench/results.md. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/GenImage.Bench -- --out bench/results.md "$@"
