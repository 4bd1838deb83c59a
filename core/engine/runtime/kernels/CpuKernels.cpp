#include "core/engine/runtime/kernels/CpuKernels.h"

#include <cmath>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PRUNELAB_CLONES __attribute__((target_clones("arch=haswell", "default")))
#else
#define PRUNELAB_CLONES
#endif

namespace prunelab::engine::kernels {

PRUNELAB_CLONES
void adamUpdate(float* __restrict param, const float* __restrict grad, float* __restrict mean, float* __restrict square,
                int64_t n, const AdamStep& step)
{
    const float beta1 = step.beta1, beta2 = step.beta2, eps = step.eps, decay = step.l2Decay, shrink = step.shrink;
    const float size = step.stepSize, root = step.rootCorrection2;
    const float oneMinusBeta1 = 1.0f - beta1, oneMinusBeta2 = 1.0f - beta2;
    for (int64_t i = 0; i < n; ++i) {
        const float w = param[i] * shrink;
        const float g = grad[i] + decay * w;
        const float m = mean[i] * beta1 + oneMinusBeta1 * g;
        const float v = square[i] * beta2 + oneMinusBeta2 * g * g;
        mean[i] = m;
        square[i] = v;
        param[i] = w - size * m / (std::sqrt(v) * root + eps);
    }
}

namespace {

PRUNELAB_CLONES
void normalizePlane(const uint8_t* __restrict in, int64_t n, float a, float b, float* __restrict out)
{
    for (int64_t j = 0; j < n; ++j)
        out[j] = float(in[j]) * a + b;
}

} // namespace

int64_t gatherNormalized(const uint8_t* images, int64_t imageCount, const int64_t* rows, int64_t count,
                         int64_t channels, int64_t plane, const float* scale, const float* shift, float* out)
{
    for (int64_t k = 0; k < count; ++k)
        if (rows[k] < 0 || rows[k] >= imageCount)
            return rows[k];
    for (int64_t k = 0; k < count; ++k) {
        const uint8_t* image = images + rows[k] * channels * plane;
        for (int64_t c = 0; c < channels; ++c)
            normalizePlane(image + c * plane, plane, scale[c], shift[c], out + (k * channels + c) * plane);
    }
    return -1;
}

} // namespace prunelab::engine::kernels
