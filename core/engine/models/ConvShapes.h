#pragma once

#include "core/engine/models/Classifier.h"

#include <torch/nn/modules/container/sequential.h>

#include <string>

#include <vector>

namespace prunelab::engine {

/// Runs a dummy input of channels×height×width through `features` and returns, for each Conv2d in order, the number
/// of output positions (H_out·W_out) it produced, then 1 for each of the linear layers after them, up to
/// `prunableCount` entries: ClassifierImpl::positionsPerWeight of a conv stack followed by linear layers.
std::vector<int64_t> convOutputPositions(torch::nn::Sequential& features, int64_t channels, int64_t height,
                                         int64_t width, size_t prunableCount);

/// Runs `x` through `sequential`, appending to `outputs` the output of every ReLU and, when `keepLast`, the final
/// output: the per-layer activations of a conv/linear stack whose prunable layers are each followed by a ReLU.
torch::Tensor collectActivations(torch::nn::Sequential& sequential, torch::Tensor x,
                                 std::vector<torch::Tensor>& outputs, bool keepLast);

/// Runs `x` through `sequential`, passing the output of every ReLU to `probe` with the running index `layer` (which it
/// advances) and continuing with what the probe returns: ClassifierImpl::forwardProbed of a conv/linear stack.
torch::Tensor probeSequential(torch::nn::Sequential& sequential, torch::Tensor x, const LayerProbe& probe,
                              size_t& layer);

/// The ForwardSteps of a stack of Conv2d, BatchNorm2d, ReLU, MaxPool2d and Linear modules registered as `prefix`.
/// Throws std::logic_error for any other module.
std::vector<ForwardStep> sequentialSteps(const torch::nn::Sequential& sequential, const std::string& prefix);

} // namespace prunelab::engine
