#include "core/engine/training/FusedAdam.h"

#include "core/engine/runtime/kernels/CpuKernels.h"

#include <torch/torch.h>

#include <cmath>

namespace prunelab::engine {

namespace {

bool fusable(const torch::Tensor& p, const torch::Tensor& grad)
{
    return p.device().is_cpu() && p.scalar_type() == torch::kFloat && p.is_contiguous() && !grad.is_sparse() &&
           grad.scalar_type() == torch::kFloat && grad.is_contiguous() && grad.sizes() == p.sizes();
}

template <typename Options, typename State> bool fusedStep(torch::optim::Optimizer& optimizer, bool decoupled)
{
    // Checked up front so a step is never half fused, half LibTorch's.
    for (auto& group : optimizer.param_groups()) {
        if (static_cast<Options&>(group.options()).amsgrad())
            return false;
        for (auto& p : group.params())
            if (p.grad().defined() && !fusable(p, p.grad()))
                return false;
    }
    torch::NoGradGuard noGrad;
    auto& states = optimizer.state();
    for (auto& group : optimizer.param_groups()) {
        const auto& options = static_cast<Options&>(group.options());
        for (auto& p : group.params()) {
            if (!p.grad().defined())
                continue;
            const auto key = c10::guts::to_string(p.unsafeGetTensorImpl());
            auto found = states.find(key);
            if (found == states.end()) {
                auto state = std::make_unique<State>();
                state->step(0);
                state->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
                state->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
                found = states.emplace(key, std::move(state)).first;
            }
            auto& state = static_cast<State&>(*found->second);
            state.step(state.step() + 1);
            const double beta1 = std::get<0>(options.betas()), beta2 = std::get<1>(options.betas());
            const double correction1 = 1.0 - std::pow(beta1, double(state.step()));
            const double correction2 = 1.0 - std::pow(beta2, double(state.step()));
            kernels::AdamStep u{};
            u.beta1 = float(beta1);
            u.beta2 = float(beta2);
            u.eps = float(options.eps());
            u.l2Decay = decoupled ? 0.0f : float(options.weight_decay());
            u.shrink = decoupled ? float(1.0 - options.lr() * options.weight_decay()) : 1.0f;
            u.stepSize = float(options.lr() / correction1);
            u.rootCorrection2 = float(1.0 / std::sqrt(correction2));
            const torch::Tensor mean = state.exp_avg(), square = state.exp_avg_sq();
            kernels::adamUpdate(p.data_ptr<float>(), p.grad().data_ptr<float>(), mean.data_ptr<float>(),
                                square.data_ptr<float>(), p.numel(), u);
        }
    }
    return true;
}

} // namespace

torch::Tensor FusedAdam::step(LossClosure closure)
{
    torch::Tensor loss;
    if (closure != nullptr) {
        at::AutoGradMode enable(true);
        loss = closure();
    }
    if (!fusedStep<torch::optim::AdamOptions, torch::optim::AdamParamState>(*this, false))
        torch::optim::Adam::step(nullptr);
    return loss;
}

torch::Tensor FusedAdamW::step(LossClosure closure)
{
    torch::Tensor loss;
    if (closure != nullptr) {
        at::AutoGradMode enable(true);
        loss = closure();
    }
    if (!fusedStep<torch::optim::AdamWOptions, torch::optim::AdamWParamState>(*this, true))
        torch::optim::AdamW::step(nullptr);
    return loss;
}

void clearGradients(const std::vector<torch::Tensor>& parameters)
{
    for (const auto& p : parameters)
        if (p.grad().defined())
            p.mutable_grad() = torch::Tensor();
}

} // namespace prunelab::engine
