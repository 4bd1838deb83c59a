// The gradual (AGP) schedule and the per-layer sensitivity analysis (PruningSchedule.h).
#include "EngineTest.h"
#include "SyntheticData.h"

#include "core/engine/PruningSchedule.h"
#include "core/engine/models/Mlp.h"
#include "core/engine/models/WeightCopy.h"
#include "core/engine/pruning/MagnitudePruners.h"

#include <torch/torch.h>

#include <map>

using namespace prunelab::engine;

namespace {

constexpr int64_t kTotal = 64 * 48 + 48 * 24 + 24 * 4; // prunable weights of the Mlp below

struct Setup {
    DataSplit split;
    Mlp mlp{nullptr};
    std::unique_ptr<Trainer> trainer;
    TrainOptions training;

    Setup()
    {
        split = splitStratified(makeBandDataset(50, 4, 1), 0.25, 3); // 150 training images: 10 batches of 16
        torch::manual_seed(8);
        mlp = Mlp(MlpOptions{64, {48, 24}, 4});
        trainer = std::make_unique<Trainer>(mlp.ptr(), Normalizer::fromData(split.train.images), torch::kCPU);
        training.epochs = 6;
        training.batchSize = 16;
        training.learningRate = 3e-3;
    }

    ScheduleOutcome run(const ScheduleOptions& options, const ScheduleCallbacks& callbacks = {},
                        const ScheduleState* resume = nullptr)
    {
        PruningSchedule schedule(*trainer, std::make_shared<GlobalMagnitudePruner>(), {1, 8, 8});
        return schedule.run(split.train, split.validation, split.validation, training, options, callbacks, resume);
    }

    int64_t zeroWeights()
    {
        int64_t zeros = 0;
        for (const auto& [name, weight] : prunableParameters(*mlp))
            zeros += (weight == 0).sum().item<int64_t>();
        return zeros;
    }
};

ScheduleOptions gradualOptions()
{
    ScheduleOptions o;
    o.schedule = "gradual";
    o.sparsity = 0.8;
    o.initialSparsity = 0.1;
    o.startEpoch = 1;
    o.endEpoch = 4;
    o.frequency = 7;
    return o;
}

/// The AGP formula written out independently of the schedule: pruning at 10, 17, 24, 31, 38 (start 10 = one epoch
/// of 10 batches, window 30 steps, 4 steps of 7 after the first), s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))^3.
double agp(int64_t step)
{
    const int64_t t0 = 10, dt = 7, n = 4;
    if (step < t0)
        return 0.0; // dense: nothing pruned yet
    const int64_t tau = std::min<int64_t>(t0 + ((step - t0) / dt) * dt, t0 + n * dt);
    const double progress = double(tau - t0) / double(n * dt);
    return 0.8 + (0.1 - 0.8) * std::pow(1.0 - progress, 3);
}

bool sameWeights(torch::nn::Module& a, const WeightCopy& b)
{
    const WeightCopy now = copyWeights(a);
    if (now.size() != b.size())
        return false;
    for (size_t i = 0; i < now.size(); ++i)
        if (!torch::equal(now[i], b[i]))
            return false;
    return true;
}

} // namespace

