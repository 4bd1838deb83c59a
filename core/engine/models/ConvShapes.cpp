#include "core/engine/models/ConvShapes.h"

#include <torch/torch.h>

namespace prunelab::engine {

std::vector<int64_t> convOutputPositions(torch::nn::Sequential& features, int64_t channels, int64_t height,
                                         int64_t width, size_t prunableCount)
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = features->is_training();
    features->eval(); // batch norm must not update its running statistics on the dummy input
    const torch::Device device =
        features->parameters().empty() ? torch::Device(torch::kCPU) : features->parameters().front().device();
    torch::Tensor x = torch::zeros({1, channels, height, width}, torch::TensorOptions().device(device));
    std::vector<int64_t> positions;
    for (auto& module : *features) {
        x = module.forward(x);
        if (module.ptr()->as<torch::nn::Conv2d>() != nullptr)
            positions.push_back(x.size(2) * x.size(3));
    }
    features->train(wasTraining);
    positions.resize(prunableCount, 1); // the linear layers after the features
    return positions;
}

torch::Tensor collectActivations(torch::nn::Sequential& sequential, torch::Tensor x,
                                 std::vector<torch::Tensor>& outputs, bool keepLast)
{
    for (auto& module : *sequential) {
        x = module.forward(x);
        if (module.ptr()->as<torch::nn::ReLU>() != nullptr)
            outputs.push_back(x.clone()); // in-place ReLUs later in the stack must not change what was recorded
    }
    if (keepLast)
        outputs.push_back(x);
    return x;
}

torch::Tensor probeSequential(torch::nn::Sequential& sequential, torch::Tensor x, const LayerProbe& probe,
                              size_t& layer)
{
    for (auto& module : *sequential) {
        x = module.forward(x);
        if (module.ptr()->as<torch::nn::ReLU>() != nullptr)
            x = probe(layer++, x);
    }
    return x;
}

std::vector<ForwardStep> sequentialSteps(const torch::nn::Sequential& sequential, const std::string& prefix)
{
    std::vector<ForwardStep> steps;
    size_t index = 0;
    for (const auto& module : *sequential) {
        ForwardStep step;
        step.module = prefix + "." + std::to_string(index++);
        if (const auto* conv = module.ptr()->as<torch::nn::Conv2d>()) {
            const auto& o = conv->options;
            const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
            if (padding == nullptr || (*padding)->at(0) != (*padding)->at(1) ||
                o.stride()->at(0) != o.stride()->at(1) || o.dilation()->at(0) != 1 || o.dilation()->at(1) != 1 ||
                o.groups() != 1)
                throw std::logic_error(step.module +
                                       ": only square, undilated, ungrouped convolutions can be exported");
            step.kind = ForwardStep::Kind::Conv2d;
            step.stride = o.stride()->at(0);
            step.padding = (*padding)->at(0);
            step.bias = o.bias();
        } else if (const auto* norm = module.ptr()->as<torch::nn::BatchNorm2d>()) {
            step.kind = ForwardStep::Kind::BatchNorm2d;
            step.eps = norm->options.eps();
        } else if (module.ptr()->as<torch::nn::ReLU>() != nullptr) {
            step.kind = ForwardStep::Kind::Relu;
            step.module.clear();
        } else if (const auto* pool = module.ptr()->as<torch::nn::MaxPool2d>()) {
            const auto& o = pool->options;
            const int64_t stride = o.stride()->at(0);
            if (o.kernel_size()->at(0) != o.kernel_size()->at(1) || o.stride()->at(1) != stride ||
                o.padding()->at(0) != 0 || o.padding()->at(1) != 0 || o.dilation()->at(0) != 1 || o.ceil_mode())
                throw std::logic_error(step.module + ": only square max-pools without padding can be exported");
            step.kind = ForwardStep::Kind::MaxPool2d;
            step.kernel = o.kernel_size()->at(0);
            step.stride = stride;
            step.module.clear();
        } else if (const auto* linear = module.ptr()->as<torch::nn::Linear>()) {
            step.kind = ForwardStep::Kind::Linear;
            step.bias = linear->options.bias();
        } else {
            throw std::logic_error(step.module + ": module type " + module.ptr()->name() + " cannot be exported");
        }
        steps.push_back(step);
    }
    return steps;
}

} // namespace prunelab::engine
