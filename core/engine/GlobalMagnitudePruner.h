#pragma once

#include "core/engine/MaskSet.h"

namespace prunelab::engine {

/// Global unstructured magnitude pruning: ranks |w| of every prunable weight of the model together and prunes
/// the smallest, exactly round(sparsity · total) of them, whatever ties there are at the threshold.
/// Weights already pruned (zero) rank lowest, so iterating with a growing sparsity keeps earlier prunes.
class GlobalMagnitudePruner {
public:
    /// `sparsity` in [0, 1). Throws std::invalid_argument outside it or when the model has no prunable weight.
    MaskSet computeMasks(torch::nn::Module& model, double sparsity) const;
};

} // namespace prunelab::engine
