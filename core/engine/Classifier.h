#pragma once

#include <torch/nn/module.h>

namespace prunelab::engine {

/// Base of every network the engine trains: float N×C×H×W in (already normalised), logits N×classes out.
/// Concrete models follow the LibTorch idiom `class FooImpl : public ClassifierImpl` + `TORCH_MODULE(Foo)`.
class ClassifierImpl : public torch::nn::Module {
public:
    virtual torch::Tensor forward(torch::Tensor input) = 0;
};

using ClassifierPtr = std::shared_ptr<ClassifierImpl>;

} // namespace prunelab::engine
