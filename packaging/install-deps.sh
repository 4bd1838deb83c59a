#!/usr/bin/env bash
# Installs everything PruneLab needs to build, test and run on Debian bookworm (run as root, or with sudo).
# Idempotent: packages already present are skipped by apt; `apt-get update` runs only when a package is missing.
set -euo pipefail

packages=(
    # build tools
    build-essential cmake ninja-build pkg-config ccache
    # formatting check (packaging/check-tree.sh, run by ctest)
    clang-format
    # Qt 6 Widgets, Charts (needs the OpenGL dev packages to configure), SVG export, offscreen/xcb platform plugins
    qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev libegl-dev qt6-svg-dev qt6-qpa-plugins
    # TIFF and WebP headers for the dataset loader (QImageReader reads the declared size before decoding)
    qt6-image-formats-plugins
    # LibTorch, OpenCV, QuaZip
    libtorch-dev libopencv-dev libquazip1-qt6-dev zlib1g-dev
    # libjpeg-turbo's TurboJPEG API: JPEGs decoded to Y/Cb/Cr planes, twice as fast on gray scans saved as colour
    libturbojpeg0-dev
    # optimised BLAS: about three times faster training than the reference BLAS libtorch links by default
    libopenblas0-pthread
    # NIfTI volumes as a dataset source (the library made for the format)
    libnifti2-dev
    # real data for tests and benchmarks, no download at run time; Colin27 T1 for the demo dataset
    dataset-fashion-mnist mricron-data
    # tests only: interoperability checks against Python PyTorch (never used by the product)
    python3 python3-torch python3-torchvision
    # fonts for readable charts and screenshots
    fonts-dejavu-core
    # the .deb (cpack's dpkg-shlibdeps is in dpkg-dev, from build-essential) and its checks (packaging/check-deb.sh);
    # man renders the man pages that tests compare with --help; script (bsdutils) gives the CLI a terminal in tests
    lintian desktop-file-utils appstream man-db bsdutils
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages already installed"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
