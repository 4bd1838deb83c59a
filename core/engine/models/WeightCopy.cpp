#include "core/engine/models/WeightCopy.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

WeightCopy copyWeights(torch::nn::Module& model)
{
    torch::NoGradGuard noGrad;
    WeightCopy copy;
    for (const auto& p : model.parameters())
        copy.push_back(p.detach().clone());
    for (const auto& b : model.buffers())
        copy.push_back(b.detach().clone());
    return copy;
}

void loadWeights(torch::nn::Module& model, const WeightCopy& weights)
{
    torch::NoGradGuard noGrad;
    size_t i = 0;
    for (auto& p : model.parameters())
        p.copy_(weights.at(i++));
    for (auto& b : model.buffers())
        b.copy_(weights.at(i++));
    if (i != weights.size())
        throw std::invalid_argument("weights copied from another architecture");
}

} // namespace prunelab::engine
