#pragma once

#include "core/engine/models/Classifier.h"

#include <cstdint>
#include <vector>

namespace prunelab::engine {

/// Inference through the surviving weights only: every linear layer of a pruned MLP-like classifier (Flatten,
/// Linear and ReLU steps) stored in CSR form and run by a hand-written kernel, so a 95 %-sparse layer reads and
/// multiplies 5 % of its weights. A masked dense model costs what the dense one does; this is the unstructured
/// counterpart of compaction (structured pruning).
class SparseNetwork {
public:
    /// Throws std::invalid_argument naming the first step that has no sparse path (convolution, batch norm,
    /// pooling): those models are made faster by structured pruning and compaction instead.
    static SparseNetwork fromModel(ClassifierImpl& model);

    /// Logits N×classes for float input N×… (already normalised, flattened per sample as the model's Flatten does).
    torch::Tensor forward(const torch::Tensor& input) const;

    int64_t nonzeroWeights() const;
    int64_t denseWeights() const;
    int64_t inputFeatures() const { return layers_.empty() ? 0 : layers_.front().columns; }

private:
    struct Layer {
        int64_t rows = 0, columns = 0;
        std::vector<int32_t> rowStart, column;
        std::vector<float> value, bias;
        bool relu = false;
    };
    std::vector<Layer> layers_;
};

} // namespace prunelab::engine
