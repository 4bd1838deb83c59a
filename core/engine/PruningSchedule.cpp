#include "core/engine/PruningSchedule.h"

#include "core/engine/Compaction.h"
#include "core/engine/GeometricRetention.h"
#include "core/engine/WeightCopy.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
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
    const std::string& s = o.schedule;
    if (s != "none" && s != "one-shot" && s != "iterative" && s != "lottery" && s != "sweep" && s != "geometric")
        throw std::invalid_argument("prune.schedule must be none, one-shot, iterative, lottery, sweep or geometric, got '" +
                                    s + "'");
    if (s == "geometric" && !(o.q > 0.0 && o.q < 1.0))
        throw std::invalid_argument("prune.q must be in (0, 1), got " + std::to_string(o.q));
    if (s == "one-shot" && !(o.sparsity >= 0.0 && o.sparsity < 1.0))
        throw std::invalid_argument("prune.sparsity must be in [0, 1), got " + std::to_string(o.sparsity));
    if ((s == "iterative" || s == "lottery" || s == "geometric") && (o.rounds < 1 || o.rounds > 1000))
        throw std::invalid_argument("prune.rounds must be from 1 to 1000, got " + std::to_string(o.rounds));
    if ((s == "iterative" || s == "lottery") && !(o.rate > 0.0 && o.rate < 1.0))
        throw std::invalid_argument("prune.rate must be in (0, 1), got " + std::to_string(o.rate));
    if (o.outputRate >= 1.0)
        throw std::invalid_argument("prune.output_rate must be < 1, got " + std::to_string(o.outputRate));
    if (s == "sweep" && o.sweep.empty())
        throw std::invalid_argument("prune.schedule sweep needs at least one value to try");
    if (o.fineTuneEpochs < 0)
        throw std::invalid_argument("prune.fine_tune_epochs must be >= 0");
    if (o.fineTuneLearningRate < 0.0)
        throw std::invalid_argument("prune.fine_tune_lr must be > 0");
    if (o.control != "none" && o.control != "random-reinit" && o.control != "random-mask")
        throw std::invalid_argument("prune.control must be none, random-reinit or random-mask, got '" + o.control + "'");
    const int rewindEpoch = parseRewindEpoch(o.rewind);
    if (s == "lottery" && rewindEpoch > training.epochs)
        throw std::invalid_argument("prune.rewind epoch:" + std::to_string(rewindEpoch) + " is after the last training epoch (" +
                                    std::to_string(training.epochs) + ")");
}

} // namespace

double PruningSchedule::cumulativeSparsity(double rate, int round)
{
    return 1.0 - std::pow(1.0 - rate, round);
}

PruningSchedule::PruningSchedule(Trainer& trainer, std::shared_ptr<const Pruner> pruner, std::vector<int64_t> inputShape,
                                 std::function<ClassifierPtr()> freshModel)
    : trainer_(trainer), pruner_(std::move(pruner)), inputShape_(std::move(inputShape)), freshModel_(std::move(freshModel))
{
    if (!pruner_)
        throw std::invalid_argument("pruning schedule needs a pruner");
    if (inputShape_.size() != 3)
        throw std::invalid_argument("pruning schedule needs the input shape as {C, H, W}");
}

