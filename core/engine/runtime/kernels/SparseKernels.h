#pragma once

#include <cstdint>
#include <string>
#include <vector>

/// The sparse inference kernels behind SparseNetwork and SparseConv2d. No torch headers here. Each kernel is compiled
/// three times, for AVX-512 (F, BW, VL, DQ), for AVX2 + FMA and for the x86-64 baseline (portable C++ elsewhere); the
/// fastest one the processor runs is picked at run time, and any one it runs can be forced (PRUNELAB_SIMD, or
/// setSimdLevel on the networks) so that every variant is tested and measured on one machine.
namespace prunelab::engine::kernels {

enum class SimdLevel { Portable, Avx2, Avx512 };

/// "portable", "avx2" or "avx512".
const char* simdLevelName(SimdLevel level);
/// The level simdLevelName names; throws std::invalid_argument for any other name.
SimdLevel parseSimdLevel(const std::string& name);
/// Whether this processor (and its operating system) runs the level's instructions.
bool simdLevelSupported(SimdLevel level);
/// The levels this processor runs, portable first.
std::vector<SimdLevel> supportedSimdLevels();
/// The environment's PRUNELAB_SIMD when set, else the best supported level. Throws std::invalid_argument when
/// PRUNELAB_SIMD names no level or one this processor cannot run.
SimdLevel selectedSimdLevel();
/// Throws std::invalid_argument naming the level when this processor cannot run it.
void requireSimdLevel(SimdLevel level);

/// A pruned weight matrix rows × columns without its zeros, in the two layouts the kernels read.
struct SparseMatrix {
    int64_t rows = 0, columns = 0;
    /// Row by row, the surviving weights (value) and where each one's input row starts (index × the input's stride).
    /// For a linear layer index is the column; for a convolution it is the tap's offset in the padded input image.
    std::vector<int32_t> rowStart, index;
    std::vector<float> value;
    /// The same rows, each padded with zero weights (on column 0) to a multiple of 8 entries so that the one-sample
    /// kernel gathers whole vectors; column numbers in 16 bits when they fit (columns ≤ 65,536), else in 32.
    std::vector<int32_t> paddedRowStart;
    std::vector<uint16_t> paddedColumn16;
    std::vector<int32_t> paddedColumn32;
    std::vector<float> paddedValue;
    std::vector<float> bias; ///< empty or one per row

    /// From a dense row-major weight (zeros are the pruned weights) and an optional bias (null: none). `index`
    /// maps a column to the entry's index (null: the column itself).
    static SparseMatrix fromDense(const float* weight, int64_t rows, int64_t columns, const float* bias,
                                  const int32_t* index = nullptr);
    int64_t nonzeros() const { return int64_t(value.size()); }
};

/// y = W x + bias for one sample (x: columns floats, y: rows floats), negatives set to 0 when `relu`: a gather of
/// the inputs each row's surviving weights meet.
void sparseMatVec(SimdLevel level, const SparseMatrix& w, const float* x, bool relu, float* y);

/// Y[r, p] = bias[r] + Σ_k W[r, k] · X[index_k · xStride + p] for 0 ≤ p < width, a multiple of 16: each surviving
/// weight is broadcast and multiplies 16 to 64 consecutive inputs held in vectors. Linear layer: X feature-major
/// (feature c's batch at c · xStride). Convolution (stride 1): X one padded image, index the tap's offset,
/// xStride 1, p a position of the output in the padded image's row pitch. Y rows yStride apart; `relu` as above.
/// X must be readable up to the largest index · xStride + width.
void sparseMatMat(SimdLevel level, const SparseMatrix& w, const float* x, int64_t xStride, int64_t width, bool relu,
                  float* y, int64_t yStride);

} // namespace prunelab::engine::kernels
