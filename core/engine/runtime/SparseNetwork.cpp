#include "core/engine/runtime/SparseNetwork.h"

#include "core/engine/runtime/kernels/CpuKernels.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

namespace {

const char* stepName(ForwardStep::Kind kind)
{
    switch (kind) {
    case ForwardStep::Kind::Conv2d:
        return "a convolution";
    case ForwardStep::Kind::BatchNorm2d:
        return "batch norm";
    case ForwardStep::Kind::MaxPool2d:
        return "max pooling";
    case ForwardStep::Kind::GlobalAvgPool:
        return "global average pooling";
    default:
        return "a step";
    }
}

} // namespace

SparseNetwork SparseNetwork::fromModel(ClassifierImpl& model)
{
    torch::NoGradGuard noGrad;
    const auto parameters = model.named_parameters(/*recurse=*/true);
    SparseNetwork network;
    for (const ForwardStep& step : model.forwardSteps()) {
        if (step.kind == ForwardStep::Kind::Flatten)
            continue;
        if (step.kind == ForwardStep::Kind::Relu) {
            if (network.layers_.empty())
                throw std::invalid_argument("sparse inference: a ReLU before the first linear layer");
            network.layers_.back().relu = true;
            continue;
        }
        if (step.kind != ForwardStep::Kind::Linear)
            throw std::invalid_argument(std::string("sparse inference covers linear layers only; this model has ") +
                                        stepName(step.kind) + " (" + step.module +
                                        "): use structured pruning and compaction to make it faster");
        const torch::Tensor weight =
            parameters[step.module + ".weight"].detach().to(torch::kCPU, torch::kFloat).contiguous();
        Layer layer;
        layer.rows = weight.size(0);
        layer.columns = weight.size(1);
        if (!network.layers_.empty() && network.layers_.back().rows != layer.columns)
            throw std::invalid_argument("sparse inference: " + step.module + " does not follow its input's width");
        const float* w = weight.data_ptr<float>();
        layer.rowStart.reserve(size_t(layer.rows + 1));
        layer.rowStart.push_back(0);
        for (int64_t r = 0; r < layer.rows; ++r) {
            for (int64_t c = 0; c < layer.columns; ++c) {
                const float v = w[r * layer.columns + c];
                if (v != 0.0f) {
                    layer.column.push_back(int32_t(c));
                    layer.value.push_back(v);
                }
            }
            layer.rowStart.push_back(int32_t(layer.value.size()));
        }
        if (step.bias) {
            const torch::Tensor bias =
                parameters[step.module + ".bias"].detach().to(torch::kCPU, torch::kFloat).contiguous();
            layer.bias.assign(bias.data_ptr<float>(), bias.data_ptr<float>() + bias.numel());
        }
        network.layers_.push_back(std::move(layer));
    }
    if (network.layers_.empty())
        throw std::invalid_argument("sparse inference: the model has no linear layer");
    return network;
}

torch::Tensor SparseNetwork::forward(const torch::Tensor& input) const
{
    torch::NoGradGuard noGrad;
    const int64_t batch = input.size(0);
    torch::Tensor x = input.reshape({batch, -1}).to(torch::kCPU, torch::kFloat);
    if (x.size(1) != inputFeatures())
        throw std::invalid_argument("sparse inference: expected " + std::to_string(inputFeatures()) +
                                    " input values per sample, got " + std::to_string(x.size(1)));
    x = batch == 1 ? x.reshape({-1, 1}).contiguous() : x.t().contiguous(); // feature-major
    for (const Layer& layer : layers_) {
        torch::Tensor y = torch::empty({layer.rows, batch}, torch::kFloat);
        kernels::csrLinear(layer.rowStart.data(), layer.column.data(), layer.value.data(),
                           layer.bias.empty() ? nullptr : layer.bias.data(), layer.rows, x.data_ptr<float>(), batch,
                           layer.relu, y.data_ptr<float>());
        x = std::move(y);
    }
    return batch == 1 ? x.reshape({1, -1}) : x.t().contiguous();
}

int64_t SparseNetwork::nonzeroWeights() const
{
    int64_t n = 0;
    for (const Layer& layer : layers_)
        n += int64_t(layer.value.size());
    return n;
}

int64_t SparseNetwork::denseWeights() const
{
    int64_t n = 0;
    for (const Layer& layer : layers_)
        n += layer.rows * layer.columns;
    return n;
}

} // namespace prunelab::engine
