#pragma once

#include "core/engine/pruning/Pruner.h"

#include <torch/types.h>

namespace prunelab::engine {

/// `snip` (Lee et al., 2019): connection sensitivity |w · ∂L/∂w| on a batch of training data, usually at
/// initialisation; the least sensitive connections over all layers are pruned, exactly the target count.
/// `inputs` must be normalised as the model sees them; `labels` int64.
class SnipPruner : public Pruner {
public:
    SnipPruner(torch::Tensor inputs, torch::Tensor labels);
    MaskSet computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const override;

private:
    torch::Tensor inputs_;
    torch::Tensor labels_;
};

} // namespace prunelab::engine
