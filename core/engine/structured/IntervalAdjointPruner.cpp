#include "core/engine/structured/IntervalAdjointPruner.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

IntervalAdjointPruner::IntervalAdjointPruner(torch::Tensor inputs, torch::Tensor labels, AdjointOutput output)
    : inputs_(std::move(inputs)), labels_(std::move(labels)), output_(output)
{
    if (!inputs_.defined() || inputs_.size(0) == 0)
        throw std::invalid_argument("interval adjoint pruning needs a non-empty calibration set");
    if (output_ == AdjointOutput::Loss && (!labels_.defined() || labels_.size(0) != inputs_.size(0)))
        throw std::invalid_argument("interval adjoint pruning of the loss needs one label per calibration input");
}

torch::Tensor IntervalAdjointPruner::significance(const torch::Tensor& aLo, const torch::Tensor& aHi,
                                                  const torch::Tensor& gLo, const torch::Tensor& gHi)
{
    return torch::stack({(aLo * gLo).abs(), (aLo * gHi).abs(), (aHi * gLo).abs(), (aHi * gHi).abs()}).amax(0);
}

std::vector<torch::Tensor> IntervalAdjointPruner::unitScores(ClassifierImpl& model,
                                                             const std::vector<UnitGroup>& groups) const
{
    (void)groups;
    const UnitCalibration c = calibrateUnits(model, inputs_, labels_, output_);
    std::vector<torch::Tensor> scores;
    for (size_t g = 0; g < c.activationMin.size(); ++g)
        scores.push_back(significance(c.activationMin[g], c.activationMax[g], c.adjointMin[g], c.adjointMax[g]));
    return scores;
}

} // namespace prunelab::engine
