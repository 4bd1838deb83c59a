#!/usr/bin/env bash
# prunelab-cli's terminal conventions, through a pseudo-terminal (script(1)) where a terminal matters:
# --quiet prints the session folder alone; --json and --quiet together are refused (exit 2); errors go to stderr as
# "prunelab-cli: …"; the progress bar is drawn only on a terminal, green unless NO_COLOR, without control sequences
# on TERM=dumb; a pipe gets no escape sequence at all.
# usage: check_terminal.sh PRUNELAB_CLI
set -uo pipefail
cli=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
small=(--set train.epochs=2 --set prune.schedule=none --set dataset.demo_per_class=8 --set dataset.image_size=[16,16])
failed=0
fail() { echo "check-terminal: $*"; failed=1; }
esc=$'\033'

# --quiet: one line, the session folder, which holds a completed run.
out=$("$cli" run quick-demo --quiet "${small[@]}" 2>"$work/err")
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [ -f "$out/state.json" ] || fail "--quiet printed '$out'"
[ -s "$work/err" ] && fail "--quiet wrote to stderr: $(cat "$work/err")"

# --json with --quiet: refused with the reason.
"$cli" run quick-demo --json --quiet >/dev/null 2>"$work/err"
[ $? -eq 2 ] || fail "--json --quiet did not exit 2"
grep -qx "prunelab-cli: --json and --quiet exclude each other" "$work/err" || fail "--json --quiet said: $(cat "$work/err")"

# An error: on stderr, prefixed, nothing on stdout, exit 2.
out=$("$cli" resume "$work/nothing-here" 2>"$work/err")
[ $? -eq 2 ] || fail "resume of a missing folder did not exit 2"
[ -z "$out" ] || fail "an error printed on stdout: $out"
grep -q "^prunelab-cli: .*nothing-here" "$work/err" || fail "the error was: $(cat "$work/err")"

# Piped: plain lines, no escape sequence.
"$cli" run quick-demo "${small[@]}" >"$work/piped" 2>&1
grep -q "$esc" "$work/piped" && fail "escape sequences in piped output"
grep -q "^session: " "$work/piped" || fail "no session line in piped output"

# On a terminal (script gives the command a pseudo-terminal): a green bar, red error prefix...
on_tty() { script -qec "$1" /dev/null; }
TERM=xterm on_tty "'$cli' run quick-demo ${small[*]}" >"$work/tty" 2>&1
grep -q "${esc}\[32m#" "$work/tty" || fail "no green progress bar on a terminal"
grep -q "%  ETA" "$work/tty" || fail "no progress bar on a terminal"
TERM=xterm on_tty "'$cli' resume '$work/nothing-here'" >"$work/tty-error" 2>&1
grep -q "${esc}\[1;31mprunelab-cli:${esc}\[0m " "$work/tty-error" || fail "no coloured error prefix on a terminal"
# ... no colour with NO_COLOR, but the bar still ...
NO_COLOR=1 TERM=xterm on_tty "'$cli' run quick-demo ${small[*]}" >"$work/tty-nocolor" 2>&1
grep -q "${esc}\[[0-9;]*m" "$work/tty-nocolor" && fail "colour despite NO_COLOR"
grep -q "%  ETA" "$work/tty-nocolor" || fail "no progress bar with NO_COLOR"
NO_COLOR=1 TERM=xterm on_tty "'$cli' resume '$work/nothing-here'" >"$work/tty-nocolor-error" 2>&1
grep -q "${esc}" "$work/tty-nocolor-error" && fail "colour in an error despite NO_COLOR"
# ... and on a dumb terminal no control sequence at all.
TERM=dumb on_tty "'$cli' run quick-demo ${small[*]}" >"$work/tty-dumb" 2>&1
grep -q "${esc}" "$work/tty-dumb" && fail "control sequences on TERM=dumb"
grep -q "%  ETA" "$work/tty-dumb" || fail "no progress bar on TERM=dumb"

[ "$failed" -eq 0 ] && echo "terminal conventions: ok"
exit "$failed"
