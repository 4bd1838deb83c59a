#pragma once

#include "core/engine/pruning/MaskSelection.h"
#include "core/engine/pruning/Pruner.h"

#include <cstdint>
#include <vector>

namespace prunelab::engine {

/// `synflow` (Tanaka et al., 2020, "Pruning neural networks without any data by iteratively conserving synaptic
/// flow"): data-free. Every parameter and buffer is replaced by its absolute value, an all-ones input of the model's
/// input shape (one sample, double precision so deep nets do not overflow) goes through the network in eval mode,
/// R is the sum of the output, and each weight scores |θ ⊙ ∂R/∂θ|. The scores are recomputed with the masks so far
/// applied over `iterations` steps whose kept fraction shrinks exponentially, from the current density d0 to the
/// target's d: after step k, d0 · (d/d0)^(k/n) (from a dense model: sparsity 1 − (1 − s)^(k/n)). The model is left
/// exactly as it was (weights, signs, buffers, dtype, train/eval mode). Exactly the target count, globally.
class SynflowPruner : public Pruner {
public:
    /// `inputShape` is {C, H, W}. Throws std::invalid_argument for a bad shape or iterations < 1.
    SynflowPruner(std::vector<int64_t> inputShape, int iterations);
    MaskSet computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const override;

    /// The synaptic-flow score |θ ⊙ ∂R/∂θ| of every prunable weight (double), with `masks` applied first
    /// (nullptr or empty: none).
    ScoreList scores(ClassifierImpl& model, const MaskSet* masks) const;

private:
    std::vector<int64_t> inputShape_;
    int iterations_;
};

} // namespace prunelab::engine
