#!/usr/bin/env python3
"""Channel-pruned ResNet and DenseNet from prunelab-cli: the compact TorchScript (the physically smaller network that
compaction builds from the channel groups) gives the masked network's logits in Python, on real images.

Runs a ResNet-8 and a DenseNet-BC (neuron-l1, two rounds of channel pruning) on Fashion-MNIST (Debian's
dataset-fashion-mnist), exports the last round as torchscript (masked) and compact-torchscript, and requires, on the
first 64 real test images: |compact - masked| <= 1e-5, the same predicted classes, and a compact model with under
60 % of the masked one's parameters.

usage: check_graph_exports.py PRUNELAB_CLI       (exit 77 = skipped: no torch in this Python, or no Fashion-MNIST)
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    print("skipped: this Python has no torch")
    sys.exit(77)

IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
if not os.path.exists(IMAGES):
    print("skipped: dataset-fashion-mnist is not installed")
    sys.exit(77)

cli = sys.argv[1]


def run(*args):
    done = subprocess.run([cli, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"prunelab-cli {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


def real_images(count):
    with gzip.open(IMAGES, "rb") as f:
        data = f.read()
    rows, cols = int.from_bytes(data[8:12], "big"), int.from_bytes(data[12:16], "big")
    pixels = torch.frombuffer(bytearray(data[16:16 + count * rows * cols]), dtype=torch.uint8)
    return pixels.reshape(count, 1, rows, cols).float() / 255.0


ok = True
x = real_images(64)
models = {
    "resnet": ["model.arch=resnet", "model.depth=8", "model.width=0.5"],
    "densenet": ["model.arch=densenet", "model.growth=6", "model.blocks=[2,2]"],
}
with tempfile.TemporaryDirectory() as tmp:
    for name, sets in models.items():
        args = ["run", "quick-demo", "--sessions", tmp, "--name", name, "--json"]
        for s in sets + ["dataset.source=fashion-mnist", "dataset.limit_per_class=40", "dataset.image_size=[28,28]",
                         "train.epochs=1", "prune.method=neuron-l1", "prune.schedule=iterative", "prune.rounds=2",
                         "prune.rate=0.5", "prune.fine_tune_epochs=1", "device=cpu"]:
            args += ["--set", s]
        events = [json.loads(line) for line in run(*args).splitlines()]
        assert events[-1]["event"] == "done" and events[-1]["outcome"] == "completed", events[-1]
        session = events[-1]["session"]
        masked_file, compact_file = os.path.join(tmp, f"{name}-masked.pt"), os.path.join(tmp, f"{name}-compact.pt")
        run("export", session, "--format", "torchscript", "--out", masked_file)
        run("export", session, "--format", "compact-torchscript", "--out", compact_file)
        masked, compact = torch.jit.load(masked_file), torch.jit.load(compact_file)
        masked.eval()
        compact.eval()
        with torch.no_grad():
            a, b = masked(x), compact(x)
        error = (a - b).abs().max().item()
        sizes = [sum(p.numel() for p in m.parameters()) for m in (masked, compact)]
        good = error <= 1e-5 and sizes[1] < sizes[0] * 0.6 and torch.equal(a.argmax(1), b.argmax(1))
        print(f"{'PASS' if good else 'FAIL'} {name}: max |masked - compact| = {error:.3g} on 64 Fashion-MNIST test "
              f"images; parameters {sizes[0]} -> {sizes[1]}")
        ok &= good
sys.exit(0 if ok else 1)
