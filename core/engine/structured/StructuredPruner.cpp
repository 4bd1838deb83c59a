#include "core/engine/structured/StructuredPruner.h"

#include "core/engine/models/GraphNet.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace prunelab::engine {

namespace {

/// 1 for each of the `count` best-scoring alive units, 0 for the rest: removed units first out; among the alive,
/// higher score first; ties to the lower index.
torch::Tensor keepBest(const torch::Tensor& scores, const torch::Tensor& alive, int64_t count, const std::string& what)
{
    const int64_t units = alive.numel();
    const torch::Tensor s = scores.to(torch::kCPU, torch::kFloat).contiguous();
    if (s.numel() != units)
        throw std::logic_error("structured pruner: wrong number of scores for " + what);
    const float* score = s.data_ptr<float>();
    const torch::Tensor live = alive.to(torch::kCPU, torch::kFloat).contiguous();
    const float* isLive = live.data_ptr<float>();
    std::vector<int64_t> order(static_cast<size_t>(units));
    std::iota(order.begin(), order.end(), 0);
    const auto key = [&](int64_t j) {
        const float v = score[j];
        return isLive[j] == 0.0f ? -std::numeric_limits<double>::infinity()
                                 : (std::isnan(v) ? -std::numeric_limits<double>::max() : double(v));
    };
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return key(a) > key(b); });
    torch::Tensor k = torch::zeros({units});
    for (int64_t i = 0; i < count; ++i)
        k[order[size_t(i)]] = 1.0;
    return k;
}

/// How many of `units` (of which `aliveCount` are alive) a layer or group keeps for `target` (its g-th).
int64_t keptCount(const PruneTarget& target, size_t g, int64_t units, int64_t aliveCount, const std::string& what)
{
    if (target.roundTo < 1)
        throw std::invalid_argument("prune.round_to must be at least 1");
    if (target.roundTo > units)
        throw std::invalid_argument("prune.round_to (" + std::to_string(target.roundTo) + ") is larger than " + what +
                                    " (" + std::to_string(units) + " units)");
    int64_t count =
        target.keepUnits.empty() ? std::llround((1.0 - target.sparsity) * double(units)) : target.keepUnits[g];
    count = (std::max<int64_t>(count, 1) + target.roundTo - 1) / target.roundTo * target.roundTo;
    return std::clamp<int64_t>(count, 1, std::max<int64_t>(1, std::min(units, aliveCount)));
}

} // namespace

std::vector<torch::Tensor> StructuredPruner::channelScores(ClassifierImpl& model,
                                                           const std::vector<ChannelGroup>& groups) const
{
    // The criteria that read activations and gradients score every probed layer of the graph (GraphNet's
    // forwardProbed); removing a channel removes it from each of its producers, so its score is their sum.
    auto* graph = dynamic_cast<GraphNetImpl*>(&model);
    if (graph == nullptr)
        throw std::logic_error("channel scores are for graph networks");
    const std::vector<torch::Tensor> perLayer = unitScores(model, {});
    const std::vector<size_t> probed = graph->probedSteps();
    if (perLayer.size() != probed.size())
        throw std::logic_error("structured pruner: one score vector per probed layer expected");
    std::vector<torch::Tensor> scores;
    for (const ChannelGroup& group : groups) {
        torch::Tensor score = torch::zeros({group.size});
        for (const ChannelUse& producer : group.producers) {
            const auto at = std::find(probed.begin(), probed.end(), producer.step);
            if (at == probed.end())
                throw std::logic_error("structured pruner: a producer of a channel group is not probed");
            score += perLayer[size_t(at - probed.begin())].to(torch::kCPU, torch::kFloat);
        }
        scores.push_back(score);
    }
    return scores;
}

