#include "core/engine/models/WeightInit.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

WeightInit weightInitFromName(const std::string& name)
{
    if (name == "default")
        return WeightInit::Default;
    if (name == "xavier-normal")
        return WeightInit::XavierNormal;
    if (name == "xavier-uniform")
        return WeightInit::XavierUniform;
    if (name == "kaiming-normal")
        return WeightInit::KaimingNormal;
    if (name == "uniform")
        return WeightInit::Uniform;
    throw std::invalid_argument("unknown init '" + name +
                                "': expected default, xavier-normal, xavier-uniform, kaiming-normal or uniform");
}

void initialiseWeights(torch::nn::Module& module, const InitOptions& options)
{
    if (options.kind == WeightInit::Default)
        return;
    if (options.kind == WeightInit::Uniform && !(options.uniformLow < options.uniformHigh))
        throw std::invalid_argument("uniform init needs low < high");
    torch::NoGradGuard noGrad;
    for (const auto& child : module.modules(/*include_self=*/false)) { // called from constructors: no shared_ptr yet
        torch::Tensor weight;
        torch::Tensor bias;
        if (auto* linear = child->as<torch::nn::Linear>()) {
            weight = linear->weight;
            bias = linear->bias;
        } else if (auto* conv = child->as<torch::nn::Conv2d>()) {
            weight = conv->weight;
            bias = conv->bias;
        } else {
            continue;
        }
        switch (options.kind) {
        case WeightInit::XavierNormal:
            torch::nn::init::xavier_normal_(weight);
            break;
        case WeightInit::XavierUniform:
            torch::nn::init::xavier_uniform_(weight);
            break;
        case WeightInit::KaimingNormal:
            torch::nn::init::kaiming_normal_(weight, 0.0, torch::kFanIn, torch::kReLU);
            break;
        case WeightInit::Uniform:
            torch::nn::init::uniform_(weight, options.uniformLow, options.uniformHigh);
            break;
        case WeightInit::Default:
            break;
        }
        if (bias.defined())
            torch::nn::init::zeros_(bias);
    }
}

} // namespace prunelab::engine
