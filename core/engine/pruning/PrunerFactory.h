#pragma once

#include "core/engine/pruning/AnnealedPruner.h"
#include "core/engine/pruning/MethodCatalogue.h"
#include "core/engine/pruning/Pruner.h"
#include "core/engine/structured/StructuredPruner.h"

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace prunelab::engine {

/// What the methods of the catalogue may need to be built: the recipe's values for them, and a way to draw training
/// images for the criteria that score weights on data.
struct PrunerSettings {
    uint64_t seed = 42;
    double threshold = 0.0;                         ///< threshold: one-shot threshold (a sweep sets each round's)
    AnnealOptions anneal;                           ///< annealed
    AdjointOutput adjoint = AdjointOutput::Logits;  ///< interval-adjoint
    MethodParameters parameters = withDefaults({}); ///< the catalogue methods' own values (nm-magnitude: "nm")
    int64_t snipImages = 256;                       ///< snip: one batch of training images
    int64_t calibrationImages = 512;                ///< neuron-taylor, interval-adjoint
    std::vector<int64_t> inputShape;                ///< {C, H, W} of one image: synflow's all-ones input
    /// Up to `count` training images, normalised as the model sees them, with their labels (int64), drawn at
    /// random with the seed. Called only by the methods that score on data.
    std::function<std::pair<torch::Tensor, torch::Tensor>(int64_t count)> calibration;
};

/// The pruner for a catalogue method. Throws std::invalid_argument for bad settings or a method needing data without
/// a calibration source.
std::shared_ptr<const Pruner> makePruner(const MethodInfo& method, const PrunerSettings& settings);

} // namespace prunelab::engine
