#include "core/engine/GlobalMagnitudePruner.h"

#include <torch/torch.h>

#include <cmath>
#include <stdexcept>

namespace prunelab::engine {

MaskSet GlobalMagnitudePruner::computeMasks(torch::nn::Module& model, double sparsity) const
{
    if (!(sparsity >= 0.0 && sparsity < 1.0))
        throw std::invalid_argument("sparsity must be in [0, 1), got " + std::to_string(sparsity));
    torch::NoGradGuard noGrad;
    const auto params = prunableParameters(model);
    if (params.empty())
        throw std::invalid_argument("the model has no prunable weights");

    std::vector<torch::Tensor> magnitudes;
    magnitudes.reserve(params.size());
    for (const auto& entry : params)
        magnitudes.push_back(entry.second.detach().abs().flatten());
    const torch::Tensor all = torch::cat(magnitudes);
    const int64_t total = all.numel();
    const auto k = static_cast<int64_t>(std::llround(sparsity * static_cast<double>(total)));

    torch::Tensor flatMask = torch::ones({total}, all.options());
    if (k > 0) {
        // topk returns exactly k indices: ties at the threshold cannot push sparsity off target.
        const torch::Tensor smallest = std::get<1>(torch::topk(all, k, /*dim=*/0, /*largest=*/false, /*sorted=*/false));
        flatMask.index_fill_(0, smallest, 0.0);
    }

    MaskSet masks;
    int64_t offset = 0;
    for (const auto& [name, param] : params) {
        const int64_t n = param.numel();
        masks.set(name, flatMask.narrow(0, offset, n).view(param.sizes()).clone());
        offset += n;
    }
    return masks;
}

} // namespace prunelab::engine
