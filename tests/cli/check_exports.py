#!/usr/bin/env python3
"""prunelab-cli export: state-dict and masks files that Python's torch.load reads as dicts of tensors with
PyTorch-style names; the masked weights are zero exactly where the mask is 0; csv, report and bundle are written.

usage: check_exports.py PRUNELAB_CLI       (exit 77 = skipped: no torch in this Python)
"""
import json
import os
import subprocess
import sys
import tempfile
import zipfile

try:
    import torch
except ImportError:
    print("skipped: this Python has no torch")
    sys.exit(77)

cli = sys.argv[1]


def run(*args):
    done = subprocess.run([cli, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"prunelab-cli {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


with tempfile.TemporaryDirectory() as tmp:
    out = run("run", "quick-demo", "--sessions", tmp, "--name", "export-check", "--json",
              "--set", "dataset.demo_per_class=20", "--set", "dataset.image_size=[32,32]",
              "--set", "train.epochs=1", "--set", "prune.schedule=iterative", "--set", "prune.rounds=2",
              "--set", "prune.rate=0.5", "--set", "prune.fine_tune_epochs=1")
    events = [json.loads(line) for line in out.splitlines()]
    assert events[-1]["event"] == "done" and events[-1]["outcome"] == "completed", events[-1]
    session = events[-1]["session"]
    last = [e for e in events if e["event"] == "round"][-1]
    assert os.path.basename(session).endswith("_export-check"), session

    model_file = os.path.join(tmp, "model.pt")
    masks_file = os.path.join(tmp, "masks.pt")
    run("export", session, "--format", "state-dict", "--out", model_file)
    run("export", session, "--format", "masks", "--out", masks_file, "--round", "last")
    state = torch.load(model_file)
    masks = torch.load(masks_file)
    assert isinstance(state, dict) and isinstance(masks, dict), (type(state), type(masks))
    assert list(state) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                           "layers.2.weight", "layers.2.bias"], list(state)
    assert sorted(masks) == ["layers.0.weight", "layers.1.weight", "layers.2.weight"], list(masks)
    kept = 0
    for name, mask in masks.items():
        weight = state[name]
        assert mask.shape == weight.shape and mask.dtype == torch.float32, name
        assert set(mask.unique().tolist()) <= {0.0, 1.0}, name
        assert torch.all(weight[mask == 0] == 0), f"{name}: pruned weights are not zero"
        kept += int(mask.sum().item())
    assert kept == last["weights_kept"], (kept, last["weights_kept"])

    # A plain PyTorch model of the same shape loads the state dict and predicts.
    net = torch.nn.Sequential()
    net.layers = torch.nn.ModuleList([torch.nn.Linear(32 * 32, 256), torch.nn.Linear(256, 128), torch.nn.Linear(128, 4)])
    net.load_state_dict(state)

    run("export", session, "--format", "csv", "--out", os.path.join(tmp, "csv"))
    with open(os.path.join(tmp, "csv", "rounds.csv")) as f:
        rows = f.read().splitlines()
    assert len(rows) == 1 + 3 and rows[0].startswith("round,"), rows
    report = os.path.join(tmp, "report.html")
    run("export", session, "--format", "report", "--out", report)
    with open(report) as f:
        html = f.read()
    assert "<svg" in html and "confusion matrix" in html and "macro F1" in html
    bundle = os.path.join(tmp, "bundle.zip")
    run("export", session, "--format", "bundle", "--out", bundle)
    names = zipfile.ZipFile(bundle).namelist()
    top = os.path.basename(session)
    for needed in ("recipe.json", "state.json", "metrics.jsonl", "rounds/2/model.pt", "rounds/2/masks.pt"):
        assert f"{top}/{needed}" in names, (needed, names)
    with zipfile.ZipFile(bundle) as z, open(os.path.join(session, "rounds/2/model.pt"), "rb") as f:
        assert z.read(f"{top}/rounds/2/model.pt") == f.read()
print("exports load in torch", torch.__version__)
