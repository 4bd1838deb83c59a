#pragma once

#include <torch/types.h>

namespace prunelab::engine {

/// Images and labels as the engine trains on them.
/// `images` is uint8 N×C×H×W (pixels as decoded, never converted up front: normalisation happens per batch);
/// `labels` is int64, one per sample, with values in [0, classCount).
/// With `rows`, the dataset is a part of a larger one whose images it shares: sample i is images[rows[i]] (a split
/// of 34k 128×128 RGB images would otherwise copy 1.6 GB). Read the images through imagesAt() and imageRange(),
/// which work either way.
struct TensorDataset {
    torch::Tensor images;
    torch::Tensor labels;
    int64_t classCount = 0;
    torch::Tensor rows; ///< int64 on the images' device, or undefined: every image, in order

    int64_t size() const { return rows.defined() ? rows.size(0) : images.defined() ? images.size(0) : 0; }
    /// Number of values a flattened image holds (C·H·W).
    int64_t featureCount() const { return images.defined() ? images[0].numel() : 0; }
    /// Where samples `indices` of this dataset are in `images`.
    torch::Tensor imageRows(const torch::Tensor& indices) const;
    /// The images of samples `indices` (uint8, gathered).
    torch::Tensor imagesAt(const torch::Tensor& indices) const;
    /// The images of samples begin … begin + count − 1: a view of `images` without rows, gathered with them.
    torch::Tensor imageRange(int64_t begin, int64_t count) const;
};

/// The rows of `data` at `indices` (int64), copied into a new dataset.
TensorDataset subset(const TensorDataset& data, const torch::Tensor& indices);
/// The rows of `data` at `indices` (int64) as a dataset that shares data's images (only the labels and the row
/// numbers are new): a split of one loaded set costs no second copy of its pixels.
TensorDataset rowsOf(const TensorDataset& data, const torch::Tensor& indices);

} // namespace prunelab::engine
