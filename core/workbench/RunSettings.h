#pragma once

// Private to the workbench (RunJob and its helpers): a recipe turned into the engine's settings, and the engine's
// round report turned into the RoundStats the GUI, the CLI and metrics.jsonl show. Includes LibTorch: never include it
// from a header the ui sees.

#include "core/engine/PruningSchedule.h"
#include "core/engine/models/ModelFactory.h"
#include "core/engine/pruning/MethodCatalogue.h"
#include "core/engine/training/Normalizer.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/RunTypes.h"
#include "datasets/ImageSet.h"

#include <memory>
#include <utility>

namespace prunelab::workbench::settings {

/// The values a sweep tries: thresholds for a method that sweeps thresholds, else sparsities.
const QList<double>& sweepValues(const Recipe& r);

/// Wraps the ImageSet's buffers for LibTorch without copying; the ImageSet must outlive the tensors.
engine::TensorDataset wrap(const datasets::ImageSet& set);
engine::ModelSpec modelSpec(const Recipe::Model& m);
/// `train`: the training split (class weights are its inverse class frequencies).
engine::TrainOptions trainOptions(const Recipe& r, const engine::TensorDataset& train);
engine::ScheduleOptions scheduleOptions(const Recipe& r);
/// Up to `count` training images drawn at random with the seed, and their labels (not normalised).
std::pair<torch::Tensor, torch::Tensor> calibrationSet(const engine::TensorDataset& train, int64_t count,
                                                       uint64_t seed);
/// The recipe's method from the catalogue, built with the recipe's values; data-scoring methods draw their
/// calibration images from `train`, normalised by `normalize`.
std::shared_ptr<const engine::Pruner> makePruner(const Recipe& r, const engine::TensorDataset& train,
                                                 const engine::Normalizer& normalize);
/// Rounds and epochs the recipe's schedule will run; `layers`: the model's prunable layers (layer-by-layer).
engine::SchedulePlanCount planCount(const Recipe& r, int layers);
/// The engine's report of a round as the front ends show it; `rounds`: how many the schedule runs.
RoundStats roundStats(const engine::RoundReport& r, const Recipe& recipe, int rounds, engine::ClassifierImpl& model);

} // namespace prunelab::workbench::settings
