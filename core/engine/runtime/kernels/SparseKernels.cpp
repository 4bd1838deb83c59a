#include "core/engine/runtime/kernels/SparseKernels.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PRUNELAB_X86_VARIANTS 1
#include <immintrin.h>
#else
#define PRUNELAB_X86_VARIANTS 0
#endif

namespace prunelab::engine::kernels {

namespace {

// What the loops read, as plain pointers (see SparseKernelsBody.inc).
struct SparseView {
    int64_t rows;
    const int32_t* rowStart;
    const int32_t* index;
    const float* value;
    const float* bias;
};

template <typename Index> struct SliceView {
    int64_t slices;
    const int32_t* sliceStart;
    const int32_t* row;
    const Index* index;
    const float* value;
    const float* bias;
};

// The loops pass 64-byte vectors only between always-inline helpers of one instruction set: no ABI is crossed.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
namespace portable {
#define PRUNELAB_SIMD_LEVEL 0
#include "core/engine/runtime/kernels/SparseKernelsBody.inc"
#undef PRUNELAB_SIMD_LEVEL
} // namespace portable

#if PRUNELAB_X86_VARIANTS
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
#define PRUNELAB_SIMD_LEVEL 1
#include "core/engine/runtime/kernels/SparseKernelsBody.inc"
#undef PRUNELAB_SIMD_LEVEL
} // namespace avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")
// GCC 12's own avx512fintrin.h initialises its undefined vectors from themselves (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
namespace avx512 {
#define PRUNELAB_SIMD_LEVEL 2
#include "core/engine/runtime/kernels/SparseKernelsBody.inc"
#undef PRUNELAB_SIMD_LEVEL
} // namespace avx512
#pragma GCC pop_options
#endif
#pragma GCC diagnostic pop

SparseView viewOf(const SparseMatrix& w)
{
    return {w.rows, w.rowStart.data(), w.index.data(), w.value.data(), w.bias.empty() ? nullptr : w.bias.data()};
}

template <typename Index> SliceView<Index> sliceViewOf(const SparseMatrix& w, const std::vector<Index>& index)
{
    return {int64_t(w.sliceStart.size()) - 1,
            w.sliceStart.data(),
            w.sliceRow.data(),
            index.data(),
            w.sliceValue.data(),
            w.sliceBias.data()};
}

template <typename Index>
void slicedMatVecAt(SimdLevel level, const SliceView<Index>& view, const float* x, bool relu, float* y)
{
    switch (level) {
#if PRUNELAB_X86_VARIANTS
    case SimdLevel::Avx512:
        avx512::slicedMatVec(view, x, relu, y);
        return;
    case SimdLevel::Avx2:
        avx2::slicedMatVec(view, x, relu, y);
        return;
#endif
    default:
        portable::slicedMatVec(view, x, relu, y);
        return;
    }
}

} // namespace

const char* simdLevelName(SimdLevel level)
{
    switch (level) {
    case SimdLevel::Avx512:
        return "avx512";
    case SimdLevel::Avx2:
        return "avx2";
    default:
        return "portable";
    }
}

SimdLevel parseSimdLevel(const std::string& name)
{
    for (const SimdLevel level : {SimdLevel::Portable, SimdLevel::Avx2, SimdLevel::Avx512})
        if (name == simdLevelName(level))
            return level;
    throw std::invalid_argument("unknown SIMD level '" + name + "': expected portable, avx2 or avx512");
}

bool simdLevelSupported(SimdLevel level)
{
    if (level == SimdLevel::Portable)
        return true;
#if PRUNELAB_X86_VARIANTS
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (level == SimdLevel::Avx2)
        return avx2;
    return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
#else
    return false;
#endif
}

std::vector<SimdLevel> supportedSimdLevels()
{
    std::vector<SimdLevel> levels;
    for (const SimdLevel level : {SimdLevel::Portable, SimdLevel::Avx2, SimdLevel::Avx512})
        if (simdLevelSupported(level))
            levels.push_back(level);
    return levels;
}

void requireSimdLevel(SimdLevel level)
{
    if (!simdLevelSupported(level))
        throw std::invalid_argument(std::string("this processor cannot run the ") + simdLevelName(level) + " kernels");
}