TEST_CASE("gradual: after every step the pruned count is round(s_t · n) of the AGP formula, held between steps")
{
    Setup s;
    std::map<int64_t, int64_t> zerosAfterStep; // global step -> zero weights right after it
    ScheduleCallbacks callbacks;
    callbacks.training.onBatch = [&](const BatchProgress& b) {
        VERIFY_EQ(b.batchesPerEpoch, int64_t(10));
        zerosAfterStep[int64_t(b.epoch - 1) * 10 + b.batch] = s.zeroWeights();
        return true;
    };
    const ScheduleOutcome outcome = s.run(gradualOptions(), callbacks);
    VERIFY(outcome.reason == StopReason::Completed);
    VERIFY_EQ(zerosAfterStep.size(), size_t(60)); // 6 epochs of 10 steps, every one seen once
    for (const auto& [step, zeros] : zerosAfterStep) {
        // Step 10 is the dense epoch's last: the first pruning step (to s_i) comes right after its report.
        const int64_t expected = step <= 10 ? 0 : std::llround(agp(step) * double(kTotal));
        if (zeros != expected)
            throw enginetest::Failure("step " + std::to_string(step) + ": " + std::to_string(zeros) +
                                      " weights are zero, the formula says " + std::to_string(expected));
    }
    VERIFY_EQ(zerosAfterStep.at(11), std::llround(0.1 * double(kTotal)));
    VERIFY_EQ(zerosAfterStep.at(60), std::llround(0.8 * double(kTotal)));

    // One round per epoch after the dense one; each records its pruning steps and ends at the formula's value.
    VERIFY_EQ(outcome.rounds.size(), size_t(6));
    VERIFY_EQ(outcome.rounds[0].epochs.size(), size_t(1));
    std::vector<int64_t> steps;
    for (size_t k = 1; k < outcome.rounds.size(); ++k) {
        const RoundReport& r = outcome.rounds[k];
        VERIFY_EQ(r.epochs.size(), size_t(1));
        VERIFY_EQ(r.epochs[0].epoch, int(k) + 1); // numbered over the whole training
        VERIFY_EQ(r.epochs[0].epochs, 6);
        VERIFY_NEAR(r.targetSparsity, agp(int64_t(k + 1) * 10), 1e-12);
        VERIFY_NEAR(r.sparsity, double(std::llround(agp(int64_t(k + 1) * 10) * double(kTotal))) / double(kTotal),
                    1e-12);
        for (const GradualStep& g : r.gradualSteps) {
            steps.push_back(g.step);
            VERIFY_NEAR(g.target, agp(g.step), 1e-12);
            VERIFY_NEAR(g.epoch, double(g.step) / 10.0, 1e-12);
        }
    }
    VERIFY(steps == std::vector<int64_t>({10, 17, 24, 31, 38}));
    VERIFY(outcome.rounds[4].gradualSteps.empty()); // epoch 5: after the window, masks held
    VERIFY_NEAR(outcome.rounds.back().sparsity, double(std::llround(0.8 * double(kTotal))) / double(kTotal), 1e-12);
    VERIFY_EQ(s.zeroWeights(), std::llround(0.8 * double(kTotal)));
    VERIFY_NEAR(outcome.masks.sparsity(), outcome.rounds.back().sparsity, 1e-12);
}

TEST_CASE("gradual: the formula at its ends and the options it refuses")
{
    VERIFY_EQ(PruningSchedule::gradualSparsity(0.0, 0.9, 5, 10, 4, 5), 0.0);
    VERIFY_EQ(PruningSchedule::gradualSparsity(0.0, 0.9, 10, 10, 4, 5), 0.0);
    VERIFY_NEAR(PruningSchedule::gradualSparsity(0.0, 0.9, 14, 10, 4, 5), 0.0, 1e-15); // held until the next step
    VERIFY_NEAR(PruningSchedule::gradualSparsity(0.0, 0.9, 15, 10, 4, 5), 0.9 * (1.0 - 0.75 * 0.75 * 0.75), 1e-15);
    VERIFY_NEAR(PruningSchedule::gradualSparsity(0.0, 0.9, 30, 10, 4, 5), 0.9, 1e-15);
    VERIFY_NEAR(PruningSchedule::gradualSparsity(0.0, 0.9, 1000, 10, 4, 5), 0.9, 1e-15);

    const auto refused = [](const std::function<void(ScheduleOptions&)>& change, const std::string& key) {
        Setup s;
        ScheduleOptions o = gradualOptions();
        change(o);
        try {
            s.run(o);
        } catch (const std::invalid_argument& e) {
            if (std::string(e.what()).find(key) == std::string::npos)
                throw enginetest::Failure("the message does not name " + key + ": " + e.what());
            return;
        }
        throw enginetest::Failure("accepted a bad " + key);
    };
    refused([](ScheduleOptions& o) { o.startEpoch = 4; }, "prune.start_epoch");
    refused([](ScheduleOptions& o) { o.endEpoch = 7; }, "prune.end_epoch");
    refused([](ScheduleOptions& o) { o.frequency = 0; }, "prune.frequency");
    refused([](ScheduleOptions& o) { o.frequency = 31; }, "prune.frequency"); // longer than the 30-step window
    refused([](ScheduleOptions& o) { o.sparsity = 1.0; }, "prune.sparsity");
    refused([](ScheduleOptions& o) { o.initialSparsity = 0.9; }, "prune.initial_sparsity");
}

