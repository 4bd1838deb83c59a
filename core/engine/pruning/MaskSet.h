#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

namespace prunelab::engine {

/// The parameters pruning acts on: every weight with two or more dimensions (linear and conv weights),
/// in registration order, with PyTorch-style names (`layers.0.weight`). Biases and norms are left dense.
std::vector<std::pair<std::string, torch::Tensor>> prunableParameters(torch::nn::Module& module);

struct LayerSparsity {
    std::string name;
    int64_t total = 0;
    int64_t kept = 0;
    double sparsity() const { return total > 0 ? 1.0 - static_cast<double>(kept) / static_cast<double>(total) : 0.0; }
};

/// One 0/1 mask per prunable parameter (same shape, float). A weight whose mask is 0 is pruned: it is zeroed
/// by applyTo(), its gradient is zeroed by maskGradients(), and the trainer re-applies the mask after every
/// optimiser step so fine-tuning never grows it back.
///
/// Structured pruning also masks one-dimensional parameters: the bias and the batch-norm scale and shift of every
/// removed neuron or filter, so that its output is exactly zero and nothing of it (not even a batch-norm shift)
/// reaches the next layer. Those masks are applied like the others but are not counted: the counts, the sparsity and
/// layers() are over the prunable weights (two or more dimensions) only.
class MaskSet {
public:
    void set(const std::string& name, torch::Tensor mask);
    bool empty() const { return masks_.empty(); }
    bool contains(const std::string& name) const { return masks_.count(name) != 0; }
    const torch::Tensor& mask(const std::string& name) const;
    const std::map<std::string, torch::Tensor>& masks() const { return masks_; }

    /// Multiplies every masked parameter of `module` by its mask (no autograd). Throws if a name is missing.
    void applyTo(torch::nn::Module& module) const;
    /// Multiplies the gradients of masked parameters by their masks.
    void maskGradients(torch::nn::Module& module) const;

    int64_t totalCount() const;
    int64_t keptCount() const;
    /// Fraction of masked weights that are pruned (0 when empty).
    double sparsity() const;
    /// Per parameter, in name order.
    std::vector<LayerSparsity> layers() const;

private:
    std::map<std::string, torch::Tensor> masks_;
};

} // namespace prunelab::engine
