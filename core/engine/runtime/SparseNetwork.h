#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/runtime/kernels/SparseKernels.h"

#include <cstdint>
#include <vector>

namespace prunelab::engine {

/// Inference through the surviving weights only: every linear layer of a pruned MLP-like classifier (Flatten,
/// Linear and ReLU steps) stored without its zeros and run by hand-written kernels, so a 95 %-sparse layer reads and
/// multiplies 5 % of its weights. A masked dense model costs what the dense one does; this is the unstructured
/// counterpart of compaction (structured pruning). Convolutions: SparseConv2d.
///
/// One sample (or up to 3) goes through a gather kernel (16 rows at a time, their inputs fetched by 16-bit column
/// numbers: kernels::SparseMatrix's SELL-16 layout); larger batches are transposed once into feature-major blocks of 16
/// samples so that each surviving weight is one broadcast and multiply-add over 16 to 64 samples held in vector
/// registers. Kernels for AVX-512, AVX2 and the baseline are chosen at run time (kernels::selectedSimdLevel); no
/// LibTorch operator runs inside forward.
class SparseNetwork {
public:
    /// Throws std::invalid_argument naming the first step that has no sparse path (convolution, batch norm,
    /// pooling): those models are made faster by structured pruning and compaction instead.
    static SparseNetwork fromModel(ClassifierImpl& model);

    /// Logits N×classes for float input N×… (already normalised, flattened per sample as the model's Flatten does).
    torch::Tensor forward(const torch::Tensor& input) const;
    /// The kernels alone: `batch` samples of inputFeatures() floats, one after the other, in; batch × outputFeatures()
    /// logits out. Scratch memory is kept per thread, so after the first call nothing is allocated.
    void forward(const float* input, int64_t batch, float* output) const;

    kernels::SimdLevel simdLevel() const { return level_; }
    /// Forces the kernels of one instruction set; throws std::invalid_argument when this processor lacks it.
    void setSimdLevel(kernels::SimdLevel level);

    int64_t nonzeroWeights() const;
    int64_t denseWeights() const;
    int64_t inputFeatures() const { return layers_.empty() ? 0 : layers_.front().matrix.columns; }
    int64_t outputFeatures() const { return layers_.empty() ? 0 : layers_.back().matrix.rows; }

    /// From this batch size on the feature-major kernel is used; below it, the per-sample gather kernel.
    static constexpr int64_t kBatchedFrom = 4;

private:
    struct Layer {
        kernels::SparseMatrix matrix;
        bool relu = false;
    };
    std::vector<Layer> layers_;
    int64_t widest_ = 0; ///< the most features any layer reads or writes
    kernels::SimdLevel level_ = kernels::SimdLevel::Portable;
};

} // namespace prunelab::engine
