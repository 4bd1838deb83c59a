#!/usr/bin/env python3
"""Tables of docs/workflows.md#paper-targets from the JSON logs tests/bench/paper_targets.sh writes.

Usage: paper_table.py han|lottery LOGDIR
  han:     LOGDIR/han-seed<S>.jsonl: dense (round 0) and pruned (last round) test accuracy per seed, their mean and
           spread, the sparsity per layer, and the target (>= 91.7 % sparse, within 0.5 points of dense) met or missed.
  lottery: LOGDIR/lottery-ticket-seed<S>.jsonl and lottery-reinit-seed<S>.jsonl: per round, the weights kept, the
           ticket's and the random re-initialisation's test accuracy (mean ± sample standard deviation, min–max over
           the seeds) and their difference; the target (tickets ahead at every level past 80 % sparsity) per level.
The spread is the sample standard deviation over the seeds (n − 1); min–max is shown as well.
"""
import glob
import json
import os
import re
import statistics
import sys


def events(path, kind):
    with open(path) as f:
        return [e for e in map(json.loads, f) if e.get("event") == kind]


def seeds_of(logdir, prefix):
    found = {}
    for path in glob.glob(os.path.join(logdir, prefix + "-seed*.jsonl")):
        m = re.search(r"-seed(\d+)\.jsonl$", path)
        if m:
            found[int(m.group(1))] = path
    return dict(sorted(found.items()))


def mean_sd(values):
    m = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return m, sd


def pct(values):
    """'mean ± sd (min–max)' of accuracies given as fractions, in per cent."""
    v = [100 * x for x in values]
    m, sd = mean_sd(v)
    return f"{m:.2f} ± {sd:.2f} ({min(v):.2f}–{max(v):.2f})"


def han(logdir):
    runs = seeds_of(logdir, "han")
    if not runs:
        sys.exit(f"no han-seed*.jsonl in {logdir}")
    print("| seed | dense test acc | pruned test acc | sparsity | compression | pruned − dense |")
    print("|---:|---:|---:|---:|---:|---:|")
    dense, pruned, diffs, last_rounds = [], [], [], []
    for seed, path in runs.items():
        rounds = events(path, "round")
        d, p = rounds[0], rounds[-1]
        dense.append(d["test_accuracy"])
        pruned.append(p["test_accuracy"])
        diffs.append(p["test_accuracy"] - d["test_accuracy"])
        last_rounds.append(p)
        print(f"| {seed} | {100 * d['test_accuracy']:.2f} % | {100 * p['test_accuracy']:.2f} % | "
              f"{100 * p['sparsity']:.2f} % | {p['weights_total'] / p['weights_kept']:.1f}× | "
              f"{100 * diffs[-1]:+.2f} |")
    md, sdd = mean_sd([100 * x for x in dense])
    mp, sdp = mean_sd([100 * x for x in pruned])
    mdiff, sddiff = mean_sd([100 * x for x in diffs])
    print(f"| mean ± sd | {md:.2f} ± {sdd:.2f} % | {mp:.2f} ± {sdp:.2f} % | "
          f"{100 * last_rounds[0]['sparsity']:.2f} % | "
          f"{last_rounds[0]['weights_total'] / last_rounds[0]['weights_kept']:.1f}× | {mdiff:+.2f} ± {sddiff:.2f} |")
    print()
    seeds = list(runs)
    print("| layer | weights | " + " | ".join(f"kept, seed {s}" for s in seeds) + " | sparsity (mean) |")
    print("|---|---:|" + "---:|" * len(seeds) + "---:|")
    for i, layer in enumerate(last_rounds[0]["layers"]):
        kept = [p["layers"][i]["kept"] for p in last_rounds]
        sparsity = 100 * statistics.fmean(p["layers"][i]["sparsity"] for p in last_rounds)
        print(f"| {layer['name']} | {layer['total']} | " + " | ".join(map(str, kept)) + f" | {sparsity:.1f} % |")
    print()
    sparse_ok = all(p["sparsity"] >= 0.917 for p in last_rounds)
    worst = min(100 * x for x in diffs)
    if not sparse_ok:
        verdict = f"missed (sparsity short of 91.7 % by {100 * (0.917 - min(p['sparsity'] for p in last_rounds)):.2f})"
    elif mdiff < -0.5:
        verdict = f"missed by {-0.5 - mdiff:.2f} points"
    else:
        verdict = f"met with {mdiff + 0.5:.2f} points to spare"
    print(f"Target (>= 91.7 % sparse, pruned within 0.5 points of dense): {verdict}: "
          f"{100 * last_rounds[0]['sparsity']:.2f} % sparse, pruned − dense {mdiff:+.2f} points on average "
          f"(worst seed {worst:+.2f}) over {len(runs)} seed(s).")


def lottery(logdir):
    tickets, reinits = seeds_of(logdir, "lottery-ticket"), seeds_of(logdir, "lottery-reinit")
    seeds = sorted(set(tickets) & set(reinits))
    if not seeds:
        sys.exit(f"no pair of lottery-ticket-seed*.jsonl and lottery-reinit-seed*.jsonl in {logdir}")
    t = {s: events(tickets[s], "round") for s in seeds}
    r = {s: events(reinits[s], "round") for s in seeds}
    n = min(min(len(t[s]), len(r[s])) for s in seeds)
    print(f"Seeds {', '.join(map(str, seeds))}; test accuracy in %, mean ± sample sd (min–max).")
    print()
    print("| round | sparsity | weights kept | winning ticket (rewind to θ0) | random re-init | ticket − reinit "
          "| seeds ticket ahead |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    past80 = []
    for k in range(n):
        tk = [t[s][k]["test_accuracy"] for s in seeds]
        rk = [r[s][k]["test_accuracy"] for s in seeds]
        diff = [100 * (a - b) for a, b in zip(tk, rk)]
        md, sdd = mean_sd(diff)
        sparsity = t[seeds[0]][k]["sparsity"]
        wins = sum(d > 0 for d in diff)
        print(f"| {k} | {100 * sparsity:.1f} % | {100 * (1 - sparsity):.1f} % | {pct(tk)} | {pct(rk)} | "
              f"{md:+.2f} ± {sdd:.2f} | {wins}/{len(seeds)} |")
        if sparsity > 0.8:
            past80.append((k, sparsity, md, wins))
    print()
    ahead = [x for x in past80 if x[2] > 0]
    behind = [x for x in past80 if x[2] <= 0]
    verdict = "met" if past80 and not behind else "missed"
    print(f"Target (tickets ahead of re-init at every level past 80 % sparsity): {verdict}: ahead on the mean at "
          f"{len(ahead)} of {len(past80)} levels past 80 %"
          + ("" if not behind else ", not at " + ", ".join(f"{100 * s:.1f} % ({m:+.2f} points)"
                                                          for _, s, m, _ in behind))
          + (f"; by {min(x[2] for x in ahead):+.2f} to {max(x[2] for x in ahead):+.2f} points" if ahead else "")
          + f"; every seed ahead at {sum(w == len(seeds) for *_, w in past80)} of them.")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("han", "lottery"):
        sys.exit(__doc__)
    (han if sys.argv[1] == "han" else lottery)(sys.argv[2])


if __name__ == "__main__":
    main()
