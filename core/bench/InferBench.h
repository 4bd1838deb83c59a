#pragma once

#include "core/bench/BenchReport.h"

#include <string>
#include <vector>

namespace prunelab::bench {

/// `prunelab-cli bench infer`: latency of one pruned MLP at batch 1 and 64, dense (LibTorch, the masked model as
/// trained) vs unstructured sparse through SparseNetwork (90, 95, 98 % of the weights removed by global magnitude;
/// the kernels of the instruction set picked at run time, then every one the processor runs, and the kernels alone
/// without tensors) vs structurally compacted (half of each hidden layer's neurons removed by L1 norm, then
/// compactModel), all in the same run. The compact model's speedup is set against its reduction in multiply-adds.
/// Then the first two convolutions of LeNet-5 (28×28) and of VGG-11 at width 1/4 (3×32×32), each pruned by magnitude
/// to the same sparsities: LibTorch's conv2d vs SparseConv2d, one thread each.
struct InferBenchOptions {
    std::string model = "lenet-300-100"; ///< lenet-300-100 | mlp-003 | mlp-000
    std::vector<double> sparsities{0.90, 0.95, 0.98};
    double structuredSparsity = 0.5; ///< fraction of each hidden layer's neurons the compact model drops
    int repeats = 200;               ///< timed forward passes per case at batch 1 (fewer at 64), median reported
};

std::vector<BenchReport> runInferBench(const InferBenchOptions& options);

} // namespace prunelab::bench
