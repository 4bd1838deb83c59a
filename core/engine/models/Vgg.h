#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/models/WeightInit.h"

#include <torch/nn/modules/container/sequential.h>

#include <string>
#include <vector>

namespace prunelab::engine {

struct VggOptions {
    std::string layout = "vgg11"; ///< vgg11 | vgg13 | vgg16 | vgg19
    double width = 1.0;           ///< channel multiplier (0.25 gives 16…128 channels instead of 64…512)
    bool batchNorm = true;
    int64_t channels = 3;
    int64_t height = 32;
    int64_t width_px = 32;
    int64_t classCount = 10;
    InitOptions init;
    /// Filters of each conv layer in order; empty = the layout's plan × `width` (compaction sets it).
    std::vector<int64_t> convChannels;
};

/// The channel plan of a VGG layout, 0 for a max-pool ("M"). Throws std::invalid_argument for an unknown layout.
std::vector<int64_t> vggPlan(const std::string& layout);

/// VGG-style CNN for small images (the strategy study): 3×3 convs (+ batch norm) + ReLU, max-pools while the feature
/// map is at least 2×2 (a pool that would shrink it below 1×1 is left out, so 28×28 inputs work), global average
/// pooling, then one linear layer to the classes. Parameters: `features.<i>.weight`, `classifier.weight`.
class VggImpl : public ClassifierImpl {
public:
    explicit VggImpl(const VggOptions& options);
    torch::Tensor forward(torch::Tensor input) override;
    std::vector<torch::Tensor> activations(torch::Tensor input) override;
    std::vector<int64_t> positionsPerWeight(int64_t channels, int64_t height, int64_t width) override;
    torch::Tensor forwardProbed(torch::Tensor input, const LayerProbe& probe) override;
    ClassifierPtr withHiddenWidths(const std::vector<int64_t>& widths) const override;
    std::vector<ForwardStep> forwardSteps() const override;

private:
    VggOptions options_;
    torch::nn::Sequential features_{nullptr};
    torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(Vgg);

} // namespace prunelab::engine
