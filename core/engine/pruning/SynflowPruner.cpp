#include "core/engine/pruning/SynflowPruner.h"

#include "core/engine/models/WeightCopy.h"

#include <torch/torch.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace prunelab::engine {

SynflowPruner::SynflowPruner(std::vector<int64_t> inputShape, int iterations)
    : inputShape_(std::move(inputShape)), iterations_(iterations)
{
    if (inputShape_.size() != 3 || inputShape_[0] < 1 || inputShape_[1] < 1 || inputShape_[2] < 1)
        throw std::invalid_argument("synflow needs the model's input shape as {C, H, W}");
    if (iterations_ < 1)
        throw std::invalid_argument("prune.synflow_iterations must be at least 1, got " + std::to_string(iterations_));
}

ScoreList SynflowPruner::scores(ClassifierImpl& model, const MaskSet* masks) const
{
    const auto params = prunableParameters(model);
    if (params.empty())
        throw std::invalid_argument("the model has no prunable weights");
    const torch::Device device = params.front().second.device();
    const bool training = model.is_training();
    const WeightCopy saved = copyWeights(model);
    torch::AutoGradMode gradients(true);

    // Linearise: |θ| everywhere (biases and batch-norm statistics too, as the reference does), in double, eval mode.
    model.eval();
    // In double, tensor by tensor: Module::to(dtype) would also convert integer buffers (batch norm's
    // num_batches_tracked) and not give them back their type.
    std::vector<std::pair<torch::Tensor, torch::ScalarType>> converted;
    {
        torch::NoGradGuard noGrad;
        for (torch::Tensor& t : model.parameters())
            converted.emplace_back(t, t.scalar_type());
        for (torch::Tensor& t : model.buffers())
            if (t.is_floating_point())
                converted.emplace_back(t, t.scalar_type());
        for (auto& [t, type] : converted)
            t.set_data(t.data().to(torch::kDouble));
    }
    // Signs, values, buffers, dtypes and mode back as they were, whatever happens in between.
    const auto restore = [&] {
        torch::NoGradGuard noGrad;
        for (auto& [t, type] : converted)
            t.set_data(t.data().to(type));
        loadWeights(model, saved);
        model.train(training);
    };
    ScoreList result;
    try {
        {
            torch::NoGradGuard noGrad;
            for (torch::Tensor& p : model.parameters())
                p.abs_();
            for (torch::Tensor& b : model.buffers())
                if (b.is_floating_point())
                    b.abs_();
            if (masks != nullptr && !masks->empty())
                masks->applyTo(model);
        }
        std::vector<torch::Tensor> weights;
        for (const auto& entry : params)
            weights.push_back(entry.second); // the same tensors, now double (set_data converts in place)
        const torch::Tensor ones = torch::ones({1, inputShape_[0], inputShape_[1], inputShape_[2]},
                                               torch::TensorOptions().dtype(torch::kDouble).device(device));
        const torch::Tensor flow = model.forward(ones).sum();
        const std::vector<torch::Tensor> grads = torch::autograd::grad({flow}, weights, {}, false, false, true);
        for (size_t i = 0; i < params.size(); ++i) {
            const torch::Tensor grad = grads[i].defined() ? grads[i] : torch::zeros_like(weights[i]);
            result.emplace_back(params[i].first, (weights[i].detach() * grad).abs());
        }
    } catch (...) {
        restore();
        throw;
    }
    restore();
    return result;
}

MaskSet SynflowPruner::computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const
{
    if (!(target.sparsity >= 0.0 && target.sparsity < 1.0))
        throw std::invalid_argument("sparsity must be in [0, 1), got " + std::to_string(target.sparsity));
    const bool started = current != nullptr && !current->empty() && current->totalCount() > 0;
    const double startDensity = started ? double(current->keptCount()) / double(current->totalCount()) : 1.0;
    const double endDensity = 1.0 - target.sparsity;
    MaskSet masks = started ? *current : MaskSet{};
    for (int k = 1; k <= iterations_; ++k) {
        // Exponential schedule: the kept fraction shrinks by the same factor each step; the last step hits the target.
        const double density =
            k == iterations_ || endDensity >= startDensity
                ? endDensity
                : startDensity * std::pow(endDensity / startDensity, double(k) / double(iterations_));
        ScoreList flowScores = scores(model, &masks);
        // The scores can span hundreds of orders of magnitude on deep nets: divided by the largest (in double)
        // before selection reads them as float, so the order survives and nothing overflows.
        {
            torch::NoGradGuard noGrad;
            double largest = 0.0;
            for (const auto& entry : flowScores)
                largest = std::max(largest, entry.second.max().item<double>());
            if (largest > 0.0)
                for (auto& entry : flowScores)
                    entry.second = entry.second / largest;
        }
        const double sparsity = density == endDensity ? target.sparsity : 1.0 - density;
        masks = selectGlobal(flowScores, sparsity, masks.empty() ? nullptr : &masks);
        if (endDensity >= startDensity)
            break;
    }
    return masks;
}

} // namespace prunelab::engine
