#!/usr/bin/env bash
# Checks what is committed, not what is built: no tracked file over 1 MiB outside docs/, no build output tracked,
# and every C++ file formatted with the repository's .clang-format. Run by ctest (test "repository_tree") and by hand:
#   bash packaging/check-tree.sh            # from anywhere inside the checkout
set -euo pipefail
cd "$(dirname "$0")/.."

if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "check-tree: not a git checkout, nothing to check"
    exit 0
fi

failed=0
limit=$((1024 * 1024))

# 1. Large files: screenshots in docs/ may be big; anything else over 1 MiB is data or build output by mistake.
while IFS= read -r -d '' f; do
    [ -f "$f" ] || continue
    size=$(stat -c %s "$f")
    if [ "$size" -gt "$limit" ] && [[ "$f" != docs/* ]]; then
        echo "check-tree: $f is $size bytes (over 1 MiB outside docs/): keep data and exports out of the repository"
        failed=1
    fi
done < <(git ls-files -z)

# 2. Build output: object files, libraries, CMake caches, exported models and sessions never belong in git.
build_output=$(git ls-files | grep -E '(^|/)(build|build-[^/]*)/|(^|/)CMakeCache\.txt$|(^|/)CMakeFiles/|\.(o|obj|a|so|so\.[0-9.]+|pt|pth|ptl|ckpt)$|(^|/)compile_commands\.json$' || true)
if [ -n "$build_output" ]; then
    echo "check-tree: build output or exported models are tracked:"
    echo "$build_output" | sed 's/^/    /'
    failed=1
fi

# 3. Formatting: clang-format (Debian's 14) with .clang-format at the root; fix with
#      git ls-files '*.cpp' '*.h' | xargs clang-format -i
if command -v clang-format >/dev/null 2>&1; then
    # One clang-format process over every file (fast); the files it complains about, from its messages.
    messages=$(git ls-files -z '*.cpp' '*.h' | xargs -0 clang-format --dry-run --Werror 2>&1 >/dev/null || true)
    unformatted=$(printf '%s\n' "$messages" | grep -oE '^[^:]+\.(cpp|h):[0-9]+:[0-9]+: (error|warning)' |
        cut -d: -f1 | sort -u || true)
    if [ -n "$unformatted" ]; then
        echo "check-tree: $(printf '%s\n' "$unformatted" | wc -l) file(s) not clang-formatted (git ls-files '*.cpp' '*.h' | xargs clang-format -i):"
        printf '%s\n' "$unformatted" | sed 's/^/    /'
        failed=1
    elif printf '%s' "$messages" | grep -q .; then
        echo "check-tree: clang-format failed:"
        printf '%s\n' "$messages" | head -20
        failed=1
    fi
else
    echo "check-tree: clang-format is not installed, formatting not checked (packaging/install-deps.sh installs it)"
fi

if [ "$failed" -eq 0 ]; then
    echo "check-tree: ok ($(git ls-files | wc -l) tracked files)"
fi
exit "$failed"
