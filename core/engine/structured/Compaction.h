#pragma once

#include "core/engine/measure/Measurements.h"
#include "core/engine/models/Classifier.h"
#include "core/engine/pruning/MaskSet.h"

#include <vector>

namespace prunelab::engine {

/// A dense, physically smaller copy of a structurally pruned model: every hidden unit whose weight row `masks` removes
/// entirely and whose bias and batch-norm scale and shift are zero (masked or not) is dropped together with the next
/// layer's inputs from it and its batch-norm channel (running statistics included). Because a removed unit's output is
/// exactly zero in the masked model, the compact model computes the same function: its outputs equal the masked model's
/// up to float rounding. The weights are copied with the masks applied; the original model is not changed, and the
/// global random generator's state is left as it was. The copy is on the model's device, in the model's
/// train/eval mode. Throws std::logic_error for an architecture that cannot be compacted.
ClassifierPtr compactModel(ClassifierImpl& model, const MaskSet& masks);

/// Hidden layer widths of a model (units per hidden prunable layer; a graph network's channel group sizes).
std::vector<int64_t> hiddenWidths(torch::nn::Module& model);

/// Before/after numbers of a compaction, for the report.
struct CompactionReport {
    std::vector<int64_t> widthsBefore, widthsAfter;
    ModelCost before, after;      ///< parameters, bytes (float32 storage) and MACs per sample
    double latencyBeforeMs = 0.0; ///< median wall time of one forward pass of the sample batch, in eval mode
    double latencyAfterMs = 0.0;
    double maxAbsDifference = 0.0; ///< largest |masked − compact| over the sample batch's outputs
};

/// Compares a masked model and its compact copy on `sample` (N×C×H×W, normalised), timing `repeats` forward passes
/// of each (after one warm-up).
CompactionReport compareCompaction(ClassifierImpl& masked, ClassifierImpl& compact, const torch::Tensor& sample,
                                   int repeats = 20);

/// Median wall time in milliseconds of `repeats` forward passes of `model` on `input` under NoGradGuard, eval mode.
double medianLatencyMs(ClassifierImpl& model, const torch::Tensor& input, int repeats);

} // namespace prunelab::engine
