#pragma once

#include <torch/nn/module.h>

#include <vector>

namespace prunelab::engine {

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

protected:
    size_t countPrunable()
    {
        size_t n = 0;
        for (const auto& p : parameters())
            n += p.dim() >= 2 ? 1 : 0;
        return n;
    }
};

using ClassifierPtr = std::shared_ptr<ClassifierImpl>;

} // namespace prunelab::engine