SimdLevel selectedSimdLevel()
{
    const char* forced = std::getenv("PRUNELAB_SIMD");
    if (forced != nullptr && *forced != '\0') {
        const SimdLevel level = parseSimdLevel(forced);
        if (!simdLevelSupported(level))
            throw std::invalid_argument(std::string("PRUNELAB_SIMD=") + forced + ": this processor cannot run the " +
                                        simdLevelName(level) + " kernels");
        return level;
    }
    return supportedSimdLevels().back();
}

SparseMatrix SparseMatrix::fromDense(const float* weight, int64_t rows, int64_t columns, const float* bias,
                                     const int32_t* index)
{
    SparseMatrix m;
    m.rows = rows;
    m.columns = columns;
    m.rowStart.reserve(size_t(rows + 1));
    m.rowStart.push_back(0);
    int32_t largestIndex = 0;
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < columns; ++c) {
            const float v = weight[r * columns + c];
            if (v == 0.0f)
                continue;
            m.index.push_back(index != nullptr ? index[c] : int32_t(c));
            m.value.push_back(v);
            largestIndex = std::max(largestIndex, m.index.back());
        }
        m.rowStart.push_back(int32_t(m.value.size()));
    }
    if (bias != nullptr)
        m.bias.assign(bias, bias + rows);

    // SELL-16: rows by decreasing length (stable, so equal rows keep their order), 16 to a slice.
    const auto length = [&m](int32_t r) { return m.rowStart[size_t(r) + 1] - m.rowStart[size_t(r)]; };
    std::vector<int32_t> order(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r)
        order[size_t(r)] = int32_t(r);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return length(a) > length(b); });
    const bool narrow = largestIndex < 65536;
    m.sliceStart.push_back(0);
    for (int64_t first = 0; first < rows; first += 16) {
        const size_t lanes = m.sliceRow.size();
        int32_t longest = 0;
        for (int64_t lane = 0; lane < 16; ++lane) {
            const int32_t r = first + lane < rows ? order[size_t(first + lane)] : -1;
            m.sliceRow.push_back(r);
            m.sliceBias.push_back(r >= 0 && bias != nullptr ? bias[r] : 0.0f);
            if (r >= 0)
                longest = std::max(longest, length(r));
        }
        for (int32_t k = 0; k < longest; ++k)
            for (size_t lane = 0; lane < 16; ++lane) {
                const int32_t r = m.sliceRow[lanes + lane];
                const bool real = r >= 0 && k < length(r);
                const size_t at = real ? size_t(m.rowStart[size_t(r)] + k) : 0;
                if (narrow)
                    m.sliceIndex16.push_back(real ? uint16_t(m.index[at]) : uint16_t(0));
                else
                    m.sliceIndex32.push_back(real ? m.index[at] : 0);
                m.sliceValue.push_back(real ? m.value[at] : 0.0f);
            }
        m.sliceStart.push_back(int32_t(m.sliceValue.size()));
    }
    return m;
}

void sparseMatVec(SimdLevel level, const SparseMatrix& w, const float* x, bool relu, float* y)
{
    if (w.sliceIndex32.empty())
        slicedMatVecAt(level, sliceViewOf(w, w.sliceIndex16), x, relu, y);
    else
        slicedMatVecAt(level, sliceViewOf(w, w.sliceIndex32), x, relu, y);
}

void sparseMatMat(SimdLevel level, const SparseMatrix& w, const float* x, int64_t xStride, int64_t width, bool relu,
                  float* y, int64_t yStride)
{
    if (width % 16 != 0)
        throw std::invalid_argument("sparseMatMat: the width must be a multiple of 16");
    const SparseView view = viewOf(w);
    switch (level) {
#if PRUNELAB_X86_VARIANTS
    case SimdLevel::Avx512:
        avx512::matMat(view, x, xStride, width, relu, y, yStride);
        return;
    case SimdLevel::Avx2:
        avx2::matMat(view, x, xStride, width, relu, y, yStride);
        return;
#endif
    default:
        portable::matMat(view, x, xStride, width, relu, y, yStride);
        return;
    }
}

} // namespace prunelab::engine::kernels
