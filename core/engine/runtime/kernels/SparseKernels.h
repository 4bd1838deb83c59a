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
    /// The same rows for the one-sample kernels (SELL-16): sorted by length, in slices of 16 rows stored entry by
    /// entry (a slice's k-th entries of its 16 rows side by side), so that one gather fetches the inputs of 16 rows
    /// (AVX-512: one instruction, AVX2: two, portable: 16 independent scalar sums) and each lane sums one row, with
    /// no horizontal sums; a slice is as long as its longest
    /// row, the others padded with zero weights on input 0. Inputs numbered in 16 bits when they fit, else in 32.
    std::vector<int32_t> sliceStart; ///< per slice and one more, in entries (a multiple of 16)
    std::vector<int32_t> sliceRow;   ///< 16 per slice: the row each lane sums, -1 for none
    std::vector<uint16_t> sliceIndex16;
    std::vector<int32_t> sliceIndex32;
    std::vector<float> sliceValue;
    std::vector<float> sliceBias; ///< 16 per slice, the bias of each lane's row (0 without)
    std::vector<float> bias;      ///< empty or one per row

    /// From a dense row-major weight (zeros are the pruned weights) and an optional bias (null: none). `index`
    /// maps a column to the entry's index (null: the column itself).
    static SparseMatrix fromDense(const float* weight, int64_t rows, int64_t columns, const float* bias,
                                  const int32_t* index = nullptr);
    int64_t nonzeros() const { return int64_t(value.size()); }
};

/// y[r] = bias[r] + Σ_k W[r, k] · x[index_k] for one sample (linear layer: x has `columns` floats, y `rows`),
/// negatives set to 0 when `relu`: 16 rows at a time from the SELL-16 layout.
void sparseMatVec(SimdLevel level, const SparseMatrix& w, const float* x, bool relu, float* y);

/// Y[r, p] = bias[r] + Σ_k W[r, k] · X[index_k · xStride + p] for 0 ≤ p < width, a multiple of 16: each surviving
/// weight is broadcast and multiplies 16 to 64 consecutive inputs held in vectors. Linear layer: X feature-major
/// (feature c's batch at c · xStride). Convolution (stride 1): X one padded image, index the tap's offset,
/// xStride 1, p a position of the output in the padded image's row pitch. Y rows yStride apart; `relu` as above.
/// X must be readable up to the largest index · xStride + width.
void sparseMatMat(SimdLevel level, const SparseMatrix& w, const float* x, int64_t xStride, int64_t width, bool relu,
                  float* y, int64_t yStride);

} // namespace prunelab::engine::kernels
