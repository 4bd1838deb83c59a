#pragma once

#include "core/engine/structured/StructuredPruner.h"

namespace prunelab::engine {

/// `neuron-l1` (p = 1) and its L2 variant (p = 2): a unit's significance is the p-norm of its incoming weights
/// (a linear layer's row, a convolution's whole filter), as in Li et al., "Pruning Filters for Efficient ConvNets".
class NeuronNormPruner : public StructuredPruner {
public:
    explicit NeuronNormPruner(int p = 1);
    std::vector<torch::Tensor> unitScores(ClassifierImpl& model, const std::vector<UnitGroup>& groups) const override;
    /// The p-norm of the channel's filters in every producer of its group (producerNormScores).
    std::vector<torch::Tensor> channelScores(ClassifierImpl& model,
                                             const std::vector<ChannelGroup>& groups) const override;

private:
    int p_;
};

} // namespace prunelab::engine
