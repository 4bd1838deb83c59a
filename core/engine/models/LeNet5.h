#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/models/WeightInit.h"

#include <torch/nn/modules/container/sequential.h>

#include <vector>

namespace prunelab::engine {

struct LeNet5Options {
    int64_t channels = 1;
    int64_t height = 28;
    int64_t width = 28;
    int64_t classCount = 10;
    InitOptions init;
    /// Units of the four hidden layers: conv1 filters, conv2 filters, fc1 and fc2 neurons (compaction shrinks them).
    std::vector<int64_t> widths{6, 16, 120, 84};
};

/// LeNet-5 as in the lecture demos: conv 6@5×5 (padding 2) → ReLU → max-pool 2 → conv 16@5×5 → ReLU → max-pool 2
/// → 120 → 84 → classes (the four widths are options, so a compacted LeNet-5 is the same class). The first linear
/// layer's width follows the input size, so any image size ≥ 12 works. Parameters: `features.{0,3}.weight` (convs),
/// `classifier.{0,2,4}.weight` (linears).
class LeNet5Impl : public ClassifierImpl {
public:
    explicit LeNet5Impl(const LeNet5Options& options);
    torch::Tensor forward(torch::Tensor input) override;
    std::vector<torch::Tensor> activations(torch::Tensor input) override;
    std::vector<int64_t> positionsPerWeight(int64_t channels, int64_t height, int64_t width) override;
    torch::Tensor forwardProbed(torch::Tensor input, const LayerProbe& probe) override;
    ClassifierPtr withHiddenWidths(const std::vector<int64_t>& widths) const override;
    std::vector<ForwardStep> forwardSteps() const override;

private:
    LeNet5Options options_;
    torch::nn::Sequential features_{nullptr};
    torch::nn::Sequential classifier_{nullptr};
};
TORCH_MODULE(LeNet5);

} // namespace prunelab::engine
