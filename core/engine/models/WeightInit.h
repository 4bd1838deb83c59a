#pragma once

#include <torch/nn/module.h>

#include <string>

namespace prunelab::engine {

enum class WeightInit { Default, XavierNormal, XavierUniform, KaimingNormal, Uniform };

struct InitOptions {
    WeightInit kind = WeightInit::Default;
    double uniformLow = -0.05; ///< range for WeightInit::Uniform (the MRI threshold sweep uses [-7, 7])
    double uniformHigh = 0.05;
};

/// Parses a recipe's init name (`default`, `xavier-normal`, …); throws std::invalid_argument naming the allowed values.
WeightInit weightInitFromName(const std::string& name);

/// Re-initialises the weights of every Linear and Conv2d in `module` and zeroes their biases.
/// WeightInit::Default leaves PyTorch's own initialisation (kaiming-uniform with a = √5, fan-in bias) in place.
void initialiseWeights(torch::nn::Module& module, const InitOptions& options);

} // namespace prunelab::engine
