#include "core/engine/structured/NeuronNormPruner.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

NeuronNormPruner::NeuronNormPruner(int p) : p_(p)
{
    if (p != 1 && p != 2)
        throw std::invalid_argument("neuron norm pruning takes the L1 or the L2 norm, got p = " + std::to_string(p));
}

std::vector<torch::Tensor> NeuronNormPruner::unitScores(ClassifierImpl& model,
                                                        const std::vector<UnitGroup>& groups) const
{
    torch::NoGradGuard noGrad;
    const auto params = model.named_parameters(/*recurse=*/true);
    std::vector<torch::Tensor> scores;
    for (const UnitGroup& group : groups)
        scores.push_back(params[group.weight].detach().flatten(1).norm(p_, 1).to(torch::kCPU, torch::kFloat));
    return scores;
}

std::vector<torch::Tensor> NeuronNormPruner::channelScores(ClassifierImpl& model,
                                                           const std::vector<ChannelGroup>& groups) const
{
    return producerNormScores(model, groups, p_);
}

} // namespace prunelab::engine
