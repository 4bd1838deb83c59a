#!/usr/bin/env bash
# README command 1: install the dependencies, build a release, and open PruneLab on the built-in demo dataset.
# Extra arguments go to the app (e.g. --autostart, --epochs 20, --screenshot shot.png).
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
cmake --preset release
cmake --build --preset release
exec ./build/release/app/prunelab --demo "$@"
