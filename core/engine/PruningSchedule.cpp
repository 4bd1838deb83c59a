#include "core/engine/PruningSchedule.h"

#include "core/engine/models/WeightCopy.h"
#include "core/engine/pruning/GeometricRetention.h"
#include "core/engine/pruning/MaskSelection.h"
#include "core/engine/pruning/MethodCatalogue.h"
#include "core/engine/structured/Compaction.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

namespace prunelab::engine {

namespace {

/// A random mask with exactly as many weights kept in each layer as `like` keeps (the random-mask control).
MaskSet randomMaskLike(const MaskSet& like, uint64_t seed)
{
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    MaskSet result;
    for (const auto& [name, mask] : like.masks()) {
        const int64_t kept = mask.count_nonzero().item<int64_t>();
        const torch::Tensor scores = torch::rand({mask.numel()}, generator, torch::kFloat);
        torch::Tensor flat = torch::zeros({mask.numel()}, mask.options());
        flat.index_fill_(0, std::get<1>(torch::topk(scores, kept)).to(flat.device()), 1.0);
        result.set(name, flat.view(mask.sizes()));
    }
    return result;
}

int parseRewindEpoch(const std::string& rewind)
{
    if (rewind == "init" || rewind == "none")
        return 0;
    if (rewind.rfind("epoch:", 0) == 0) {
        try {
            size_t used = 0;
            const int k = std::stoi(rewind.substr(6), &used);
            if (used == rewind.size() - 6 && k >= 1)
                return k;
        } catch (const std::exception&) {
        }
    }
    throw std::invalid_argument("prune.rewind must be init, none or epoch:K with K >= 1, got '" + rewind + "'");
}

void validate(const ScheduleOptions& o, const TrainOptions& training)
{
    const ScheduleKind s = schedule(o.schedule).kind; // throws naming prune.schedule for an unknown name
    if (s == ScheduleKind::Geometric && !(o.q > 0.0 && o.q < 1.0))
        throw std::invalid_argument("prune.q must be in (0, 1), got " + std::to_string(o.q));
    if ((s == ScheduleKind::OneShot || s == ScheduleKind::LayerByLayer) && !(o.sparsity >= 0.0 && o.sparsity < 1.0))
        throw std::invalid_argument("prune.sparsity must be in [0, 1), got " + std::to_string(o.sparsity));
    if (schedule(o.schedule).usesRounds && (o.rounds < 1 || o.rounds > 1000))
        throw std::invalid_argument("prune.rounds must be from 1 to 1000, got " + std::to_string(o.rounds));
    if ((s == ScheduleKind::Iterative || s == ScheduleKind::Lottery) && !(o.rate > 0.0 && o.rate < 1.0))
        throw std::invalid_argument("prune.rate must be in (0, 1), got " + std::to_string(o.rate));
    if (o.outputRate >= 1.0)
        throw std::invalid_argument("prune.output_rate must be < 1, got " + std::to_string(o.outputRate));
    if ((s == ScheduleKind::Sweep || s == ScheduleKind::AtInit) && o.sweep.empty())
        throw std::invalid_argument("prune.schedule " + o.schedule + " needs at least one value to try");
    if (o.fineTuneEpochs < 0)
        throw std::invalid_argument("prune.fine_tune_epochs must be >= 0");
    if (o.fineTuneLearningRate < 0.0)
        throw std::invalid_argument("prune.fine_tune_lr must be > 0");
    if (o.control != "none" && o.control != "random-reinit" && o.control != "random-mask")
        throw std::invalid_argument("prune.control must be none, random-reinit or random-mask, got '" + o.control +
                                    "'");
    if (s == ScheduleKind::Gradual) {
        if (!(o.sparsity >= 0.0 && o.sparsity < 1.0))
            throw std::invalid_argument("prune.sparsity must be in [0, 1), got " + std::to_string(o.sparsity));
        if (!(o.initialSparsity >= 0.0 && o.initialSparsity <= o.sparsity))
            throw std::invalid_argument("prune.initial_sparsity must be in [0, prune.sparsity], got " +
                                        std::to_string(o.initialSparsity));
        if (o.startEpoch < 0 || o.startEpoch >= o.endEpoch)
            throw std::invalid_argument("prune.start_epoch must be >= 0 and before prune.end_epoch (" +
                                        std::to_string(o.endEpoch) + "), got " + std::to_string(o.startEpoch));
        if (o.endEpoch > training.epochs)
            throw std::invalid_argument("prune.end_epoch (" + std::to_string(o.endEpoch) +
                                        ") is after the last training epoch (train.epochs " +
                                        std::to_string(training.epochs) + ")");
        if (o.frequency < 1)
            throw std::invalid_argument("prune.frequency must be >= 1 optimiser step, got " +
                                        std::to_string(o.frequency));
    }
    if (s == ScheduleKind::Sensitivity) {
        if (o.sweep.empty())
            throw std::invalid_argument("prune.sparsities: the sensitivity analysis needs at least one sparsity");
        for (double v : o.sweep)
            if (!(v >= 0.0 && v < 1.0))
                throw std::invalid_argument("prune.sparsities must be in [0, 1), got " + std::to_string(v));
    }
    const int rewindEpoch = parseRewindEpoch(o.rewind);
    if (s == ScheduleKind::Lottery && rewindEpoch > training.epochs)
        throw std::invalid_argument("prune.rewind epoch:" + std::to_string(rewindEpoch) +
                                    " is after the last training epoch (" + std::to_string(training.epochs) + ")");
}

/// Layer-by-layer (the strategy study's "layerwise"): the masks so far (every prunable layer, all kept before the first
/// round) with layer `index` pruned to `sparsity` by weight magnitude, exactly round(sparsity · n) weights.
MaskSet pruneOneLayer(ClassifierImpl& model, size_t index, double sparsity, const MaskSet& current)
{
    torch::NoGradGuard noGrad;
    const auto layers = prunableParameters(model);
    MaskSet masks = current;
    if (masks.empty())
        for (const auto& [name, weight] : layers)
            masks.set(name, torch::ones_like(weight));
    const auto& [name, weight] = layers.at(index);
    const MaskSet one = selectPerLayer({{name, weight.detach().abs()}}, sparsity, sparsity, nullptr);
    masks.set(name, one.mask(name));
    return masks;
}

/// Sparsity over all prunable weights once layers 0..index are pruned to `sparsity`.
double layerByLayerTarget(ClassifierImpl& model, size_t index, double sparsity)
{
    const auto layers = prunableParameters(model);
    int64_t total = 0, pruned = 0;
    for (size_t l = 0; l < layers.size(); ++l) {
        total += layers[l].second.numel();
        if (l <= index)
            pruned += int64_t(std::llround(sparsity * double(layers[l].second.numel())));
    }
    return total > 0 ? double(pruned) / double(total) : 0.0;
}

using Measure = std::function<void(RoundReport&, const MaskSet&)>;
using Report = std::function<bool(RoundReport)>;

/// The gradual schedule after its dense epochs: one round per epoch from startEpoch + 1 (or the round after the
/// state's completed one) to the last; within the window the pruner recomputes the masks every `frequency` steps
/// to the AGP target, and the masks hold in between (the trainer re-reads them at every step).
StopReason runGradual(Trainer& trainer, const Pruner& pruner, const TensorDataset& train,
                      const TensorDataset& validation, const TrainOptions& training, const ScheduleOptions& options,
                      const TrainCallbacks& callbacks, ScheduleState& state, const Measure& measure,
                      const Report& report)
{
    ClassifierImpl& model = *trainer.model();
    const int64_t perEpoch = (train.size() + training.batchSize - 1) / training.batchSize;
    const int64_t start = int64_t(options.startEpoch) * perEpoch;
    const int64_t window = int64_t(options.endEpoch - options.startEpoch) * perEpoch;
    const int64_t steps = window / options.frequency; // pruning steps after the one at `start`
    if (steps < 1)
        throw std::invalid_argument("prune.frequency (" + std::to_string(options.frequency) +
                                    " steps) is longer than the pruning window from prune.start_epoch to "
                                    "prune.end_epoch (" +
                                    std::to_string(window) + " steps of " + std::to_string(perEpoch) + " an epoch)");
    const int64_t last = start + steps * options.frequency;
    const auto target = [&](int64_t t) {
        return PruningSchedule::gradualSparsity(options.initialSparsity, options.sparsity, t, start, steps,
                                                options.frequency);
    };
    MaskSet masks = state.masks;
    const int rounds = training.epochs - options.startEpoch;
    for (int round = state.completedRound + 1; round <= rounds; ++round) {
        const int epoch = options.startEpoch + round; // 1-based over the whole training
        const int64_t first = int64_t(epoch - 1) * perEpoch;
        // The epoch's last pruning step (if it has one): right after it the accuracy is measured once.
        const int64_t upTo = std::min(last, first + perEpoch);
        const int64_t lastHere = upTo >= start ? start + ((upTo - start) / options.frequency) * options.frequency : -1;
        RoundReport r;
        r.round = round;
        const auto pruneAt = [&](int64_t t) {
            PruneTarget p{target(t), target(t)};
            p.round = int((t - start) / options.frequency) + 1;
            p.rounds = int(steps) + 1;
            masks = pruner.computeMasks(model, p, masks.empty() ? nullptr : &masks);
            masks.applyTo(model);
            r.gradualSteps.push_back({t, double(t) / double(perEpoch), p.sparsity, masks.sparsity()});
            if (t == lastHere)
                r.beforeFineTune = trainer.evaluate(validation, 512, callbacks.cancel);
        };
        if (first == start) // the window's first pruning step (to s_i) comes before the epoch's first batch
            pruneAt(start);
        TrainOptions one = training;
        one.epochs = 1;
        one.epochOffset = epoch - 1;
        one.totalEpochs = training.epochs;
        one.seed = training.seed + uint64_t(round);
        one.earlyStoppingPatience = 0; // the epochs are one training: nothing stops or rewinds one of them
        one.restoreBest = false;
        TrainCallbacks inEpoch = callbacks;
        inEpoch.onBatch = [&](const BatchProgress& b) {
            const int64_t t = first + b.batch;
            if (t > start && t <= last && (t - start) % options.frequency == 0)
                pruneAt(t);
            return !callbacks.onBatch || callbacks.onBatch(b);
        };
        const TrainOutcome tuned = trainer.fit(train, validation, one, inEpoch, &masks);
        if (tuned.reason == StopReason::Cancelled || tuned.reason == StopReason::StoppedByCallback)
            return tuned.reason;
        r.targetSparsity = target(first + perEpoch);
        r.sweepValue = r.targetSparsity;
        r.epochs = tuned.history;
        measure(r, masks);
        if (r.gradualSteps.empty())
            r.beforeFineTune = r.validation; // nothing pruned in this epoch
        state.masks = masks;
        if (!report(std::move(r)))
            return StopReason::StoppedByCallback;
    }
    return StopReason::Completed;
}

/// The sensitivity analysis after the dense model: for each prunable layer and each sparsity of options.sweep, that
/// layer alone pruned by |w| from the dense weights, measured without fine-tuning; the dense weights back at the end.
StopReason runSensitivity(Trainer& trainer, const TensorDataset& validation, const ScheduleOptions& options,
                          const TrainCallbacks& callbacks, ScheduleState& state, const Measure& measure,
                          const Report& report)
{
    ClassifierImpl& model = *trainer.model();
    const auto layers = prunableParameters(model);
    const size_t values = options.sweep.size();
    const size_t rounds = layers.size() * values;
    if (state.completedRound > int(rounds))
        throw std::invalid_argument("cannot resume after round " + std::to_string(state.completedRound) +
                                    ": the analysis has only " + std::to_string(rounds) + " rounds");
    int64_t total = 0;
    for (const auto& [name, weight] : layers)
        total += weight.numel();
    for (size_t i = size_t(state.completedRound); i < rounds; ++i) {
        if (callbacks.cancel != nullptr && callbacks.cancel->load())
            return StopReason::Cancelled;
        const size_t layer = i / values;
        const double sparsity = options.sweep[i % values];
        loadWeights(model, state.dense);
        const MaskSet masks = pruneOneLayer(model, layer, sparsity, {});
        masks.applyTo(model);
        RoundReport r;
        r.round = int(i) + 1;
        r.layer = int(layer);
        r.layerName = layers[layer].first;
        r.sweepValue = sparsity;
        r.targetSparsity =
            total > 0 ? double(std::llround(sparsity * double(layers[layer].second.numel()))) / double(total) : 0.0;
        measure(r, masks);
        r.beforeFineTune = r.validation;
        state.masks = masks;
        if (!report(std::move(r))) {
            loadWeights(model, state.dense);
            return StopReason::StoppedByCallback;
        }
    }
    loadWeights(model, state.dense);
    return StopReason::Completed;
}

} // namespace

double PruningSchedule::cumulativeSparsity(double rate, int round)
{
    return 1.0 - std::pow(1.0 - rate, round);
}

double PruningSchedule::gradualSparsity(double initial, double final, int64_t step, int64_t start, int64_t steps,
                                        int64_t frequency)
{
    if (step < start || steps < 1 || frequency < 1)
        return initial;
    const int64_t k = std::min(steps, (step - start) / frequency); // pruning steps done after the first
    const double remaining = 1.0 - double(k) / double(steps);
    return final + (initial - final) * remaining * remaining * remaining;
}

PruningSchedule::PruningSchedule(Trainer& trainer, std::shared_ptr<const Pruner> pruner,
                                 std::vector<int64_t> inputShape, std::function<ClassifierPtr()> freshModel)
    : trainer_(trainer), pruner_(std::move(pruner)), inputShape_(std::move(inputShape)),
      freshModel_(std::move(freshModel))
{
    if (!pruner_)
        throw std::invalid_argument("pruning schedule needs a pruner");
    if (inputShape_.size() != 3)
        throw std::invalid_argument("pruning schedule needs the input shape as {C, H, W}");
}

ScheduleOutcome PruningSchedule::run(const TensorDataset& train, const TensorDataset& validation,
                                     const TensorDataset& test, const TrainOptions& training,
                                     const ScheduleOptions& options, const ScheduleCallbacks& callbacks,
                                     const ScheduleState* resume)
{
    validate(options, training);
    const ScheduleKind kind = schedule(options.schedule).kind;
    const bool lottery = kind == ScheduleKind::Lottery;
    const bool sweep = kind == ScheduleKind::Sweep;
    const bool atInit = kind == ScheduleKind::AtInit; // masks from θ0, then the sparse network trained from θ0
    const bool restarts = schedule(options.schedule).restartsEachRound; // sweep, at-init: the best round is kept
    const bool controlled = lottery || atInit;                          // the random-mask and random-reinit controls
    const bool layerByLayer = kind == ScheduleKind::LayerByLayer;
    if (controlled && options.control == "random-reinit" && !freshModel_)
        throw std::invalid_argument("the random-reinit control needs a way to build a fresh model");
    if (resume != nullptr && (resume->completedRound < 0 || resume->dense.empty() || resume->initial.empty()))
        throw std::invalid_argument("a resumed schedule needs at least the trained dense model and θ0");
    if (kind == ScheduleKind::Geometric && !pruner_->structured())
        throw std::invalid_argument("prune.schedule geometric removes whole neurons: it needs a structured method (" +
                                    orList(methodNames(true)) + ")");
    if (kind == ScheduleKind::Gradual && pruner_->sweepsThresholds())
        throw std::invalid_argument("prune.schedule gradual aims at a sparsity at every step: prune.method threshold "
                                    "cannot, it removes by magnitude threshold");
    ClassifierImpl& model = *trainer_.model();
    ScheduleOutcome outcome;

    // CKA compares every round's activations with the dense model's on the same validation images.
    constexpr int64_t kProbeImages = 256;
    std::vector<torch::Tensor> denseActivations;
    const auto measure = [&](RoundReport& r, const MaskSet* masks) {
        r.validation = trainer_.evaluate(validation, 512, callbacks.training.cancel);
        if (test.size() > 0)
            r.test = trainer_.evaluate(test, 512, callbacks.training.cancel);
        r.cost = measureCost(model, inputShape_[0], inputShape_[1], inputShape_[2]);
        if (masks != nullptr) {
            r.sparsity = masks->sparsity();
            r.layers = masks->layers();
        }
        const TensorDataset& reported = test.size() > 0 ? test : validation;
        if (reported.size() > 0)
            r.report = classificationReport(reported.labels, trainer_.predict(reported), reported.classCount);
        r.snapshots = snapshotLayers(model, masks, 50, 64, inputShape_);
        r.units = countUnits(model, masks);
        // The physically smaller model of a structured round: measured for its cost and timed, built once.
        const ClassifierPtr compact =
            pruner_->structured() && masks != nullptr ? compactModel(model, *masks) : ClassifierPtr{nullptr};
        if (pruner_->structured()) {
            r.compacted = true;
            r.compactCost = compact ? measureCost(*compact, inputShape_[0], inputShape_[1], inputShape_[2]) : r.cost;
        }
        r.latency = measureLatency(model, masks, compact.get(), inputShape_[0], inputShape_[1], inputShape_[2]);
        if (validation.size() >= 2) {
            const std::vector<torch::Tensor> now = trainer_.activations(validation, kProbeImages);
            if (denseActivations.empty())
                denseActivations = now;
            for (size_t l = 0; l < now.size() && l < denseActivations.size(); ++l)
                r.cka.push_back(linearCka(denseActivations[l], now[l]));
        }
    };
    ScheduleState state;
    // Saves the round (onCheckpoint), then reports it (onRound); false when either asks to stop.
    const auto report = [&](RoundReport r) {
        state.completedRound = r.round;
        if (callbacks.onCheckpoint && !callbacks.onCheckpoint(r, state))
            return false;
        outcome.rounds.push_back(std::move(r));
        return !callbacks.onRound || callbacks.onRound(outcome.rounds.back());
    };

    const int rewindEpoch = parseRewindEpoch(options.rewind);
    if (resume == nullptr) {
        // Dense training, keeping θ0 and, for late rewinding, the weights after epoch K.
        state.initial = copyWeights(model);
        TrainCallbacks dense = callbacks.training;
        dense.onEpoch = [&](const EpochReport& e) {
            if (lottery && e.epoch == rewindEpoch)
                state.rewind = copyWeights(model);
            return !callbacks.training.onEpoch || callbacks.training.onEpoch(e);
        };
        TrainOptions denseOptions = training;
        if (kind == ScheduleKind::Gradual) { // the first startEpoch epochs of one run of training.epochs
            denseOptions.epochs = options.startEpoch;
            denseOptions.totalEpochs = training.epochs;
        }
        const TrainOutcome trained = trainer_.fit(train, validation, denseOptions, dense);
        if (trained.reason == StopReason::Cancelled || trained.reason == StopReason::StoppedByCallback) {
            outcome.reason = trained.reason;
            return outcome;
        }
        state.dense = copyWeights(model);
        RoundReport denseReport;
        denseReport.epochs = trained.history;
        measure(denseReport, nullptr);
        if (!report(std::move(denseReport))) {
            outcome.reason = StopReason::StoppedByCallback;
            return outcome;
        }
    } else {
        state = *resume;
        state.rounds.clear();
        outcome.rounds = resume->rounds;
        outcome.bestRound = resume->bestRound;
        outcome.masks = resume->bestMasks;
        // The dense model's activations, for CKA in the rounds still to come.
        if (validation.size() >= 2) {
            const WeightCopy now = copyWeights(model);
            loadWeights(model, state.dense);
            denseActivations = trainer_.activations(validation, kProbeImages);
            loadWeights(model, now);
        }
    }
    if (kind == ScheduleKind::None)
        return outcome;
    if (kind == ScheduleKind::Gradual || kind == ScheduleKind::Sensitivity) {
        const Measure measured = [&](RoundReport& r, const MaskSet& m) { measure(r, &m); };
        outcome.reason =
            kind == ScheduleKind::Gradual
                ? runGradual(trainer_, *pruner_, train, validation, training, options, callbacks.training, state,
                             measured, report)
                : runSensitivity(trainer_, validation, options, callbacks.training, state, measured, report);
        if (outcome.reason != StopReason::Completed)
            return outcome;
        outcome.bestRound = kind == ScheduleKind::Gradual ? int(outcome.rounds.size()) - 1 : 0;
        outcome.masks = kind == ScheduleKind::Gradual ? state.masks : MaskSet{};
        return outcome;
    }
    const WeightCopy& rewindTo = rewindEpoch > 0 && !state.rewind.empty() ? state.rewind : state.initial;

    // The plan: one target per round.
    std::vector<PruneTarget> plan;
    if (kind == ScheduleKind::OneShot) {
        plan.push_back({options.sparsity, options.sparsity});
    } else if (layerByLayer) { // one round per prunable layer, in order, each to the target sparsity
        for (size_t l = 0; l < prunableParameters(model).size(); ++l)
            plan.push_back({options.sparsity, options.sparsity});
    } else if (restarts) {
        for (double value : options.sweep) {
            PruneTarget t;
            t.sparsity = pruner_->sweepsThresholds() ? 0.0 : value;
            t.threshold = pruner_->sweepsThresholds() ? value : -1.0;
            plan.push_back(t);
        }
    } else if (kind == ScheduleKind::Geometric) {
        const std::vector<RetentionRow> table =
            GeometricRetention::table(hiddenWidths(model), options.q, options.rounds);
        for (int k = 1; k <= options.rounds; ++k) {
            PruneTarget t;
            t.sparsity = 1.0 - table[size_t(k)].percent / 100.0; // of the hidden units
            t.keepUnits = table[size_t(k)].units;
            plan.push_back(t);
        }
    } else {
        const double outputRate = options.outputRate < 0.0 ? options.rate : options.outputRate;
        for (int k = 1; k <= options.rounds; ++k)
            plan.push_back({cumulativeSparsity(options.rate, k), cumulativeSparsity(outputRate, k)});
    }
    for (PruneTarget& t : plan)
        t.roundTo = options.roundTo;
    if (state.completedRound > int(plan.size()))
        throw std::invalid_argument("cannot resume after round " + std::to_string(state.completedRound) +
                                    ": the schedule has only " + std::to_string(plan.size()) + " rounds");

    WeightCopy bestWeights = state.best;
    double bestAccuracy = state.bestAccuracy;
    for (size_t i = size_t(state.completedRound); i < plan.size(); ++i) {
        const int round = int(i) + 1;
        if (sweep) // every value starts from the same trained model
            loadWeights(model, state.dense);
        if (atInit) // every value prunes the untrained network: the same θ0 the dense model started from
            loadWeights(model, state.initial);
        plan[i].round = round;
        plan[i].rounds = int(plan.size());
        MaskSet masks = layerByLayer ? pruneOneLayer(model, i, plan[i].sparsity, state.masks)
                                     : pruner_->computeMasks(model, plan[i], restarts ? nullptr : &state.masks);
        if (controlled) {
            if (options.control == "random-mask")
                masks = randomMaskLike(masks, options.seed * 7919 + uint64_t(round));
            if (options.control == "random-reinit") {
                const ClassifierPtr fresh = freshModel_();
                fresh->to(trainer_.device());
                loadWeights(model, copyWeights(*fresh));
            } else if (lottery && options.rewind != "none") {
                loadWeights(model, rewindTo);
            }
        }
        masks.applyTo(model);

        RoundReport r;
        r.round = round;
        r.targetSparsity = layerByLayer ? layerByLayerTarget(model, i, plan[i].sparsity) : plan[i].sparsity;
        r.sweepValue = restarts ? options.sweep[i] : plan[i].sparsity;
        r.beforeFineTune = trainer_.evaluate(validation, 512, callbacks.training.cancel);
        TrainOptions fineTune = training;
        fineTune.epochs = controlled ? training.epochs : options.fineTuneEpochs; // at-init and lottery: trained anew
        fineTune.seed = training.seed + uint64_t(round);
        if (options.fineTuneLearningRate > 0.0 && !controlled)
            fineTune.learningRate = options.fineTuneLearningRate;
        const TrainOutcome tuned = trainer_.fit(train, validation, fineTune, callbacks.training, &masks);
        if (tuned.reason == StopReason::Cancelled || tuned.reason == StopReason::StoppedByCallback) {
            outcome.reason = tuned.reason;
            return outcome;
        }
        r.epochs = tuned.history;
        measure(r, &masks);
        if (restarts && r.validation.accuracy > bestAccuracy) {
            bestAccuracy = r.validation.accuracy;
            bestWeights = copyWeights(model);
            outcome.bestRound = round;
            outcome.masks = masks;
        }
        state.masks = masks;
        if (!report(std::move(r))) {
            outcome.reason = StopReason::StoppedByCallback;
            return outcome;
        }
    }
    if (restarts) {
        if (!bestWeights.empty())
            loadWeights(model, bestWeights);
    } else {
        outcome.bestRound = int(plan.size());
        outcome.masks = state.masks;
    }
    return outcome;
}

} // namespace prunelab::engine
