#include "core/engine/models/Mlp.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

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
        layers_->push_back(torch::nn::Linear(in, width));
        in = width;
    }
    layers_->push_back(torch::nn::Linear(in, options.classCount));
    initialiseWeights(*this, options.init);
}

torch::Tensor MlpImpl::forward(torch::Tensor input)
{
    return activations(std::move(input)).back();
}

std::vector<torch::Tensor> MlpImpl::activations(torch::Tensor input)
{
    std::vector<torch::Tensor> outputs;
    torch::Tensor x = input.flatten(1);
    const size_t last = layers_->size() - 1;
    for (size_t i = 0; i < layers_->size(); ++i) {
        x = layers_[i]->as<torch::nn::Linear>()->forward(x);
        if (i != last)
            x = torch::relu(x);
        outputs.push_back(x);
    }
    return outputs;
}

torch::Tensor MlpImpl::forwardProbed(torch::Tensor input, const LayerProbe& probe)
{
    torch::Tensor x = input.flatten(1);
    const size_t last = layers_->size() - 1;
    for (size_t i = 0; i < layers_->size(); ++i) {
        x = layers_[i]->as<torch::nn::Linear>()->forward(x);
        if (i != last)
            x = probe(i, torch::relu(x));
    }
    return x;
}

ClassifierPtr MlpImpl::withHiddenWidths(const std::vector<int64_t>& widths) const
{
    if (widths.size() != options_.hidden.size())
        throw std::invalid_argument("MLP has " + std::to_string(options_.hidden.size()) + " hidden layers, got " +
                                    std::to_string(widths.size()) + " widths");
    MlpOptions o = options_;
    o.hidden = widths;
    return std::make_shared<MlpImpl>(o);
}

std::vector<ForwardStep> MlpImpl::forwardSteps() const
{
    std::vector<ForwardStep> steps{{ForwardStep::Kind::Flatten}};
    for (size_t i = 0; i < layers_->size(); ++i) {
        ForwardStep linear{ForwardStep::Kind::Linear, "layers." + std::to_string(i)};
        steps.push_back(linear);
        if (i + 1 != layers_->size())
            steps.push_back({ForwardStep::Kind::Relu});
    }
    return steps;
}

} // namespace prunelab::engine
