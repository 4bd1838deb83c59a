#pragma once

#include "core/bench/BenchReport.h"

#include <cstdint>
#include <string>
#include <vector>

namespace prunelab::bench {

/// `prunelab-cli bench train`: training samples per second of the engine's Trainer against a plain PyTorch loop over
/// the same model, batch, optimiser and in-memory uint8 data (shuffled batches normalised per channel), run by
/// python3-torch in the same run.
struct TrainBenchOptions {
    std::string model = "all"; ///< one of trainBenchModels(), or all
    int64_t batchSize = 0;     ///< 0: the model's own (its seed's)
    int64_t steps = 0;         ///< timed optimiser steps; 0: the model's own (a few seconds each)
    std::string device = "cpu";
    bool reference = true; ///< run the Python loop too
};

struct TrainBenchModel {
    std::string name, description;
    int64_t batchSize, steps, channels, height, width, classes;
};

/// lenet-300-100 (the interval-adjoint and lottery-ticket workflows), mlp-003 (the pruning lecture), mlp-000 (the MRI
/// threshold sweep), lenet5 (the strategy study), vgg-small.
const std::vector<TrainBenchModel>& trainBenchModels();

/// One report per model; throws std::invalid_argument for an unknown model name (the known ones listed).
std::vector<BenchReport> runTrainBench(const TrainBenchOptions& options);

} // namespace prunelab::bench
