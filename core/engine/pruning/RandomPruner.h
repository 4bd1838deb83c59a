#pragma once

#include "core/engine/pruning/Pruner.h"

#include <cstdint>

namespace prunelab::engine {

/// `random`: prunes weights chosen uniformly at random, globally, exactly the target count — the control every
/// pruning comparison needs (the strategy study). Deterministic from the seed and the round.
class RandomPruner : public Pruner {
public:
    explicit RandomPruner(uint64_t seed) : seed_(seed) {}
    MaskSet computeMasks(ClassifierImpl& model, const PruneTarget& target, const MaskSet* current) const override;

private:
    uint64_t seed_;
};

} // namespace prunelab::engine
