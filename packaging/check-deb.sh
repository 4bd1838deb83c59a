#!/usr/bin/env bash
# Builds the .deb from a built build folder and checks it as a lab administrator meets it: lintian (no errors),
# desktop-file-validate, appstreamcli validate, man pages that render without warnings, the bash completion, its
# dependencies resolvable by apt, and the installed programs run from a scratch root (--version, a short recipe).
# Run by ctest (test "debian_package") and by hand:  bash packaging/check-deb.sh build/ci
set -euo pipefail
build=$(realpath "${1:?usage: check-deb.sh BUILD_DIR}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "check-deb: $*"; failed=1; }

for tool in cpack dpkg-deb lintian desktop-file-validate appstreamcli man; do
    command -v "$tool" >/dev/null || { echo "check-deb: $tool is missing (bash packaging/install-deps.sh installs it)"; exit 1; }
done

# 1. The package, from the build's install rules.
rm -f "$build"/prunelab_*.deb
if ! (cd "$build" && cpack -G DEB >"$work/cpack.log" 2>&1); then
    cat "$work/cpack.log"
    exit 1
fi
deb=$(ls "$build"/prunelab_*.deb)
echo "check-deb: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"
dpkg-deb --field "$deb" Version Architecture Section Installed-Size Depends Recommends | sed 's/^/    /'
dpkg-deb --contents "$deb" | awk '{print "    " $6}' | grep -v '/$' || true

# 2. lintian: no errors (warnings and notes are printed).
lintian --allow-root --fail-on error --display-level '>=warning' "$deb" || fail "lintian reports errors"

# 3. The files as installed, in a scratch root.
root="$work/root"
dpkg-deb -x "$deb" "$root"
desktop-file-validate "$root/usr/share/applications/io.github.prunelab.PruneLab.desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net --pedantic "$root/usr/share/metainfo/io.github.prunelab.PruneLab.metainfo.xml" ||
    fail "appstreamcli validate"
for page in prunelab prunelab-cli; do
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -l "$root/usr/share/man/man1/$page.1.gz" 2>&1 >/dev/null || true)
    [ -z "$warnings" ] || fail "man $page: $warnings"
done
bash -n "$root/usr/share/bash-completion/completions/prunelab-cli" || fail "the bash completion does not parse"

# 4. The installed programs run: --version, and a short recipe from the installed prunelab-cli.
export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
"$root/usr/bin/prunelab-cli" --version || fail "prunelab-cli --version"
"$root/usr/bin/prunelab" --version || fail "prunelab --version (no display needed)"
if session=$("$root/usr/bin/prunelab-cli" run quick-demo --quiet --set train.epochs=1 --set dataset.demo_per_class=12 \
    --set dataset.image_size=[32,32] --set prune.fine_tune_epochs=1); then
    [ -f "$session/state.json" ] && grep -q '"completed"' "$session/state.json" ||
        fail "the installed prunelab-cli's session $session did not complete"
    echo "check-deb: installed prunelab-cli ran quick-demo into $session"
else
    fail "the installed prunelab-cli could not run quick-demo"
fi

# 5. Its dependencies resolve from this machine's apt sources (a simulation: nothing is installed).
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get install --simulate --no-install-recommends "$deb" >"$work/apt.log" 2>&1 ||
        { cat "$work/apt.log"; fail "apt cannot install the package's dependencies"; }
fi

[ "$failed" -eq 0 ] && echo "check-deb: ok"
exit "$failed"
