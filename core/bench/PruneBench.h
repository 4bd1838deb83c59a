#pragma once

#include "core/bench/BenchReport.h"

namespace prunelab::bench {

/// `prunelab-cli bench prune`: time to compute and apply one global magnitude mask over the MRI threshold sweep's MLP
/// (12.6 M weights) against torch.nn.utils.prune.global_unstructured(L1Unstructured) on the same layer shapes, in the
/// same run.
struct PruneBenchOptions {
    double sparsity = 0.9;
    int repeats = 3; ///< median of this many
    bool reference = true;
};

BenchReport runPruneBench(const PruneBenchOptions& options);

} // namespace prunelab::bench
