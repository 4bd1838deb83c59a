#pragma once

#include "core/engine/measure/Latency.h"
#include "core/engine/measure/Measurements.h"
#include "core/engine/models/WeightCopy.h"
#include "core/engine/pruning/MethodCatalogue.h"
#include "core/engine/pruning/Pruner.h"
#include "core/engine/structured/StructuredLayout.h"
#include "core/engine/training/Trainer.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace prunelab::engine {

/// The `prune` section of a recipe (../shared/CLI.md), parsed.
struct ScheduleOptions {
    std::string schedule = defaultSchedule().name; ///< a name of schedules() (MethodCatalogue.h)
    /// one-shot: the target; layer-by-layer: each layer's, pruned in turn by magnitude (one round per layer)
    double sparsity = 0.8;
    int rounds = 5; ///< iterative, lottery, geometric
    double q = 0.9; ///< geometric (structured methods): hidden layer of width h keeps max(1, round(h·q^t)) at round t
    int64_t roundTo = 1;               ///< structured methods: kept units rounded up to a multiple of this
    double rate = 0.2;                 ///< iterative, lottery: fraction of the remaining weights pruned per round
    double outputRate = -1.0;          ///< per-layer methods: rate for the output layer; negative = rate
    std::vector<double> sweep;         ///< sweep: sparsities, or thresholds when the pruner is `threshold`
    std::string rewind = "init";       ///< lottery: init | epoch:K | none
    std::string control = "none";      ///< lottery, at-init: none | random-reinit | random-mask
    int fineTuneEpochs = 2;            ///< epochs after each pruning step (lottery retrains for the full epochs)
    double fineTuneLearningRate = 0.0; ///< learning rate after pruning (the MRI threshold sweep and the pruning lecture
                                       ///< use a smaller one); 0 = training's
    uint64_t seed = 42;                ///< controls' random draws
    /// gradual (AGP, Zhu & Gupta 2017): dense training for `startEpoch` epochs, then a pruning step every `frequency`
    /// optimiser steps until the end of epoch `endEpoch`, the sparsity rising from `initialSparsity` to `sparsity`
    /// (gradualSparsity); the masks hold in between and for the epochs after, which are the fine-tuning.
    int startEpoch = 1;
    int endEpoch = 3;
    int64_t frequency = 10;
    double initialSparsity = 0.0;
};

/// One pruning step of the gradual schedule, inside a round's epoch.
struct GradualStep {
    int64_t step = 0;      ///< optimiser steps done over the whole run when it pruned
    double epoch = 0.0;    ///< the same in epochs (step / batches per epoch): where the training chart draws it
    double target = 0.0;   ///< the AGP sparsity s_t
    double sparsity = 0.0; ///< achieved over the prunable weights
};

/// Everything measured after one pruning round, as plain values.
struct RoundReport {
    int round = 0; ///< 1-based; 0 is the dense model
    double targetSparsity = 0.0;
    double sweepValue = 0.0; ///< the sparsity or threshold this round tried (sweep)
    double sparsity = 0.0;   ///< achieved over the prunable weights
    std::vector<LayerSparsity> layers;
    Evaluation beforeFineTune; ///< validation right after pruning
    Evaluation validation;     ///< after fine-tuning (best epoch when restoring the best)
    Evaluation test;           ///< on the test split when one is given
    ModelCost cost;
    std::vector<EpochReport> epochs;
    ClassificationReport report;          ///< on the test split when given, else on validation
    std::vector<LayerSnapshot> snapshots; ///< per prunable layer: counts, histogram, mask image
    /// Per prunable layer, linear CKA between this model's activations and the dense model's on the same
    /// validation images (1 for round 0).
    std::vector<double> cka;
    /// Units (neurons, filters) alive per prunable layer, hidden layers first, the output layer last.
    UnitCounts units;
    /// Structured methods: the cost of the physically smaller model compactModel() builds from this round's masks.
    bool compacted = false;
    ModelCost compactCost;
    /// Batch-1 latency of this round's model, dense and through what pruning skips (wall clock: not reproducible).
    Latency latency;
    /// gradual: the pruning steps taken during this round's epoch (empty for the epochs after the last one).
    std::vector<GradualStep> gradualSteps;
    /// sensitivity: the one layer pruned this round (its index among the prunable layers and name); else -1, empty.
    int layer = -1;
    std::string layerName;
};

