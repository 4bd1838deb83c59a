#pragma once

#include "core/engine/pruning/MaskSelection.h"
#include "core/engine/pruning/Pruner.h"

#include <torch/types.h>

namespace prunelab::engine {

/// `grasp` (Wang et al., 2020, "Picking winning tickets before training by preserving gradient flow"): on one batch
/// of training images, g = ∂L/∂θ, Hg by double backprop (the gradient of gᵀ·∂L/∂θ with g held constant), and each
/// weight scores S = −θ ⊙ Hg. The weights with the highest S are removed, globally, exactly the target count.
///
/// The sign: removing weight q (δ = −θ_q·e_q) changes the squared gradient norm ‖g‖², whose gradient is 2Hg, by about
/// δᵀ·2Hg = −2θ_q(Hg)_q = 2·S_q. A high S is a weight whose removal keeps (even raises) the gradient flow, so the
/// highest S go and the lowest, whose removal would choke the flow most, stay. That is the paper's Algorithm 1
/// ("remove the top p fraction") and the authors' reference code (Alecwangcq/GraSP, pruner/GraSP.py: scores
/// `-θ·(Hg)`, `topk` of them is removed, the mask keeps `score <= threshold`). As there, the logits are divided by a
/// temperature
/// (200) so that the softmax at initialisation is not saturated and Hg is not vanishingly small. The reference
/// also re-initialises linear layers (Xavier) before scoring; this pruner scores the model as it is.
/// `inputs` must be normalised as the model sees them; `labels` int64. The model is left as it was (the forward
/// passes in training mode update batch-norm statistics, which are put back).
class GraspPruner : public Pruner {
public:
    GraspPruner(torch::Tensor inputs, torch::Tensor labels, double temperature = 200.0);
    MaskSet computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const override;

    /// S = −θ ⊙ Hg of every prunable weight, in the model's dtype.
    ScoreList scores(ClassifierImpl& model) const;

private:
    torch::Tensor inputs_;
    torch::Tensor labels_;
    double temperature_;
};

} // namespace prunelab::engine
