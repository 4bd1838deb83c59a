#include "core/engine/pruning/RandomPruner.h"

#include "core/engine/pruning/MaskSelection.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace prunelab::engine {

MaskSet RandomPruner::computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const
{
    // A fresh stream per call, keyed by the seed and how much is already pruned, so each round draws anew but
    // a rerun draws the same.
    const int64_t alreadyPruned = current != nullptr ? current->totalCount() - current->keptCount() : 0;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed_ * 1000003ULL + uint64_t(alreadyPruned));
    ScoreList scores;
    for (auto& [name, weight] : prunableParameters(model))
        scores.emplace_back(name, torch::rand(weight.sizes(), generator, torch::kFloat));
    return selectGlobal(scores, target.sparsity, current);
}

} // namespace prunelab::engine
