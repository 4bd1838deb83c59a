#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/models/WeightInit.h"

#include <string>
#include <vector>

namespace prunelab::engine {

/// The `model` section of a recipe (../shared/CLI.md), already parsed.
struct ModelSpec {
    std::string arch = "mlp";              ///< mlp | lenet5 | vgg | resnet | densenet
    std::vector<int64_t> hidden{300, 100}; ///< mlp
    std::string layout = "vgg11";          ///< vgg
    double width = 1.0;                    ///< vgg, resnet channel multiplier
    bool batchNorm = true;                 ///< vgg
    int depth = 20;                        ///< resnet: 18, 34 or 6n+2
    int64_t growth = 12;                   ///< densenet
    std::vector<int64_t> blocks{6, 6, 6};  ///< densenet: layers per dense block
    double compression = 0.5;              ///< densenet
    InitOptions init;
};

/// Builds the network for images of channels×height×width and `classCount` classes, initialised from the
/// current torch seed. Throws std::invalid_argument naming the problem (unknown arch, image too small, …).
ClassifierPtr buildModel(const ModelSpec& spec, int64_t channels, int64_t height, int64_t width, int64_t classCount);

/// Total number of parameters (weights and biases).
int64_t parameterCount(torch::nn::Module& model);

} // namespace prunelab::engine
