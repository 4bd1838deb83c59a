#include "core/engine/pruning/NmPruner.h"

#include <torch/torch.h>

#include <stdexcept>
#include <string>

namespace prunelab::engine {

NmPruner::NmPruner(int n, int m) : n_(n), m_(m)
{
    if (n < 1 || m > 64 || n >= m)
        throw std::invalid_argument("prune.nm must be [n, m] with 1 <= n < m <= 64, got [" + std::to_string(n) + ", " +
                                    std::to_string(m) + "]");
}

namespace {

/// The weight as rows whose consecutive entries are the input dimension: [out, in] as it is, [out, in, kh, kw] as
/// [out·kh·kw, in]. `back` undoes it.
torch::Tensor inputRows(const torch::Tensor& w)
{
    if (w.dim() == 2)
        return w;
    std::vector<int64_t> order{0};
    for (int64_t d = 2; d < w.dim(); ++d)
        order.push_back(d);
    order.push_back(1);
    return w.permute(order).reshape({-1, w.size(1)});
}

torch::Tensor back(const torch::Tensor& rows, const torch::Tensor& like)
{
    if (like.dim() == 2)
        return rows;
    std::vector<int64_t> permuted{like.size(0)}; // [out, kh, kw, in]
    for (int64_t d = 2; d < like.dim(); ++d)
        permuted.push_back(like.size(d));
    permuted.push_back(like.size(1));
    std::vector<int64_t> order{0, like.dim() - 1}; // back to [out, in, kh, kw]
    for (int64_t d = 1; d < like.dim() - 1; ++d)
        order.push_back(d);
    return rows.reshape(permuted).permute(order).contiguous();
}

} // namespace

MaskSet NmPruner::computeMasks(ClassifierImpl& model, const PruneTarget& /*target*/, const MaskSet* current) const
{
    torch::NoGradGuard noGrad;
    MaskSet masks;
    for (auto& [name, weight] : prunableParameters(model)) {
        const torch::Tensor w = weight.detach().to(torch::kFloat);
        torch::Tensor alive = torch::ones_like(w);
        if (current != nullptr && current->contains(name))
            alive = current->mask(name).to(w.device(), torch::kFloat);
        // Pruned weights score below every live one: they are kept only where a group has fewer than n live weights,
        // and multiplying by `alive` below prunes them again.
        torch::Tensor score = inputRows(torch::where(alive > 0, w.abs(), torch::full_like(w, -1.0)));
        const int64_t rows = score.size(0);
        const int64_t width = score.size(1);
        const int64_t groups = (width + m_ - 1) / m_;
        const int64_t padded = groups * m_;
        if (padded > width) // padding never wins a place against a real weight
            score = torch::cat({score, torch::full({rows, padded - width}, -2.0, score.options())}, 1);
        const torch::Tensor grouped = score.reshape({rows, groups, m_});
        const torch::Tensor top = std::get<1>(grouped.topk(n_, /*dim=*/2));
        torch::Tensor keep = torch::zeros_like(grouped).scatter_(2, top, 1.0).reshape({rows, padded});
        keep = keep.narrow(1, 0, width);
        masks.set(name, back(keep, w).mul_(alive));
    }
    return masks;
}

} // namespace prunelab::engine
