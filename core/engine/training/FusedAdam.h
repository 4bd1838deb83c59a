#pragma once

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>

namespace prunelab::engine {

/// torch::optim::Adam with the update done in one pass over each parameter: LibTorch's step runs six tensor
/// operations per parameter and allocates two temporaries the size of it (grad + decay, the denominator), which on
/// the MRI threshold sweep's 12.6 M-weight layer cost more than the forward and backward passes together. Same state
/// objects (AdamParamState), same options, same results up to float rounding; parameters that are not dense contiguous
/// float CPU tensors, and amsgrad, go through LibTorch's own step.
class FusedAdam : public torch::optim::Adam {
public:
    using torch::optim::Adam::Adam;
    torch::Tensor step(LossClosure closure = nullptr) override;
};

/// The same for AdamW (decoupled weight decay: the weight shrinks by lr·decay before the Adam update).
class FusedAdamW : public torch::optim::AdamW {
public:
    using torch::optim::AdamW::AdamW;
    torch::Tensor step(LossClosure closure = nullptr) override;
};

/// Sets every parameter's gradient to undefined instead of zeroing it: the next backward pass then hands its fresh
/// gradient over instead of adding it to a zero-filled one (one pass less per weight, and no zero fill).
void clearGradients(const std::vector<torch::Tensor>& parameters);

} // namespace prunelab::engine
