#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/pruning/MaskSet.h"

#include <memory>
#include <string>
#include <vector>

namespace prunelab::engine {

/// How much to prune, as cumulative sparsity over the prunable weights (not the rate of one round).
struct PruneTarget {
    double sparsity = 0.0;
    /// Sparsity of the output layer for per-layer methods (the lottery-ticket workflow prunes it at half the hidden
    /// rate); negative: the same as `sparsity`.
    double outputSparsity = -1.0;
    /// Magnitude threshold for the `threshold` method (|w| <= t is pruned); negative: the method's own.
    double threshold = -1.0;
    /// Which round of how many this is (1-based), for methods whose behaviour changes over the rounds (annealing).
    int round = 1;
    int rounds = 1;
    /// Structured methods: units (neurons/filters) each hidden layer keeps (the geometric schedule's N_t); empty:
    /// each hidden layer keeps max(1, round((1 − sparsity) · units)).
    std::vector<int64_t> keepUnits;
    /// Structured methods: kept counts are rounded up to a multiple of this (fast kernels want multiples of 8 or
    /// 16), capped at the layer's width; a layer narrower than it is refused.
    int64_t roundTo = 1;
};

/// A pruning method (its recipe name and one-line summary are in MethodCatalogue.h): from a model (and the masks it
/// already carries) to new masks.
/// Weights already pruned by `current` stay pruned, so calling it round after round with a growing target is
/// iterative pruning. Unless told otherwise, every layer keeps at least one weight, so global methods never
/// empty a layer and cut the network in two.
class Pruner {
public:
    virtual ~Pruner() = default;
    virtual MaskSet computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const = 0;
    /// True for methods that remove whole neurons and filters (StructuredPruner).
    virtual bool structured() const { return false; }
    /// True for methods whose sweep values are magnitude thresholds (ThresholdPruner), not sparsities.
    virtual bool sweepsThresholds() const { return false; }
};

} // namespace prunelab::engine
