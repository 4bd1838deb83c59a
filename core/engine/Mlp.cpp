#include "core/engine/Mlp.h"

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

namespace {

void initialise(torch::nn::Linear& linear, const MlpOptions& options)
{
    torch::NoGradGuard noGrad;
    switch (options.init) {
    case WeightInit::Default:
        return; // PyTorch's own kaiming-uniform(a=√5) weights and fan-in bias, as nn.Linear does.
    case WeightInit::XavierNormal:
        torch::nn::init::xavier_normal_(linear->weight);
        break;
    case WeightInit::XavierUniform:
        torch::nn::init::xavier_uniform_(linear->weight);
        break;
    case WeightInit::KaimingNormal:
        torch::nn::init::kaiming_normal_(linear->weight, 0.0, torch::kFanIn, torch::kReLU);
        break;
    case WeightInit::Uniform:
        torch::nn::init::uniform_(linear->weight, options.uniformLow, options.uniformHigh);
        break;
    }
    torch::nn::init::zeros_(linear->bias);
}

} // namespace

MlpImpl::MlpImpl(const MlpOptions& options) : options_(options)
{
    if (options.inputSize <= 0)
        throw std::invalid_argument("MLP input size must be > 0");
    if (options.classCount < 2)
        throw std::invalid_argument("MLP needs at least 2 classes");
    layers_ = register_module("layers", torch::nn::ModuleList());
    int64_t in = options.inputSize;
    for (int64_t width : options.hidden) {
        if (width <= 0)
            throw std::invalid_argument("MLP hidden sizes must be > 0");
        torch::nn::Linear linear(in, width);
        initialise(linear, options);
        layers_->push_back(linear);
        in = width;
    }
    torch::nn::Linear output(in, options.classCount);
    initialise(output, options);
    layers_->push_back(output);
}

torch::Tensor MlpImpl::forward(torch::Tensor input)
{
    torch::Tensor x = input.flatten(1);
    const size_t last = layers_->size() - 1;
    for (size_t i = 0; i < layers_->size(); ++i) {
        x = layers_[i]->as<torch::nn::Linear>()->forward(x);
        if (i != last)
            x = torch::relu_(x);
    }
    return x;
}

} // namespace prunelab::engine