TEST_CASE("gradual: a run stopped after an epoch resumes from its checkpoint and ends exactly as an unbroken one")
{
    Setup whole;
    whole.run(gradualOptions());
    const WeightCopy expected = copyWeights(*whole.mlp);

    Setup broken;
    ScheduleState saved;
    WeightCopy savedWeights;
    ScheduleCallbacks callbacks;
    callbacks.onCheckpoint = [&](const RoundReport& r, const ScheduleState& state) {
        saved = state;
        savedWeights = copyWeights(*broken.mlp);
        return r.round < 2; // killed after round 2 (epoch 3, in the middle of the pruning window) was saved
    };
    const ScheduleOutcome stopped = broken.run(gradualOptions(), callbacks);
    VERIFY(stopped.reason == StopReason::StoppedByCallback);
    VERIFY_EQ(saved.completedRound, 2);

    Setup resumed; // a new process: a fresh model given the checkpoint's weights
    loadWeights(*resumed.mlp, savedWeights);
    std::vector<int64_t> steps;
    ScheduleCallbacks after;
    after.onRound = [&](const RoundReport& r) {
        for (const GradualStep& g : r.gradualSteps)
            steps.push_back(g.step);
        return true;
    };
    const ScheduleOutcome outcome = resumed.run(gradualOptions(), after, &saved);
    VERIFY(outcome.reason == StopReason::Completed);
    VERIFY(steps == std::vector<int64_t>({31, 38})); // the steps of epochs 4 to 6 only
    VERIFY(sameWeights(*resumed.mlp, expected));
}

TEST_CASE("trainer: a fit of one epoch at offset 2 of 5 numbers and schedules its epoch as epoch 3 of one fit")
{
    Setup s;
    TrainOptions whole = s.training;
    whole.epochs = 5;
    whole.lrSchedule = "cosine";
    TrainOptions piece = whole;
    piece.epochs = 1;
    piece.epochOffset = 2;
    piece.totalEpochs = 5;
    std::vector<int> batchEpochs;
    TrainCallbacks callbacks;
    callbacks.onBatch = [&](const BatchProgress& b) { return batchEpochs.push_back(b.epoch), true; };
    const TrainOutcome outcome = s.trainer->fit(s.split.train, s.split.validation, piece, callbacks);
    VERIFY_EQ(outcome.history.size(), size_t(1));
    VERIFY_EQ(outcome.history[0].epoch, 3);
    VERIFY_EQ(outcome.history[0].epochs, 5);
    VERIFY_EQ(outcome.history[0].learningRate, scheduledLearningRate(whole, 3));
    VERIFY(outcome.history[0].learningRate < whole.learningRate); // cosine over 5 epochs, not over this one
    VERIFY(batchEpochs == std::vector<int>(10, 3));
}

