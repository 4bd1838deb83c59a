#include "core/engine/models/LeNet5.h"

#include "core/engine/models/ConvShapes.h"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

namespace prunelab::engine {

LeNet5Impl::LeNet5Impl(const LeNet5Options& o) : options_(o)
{
    if (o.height < 12 || o.width < 12 || o.channels < 1)
        throw std::invalid_argument("LeNet-5 needs images of at least 12×12 pixels");
    if (o.classCount < 2)
        throw std::invalid_argument("LeNet-5 needs at least 2 classes");
    if (o.widths.size() != 4 || *std::min_element(o.widths.begin(), o.widths.end()) < 1)
        throw std::invalid_argument("LeNet-5 needs four hidden widths of at least 1 (conv1, conv2, fc1, fc2)");
    const int64_t c1 = o.widths[0], c2 = o.widths[1], f1 = o.widths[2], f2 = o.widths[3];
    features_ = register_module(
        "features", torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(o.channels, c1, 5).padding(2)),
                                          torch::nn::ReLU(), torch::nn::MaxPool2d(2),
                                          torch::nn::Conv2d(torch::nn::Conv2dOptions(c1, c2, 5)), torch::nn::ReLU(),
                                          torch::nn::MaxPool2d(2)));
    const int64_t h = ((o.height / 2) - 4) / 2;
    const int64_t w = ((o.width / 2) - 4) / 2;
    classifier_ =
        register_module("classifier", torch::nn::Sequential(torch::nn::Linear(c2 * h * w, f1), torch::nn::ReLU(),
                                                            torch::nn::Linear(f1, f2), torch::nn::ReLU(),
                                                            torch::nn::Linear(f2, o.classCount)));
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

torch::Tensor LeNet5Impl::forwardProbed(torch::Tensor input, const LayerProbe& probe)
{
    size_t layer = 0;
    const torch::Tensor features = probeSequential(features_, std::move(input), probe, layer);
    return probeSequential(classifier_, features.flatten(1), probe, layer);
}

ClassifierPtr LeNet5Impl::withHiddenWidths(const std::vector<int64_t>& widths) const
{
    LeNet5Options o = options_;
    o.widths = widths;
    return std::make_shared<LeNet5Impl>(o);
}

std::vector<ForwardStep> LeNet5Impl::forwardSteps() const
{
    std::vector<ForwardStep> steps = sequentialSteps(features_, "features");
    steps.push_back({ForwardStep::Kind::Flatten});
    const std::vector<ForwardStep> classifier = sequentialSteps(classifier_, "classifier");
    steps.insert(steps.end(), classifier.begin(), classifier.end());
    return steps;
}

} // namespace prunelab::engine
