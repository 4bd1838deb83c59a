#!/usr/bin/env python3
"""PruneLab's masks against torch.nn.utils.prune on the same weights.

Runs dump_masks (a C++ program built with the engine), loads its file with torch.load, prunes the same weights
with torch.nn.utils.prune.global_unstructured(L1Unstructured) and l1_unstructured, and requires identical masks.
Exits 77 (CTest: skipped) when Python's torch is not installed.
"""
import os
import subprocess
import sys
import tempfile

try:
    import torch
    import torch.nn as nn
    import torch.nn.utils.prune as prune
except ImportError:
    print("python3-torch is not installed: skipped")
    sys.exit(77)


def model_with(weights):
    layers = nn.ModuleList()
    for i in range(3):
        w = weights[f"weight/layers.{i}.weight"]
        linear = nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            linear.weight.copy_(w)
            linear.bias.copy_(weights[f"weight/layers.{i}.bias"])
        layers.append(linear)
    return layers


def check(name, ours, theirs):
    if not torch.equal(ours.float(), theirs.float()):
        diff = int((ours.float() != theirs.float()).sum())
        print(f"FAIL {name}: {diff} of {ours.numel()} mask entries differ")
        return False
    print(f"PASS {name}: {int((ours == 0).sum())} of {ours.numel()} pruned, identical to torch.nn.utils.prune")
    return True


def main():
    dump = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "masks.pt")
        subprocess.run([dump, path], check=True)
        data = torch.load(path)

    ok = True
    for amount in (0.9, 0.5):
        layers = model_with(data)
        prune.global_unstructured([(l, "weight") for l in layers], pruning_method=prune.L1Unstructured, amount=amount)
        for i, l in enumerate(layers):
            ok &= check(f"global-magnitude {amount} layers.{i}", data[f"global-{amount}/layers.{i}.weight"], l.weight_mask)

    layers = model_with(data)
    for i, l in enumerate(layers):
        prune.l1_unstructured(l, "weight", amount=0.1 if i == 2 else 0.2)
        ok &= check(f"layer-magnitude layers.{i}", data[f"layer-0.2-0.1/layers.{i}.weight"], l.weight_mask)

    passed = "passed" if ok else "failed"
    print(f"interop: {passed}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
