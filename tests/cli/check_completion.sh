#!/usr/bin/env bash
# The bash completion written by `prunelab-cli completion bash` completes what a person types: commands, options of
# the command, preset names, recipe keys after --set, methods after prune.method=, and session folders.
# usage: check_completion.sh PRUNELAB_CLI COMPLETION_SCRIPT
set -uo pipefail
cli=$(realpath "$1")
script=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# `prunelab-cli list --paths` (called by the completion) must find the cli, and the sessions of a scratch home.
mkdir -p "$work/bin"
ln -s "$cli" "$work/bin/prunelab-cli"
export PATH="$work/bin:$PATH" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
session=$("$cli" run quick-demo --quiet --set train.epochs=0 --set prune.schedule=none \
    --set dataset.demo_per_class=4 --set dataset.image_size=[16,16]) || { echo "could not make a session"; exit 1; }

# shellcheck source=/dev/null
source "$script" || { echo "the completion script does not load"; exit 1; }
failed=0
# expect LINE WORD...: completing at the end of LINE offers each WORD (as bash would insert it).
expect() {
    local line=$1 word
    shift
    COMP_LINE=$line COMP_POINT=${#line}
    COMPREPLY=()
    _prunelab_cli
    for word in "$@"; do
        if ! printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$word"; then
            echo "completing '$line': expected '$word' among: ${COMPREPLY[*]:0:12}"
            failed=1
        fi
    done
}
# refuse LINE WORD: completing LINE must not offer WORD.
refuse() {
    COMP_LINE=$1 COMP_POINT=${#1}
    COMPREPLY=()
    _prunelab_cli
    if printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$2"; then
        echo "completing '$1': '$2' offered but should not be"
        failed=1
    fi
}

expect "prunelab-cli " run resume validate export presets methods dataset bench completion
expect "prunelab-cli re" resume
refuse "prunelab-cli re" run
expect "prunelab-cli run " quick-demo lottery-ticket-lenet pruning-strategies-compare
expect "prunelab-cli run quick-demo --q" --quiet
expect "prunelab-cli run quick-demo --" --set --json --quiet --sessions --grid --shard --from
expect "prunelab-cli run quick-demo --set train.ep" train.epochs=
expect "prunelab-cli run quick-demo --set prune.nm" prune.nm=
# bash splits the word at '=', so it inserts the value alone.
expect "prunelab-cli run quick-demo --set prune.method=glo" global-magnitude
expect "prunelab-cli run quick-demo --set prune.schedule=lot" lottery
expect "prunelab-cli export SESSION --format comp" compact-torchscript
expect "prunelab-cli resume " "$session"
expect "prunelab-cli validate $work/da" "$work/data"
expect "prunelab-cli dataset " summarize export demo
expect "prunelab-cli dataset summarize --" --json --image-size --color --no-cache
expect "prunelab-cli bench " train infer prune decode memory all
expect "prunelab-cli presets " show
expect "prunelab-cli presets show lec" lecture-global-magnitude
expect "prunelab-cli list --" --paths --json --sessions

[ "$failed" -eq 0 ] && echo "bash completion: ok"
exit "$failed"
