#include "core/engine/pruning/MaskSet.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

std::vector<std::pair<std::string, torch::Tensor>> prunableParameters(torch::nn::Module& module)
{
    std::vector<std::pair<std::string, torch::Tensor>> result;
    for (const auto& item : module.named_parameters(/*recurse=*/true)) {
        if (item.value().dim() >= 2)
            result.emplace_back(item.key(), item.value());
    }
    return result;
}

void MaskSet::set(const std::string& name, torch::Tensor mask)
{
    masks_[name] = std::move(mask);
}

const torch::Tensor& MaskSet::mask(const std::string& name) const
{
    const auto it = masks_.find(name);
    if (it == masks_.end())
        throw std::out_of_range("no mask for parameter '" + name + "'");
    return it->second;
}

namespace {

template <typename Fn>
void forEachMasked(const std::map<std::string, torch::Tensor>& masks, torch::nn::Module& module, Fn fn)
{
    const auto params = module.named_parameters(/*recurse=*/true);
    for (const auto& [name, mask] : masks) {
        const torch::Tensor* param = params.find(name);
        if (param == nullptr)
            throw std::invalid_argument("mask for '" + name + "' does not match any parameter of the model");
        if (!param->sizes().equals(mask.sizes()))
            throw std::invalid_argument("mask for '" + name + "' has a different shape than the parameter");
        fn(*param, mask);
    }
}

} // namespace

void MaskSet::applyTo(torch::nn::Module& module) const
{
    torch::NoGradGuard noGrad;
    forEachMasked(masks_, module, [](const torch::Tensor& param, const torch::Tensor& mask) {
        param.mul_(mask.to(param.device(), param.scalar_type()));
    });
}

void MaskSet::maskGradients(torch::nn::Module& module) const
{
    torch::NoGradGuard noGrad;
    forEachMasked(masks_, module, [](const torch::Tensor& param, const torch::Tensor& mask) {
        torch::Tensor grad = param.grad();
        if (grad.defined())
            grad.mul_(mask.to(grad.device(), grad.scalar_type()));
    });
}

int64_t MaskSet::totalCount() const
{
    int64_t total = 0;
    for (const auto& entry : masks_)
        total += entry.second.dim() >= 2 ? entry.second.numel() : 0;
    return total;
}

int64_t MaskSet::keptCount() const
{
    int64_t kept = 0;
    for (const auto& entry : masks_)
        kept += entry.second.dim() >= 2 ? entry.second.count_nonzero().item<int64_t>() : 0;
    return kept;
}

double MaskSet::sparsity() const
{
    const int64_t total = totalCount();
    return total > 0 ? 1.0 - static_cast<double>(keptCount()) / static_cast<double>(total) : 0.0;
}

std::vector<LayerSparsity> MaskSet::layers() const
{
    std::vector<LayerSparsity> result;
    for (const auto& [name, mask] : masks_)
        if (mask.dim() >= 2)
            result.push_back({name, mask.numel(), mask.count_nonzero().item<int64_t>()});
    return result;
}

} // namespace prunelab::engine
