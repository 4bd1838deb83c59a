#include "core/engine/pruning/MaskSelection.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace prunelab::engine {

namespace {

void checkSparsity(double sparsity, const char* what)
{
    if (!(sparsity >= 0.0 && sparsity < 1.0))
        throw std::invalid_argument(std::string(what) + " must be in [0, 1), got " + std::to_string(sparsity));
}

/// Scores flattened, with weights already pruned pushed below every live weight.
torch::Tensor effectiveScores(const std::string& name, const torch::Tensor& score, const MaskSet* current)
{
    torch::Tensor flat = score.detach().flatten().to(torch::kFloat).clone();
    if (current != nullptr && current->contains(name))
        flat.masked_fill_(current->mask(name).flatten().to(flat.device()) == 0,
                          -std::numeric_limits<float>::infinity());
    return flat;
}

/// A 0/1 mask of `n` ones with the k lowest-scoring positions zeroed. topk returns exactly k indices, so ties at
/// the threshold cannot push the count off target.
torch::Tensor pruneLowest(const torch::Tensor& flatScores, int64_t k)
{
    torch::Tensor mask = torch::ones({flatScores.numel()}, flatScores.options());
    if (k > 0) {
        const torch::Tensor lowest = std::get<1>(torch::topk(flatScores, k, 0, /*largest=*/false, /*sorted=*/false));
        mask.index_fill_(0, lowest, 0.0);
    }
    return mask;
}

/// A target below the current sparsity must not revive weights: what was pruned stays pruned.
torch::Tensor keepPruned(const std::string& name, torch::Tensor mask, const MaskSet* current)
{
    if (current != nullptr && current->contains(name))
        mask.mul_(current->mask(name).to(mask.device(), mask.scalar_type()));
    return mask;
}

} // namespace

MaskSet selectGlobal(const ScoreList& scores, double sparsity, const MaskSet* current, bool keepOnePerLayer)
{
    checkSparsity(sparsity, "sparsity");
    if (scores.empty())
        throw std::invalid_argument("the model has no prunable weights");
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> flats;
    for (const auto& [name, score] : scores) {
        torch::Tensor flat = effectiveScores(name, score, current);
        if (keepOnePerLayer)
            flat.index_fill_(0, flat.argmax(), std::numeric_limits<float>::infinity());
        flats.push_back(flat);
    }
    const torch::Tensor all = torch::cat(flats);
    const int64_t total = all.numel();
    int64_t k = std::llround(sparsity * static_cast<double>(total));
    if (keepOnePerLayer)
        k = std::min<int64_t>(k, total - static_cast<int64_t>(scores.size()));
    const torch::Tensor flatMask = pruneLowest(all, k);

    MaskSet masks;
    int64_t offset = 0;
    for (const auto& [name, score] : scores) {
        const int64_t n = score.numel();
        masks.set(name, keepPruned(name, flatMask.narrow(0, offset, n).view(score.sizes()).clone(), current));
        offset += n;
    }
    return masks;
}

MaskSet selectPerLayer(const ScoreList& scores, double sparsity, double outputSparsity, const MaskSet* current)
{
    checkSparsity(sparsity, "sparsity");
    checkSparsity(outputSparsity, "output sparsity");
    torch::NoGradGuard noGrad;
    MaskSet masks;
    for (size_t i = 0; i < scores.size(); ++i) {
        const auto& [name, score] = scores[i];
        const double s = i + 1 == scores.size() ? outputSparsity : sparsity;
        const int64_t n = score.numel();
        const int64_t k = std::min<int64_t>(std::llround(s * static_cast<double>(n)), n - 1);
        masks.set(name,
                  keepPruned(name, pruneLowest(effectiveScores(name, score, current), k).view(score.sizes()), current));
    }
    return masks;
}

} // namespace prunelab::engine
