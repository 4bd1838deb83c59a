#!/usr/bin/env bash
# Renders the application icon's PNG sizes from its SVG, for the hicolor icon theme (resources/CMakeLists.txt
# installs them). Run after changing resources/icons/io.github.prunelab.PruneLab.svg, then commit the PNGs:
#   bash packaging/render-icons.sh          # needs rsvg-convert: apt-get install -y librsvg2-bin
set -euo pipefail
cd "$(dirname "$0")/.."

app_id=io.github.prunelab.PruneLab
svg=resources/icons/$app_id.svg
sizes=(16 24 32 48 64 128 256)

if ! command -v rsvg-convert >/dev/null 2>&1; then
    echo "render-icons: rsvg-convert is missing (apt-get install -y librsvg2-bin)" >&2
    exit 1
fi

for n in "${sizes[@]}"; do
    dir=resources/icons/hicolor/${n}x${n}/apps
    mkdir -p "$dir"
    rsvg-convert --width "$n" --height "$n" --keep-aspect-ratio "$svg" --output "$dir/$app_id.png"
    # Smaller files without changing a pixel, where optipng is installed.
    if command -v optipng >/dev/null 2>&1; then
        optipng -quiet -o5 -strip all "$dir/$app_id.png"
    fi
    echo "render-icons: $dir/$app_id.png ($(stat -c %s "$dir/$app_id.png") bytes)"
done
