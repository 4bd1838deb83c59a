#pragma once

#include <torch/torch.h>

namespace prunelab::engine {

/// On-the-fly training augmentation, drawn per image and per batch (never stored): horizontal flips, small
/// rotations and brightness changes. Validation and test images are never augmented.
struct AugmentOptions {
    bool flip = false;          ///< mirror left-right with probability 1/2
    double rotateDegrees = 0.0; ///< rotate by a uniform angle in [−d, d] (bilinear, zero outside)
    double brightness = 0.0;    ///< multiply by a uniform factor in [1 − b, 1 + b], clamped to the pixel range

    bool enabled() const { return flip || rotateDegrees > 0.0 || brightness > 0.0; }
};

/// Augments a batch of raw pixels (N×C×H×W, any dtype, values 0…255) and returns it as float in the same range.
/// Every random draw comes from `generator`, so the same seed gives the same augmented batches.
torch::Tensor augmentBatch(const torch::Tensor& images, const AugmentOptions& options, at::Generator& generator);

} // namespace prunelab::engine
