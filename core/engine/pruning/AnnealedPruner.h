#pragma once

#include "core/engine/pruning/Pruner.h"

#include <cstdint>

namespace prunelab::engine {

struct AnnealOptions {
    double initialTemperature = 0.5; ///< T0, in units of the mean |w| of the live weights
    double coupling = 0.25;          ///< J, in the same units
    int sweeps = 40;                 ///< Gibbs sweeps per round
    uint64_t seed = 42;
};

/// `annealed`: thermodynamic pruning, the Ising-style model the MRI threshold sweep's title promises and its code never
/// builds.
///
/// Each prunable weight i carries a spin m_i ∈ {0 pruned, 1 kept}. The energy of a mask is
///     E(m) = Σ_i m_i (θ − |w_i|) − J Σ_⟨i,j⟩ m_i m_j
/// where θ is the magnitude at the target sparsity's quantile (so keeping a weight larger than θ lowers the energy)
/// and ⟨i,j⟩ runs over neighbouring weights in the same row of a layer (the inputs of one unit, or the flattened
/// kernel of one filter): J > 0 makes kept weights cluster. Masks are drawn by Gibbs sampling at temperature T,
/// P(m_i = 1 | rest) = σ(−ΔE_i / T) with ΔE_i = (θ − |w_i|) − J (m_{i−1} + m_{i+1}), updating even and odd
/// positions of every row in turn (they are conditionally independent on a chain). T anneals linearly over the
/// rounds, T_k = T0 · (R − k) / R, reaching 0 (greedy descent) in the last round. The average spin over the second
/// half of the sweeps is the weight's score, and exactly the target count of lowest scores is pruned.
/// With J = 0 and T = 0 this is global magnitude pruning at θ.
class AnnealedPruner : public Pruner {
public:
    explicit AnnealedPruner(const AnnealOptions& options);
    MaskSet computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const override;

    /// T_k for round `round` of `rounds`, in units of the mean |w|.
    double temperature(int round, int rounds) const;

private:
    AnnealOptions options_;
};

} // namespace prunelab::engine
