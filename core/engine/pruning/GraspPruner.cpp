#include "core/engine/pruning/GraspPruner.h"

#include "core/engine/models/WeightCopy.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

GraspPruner::GraspPruner(torch::Tensor inputs, torch::Tensor labels, double temperature)
    : inputs_(std::move(inputs)), labels_(std::move(labels)), temperature_(temperature)
{
    if (!inputs_.defined() || inputs_.size(0) == 0 || inputs_.size(0) != labels_.size(0))
        throw std::invalid_argument("GraSP needs a non-empty batch with one label per input");
    if (!(temperature_ > 0.0))
        throw std::invalid_argument("GraSP needs a positive temperature");
}

ScoreList GraspPruner::scores(ClassifierImpl& model) const
{
    const auto params = prunableParameters(model);
    if (params.empty())
        throw std::invalid_argument("the model has no prunable weights");
    const torch::Device device = params.front().second.device();
    const torch::ScalarType dtype = params.front().second.scalar_type();
    const WeightCopy saved = copyWeights(model); // batch-norm statistics move with each forward pass in training mode
    torch::AutoGradMode gradients(true);
    std::vector<torch::Tensor> weights;
    for (const auto& entry : params)
        weights.push_back(entry.second);
    const torch::Tensor inputs = inputs_.to(device, dtype);
    const torch::Tensor labels = labels_.to(device);
    const auto loss = [&] {
        return torch::nn::functional::cross_entropy(model.forward(inputs) / temperature_, labels);
    };
    const auto orZeros = [&](const std::vector<torch::Tensor>& grads, size_t i) {
        return grads[i].defined() ? grads[i] : torch::zeros_like(weights[i]);
    };

    ScoreList result;
    try {
        // g, held constant.
        const std::vector<torch::Tensor> g = torch::autograd::grad({loss()}, weights, {}, false, false, true);
        // Hg = ∂(gᵀ·∂L/∂θ)/∂θ: a second backward pass through the first one's graph.
        const std::vector<torch::Tensor> first = torch::autograd::grad({loss()}, weights, {}, true, true, true);
        torch::Tensor z = torch::zeros({}, inputs.options());
        for (size_t i = 0; i < weights.size(); ++i)
            if (first[i].defined())
                z = z + (orZeros(g, i).detach() * first[i]).sum();
        std::vector<torch::Tensor> hg;
        if (z.requires_grad())
            hg = torch::autograd::grad({z}, weights, {}, false, false, true);
        else // a model whose loss is linear in every weight: H = 0
            hg.resize(weights.size());

        for (size_t i = 0; i < params.size(); ++i)
            result.emplace_back(params[i].first, -(weights[i].detach() * orZeros(hg, i).detach()));
    } catch (...) {
        loadWeights(model, saved);
        throw;
    }
    loadWeights(model, saved);
    return result;
}

MaskSet GraspPruner::computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const
{
    // selectGlobal prunes the lowest scores: hand it −S so that the highest S go.
    ScoreList negated = scores(model);
    for (auto& entry : negated)
        entry.second = -entry.second;
    return selectGlobal(negated, target.sparsity, current);
}

} // namespace prunelab::engine
