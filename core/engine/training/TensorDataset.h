#pragma once

#include <torch/types.h>

namespace prunelab::engine {

/// Images and labels as the engine trains on them.
/// `images` is uint8 N×C×H×W (pixels as decoded, never converted up front: normalisation happens per batch);
/// `labels` is int64 N with values in [0, classCount).
struct TensorDataset {
    torch::Tensor images;
    torch::Tensor labels;
    int64_t classCount = 0;

    int64_t size() const { return images.defined() ? images.size(0) : 0; }
    /// Number of values a flattened image holds (C·H·W).
    int64_t featureCount() const { return images.defined() ? images[0].numel() : 0; }
};

/// The rows of `data` at `indices` (int64), copied into a new dataset.
TensorDataset subset(const TensorDataset& data, const torch::Tensor& indices);

} // namespace prunelab::engine
