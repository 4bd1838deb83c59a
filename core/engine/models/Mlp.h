#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/models/WeightInit.h"

#include <torch/nn/modules/container/modulelist.h>

#include <string>
#include <vector>

namespace prunelab::engine {

struct MlpOptions {
    int64_t inputSize = 0;
    std::vector<int64_t> hidden;
    int64_t classCount = 0;
    InitOptions init;
};

/// Fully connected network: flatten, then Linear+ReLU for each hidden size, then a Linear to the classes.
/// Parameters are named `layers.<i>.weight` / `layers.<i>.bias` as in the PyTorch seed notebooks.
class MlpImpl : public ClassifierImpl {
public:
    explicit MlpImpl(const MlpOptions& options);
    torch::Tensor forward(torch::Tensor input) override;
    std::vector<torch::Tensor> activations(torch::Tensor input) override;
    torch::Tensor forwardProbed(torch::Tensor input, const LayerProbe& probe) override;
    ClassifierPtr withHiddenWidths(const std::vector<int64_t>& widths) const override;
    std::vector<ForwardStep> forwardSteps() const override;

    const MlpOptions& options() const { return options_; }

private:
    MlpOptions options_;
    torch::nn::ModuleList layers_{nullptr};
};
TORCH_MODULE(Mlp);

} // namespace prunelab::engine
