"""Reference for `prunelab-cli bench prune`: torch.nn.utils.prune.global_unstructured (L1, the seeds' call) over the
weights of fresh linear layers of the given shapes; prints the median seconds of REPEATS calls as one JSON line.
Usage: prune_reference.py --layers 49152x256,256x256,... --sparsity 0.9 --repeats 3"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
from torch.nn.utils import prune

ap = argparse.ArgumentParser()
ap.add_argument("--layers", required=True)
ap.add_argument("--sparsity", type=float, required=True)
ap.add_argument("--repeats", type=int, default=3)
a = ap.parse_args()
shapes = [tuple(int(v) for v in s.split("x")) for s in a.layers.split(",")]
times = []
for r in range(a.repeats):
    torch.manual_seed(r)
    layers = [nn.Linear(i, o) for i, o in shapes]
    start = time.perf_counter()
    prune.global_unstructured([(l, "weight") for l in layers], pruning_method=prune.L1Unstructured, amount=a.sparsity)
    times.append(time.perf_counter() - start)
print(json.dumps({"seconds": statistics.median(times), "weights": sum(i * o for i, o in shapes),
                  "threads": torch.get_num_threads()}))
