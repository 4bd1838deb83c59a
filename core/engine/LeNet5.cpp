#include "core/engine/LeNet5.h"

#include "core/engine/ConvShapes.h"

#include <torch/torch.h>

#include <stdexcept>

namespace prunelab::engine {

LeNet5Impl::LeNet5Impl(const LeNet5Options& o)
{
    if (o.height < 12 || o.width < 12 || o.channels < 1)
        throw std::invalid_argument("LeNet-5 needs images of at least 12×12 pixels");
    if (o.classCount < 2)
        throw std::invalid_argument("LeNet-5 needs at least 2 classes");
    features_ = register_module(
        "features", torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(o.channels, 6, 5).padding(2)),
                                          torch::nn::ReLU(), torch::nn::MaxPool2d(2),
                                          torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 16, 5)), torch::nn::ReLU(),
                                          torch::nn::MaxPool2d(2)));
    const int64_t h = ((o.height / 2) - 4) / 2;
    const int64_t w = ((o.width / 2) - 4) / 2;
    classifier_ = register_module("classifier",
                                  torch::nn::Sequential(torch::nn::Linear(16 * h * w, 120), torch::nn::ReLU(),
                                                        torch::nn::Linear(120, 84), torch::nn::ReLU(),
                                                        torch::nn::Linear(84, o.classCount)));
    initialiseWeights(*this, o.init);
}

torch::Tensor LeNet5Impl::forward(torch::Tensor input)
{
    return classifier_->forward(features_->forward(input).flatten(1));
}

std::vector<torch::Tensor> LeNet5Impl::activations(torch::Tensor input)
{
    std::vector<torch::Tensor> outputs;
    const torch::Tensor features = collectActivations(features_, std::move(input), outputs, false);
    collectActivations(classifier_, features.flatten(1), outputs, true);
    return outputs;
}

std::vector<int64_t> LeNet5Impl::positionsPerWeight(int64_t channels, int64_t height, int64_t width)
{
    return convOutputPositions(features_, channels, height, width, countPrunable());
}

} // namespace prunelab::engine
