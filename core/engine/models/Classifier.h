#pragma once

#include <torch/nn/module.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace prunelab::engine {

class ClassifierImpl;
using ClassifierPtr = std::shared_ptr<ClassifierImpl>;

/// One step of a model's forward pass: what exporters (TorchScript), the thread planner and sparse inference read,
/// and, for networks with branches, the model itself (GraphNet runs a list of these). `module` is the name prefix of
/// the step's parameters and buffers (`features.0`, `layer1.0.conv1`), empty when it has none.
///
/// A chain (MLP, LeNet-5, VGG) leaves `inputs` empty: each step takes the previous step's output, the first step the
/// network's input. A graph names them: `inputs` holds indices of earlier steps, -1 for the network's input; Add sums
/// its inputs (a residual connection), Concat joins them along the channels (a dense block).
struct ForwardStep {
    enum class Kind { Flatten, Linear, Conv2d, BatchNorm2d, Relu, MaxPool2d, GlobalAvgPool, AvgPool2d, Add, Concat };
    Kind kind = Kind::Relu;
    std::string module;
    int64_t stride = 1;      ///< Conv2d, MaxPool2d, AvgPool2d
    int64_t padding = 0;     ///< Conv2d, MaxPool2d
    int64_t kernel = 1;      ///< MaxPool2d, AvgPool2d; Conv2d in a graph
    bool bias = true;        ///< Linear, Conv2d
    double eps = 1e-5;       ///< BatchNorm2d
    std::vector<int> inputs; ///< earlier steps this one reads (-1: the network's input); empty: the previous step
    int64_t inChannels = 0;  ///< Conv2d, Linear (features), BatchNorm2d in a graph
    int64_t outChannels = 0; ///< Conv2d, Linear (features) in a graph
};

/// The steps that step `i` of `steps` reads: its `inputs`, or the previous step (-1, the network's input, for the
/// first) when it names none.
inline std::vector<int> stepInputs(const std::vector<ForwardStep>& steps, size_t i)
{
    return steps[i].inputs.empty() ? std::vector<int>{int(i) - 1} : steps[i].inputs;
}

/// Called by ClassifierImpl::forwardProbed with a hidden layer's index and output; what it returns flows on.
using LayerProbe = std::function<torch::Tensor(size_t layer, const torch::Tensor& output)>;

/// Base of every network the engine trains: float N×C×H×W in (already normalised), logits N×classes out.
/// Concrete models follow the LibTorch idiom `class FooImpl : public ClassifierImpl` + `TORCH_MODULE(Foo)`.
class ClassifierImpl : public torch::nn::Module {
public:
    virtual torch::Tensor forward(torch::Tensor input) = 0;

    /// For each prunable weight (in prunableParameters() order), how many output positions it is applied at for one
    /// input of channels×height×width: 1 for a linear layer, H_out·W_out for a convolution. Used for FLOP counts.
    virtual std::vector<int64_t> positionsPerWeight(int64_t channels, int64_t height, int64_t width)
    {
        (void)channels, (void)height, (void)width;
        return std::vector<int64_t>(countPrunable(), 1);
    }

    /// The output of every prunable layer for `input` (after its nonlinearity; the logits for the last), in
    /// prunableParameters() order: what linear CKA compares between the dense and the pruned model.
    virtual std::vector<torch::Tensor> activations(torch::Tensor input) = 0;

    /// Forward pass that hands the output of every hidden prunable layer (after its nonlinearity, before pooling;
    /// in prunableParameters() order, the output layer excluded) to `probe` and carries on with what the probe
    /// returns: how structured criteria read each neuron's activation and its gradient ∂y/∂a.
    virtual torch::Tensor forwardProbed(torch::Tensor input, const LayerProbe& probe)
    {
        (void)input, (void)probe;
        throw std::logic_error("this architecture does not support structured pruning");
    }

    /// A new model of the same architecture whose hidden prunable layers have `widths[i]` units (neurons or
    /// filters) each, freshly initialised: the shell compaction copies the surviving weights into.
    virtual ClassifierPtr withHiddenWidths(const std::vector<int64_t>& widths) const
    {
        (void)widths;
        throw std::logic_error("this architecture cannot be compacted");
    }

    /// The forward pass as a list of steps (for TorchScript export); empty when the architecture cannot be exported.
    virtual std::vector<ForwardStep> forwardSteps() const { return {}; }

protected:
    size_t countPrunable()
    {
        size_t n = 0;
        for (const auto& p : parameters())
            n += p.dim() >= 2 ? 1 : 0;
        return n;
    }
};

} // namespace prunelab::engine
