#!/usr/bin/env bash
# README command 2: install the dependencies, build (CI preset: release, warnings are errors) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
start=$(date +%s)
cmake --preset ci
cmake --build --preset ci
echo "build: $(( $(date +%s) - start )) s"
ctest --preset ci
