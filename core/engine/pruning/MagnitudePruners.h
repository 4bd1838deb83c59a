#pragma once

#include "core/engine/pruning/Pruner.h"

namespace prunelab::engine {

/// `global-magnitude`: the smallest |w| over all layers together, exactly the target count (the pruning lecture).
/// Matches torch.nn.utils.prune.global_unstructured(L1Unstructured) except that no layer is ever emptied.
class GlobalMagnitudePruner : public Pruner {
public:
    explicit GlobalMagnitudePruner(bool keepOnePerLayer = true) : keepOnePerLayer_(keepOnePerLayer) {}
    MaskSet computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const override;

private:
    bool keepOnePerLayer_;
};

/// `layer-magnitude`: the smallest |w| of each layer at the layer's own rate, the output layer at its own
/// (the lottery-ticket workflow: 20 % of the hidden weights and 10 % of the output weights per round). Matches
/// torch.nn.utils.prune.l1_unstructured applied layer by layer.
class LayerMagnitudePruner : public Pruner {
public:
    MaskSet computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const override;
};

/// `threshold`: keeps |w| > t and prunes the rest, whatever sparsity that gives (the MRI threshold sweep tries t = 0.5
/// and 1.0). t is PruneTarget::threshold when that is set (a sweep), else the constructor's; the target sparsity is
/// ignored.
class ThresholdPruner : public Pruner {
public:
    explicit ThresholdPruner(double threshold = 0.0);
    bool sweepsThresholds() const override { return true; }
    MaskSet computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const override;

private:
    double threshold_;
};

} // namespace prunelab::engine
