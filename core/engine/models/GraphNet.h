#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/models/WeightInit.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace prunelab::engine {

/// A network run from a graph description: a list of ForwardSteps in execution order whose `inputs` name the earlier
/// steps they read (see ForwardStep). ResNet (residual Add) and DenseNet (Concat) are graphs; each builder only writes
/// the list, and this class registers the modules, runs them, and answers what the engine asks of every model (per-
/// layer activations for CKA, output positions for MAC counts, the steps for TorchScript export).
///
/// Every Conv2d, BatchNorm2d and Linear step owns a module registered under its `module` path, so a step named
/// `layer1.0.conv1` gives the parameter `layer1.0.conv1.weight`, as torchvision names it.
class GraphNetImpl : public ClassifierImpl {
public:
    /// Throws std::invalid_argument for a graph that reads a later step, an Add or Concat without two inputs, a
    /// module step without a name or its channel counts, or two steps with the same module.
    GraphNetImpl(std::vector<ForwardStep> steps, const InitOptions& init);

    torch::Tensor forward(torch::Tensor input) override;
    std::vector<torch::Tensor> activations(torch::Tensor input) override;
    /// Hands `probe` each hidden prunable layer's activation (where activations() records it), in
    /// prunableParameters() order without the output layer, and carries on with what it returns: how the structured
    /// criteria that read activations and their gradients (neuron-taylor, interval-adjoint) see a graph.
    torch::Tensor forwardProbed(torch::Tensor input, const LayerProbe& probe) override;
    /// The step that owns each probed layer of forwardProbed, in probe order.
    std::vector<size_t> probedSteps();
    std::vector<int64_t> positionsPerWeight(int64_t channels, int64_t height, int64_t width) override;
    std::vector<ForwardStep> forwardSteps() const override { return steps_; }

    /// The output shape (C, H, W) of every step for one input of channels×height×width (a dry run, no gradients).
    std::vector<std::vector<int64_t>> stepShapes(int64_t channels, int64_t height, int64_t width);

private:
    /// Runs the graph; `visit(step, output)` sees every step's output and returns what flows on from it.
    torch::Tensor run(torch::Tensor input, const std::function<torch::Tensor(size_t, torch::Tensor)>& visit);
    /// For each prunable weight's owner (prunableSteps() order), the step whose output is its activation: its own, or
    /// the batch norm and ReLU that only it feeds.
    std::vector<size_t> activationSteps();
    /// For each prunable weight in named_parameters() order, the index of the step that owns it.
    std::vector<size_t> prunableSteps();
    torch::nn::Module& parentOf(const std::string& path, std::string& leaf);

    std::vector<ForwardStep> steps_;
    std::vector<size_t> lastUse_; ///< the last step that reads each step's output (its own index when none does)
    std::vector<torch::nn::Conv2d> convs_;
    std::vector<torch::nn::BatchNorm2d> norms_;
    std::vector<torch::nn::Linear> linears_;
    std::map<std::string, std::shared_ptr<torch::nn::Module>> containers_;
};
TORCH_MODULE(GraphNet);

} // namespace prunelab::engine
