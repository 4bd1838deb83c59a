#pragma once

#include "core/engine/models/Classifier.h"

#include <cstdint>
#include <string>

namespace prunelab::engine {

class MaskSet;

/// How long one image takes through a model, before and after pruning can skip work (batch 1, one thread, the
/// median of repeated forward passes). Wall-clock figures: they vary from run to run, so
/// sessions keep them with the round's event, not with its reproducible measurements.
struct Latency {
    double denseMs = -1.0;  ///< the model as it is: pruned weights are zeros that are still multiplied
    double prunedMs = -1.0; ///< through what pruning removes: negative when there is no such path
    std::string prunedPath; ///< "csr" (unstructured, MLP-like: SparseNetwork), "compact" (structured), or empty
};

/// Times `model` on a zero input of channels×height×width: dense, and then `compact` (a structured round's
/// compacted model) when given, else — with `masks` — the CSR kernel (models of Flatten/Linear/ReLU steps). Each
/// case runs for about `budgetMs` (at least 3 passes after a warm-up). Train/eval modes are restored; no random
/// numbers are drawn. CPU models only: on a GPU every figure stays negative.
Latency measureLatency(ClassifierImpl& model, const MaskSet* masks, ClassifierImpl* compact, int64_t channels,
                       int64_t height, int64_t width, double budgetMs = 60.0);

} // namespace prunelab::engine
