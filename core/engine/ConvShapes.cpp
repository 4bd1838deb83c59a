#include "core/engine/ConvShapes.h"

#include <torch/torch.h>

namespace prunelab::engine {

std::vector<int64_t> convOutputPositions(torch::nn::Sequential& features, int64_t channels, int64_t height, int64_t width,
                                         size_t prunableCount)
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = features->is_training();
    features->eval(); // batch norm must not update its running statistics on the dummy input
    const torch::Device device = features->parameters().empty() ? torch::Device(torch::kCPU)
                                                                : features->parameters().front().device();
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

torch::Tensor collectActivations(torch::nn::Sequential& sequential, torch::Tensor x, std::vector<torch::Tensor>& outputs,
                                 bool keepLast)
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

} // namespace prunelab::engine
