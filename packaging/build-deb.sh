#!/usr/bin/env bash
# The package route for a lab: install the build dependencies, build a release without the tests (preset "package"),
# and make one .deb (build/package/prunelab_VERSION_ARCH.deb). Install it on each PC with
#   apt install ./prunelab_*.deb
# which brings its library dependencies and, by default, its recommendations (the demo's MRI, Fashion-MNIST,
# OpenBLAS). Checking the package as CI does: bash packaging/check-deb.sh build/package
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
cmake --preset package
cmake --build --preset package
cpack --preset deb
ls -l build/package/prunelab_*.deb
