#!/bin/bash
# The paper targets of docs/workflows.md#paper-targets, measured on Debian's Fashion-MNIST (dataset-fashion-mnist):
# the full 60,000 training images (a saved split with every image in training, none held out) and the 10,000-image
# test split, LeNet-300-100, one run per seed (`--set seed=S`), then the tables (tests/bench/paper_table.py).
#
#   tests/bench/paper_targets.sh [han|lottery|all] [OUTDIR]     # default: all, /tmp/paper-targets
#   SEEDS="1 2 3" CLI=build/ci/app/prunelab-cli tests/bench/paper_targets.sh
#
# han:     Han et al. 2015: tests/bench/fashion-mnist-han-12x.json: 20 dense epochs (Adam, cosine, L2 3e-4), then
#          8 rounds of global magnitude pruning (27 % of the remaining weights each, to 91.9 % sparse, 12.4x), each
#          fine-tuned 4 epochs; target: within 0.5 points of the dense test accuracy (round 0 of the same run).
# lottery: Frankle & Carbin 2019: the lottery-ticket-lenet preset on the full set, 17 rounds (to 97.7 % sparsity),
#          against its random-reinit control; target: tickets beat re-initialisation at every level past 80 %.
# Runs already in OUTDIR (a complete JSON log) are not run again. Not part of ctest: about 3 minutes per run on one
# core. Each run uses one thread (OMP_NUM_THREADS=1; this small model trains as fast as on two).
set -euo pipefail
what=${1:-all}
out=${2:-/tmp/paper-targets}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cli=${CLI:-$root/build/ci/app/prunelab-cli}
seeds=${SEEDS:-1 2 3}
mkdir -p "$out/logs" "$out/sessions"
# A copy of the binary, so that a rebuild in the tree cannot swap it under a running experiment.
[ -x "$out/prunelab-cli" ] || cp "$cli" "$out/prunelab-cli"
cli=$out/prunelab-cli
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

# Every training image in training: PruneLab's split.val must be > 0, a saved split may hold no validation image.
split=$out/full-train-split.json
[ -f "$split" ] || python3 -c "import json, sys; json.dump({'format': 'prunelab-split', 'version': 1, 'seed': '0', \
'train': list(range(60000)), 'validation': [], 'test': []}, open(sys.argv[1], 'w'))" "$split"
full=(--set dataset.source=fashion-mnist --set dataset.limit_per_class=0 --set "dataset.split.file=$split")

run() { # run LOGNAME RECIPE ARGS...: one session, its JSON log without the per-batch events
    local log=$out/logs/$1.jsonl
    shift
    if [ -s "$log" ] && grep -q '"event":"done"' "$log"; then return; fi
    echo "$(date -u +%H:%M:%S) prunelab-cli run $*" >&2
    "$cli" run "$@" --sessions "$out/sessions" --json | grep -v '"event":"batch"' > "$log.part"
    mv "$log.part" "$log"
}

if [ "$what" = han ] || [ "$what" = all ]; then
    for s in $seeds; do
        run "han-seed$s" "$here/fashion-mnist-han-12x.json" "${full[@]}" --set seed=$s
    done
    python3 "$here/paper_table.py" han "$out/logs"
fi

if [ "$what" = lottery ] || [ "$what" = all ]; then
    for s in $seeds; do
        run "lottery-ticket-seed$s" lottery-ticket-lenet "${full[@]}" --set prune.rounds=17 --set seed=$s
        run "lottery-reinit-seed$s" lottery-ticket-lenet "${full[@]}" --set prune.rounds=17 --set seed=$s \
            --set prune.control=random-reinit
    done
    python3 "$here/paper_table.py" lottery "$out/logs"
fi
