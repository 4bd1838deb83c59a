#include "core/engine/pruning/SnipPruner.h"

#include "core/engine/pruning/MaskSelection.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

SnipPruner::SnipPruner(torch::Tensor inputs, torch::Tensor labels)
    : inputs_(std::move(inputs)), labels_(std::move(labels))
{
    if (!inputs_.defined() || inputs_.size(0) == 0 || inputs_.size(0) != labels_.size(0))
        throw std::invalid_argument("SNIP needs a non-empty batch with one label per input");
}

MaskSet SnipPruner::computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const
{
    auto params = prunableParameters(model);
    const torch::Device device = params.empty() ? torch::Device(torch::kCPU) : params.front().second.device();
    // Gradients of the loss w.r.t. the prunable weights only, without touching the model's .grad fields.
    std::vector<torch::Tensor> weights;
    for (auto& entry : params)
        weights.push_back(entry.second);
    const torch::Tensor loss =
        torch::nn::functional::cross_entropy(model.forward(inputs_.to(device)), labels_.to(device));
    const std::vector<torch::Tensor> grads = torch::autograd::grad({loss}, weights);
    ScoreList scores;
    for (size_t i = 0; i < params.size(); ++i)
        scores.emplace_back(params[i].first, (weights[i].detach() * grads[i]).abs());
    return selectGlobal(scores, target.sparsity, current);
}

} // namespace prunelab::engine