ScheduleOutcome PruningSchedule::run(const TensorDataset& train, const TensorDataset& validation,
                                     const TensorDataset& test, const TrainOptions& training,
                                     const ScheduleOptions& options, const ScheduleCallbacks& callbacks)
{
    validate(options, training);
    const bool lottery = options.schedule == "lottery";
    const bool sweep = options.schedule == "sweep";
    if (lottery && options.control == "random-reinit" && !freshModel_)
        throw std::invalid_argument("the random-reinit control needs a way to build a fresh model");
    if (options.schedule == "geometric" && !pruner_->structured())
        throw std::invalid_argument("prune.schedule geometric removes whole neurons: it needs a structured method "
                                    "(neuron-l1, neuron-taylor or interval-adjoint), not " + pruner_->name());
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
        r.snapshots = snapshotLayers(model, masks);
        r.units = countUnits(model, masks);
        if (pruner_->structured()) {
            r.compacted = true;
            r.compactCost = masks != nullptr ? measureCost(*compactModel(model, *masks), inputShape_[0], inputShape_[1],
                                                           inputShape_[2])
                                             : r.cost;
        }
        if (validation.size() >= 2) {
            const std::vector<torch::Tensor> now = trainer_.activations(validation, kProbeImages);
            if (denseActivations.empty())
                denseActivations = now;
            for (size_t l = 0; l < now.size() && l < denseActivations.size(); ++l)
                r.cka.push_back(linearCka(denseActivations[l], now[l]));
        }
    };
    const auto report = [&](RoundReport r) {
        outcome.rounds.push_back(std::move(r));
        return !callbacks.onRound || callbacks.onRound(outcome.rounds.back());
    };

    // Dense training, keeping θ0 and, for late rewinding, the weights after epoch K.
    const WeightCopy initial = copyWeights(model);
    const int rewindEpoch = parseRewindEpoch(options.rewind);
    WeightCopy rewindTo = initial;
    TrainCallbacks dense = callbacks.training;
    dense.onEpoch = [&](const EpochReport& e) {
        if (e.epoch == rewindEpoch)
            rewindTo = copyWeights(model);
        return !callbacks.training.onEpoch || callbacks.training.onEpoch(e);
    };
    const TrainOutcome trained = trainer_.fit(train, validation, training, dense);
    if (trained.reason == StopReason::Cancelled || trained.reason == StopReason::StoppedByCallback) {
        outcome.reason = trained.reason;
        return outcome;
    }
    RoundReport denseReport;
    denseReport.epochs = trained.history;
    measure(denseReport, nullptr);
    if (!report(std::move(denseReport))) {
        outcome.reason = StopReason::StoppedByCallback;
        return outcome;
    }
    if (options.schedule == "none")
        return outcome;

    // The plan: one target per round.
    std::vector<PruneTarget> plan;
    if (options.schedule == "one-shot") {
        plan.push_back({options.sparsity, options.sparsity});
    } else if (sweep) {
        for (double value : options.sweep) {
            PruneTarget t;
            t.sparsity = pruner_->name() == "threshold" ? 0.0 : value;
            t.threshold = pruner_->name() == "threshold" ? value : -1.0;
            plan.push_back(t);
        }
    } else if (options.schedule == "geometric") {
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

    const WeightCopy trainedWeights = copyWeights(model);
    MaskSet current;
    WeightCopy bestWeights;
    double bestAccuracy = -1.0;
    for (size_t i = 0; i < plan.size(); ++i) {
        const int round = int(i) + 1;
        if (sweep) // every value starts from the same trained model
            loadWeights(model, trainedWeights);
        plan[i].round = round;
        plan[i].rounds = int(plan.size());
        MaskSet masks = pruner_->computeMasks(model, plan[i], sweep ? nullptr : &current);
        if (lottery) {
            if (options.control == "random-mask")
                masks = randomMaskLike(masks, options.seed * 7919 + uint64_t(round));
            if (options.control == "random-reinit") {
                const ClassifierPtr fresh = freshModel_();
                fresh->to(trainer_.device());
                loadWeights(model, copyWeights(*fresh));
            } else if (options.rewind != "none") {
                loadWeights(model, rewindTo);
            }
        }
        masks.applyTo(model);

        RoundReport r;
        r.round = round;
        r.targetSparsity = plan[i].sparsity;
        r.sweepValue = sweep ? options.sweep[i] : plan[i].sparsity;
        r.beforeFineTune = trainer_.evaluate(validation, 512, callbacks.training.cancel);
        TrainOptions fineTune = training;
        fineTune.epochs = lottery ? training.epochs : options.fineTuneEpochs;
        fineTune.seed = training.seed + uint64_t(round);
        if (options.fineTuneLearningRate > 0.0 && !lottery)
            fineTune.learningRate = options.fineTuneLearningRate;
        const TrainOutcome tuned = trainer_.fit(train, validation, fineTune, callbacks.training, &masks);
        if (tuned.reason == StopReason::Cancelled || tuned.reason == StopReason::StoppedByCallback) {
            outcome.reason = tuned.reason;
            return outcome;
        }
        r.epochs = tuned.history;
        measure(r, &masks);
        if (sweep && r.validation.accuracy > bestAccuracy) {
            bestAccuracy = r.validation.accuracy;
            bestWeights = copyWeights(model);
            outcome.bestRound = round;
            outcome.masks = masks;
        }
        current = masks;
        if (!report(std::move(r))) {
            outcome.reason = StopReason::StoppedByCallback;
            return outcome;
        }
    }
    if (sweep) {
        loadWeights(model, bestWeights);
    } else {
        outcome.bestRound = int(plan.size());
        outcome.masks = current;
    }
    return outcome;
}

} // namespace prunelab::engine
