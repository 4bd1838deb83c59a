#pragma once

#include "core/engine/pruning/Pruner.h"

namespace prunelab::engine {

/// `nm-magnitude`: semi-structured N:M sparsity (2:4 as sparse tensor cores run it; also 1:4, 4:8). In every group of
/// m consecutive weights along a layer's input dimension the n largest |w| are kept and the rest pruned, so the
/// sparsity is 1 − n/m whatever the target says. A linear layer's row [in] is cut into groups of m; a convolution's
/// weights [out, in, kh, kw] are grouped along `in` at each kernel position (as NVIDIA's 2:4 layout does). When `in`
/// is not a multiple of m the last group of a row is shorter and keeps min(n, its size). Weights already pruned
/// (`current`) stay pruned, so such a group may keep fewer than n. Every prunable layer, the output layer included.
///
/// Faster only where hardware runs the pattern (GPU sparse tensor cores); on a CPU it is an unstructured mask.
class NmPruner : public Pruner {
public:
    /// Throws std::invalid_argument unless 1 <= n < m <= 64.
    NmPruner(int n, int m);
    MaskSet computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const override;

private:
    int n_;
    int m_;
};

} // namespace prunelab::engine
