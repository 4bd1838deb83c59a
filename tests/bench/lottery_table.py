#!/usr/bin/env python3
"""Markdown table of a lottery-ticket run against its random-reinit control, from `prunelab-cli run … --json` logs.

Usage: lottery_table.py WINNING.jsonl CONTROL.jsonl
"""
import json
import sys


def rounds(path):
    with open(path) as f:
        return [e for e in map(json.loads, f) if e.get("event") == "round"]


def main():
    ticket, control = rounds(sys.argv[1]), rounds(sys.argv[2])
    print("| round | weights kept | test acc, winning ticket (rewind to θ0) | test acc, random re-init |")
    print("|---:|---:|---:|---:|")
    for t, c in zip(ticket, control):
        kept = 100.0 * (1.0 - t["sparsity"])
        print(f"| {t['round']} | {kept:.1f} % | {100 * t['test_accuracy']:.2f} % | {100 * c['test_accuracy']:.2f} % |")


if __name__ == "__main__":
    main()
