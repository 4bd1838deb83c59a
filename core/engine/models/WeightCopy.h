#pragma once

#include <torch/nn/module.h>

#include <vector>

namespace prunelab::engine {

/// Every parameter and buffer (batch-norm statistics too) of a model, deep-copied: to rewind to, restart from,
/// or restore the best epoch.
using WeightCopy = std::vector<torch::Tensor>;

WeightCopy copyWeights(torch::nn::Module& model);
/// Copies `weights` back into `model` (same architecture) in place, so optimisers and masks stay attached.
void loadWeights(torch::nn::Module& model, const WeightCopy& weights);

} // namespace prunelab::engine
