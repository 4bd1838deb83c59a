#pragma once

#include <torch/types.h>

#include <string>

namespace prunelab::engine {

/// Resolves a recipe's device name: `auto` (CUDA when this LibTorch build and machine have it, else CPU),
/// `cpu`, `cuda` or `cuda:N`. Throws std::invalid_argument for an unknown name or an unavailable CUDA.
torch::Device resolveDevice(const std::string& name);

/// "cpu" or "cuda:0 (NVIDIA H100 …)": what a person sees in the log.
std::string describeDevice(const torch::Device& device);

} // namespace prunelab::engine
