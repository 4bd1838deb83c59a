#pragma once

#include "core/engine/structured/StructuredPruner.h"

namespace prunelab::engine {

/// `interval-adjoint` (the interval-adjoint workflow's thesis, "Interval-Adjoint Sensitivity Guided Neural Network
/// Pruning").
///
/// For each hidden unit j, over the calibration inputs (and, for a filter, over all its output positions):
///   A_j = [min a_j, max a_j]             the value interval of the unit's output a_j (after its ReLU),
///   G_j = [min ∂y/∂a_j, max ∂y/∂a_j]     the adjoint interval, y the sum of the logits (default) or the loss,
///   S_j = max |A_j · G_j|                under interval multiplication:
///       A·G = [min P, max P] with P = {a_lo·g_lo, a_lo·g_hi, a_hi·g_lo, a_hi·g_hi}, so S_j = max over P of |p|.
/// S_j bounds how much y can move through unit j anywhere in the observed range; the lowest S_j are removed.
/// `inputs` normalised as the model sees them; `labels` (int64) needed only for AdjointOutput::Loss.
class IntervalAdjointPruner : public StructuredPruner {
public:
    IntervalAdjointPruner(torch::Tensor inputs, torch::Tensor labels, AdjointOutput output = AdjointOutput::Logits);
    std::vector<torch::Tensor> unitScores(ClassifierImpl& model, const std::vector<UnitGroup>& groups) const override;

    /// S = max |A·G| for intervals A = [aLo, aHi], G = [gLo, gHi] (elementwise over tensors of the same shape).
    static torch::Tensor significance(const torch::Tensor& aLo, const torch::Tensor& aHi, const torch::Tensor& gLo,
                                      const torch::Tensor& gHi);

private:
    torch::Tensor inputs_;
    torch::Tensor labels_;
    AdjointOutput output_;
};

} // namespace prunelab::engine
