#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/pruning/MaskSet.h"

#include <cstdint>
#include <string>
#include <vector>

namespace prunelab::engine {

struct ClassMetrics {
    double precision = 0.0;
    double recall = 0.0;
    double f1 = 0.0;
    int64_t support = 0;
};

/// sklearn's classification_report and confusion_matrix (the MRI threshold sweep) as plain values.
struct ClassificationReport {
    std::vector<std::vector<int64_t>> confusion; ///< [true class][predicted class]
    std::vector<ClassMetrics> perClass;
    double accuracy = 0.0;
    double macroF1 = 0.0;
    int64_t samples = 0;
};

/// Builds the report from true and predicted labels (int64, same length) over `classCount` classes.
/// A class never predicted has precision 0; one never present has recall 0 (as sklearn with zero_division=0).
ClassificationReport classificationReport(const torch::Tensor& truth, const torch::Tensor& predicted,
                                          int64_t classCount);

/// One prunable layer as the charts need it: counts, a histogram of its weights and a small image of its mask.
struct LayerSnapshot {
    std::string name;
    std::vector<int64_t> shape;
    int64_t total = 0;
    int64_t nonzero = 0;
    double sparsity = 0.0;
    /// Histogram of the non-zero weights over [histogramMin, histogramMax], `bins` equal bins.
    std::vector<int64_t> histogram;
    double histogramMin = 0.0;
    double histogramMax = 0.0;
    /// The mask (or the weight != 0 pattern without one) as rows × cols cells, each the kept fraction in [0, 1],
    /// row-major. Rows are output units/filters, columns inputs (conv kernels flattened per filter).
    std::vector<float> maskImage;
    int64_t maskRows = 0;
    int64_t maskCols = 0;
    /// A matrix-drawn layer (not a kernel grid): the same mask with its rows and columns sorted by their kept share,
    /// most kept first (ties: original order), then downsampled like maskImage, so that kept and pruned weights form
    /// blocks. orderedRows[i] is the original row at sorted position i, orderedColumns likewise (full resolution).
    std::vector<float> orderedMaskImage;
    std::vector<int32_t> orderedRows;
    std::vector<int32_t> orderedColumns;
    /// A first Linear layer that reads the image (in_features = channels·height·width), else empty (inputHeight 0).
    /// inputKept: height × width, row-major: the share of each pixel's weights kept (mean over channels and outputs).
    int64_t inputChannels = 0;
    int64_t inputHeight = 0;
    int64_t inputWidth = 0;
    std::vector<float> inputKept;
    /// Each output unit's kept weights (weight × mask, averaged over channels and down to at most
    /// neuronHeight × neuronWidth ≤ maxNeuronSide² blocks) as int8: value = q / 127 · neuronScales[unit].
    int64_t neuronHeight = 0;
    int64_t neuronWidth = 0;
    std::vector<int8_t> neuronWeights;
    std::vector<float> neuronScales;
};

/// Snapshots of every prunable layer; masks cells downsampled to at most maxCells × maxCells by averaging, except a
/// convolution of at most 4·maxCells² weights, whose mask is kept whole (filters × inputs·kh·kw). With the input's
/// shape (channels, height, width), a first layer that is a Linear reading the flattened image also gets its input
/// map (LayerSnapshot::inputKept and the neurons' weights as images of at most maxNeuronSide × maxNeuronSide).
std::vector<LayerSnapshot> snapshotLayers(torch::nn::Module& model, const MaskSet* masks, int bins = 50,
                                          int64_t maxCells = 64, const std::vector<int64_t>& inputShape = {},
                                          int64_t maxNeuronSide = 64);

/// What the pruned model costs against its dense self.
struct ModelCost {
    int64_t parameters = 0;        ///< all weights and biases
    int64_t nonzeroParameters = 0; ///< non-zero weights and biases
    int64_t denseBytes = 0;        ///< float32 storage of every parameter
    int64_t sparseBytes =
        0; ///< pruned layers as CSR (value + column index per non-zero, one row pointer per row), the rest dense
    int64_t denseMacs = 0;     ///< multiply-accumulates per sample, dense
    int64_t remainingMacs = 0; ///< multiply-accumulates per sample with pruned weights skipped
};

/// Linear CKA (Kornblith et al., 2019) between two representations of the same n inputs (n × anything, flattened
/// per row): ⟨K_X, K_Y⟩_F / (‖K_X‖_F ‖K_Y‖_F) with K = X_c X_cᵀ of the column-centred data. 1 for representations
/// equal up to rotation and scale, near 0 for unrelated ones.
double linearCka(const torch::Tensor& x, const torch::Tensor& y);

/// Costs for one input of channels×height×width; MACs count every output position of a convolution.
ModelCost measureCost(ClassifierImpl& model, int64_t channels, int64_t height, int64_t width);

} // namespace prunelab::engine