TEST_CASE("sensitivity: one round per layer and sparsity, sparsity 0 is the dense accuracy, the model ends dense")
{
    Setup s;
    s.training.epochs = 3;
    ScheduleOptions o;
    o.schedule = "sensitivity";
    o.sweep = {0.0, 0.5, 0.95};
    WeightCopy dense;
    ScheduleCallbacks callbacks;
    callbacks.onRound = [&](const RoundReport& r) {
        if (r.round == 0)
            dense = copyWeights(*s.mlp);
        return true;
    };
    const ScheduleOutcome outcome = s.run(o, callbacks);
    VERIFY(outcome.reason == StopReason::Completed);
    VERIFY_EQ(outcome.rounds.size(), size_t(1 + 3 * 3));
    VERIFY(sameWeights(*s.mlp, dense));
    VERIFY(outcome.masks.empty());
    VERIFY_EQ(outcome.bestRound, 0);
    const double denseAccuracy = outcome.rounds[0].validation.accuracy;
    const std::vector<int64_t> sizes = {64 * 48, 48 * 24, 24 * 4};
    for (size_t k = 1; k < outcome.rounds.size(); ++k) {
        const RoundReport& r = outcome.rounds[k];
        const size_t layer = (k - 1) / 3;
        VERIFY_EQ(r.layer, int(layer));
        VERIFY_EQ(r.layerName, prunableParameters(*s.mlp)[layer].first);
        VERIFY_EQ(r.sweepValue, o.sweep[(k - 1) % 3]);
        VERIFY(r.epochs.empty()); // no fine-tuning
        VERIFY_EQ(r.beforeFineTune.accuracy, r.validation.accuracy);
        // Only that layer is pruned, exactly round(s · n) of its weights.
        const int64_t pruned = std::llround(r.sweepValue * double(sizes[layer]));
        VERIFY_NEAR(r.sparsity, double(pruned) / double(kTotal), 1e-12);
        for (const LayerSparsity& l : r.layers)
            VERIFY_EQ(l.total - l.kept, l.name == r.layerName ? pruned : int64_t(0));
        if (r.sweepValue == 0.0)
            VERIFY_EQ(r.validation.accuracy, denseAccuracy);
    }
    // Pruning 95 % of the small output layer costs accuracy: the analysis can tell layers apart.
    VERIFY(outcome.rounds[9].validation.accuracy < denseAccuracy);
}

TEST_CASE("sensitivity: a layer share whose weights cannot matter (units that never fire) shows no drop")
{
    Setup s;
    s.training.epochs = 4;
    s.trainer->fit(s.split.train, s.split.validation, s.training); // a trained model
    {
        // Half of the first hidden layer's units die: bias −1000 (ReLU always 0) and incoming weights of 1e-9, the
        // smallest of the layer. Pruning that layer to 50 % by |w| removes exactly their weights.
        torch::NoGradGuard noGrad;
        auto params = s.mlp->named_parameters();
        params["layers.0.weight"].narrow(0, 24, 24).uniform_(-1e-9, 1e-9);
        params["layers.0.bias"].narrow(0, 24, 24).fill_(-1000.0);
    }
    s.training.epochs = 0; // the schedule's dense model is this one as it is
    ScheduleOptions o;
    o.schedule = "sensitivity";
    o.sweep = {0.5, 0.9};
    const ScheduleOutcome outcome = s.run(o);
    VERIFY(outcome.reason == StopReason::Completed);
    const double denseAccuracy = outcome.rounds[0].validation.accuracy;
    std::cout << "  dense " << denseAccuracy << ", layer 0 at 50 % " << outcome.rounds[1].validation.accuracy
              << ", at 90 % " << outcome.rounds[2].validation.accuracy << '\n';
    VERIFY(denseAccuracy > 0.9);
    VERIFY_EQ(outcome.rounds[1].layerName, std::string("layers.0.weight"));
    VERIFY_EQ(outcome.rounds[1].validation.accuracy, denseAccuracy);
    VERIFY_EQ(outcome.rounds[1].validation.loss, outcome.rounds[0].validation.loss); // not one logit moved
}

ENGINE_TEST_MAIN()
