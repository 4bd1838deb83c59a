#pragma once

#include "core/engine/TensorDataset.h"

#include <cstdint>

namespace prunelab::engine {

struct DataSplit {
    TensorDataset train;
    TensorDataset validation;
};

/// Stratified random split: each class contributes `validationFraction` of its samples (at least one when it has
/// two or more) to validation. The permutation comes from `seed` alone, so the same seed gives the same split.
DataSplit splitStratified(const TensorDataset& data, double validationFraction, uint64_t seed);

/// The rows of `data` at `indices` (int64), copied into a new dataset.
TensorDataset subset(const TensorDataset& data, const torch::Tensor& indices);

} // namespace prunelab::engine
