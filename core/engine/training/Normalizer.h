#pragma once

#include "core/engine/training/TensorDataset.h"

#include <torch/types.h>

#include <vector>

namespace prunelab::engine {

/// Turns uint8 pixel batches into normalised float batches: (x/255 − mean) / std per channel,
/// done as one multiply-add so no intermediate [0,1] tensor is kept.
class Normalizer {
public:
    Normalizer() = default;
    /// mean and std are per channel, in [0,1] pixel units (ImageNet: {0.485,0.456,0.406}, {0.229,0.224,0.225}).
    Normalizer(std::vector<double> mean, std::vector<double> std);

    /// Per-channel mean and std of a uint8 N×C×H×W tensor (the dataset statistics).
    static Normalizer fromData(const torch::Tensor& images);
    /// The same over a dataset's own samples (a split that shares a larger set's images: only its rows).
    static Normalizer fromData(const TensorDataset& data);

    torch::Tensor operator()(const torch::Tensor& images) const;
    /// `operator()(images.index_select(0, indices))` in one pass: each selected uint8 pixel is read once and written
    /// once as a normalised float, with no uint8 batch or unnormalised float batch in between (CPU uint8 contiguous
    /// images; anything else takes the two-step path).
    torch::Tensor gather(const torch::Tensor& images, const torch::Tensor& indices) const;

    const std::vector<double>& mean() const { return mean_; }
    const std::vector<double>& std() const { return std_; }

private:
    std::vector<double> mean_;
    std::vector<double> std_;
    torch::Tensor scale_; // 1×C×1×1: 1 / (255·std)
    torch::Tensor shift_; // 1×C×1×1: −mean / std
};

} // namespace prunelab::engine
