#include "core/engine/pruning/MagnitudePruners.h"

#include "core/engine/pruning/MaskSelection.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

namespace {

ScoreList magnitudes(ClassifierImpl& model)
{
    ScoreList scores;
    for (auto& [name, weight] : prunableParameters(model))
        scores.emplace_back(name, weight.detach().abs());
    return scores;
}

} // namespace

MaskSet GlobalMagnitudePruner::computeMasks(ClassifierImpl& model, const PruneTarget& target,
                                            const MaskSet* current) const
{
    return selectGlobal(magnitudes(model), target.sparsity, current, keepOnePerLayer_);
}

MaskSet LayerMagnitudePruner::computeMasks(ClassifierImpl& model, const PruneTarget& target,
                                           const MaskSet* current) const
{
    return selectPerLayer(magnitudes(model), target.sparsity,
                          target.outputSparsity < 0.0 ? target.sparsity : target.outputSparsity, current);
}

ThresholdPruner::ThresholdPruner(double threshold) : threshold_(threshold)
{
    if (!(threshold >= 0.0))
        throw std::invalid_argument("threshold must be >= 0, got " + std::to_string(threshold));
}

MaskSet ThresholdPruner::computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const
{
    const double threshold = target.threshold >= 0.0 ? target.threshold : threshold_;
    torch::NoGradGuard noGrad;
    MaskSet masks;
    for (auto& [name, weight] : prunableParameters(model)) {
        torch::Tensor mask = (weight.detach().abs() > threshold).to(torch::kFloat);
        if (current != nullptr && current->contains(name))
            mask.mul_(current->mask(name).to(mask.device()));
        masks.set(name, mask);
    }
    return masks;
}

} // namespace prunelab::engine
