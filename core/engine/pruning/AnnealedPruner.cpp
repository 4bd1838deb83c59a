#include "core/engine/pruning/AnnealedPruner.h"

#include "core/engine/pruning/MaskSelection.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace prunelab::engine {

AnnealedPruner::AnnealedPruner(const AnnealOptions& options) : options_(options)
{
    if (!(options.initialTemperature >= 0.0) || !(options.coupling >= 0.0))
        throw std::invalid_argument("annealing temperature and coupling must be >= 0");
    if (options.sweeps < 1 || options.sweeps > 10000)
        throw std::invalid_argument("annealing sweeps must be from 1 to 10000");
}

double AnnealedPruner::temperature(int round, int rounds) const
{
    if (rounds < 1)
        return 0.0;
    return options_.initialTemperature * double(std::max(0, rounds - round)) / double(rounds);
}

MaskSet AnnealedPruner::computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const
{
    torch::NoGradGuard noGrad;
    const auto params = prunableParameters(model);
    if (params.empty())
        throw std::invalid_argument("the model has no prunable weights");
    if (!(target.sparsity >= 0.0 && target.sparsity < 1.0))
        throw std::invalid_argument("sparsity must be in [0, 1)");

    // θ: the magnitude at the target quantile over all prunable weights; the scale: mean |w| of the live ones.
    std::vector<torch::Tensor> magnitudes;
    for (const auto& entry : params)
        magnitudes.push_back(entry.second.detach().abs().flatten().to(torch::kCPU, torch::kFloat));
    const torch::Tensor all = torch::cat(magnitudes);
    const int64_t k = std::llround(target.sparsity * double(all.numel()));
    const double theta = k > 0 ? std::get<0>(torch::kthvalue(all, k)).item<double>() : 0.0;
    const torch::Tensor live = all.masked_select(all > 0);
    const double scale = live.numel() > 0 ? live.mean().item<double>() : 1.0;
    const double T = temperature(target.round, target.rounds) * scale;
    const double J = options_.coupling * scale;

    at::Generator generator =
        at::make_generator<at::CPUGeneratorImpl>(options_.seed * 7919ULL + uint64_t(target.round));
    ScoreList scores;
    for (size_t l = 0; l < params.size(); ++l) {
        const std::string& name = params[l].first;
        const torch::Tensor w = magnitudes[l].view({params[l].second.size(0), -1}); // rows: units or filters
        torch::Tensor allowed = torch::ones_like(w);
        if (current != nullptr && current->contains(name))
            allowed = current->mask(name).to(torch::kCPU, torch::kFloat).view_as(w);
        torch::Tensor m = (w > theta).to(torch::kFloat) * allowed;
        const torch::Tensor field = w - theta; // −(θ − |w|): positive where keeping lowers the energy
        torch::Tensor parity = torch::zeros({1, w.size(1)});
        parity.slice(1, 1, w.size(1), 2).fill_(1.0);
        torch::Tensor average = torch::zeros_like(w);
        int averaged = 0;
        for (int sweep = 0; sweep < options_.sweeps; ++sweep) {
            for (double p : {0.0, 1.0}) {
                const torch::Tensor neighbours = torch::constant_pad_nd(m, {1, 1}).slice(1, 0, w.size(1)) +
                                                 torch::constant_pad_nd(m, {1, 1}).slice(1, 2, w.size(1) + 2);
                const torch::Tensor negDelta = field + J * neighbours; // −ΔE_i
                torch::Tensor proposal;
                if (T > 0.0)
                    proposal = (torch::rand(w.sizes(), generator) < torch::sigmoid(negDelta / T)).to(torch::kFloat);
                else
                    proposal = (negDelta > 0).to(torch::kFloat);
                const torch::Tensor update = (parity == p).to(torch::kFloat).expand_as(w);
                m = (m * (1 - update) + proposal * update) * allowed;
            }
            if (sweep >= options_.sweeps / 2) {
                average += m;
                ++averaged;
            }
        }
        average /= double(std::max(1, averaged));
        // Ties between equally often kept weights go to the larger magnitude.
        const torch::Tensor score = average + 1e-6 * w / (all.max().item<double>() + 1e-12);
        scores.emplace_back(name, score.view(params[l].second.sizes()));
    }
    return selectGlobal(scores, target.sparsity, current);
}

} // namespace prunelab::engine