MaskSet StructuredPruner::computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const
{
    if (!(target.sparsity >= 0.0 && target.sparsity < 1.0))
        throw std::invalid_argument("sparsity must be in [0, 1), got " + std::to_string(target.sparsity));
    if (dynamic_cast<GraphNetImpl*>(&model) != nullptr) { // channels in groups across additions and concatenations
        const std::vector<ForwardStep> steps = model.forwardSteps();
        const std::vector<ChannelGroup> groups = channelGroups(steps);
        if (!target.keepUnits.empty() && target.keepUnits.size() != groups.size())
            throw std::invalid_argument("structured pruning: " + std::to_string(target.keepUnits.size()) +
                                        " channel counts for " + std::to_string(groups.size()) + " channel groups");
        const std::vector<torch::Tensor> scores = channelScores(model, groups);
        const std::vector<std::vector<int64_t>> alive = keptChannels(model, groups, current);
        std::vector<torch::Tensor> keep;
        for (size_t g = 0; g < groups.size(); ++g) {
            const std::string what = "the channels of " + steps[groups[g].producers.front().step].module;
            torch::Tensor live = torch::zeros({groups[g].size});
            for (int64_t c : alive[g])
                live[c] = 1.0;
            keep.push_back(
                keepBest(scores[g], live, keptCount(target, g, groups[g].size, int64_t(alive[g].size()), what), what));
        }
        return channelMasks(model, groups, keep, current);
    }
    const std::vector<UnitGroup> groups = unitGroups(model);
    if (groups.empty())
        throw std::invalid_argument("structured pruning needs at least one hidden layer");
    if (!target.keepUnits.empty() && target.keepUnits.size() != groups.size())
        throw std::invalid_argument("structured pruning: " + std::to_string(target.keepUnits.size()) +
                                    " unit counts for " + std::to_string(groups.size()) + " hidden layers");
    const std::vector<torch::Tensor> scores = unitScores(model, groups);
    if (scores.size() != groups.size())
        throw std::logic_error("structured pruner: one score vector per hidden layer expected");

    std::vector<torch::Tensor> keep;
    for (size_t g = 0; g < groups.size(); ++g) {
        const torch::Tensor alive = aliveUnits(groups[g], current);
        const int64_t aliveCount = alive.sum().item<int64_t>();
        keep.push_back(keepBest(scores[g], alive, keptCount(target, g, groups[g].units, aliveCount, groups[g].weight),
                                groups[g].weight));
    }
    return structuredMasks(model, groups, keep, current);
}

UnitCalibration calibrateUnits(ClassifierImpl& model, const torch::Tensor& inputs, const torch::Tensor& labels,
                               AdjointOutput output, int64_t batchSize)
{
    if (!inputs.defined() || inputs.size(0) == 0)
        throw std::invalid_argument("structured pruning needs a non-empty calibration set");
    if (output == AdjointOutput::Loss && (!labels.defined() || labels.size(0) != inputs.size(0)))
        throw std::invalid_argument("the loss adjoint needs one label per calibration input");
    const bool wasTraining = model.is_training();
    model.eval(); // batch norm with its running statistics, as the deployed model runs
    const torch::Device device =
        model.parameters().empty() ? torch::Device(torch::kCPU) : model.parameters().front().device();
    UnitCalibration c;
    const int64_t n = inputs.size(0);
    try {
        for (int64_t start = 0; start < n; start += batchSize) {
            const int64_t size = std::min(batchSize, n - start);
            const torch::Tensor x = inputs.narrow(0, start, size).to(device);
            std::vector<torch::Tensor> values;
            std::vector<torch::Tensor> probes;
            // a + e with e = 0 that requires grad: ∂y/∂e is exactly ∂y/∂a, and the forward pass is unchanged.
            const torch::Tensor logits = model.forwardProbed(x, [&](size_t, const torch::Tensor& a) {
                values.push_back(a.detach().clone());
                probes.push_back(torch::zeros_like(a).requires_grad_(true));
                return a + probes.back();
            });
            const torch::Tensor y = output == AdjointOutput::Logits
                                        ? logits.sum()
                                        : torch::nn::functional::cross_entropy(
                                              logits, labels.narrow(0, start, size).to(device),
                                              torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
            const std::vector<torch::Tensor> grads = torch::autograd::grad({y}, probes);
            torch::NoGradGuard noGrad;
            for (size_t g = 0; g < values.size(); ++g) {
                // per unit: move the unit axis first, everything else (samples, positions) flattened behind it
                const torch::Tensor a = values[g].transpose(0, 1).flatten(1);
                const torch::Tensor d = grads[g].detach().transpose(0, 1).flatten(1);
                const int64_t positions = values[g].dim() > 2 ? values[g][0][0].numel() : 1;
                const torch::Tensor perSample =
                    (values[g] * grads[g].detach()).reshape({size, values[g].size(1), positions}).mean(2).abs().sum(0);
                const auto merge = [&](std::vector<torch::Tensor>& into, const torch::Tensor& t, bool isMax) {
                    const torch::Tensor v = t.to(torch::kCPU, torch::kFloat);
                    if (into.size() <= g)
                        into.push_back(v);
                    else
                        into[g] = isMax ? torch::maximum(into[g], v) : torch::minimum(into[g], v);
                };
                merge(c.activationMin, std::get<0>(a.min(1)), false);
                merge(c.activationMax, std::get<0>(a.max(1)), true);
                merge(c.adjointMin, std::get<0>(d.min(1)), false);
                merge(c.adjointMax, std::get<0>(d.max(1)), true);
                if (c.taylor.size() <= g)
                    c.taylor.push_back(perSample.to(torch::kCPU, torch::kDouble));
                else
                    c.taylor[g] += perSample.to(torch::kCPU, torch::kDouble);
            }
        }
    } catch (...) {
        model.train(wasTraining);
        throw;
    }
    model.train(wasTraining);
    for (torch::Tensor& t : c.taylor)
        t = (t / double(n)).to(torch::kFloat);
    return c;
}

} // namespace prunelab::engine
