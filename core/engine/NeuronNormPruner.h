#pragma once

#include "core/engine/StructuredPruner.h"

namespace prunelab::engine {

/// `neuron-l1` (p = 1) and its L2 variant (p = 2): a unit's significance is the p-norm of its incoming weights
/// (a linear layer's row, a convolution's whole filter), as in Li et al., "Pruning Filters for Efficient ConvNets".
class NeuronNormPruner : public StructuredPruner {
public:
    explicit NeuronNormPruner(int p = 1);
    std::string name() const override { return p_ == 1 ? "neuron-l1" : "neuron-l2"; }
    std::vector<torch::Tensor> unitScores(ClassifierImpl& model, const std::vector<UnitGroup>& groups) const override;

private:
    int p_;
};

} // namespace prunelab::engine
