#include "core/engine/models/Vgg.h"

#include "core/engine/models/ConvShapes.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace prunelab::engine {

std::vector<int64_t> vggPlan(const std::string& layout)
{
    if (layout == "vgg11")
        return {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};
    if (layout == "vgg13")
        return {64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};
    if (layout == "vgg16")
        return {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};
    if (layout == "vgg19")
        return {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0};
    throw std::invalid_argument("unknown VGG layout '" + layout + "': expected vgg11, vgg13, vgg16 or vgg19");
}

VggImpl::VggImpl(const VggOptions& o) : options_(o)
{
    if (!(o.width > 0.0 && o.width <= 4.0))
        throw std::invalid_argument("VGG width multiplier must be in (0, 4]");
    if (o.classCount < 2)
        throw std::invalid_argument("VGG needs at least 2 classes");
    if (o.height < 1 || o.width_px < 1 || o.channels < 1)
        throw std::invalid_argument("VGG needs a non-empty input");
    features_ = register_module("features", torch::nn::Sequential());
    int64_t in = o.channels;
    int64_t h = o.height;
    int64_t w = o.width_px;
    const std::vector<int64_t> plan = vggPlan(o.layout);
    const auto convCount = size_t(std::count_if(plan.begin(), plan.end(), [](int64_t c) { return c != 0; }));
    if (!o.convChannels.empty() && o.convChannels.size() != convCount)
        throw std::invalid_argument("VGG layout " + o.layout + " has " + std::to_string(convCount) +
                                    " conv layers, got " + std::to_string(o.convChannels.size()) + " channel counts");
    size_t conv = 0;
    for (int64_t planned : plan) {
        if (planned == 0) {
            if (h >= 2 && w >= 2) {
                features_->push_back(torch::nn::MaxPool2d(2));
                h /= 2;
                w /= 2;
            }
            continue;
        }
        const int64_t out = o.convChannels.empty() ? std::max<int64_t>(1, std::llround(double(planned) * o.width))
                                                   : o.convChannels[conv];
        ++conv;
        if (out < 1)
            throw std::invalid_argument("VGG conv layers need at least one channel");
        features_->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(!o.batchNorm)));
        if (o.batchNorm)
            features_->push_back(torch::nn::BatchNorm2d(out));
        features_->push_back(torch::nn::ReLU(torch::nn::ReLUOptions(true)));
        in = out;
    }
    classifier_ = register_module("classifier", torch::nn::Linear(in, o.classCount));
    initialiseWeights(*this, o.init);
}

torch::Tensor VggImpl::forward(torch::Tensor input)
{
    torch::Tensor x = features_->forward(input);
    return classifier_->forward(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1));
}

std::vector<torch::Tensor> VggImpl::activations(torch::Tensor input)
{
    std::vector<torch::Tensor> outputs;
    const torch::Tensor x = collectActivations(features_, std::move(input), outputs, false);
    outputs.push_back(classifier_->forward(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1)));
    return outputs;
}

std::vector<int64_t> VggImpl::positionsPerWeight(int64_t channels, int64_t height, int64_t width)
{
    return convOutputPositions(features_, channels, height, width, countPrunable());
}

torch::Tensor VggImpl::forwardProbed(torch::Tensor input, const LayerProbe& probe)
{
    size_t layer = 0;
    const torch::Tensor x = probeSequential(features_, std::move(input), probe, layer);
    return classifier_->forward(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1));
}

ClassifierPtr VggImpl::withHiddenWidths(const std::vector<int64_t>& widths) const
{
    VggOptions o = options_;
    o.convChannels = widths;
    return std::make_shared<VggImpl>(o);
}

std::vector<ForwardStep> VggImpl::forwardSteps() const
{
    std::vector<ForwardStep> steps = sequentialSteps(features_, "features");
    steps.push_back({ForwardStep::Kind::GlobalAvgPool});
    steps.push_back({ForwardStep::Kind::Flatten});
    steps.push_back({ForwardStep::Kind::Linear, "classifier"});
    return steps;
}

} // namespace prunelab::engine