/// What a run has completed, enough to continue it in another process: handed to onCheckpoint after every round
/// (to be saved) and given back to run() to resume. The model's own weights after `completedRound` are not in
/// here: the callback reads them from the model, and a resumed run expects the model to hold them already.
struct ScheduleState {
    int completedRound = -1; ///< -1: nothing yet; 0: the dense model is trained; k: rounds 1..k are done too
    WeightCopy initial;      ///< θ0, the weights before any training (lottery rewinds to them)
    WeightCopy rewind;       ///< lottery with rewind epoch:K: the weights after dense epoch K; else empty
    WeightCopy dense;        ///< the trained dense model (sweeps restart every value from it)
    MaskSet masks;           ///< the masks after `completedRound` (empty for round 0)
    /// Sweep only, on resume: the best round so far (by validation accuracy), its weights and masks.
    int bestRound = 0;
    double bestAccuracy = -1.0;
    WeightCopy best;
    MaskSet bestMasks;
    /// On resume: the reports of rounds 0..completedRound (at least round, sparsity and the evaluations), which
    /// the outcome lists first. Left empty in the state handed to onCheckpoint.
    std::vector<RoundReport> rounds;
};

struct ScheduleCallbacks {
    TrainCallbacks training; ///< per batch and epoch, in every phase
    /// After each round is measured and before onRound: the model holds the round's weights; save them and the
    /// state to resume from here later. False stops the run.
    std::function<bool(const RoundReport&, const ScheduleState&)> onCheckpoint;
    std::function<bool(const RoundReport&)> onRound; ///< after the dense model (round 0) and every round; false stops
};

struct ScheduleOutcome {
    StopReason reason = StopReason::Completed;
    std::vector<RoundReport> rounds; ///< round 0 (dense) first
    int bestRound = 0;               ///< sweep: the round with the best validation accuracy; else the last round
    MaskSet masks;                   ///< of the model as it is left (the best round's for a sweep)
};

/// Runs a whole experiment on one model: dense training, then the schedule's pruning rounds with fine-tuning,
/// rewinding (lottery tickets) or restarts from the trained model (sweeps). Masks hold through every phase.
/// The `geometric` schedule (structured pruners only) removes whole units so that hidden layer g keeps
/// GeometricRetention::table(widths, q, rounds)[k].units[g] after round k, fine-tuning after each round.
/// The `at-init` schedule trains the dense model from θ0 (round 0, the baseline), then for each value of `sweep`
/// loads θ0 back, computes the masks on the untrained network, and trains the masked network for the full epochs
/// (SNIP, SynFlow, GraSP as their papers run them); with `control` random-mask each layer keeps as many weights at
/// random positions, with random-reinit the same mask starts from freshly initialised weights. The best round
/// (validation accuracy) is kept, as in a sweep.
/// The `gradual` schedule (AGP) prunes inside the training: round k is epoch startEpoch + k, its masks recomputed by
/// the pruner every `frequency` steps to gradualSparsity(); a killed run resumes after its last completed epoch.
/// The `sensitivity` schedule prunes one layer at a time (by |w|, exactly round(s·n) weights) to each sparsity of
/// `sweep`, from the dense model and without fine-tuning: round k is (layer k / |sweep|, value k % |sweep|); the
/// model is left dense.
class PruningSchedule {
public:
    /// `freshModel` builds a newly initialised model of the same architecture (for the random-reinit control);
    /// `inputShape` is {C, H, W} for FLOP counts.
    PruningSchedule(Trainer& trainer, std::shared_ptr<const Pruner> pruner, std::vector<int64_t> inputShape,
                    std::function<ClassifierPtr()> freshModel = {});

    /// Throws std::invalid_argument naming the option for a bad schedule, std::runtime_error for a diverging loss.
    /// With `resume` (a state saved by onCheckpoint, completedRound >= 0), the dense training and the completed
    /// rounds are skipped: the model must already hold round completedRound's weights, and the next rounds run
    /// exactly as they would have in the first run (every random draw is seeded by the round).
    ScheduleOutcome run(const TensorDataset& train, const TensorDataset& validation, const TensorDataset& test,
                        const TrainOptions& training, const ScheduleOptions& options,
                        const ScheduleCallbacks& callbacks = {}, const ScheduleState* resume = nullptr);

    /// Cumulative sparsity after `round` rounds of `rate` each: 1 − (1 − rate)^round.
    static double cumulativeSparsity(double rate, int round);

    /// The gradual (AGP) schedule's sparsity after optimiser step `step`, pruning at steps start + k·frequency for
    /// k = 0…steps: s_f + (s_i − s_f)(1 − (τ − start)/(steps·frequency))^3 at τ, the last pruning step at or before
    /// `step`; s_i before `start` and s_f from the last pruning step on.
    static double gradualSparsity(double initial, double final, int64_t step, int64_t start, int64_t steps,
                                  int64_t frequency);

private:
    Trainer& trainer_;
    std::shared_ptr<const Pruner> pruner_;
    std::vector<int64_t> inputShape_;
    std::function<ClassifierPtr()> freshModel_;
};

} // namespace prunelab::engine
