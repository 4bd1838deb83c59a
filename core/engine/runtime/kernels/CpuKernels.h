#pragma once

#include <cstdint>

/// Hand-written CPU loops for two places where LibTorch's general operators cost the engine most: the Adam update and
/// the shuffled batch turned into normalised floats (the sparse inference kernels are in SparseKernels.h).
/// No torch headers here: this file is compiled with -fno-math-errno (so sqrt vectorises) and, on x86-64, once for
/// AVX2+FMA and once for the baseline, the loader picking the one the processor runs.
namespace prunelab::engine::kernels {

struct AdamStep {
    float beta1, beta2, eps;
    float l2Decay;         ///< Adam: added to the gradient (times the weight)
    float shrink;          ///< AdamW: the weight is multiplied by this first (1 for Adam)
    float stepSize;        ///< lr / bias correction 1
    float rootCorrection2; ///< 1 / sqrt(bias correction 2)
};

/// One pass over a parameter: every value read once and written once, LibTorch's arithmetic in its order.
void adamUpdate(float* param, const float* grad, float* mean, float* square, int64_t n, const AdamStep& step);

/// out[k] = images[rows[k]] · scale[c] + shift[c], uint8 → float, per channel of `plane` pixels.
/// Returns the first row index outside [0, imageCount), or -1 when all were inside (nothing is written past it).
int64_t gatherNormalized(const uint8_t* images, int64_t imageCount, const int64_t* rows, int64_t count,
                         int64_t channels, int64_t plane, const float* scale, const float* shift, float* out);

} // namespace prunelab::engine::kernels
