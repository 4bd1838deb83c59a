#pragma once

#include "core/engine/structured/StructuredPruner.h"

namespace prunelab::engine {

/// `neuron-taylor` (Molchanov et al., 2017): a unit's significance is the first-order Taylor estimate of the loss
/// change when it is removed, |a_j · ∂L/∂a_j| (for a filter, the product averaged over its positions before the
/// absolute value), averaged over the calibration inputs. `inputs` normalised as the model sees them, `labels` int64.
class NeuronTaylorPruner : public StructuredPruner {
public:
    NeuronTaylorPruner(torch::Tensor inputs, torch::Tensor labels);
    std::vector<torch::Tensor> unitScores(ClassifierImpl& model, const std::vector<UnitGroup>& groups) const override;

private:
    torch::Tensor inputs_;
    torch::Tensor labels_;
};

} // namespace prunelab::engine
