#pragma once

#include "core/engine/runtime/kernels/SparseKernels.h"

#include <torch/types.h>

#include <cstdint>

namespace prunelab::engine {

/// One pruned convolution (stride 1, zero padding, any kernel size) computed from its surviving weights only: the
/// filters are a sparse matrix out-channels × (in-channels · kh · kw) and each surviving weight is one tap, an
/// offset into the zero-padded input image. The image is padded once, and the product runs over output positions
/// in the padded image's row pitch: the im2col matrix is never built, because its row for tap (c, i, j) is the
/// padded image itself shifted by c·Hp·Wp + i·Wp + j ("direct sparse convolution"). Same kernels and instruction
/// set dispatch as SparseNetwork.
class SparseConv2d {
public:
    /// `weight` out×in×kh×kw (zeros are the pruned weights), `bias` out or undefined, for inputs of height × width.
    /// Throws std::invalid_argument for a stride other than 1, a kernel larger than the padded input, or a shape
    /// that is not a convolution's.
    static SparseConv2d fromWeights(const torch::Tensor& weight, const torch::Tensor& bias, int64_t padding,
                                    int64_t height, int64_t width, int64_t stride = 1);

    /// N×in×height×width floats in, N×out×outHeight×outWidth out; `relu` clamps at 0 (the ReLU that follows).
    torch::Tensor forward(const torch::Tensor& input, bool relu = false) const;
    /// The kernels alone on `batch` images, NCHW, no tensor made.
    void forward(const float* input, int64_t batch, bool relu, float* output) const;

    kernels::SimdLevel simdLevel() const { return level_; }
    /// Forces the kernels of one instruction set; throws std::invalid_argument when this processor lacks it.
    void setSimdLevel(kernels::SimdLevel level);

    int64_t nonzeroWeights() const { return filters_.nonzeros(); }
    int64_t denseWeights() const { return filters_.rows * filters_.columns; }
    int64_t outHeight() const { return outHeight_; }
    int64_t outWidth() const { return outWidth_; }

private:
    kernels::SparseMatrix filters_;
    int64_t inChannels_ = 0, height_ = 0, width_ = 0, padding_ = 0;
    int64_t paddedHeight_ = 0, paddedWidth_ = 0, outHeight_ = 0, outWidth_ = 0;
    int64_t positions_ = 0;   ///< outHeight × paddedWidth, rounded up to 16
    int64_t imageFloats_ = 0; ///< the padded image with the slack the last vectors read
    kernels::SimdLevel level_ = kernels::SimdLevel::Portable;
};

} // namespace prunelab::engine
