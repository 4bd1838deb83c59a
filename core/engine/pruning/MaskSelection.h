#pragma once

#include "core/engine/pruning/MaskSet.h"

#include <string>
#include <utility>
#include <vector>

namespace prunelab::engine {

/// One score per weight (higher = more worth keeping), named like the parameter it scores.
using ScoreList = std::vector<std::pair<std::string, torch::Tensor>>;

/// Prunes exactly round(sparsity · total) weights with the lowest scores over all layers together.
/// Weights pruned in `current` rank below every live weight, so they stay pruned. With `keepOnePerLayer`, the
/// best-scoring weight of each layer is never chosen (the count stays exact unless the target leaves fewer
/// weights than there are layers). Throws std::invalid_argument for a sparsity outside [0, 1).
MaskSet selectGlobal(const ScoreList& scores, double sparsity, const MaskSet* current, bool keepOnePerLayer = true);

/// Prunes exactly round(s · n) weights of each layer with the lowest scores, where s is `sparsity` for every layer
/// but the last one listed (the output layer), which gets `outputSparsity`. A layer always keeps one weight.
MaskSet selectPerLayer(const ScoreList& scores, double sparsity, double outputSparsity, const MaskSet* current);

} // namespace prunelab::engine
