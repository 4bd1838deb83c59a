#include "EngineTest.h"
#include "SyntheticData.h"

#include "core/engine/models/Mlp.h"
#include "core/engine/pruning/MagnitudePruners.h"
#include "core/engine/training/Trainer.h"

#include <torch/torch.h>

#include <atomic>

using namespace prunelab::engine;

namespace {

struct Fixture {
    DataSplit split;
    Mlp mlp{nullptr};
    std::unique_ptr<Trainer> trainer;

    explicit Fixture(uint64_t seed = 7)
    {
        split = splitStratified(makeBandDataset(60, 4, 1), 0.25, seed);
        torch::manual_seed(seed);
        mlp = Mlp(MlpOptions{64, {32}, 4});
        trainer = std::make_unique<Trainer>(mlp.ptr(), Normalizer::fromData(split.train.images), torch::kCPU);
    }
};

TrainOptions quick(int epochs)
{
    TrainOptions options;
    options.epochs = epochs;
    options.batchSize = 16;
    options.learningRate = 3e-3;
    options.seed = 11;
    return options;
}

} // namespace

TEST_CASE("stratified split keeps every class on both sides and is reproducible")
{
    const TensorDataset data = makeBandDataset(10, 4, 2);
    const DataSplit a = splitStratified(data, 0.2, 5);
    const DataSplit b = splitStratified(data, 0.2, 5);
    VERIFY_EQ(a.train.size() + a.validation.size(), data.size());
    VERIFY_EQ(a.validation.size(), int64_t(8));
    VERIFY(torch::equal(a.validation.images, b.validation.images));
    VERIFY_EQ(torch::bincount(a.validation.labels).min().item<int64_t>(), int64_t(2));
    VERIFY_THROWS(splitStratified(data, 1.0, 5));
}

TEST_CASE("training learns a separable problem and reports every epoch")
{
    Fixture f;
    const Evaluation before = f.trainer->evaluate(f.split.validation);
    int epochsSeen = 0;
    int64_t batchesSeen = 0;
    TrainCallbacks callbacks;
    callbacks.onBatch = [&](const BatchProgress&) { return ++batchesSeen, true; };
    callbacks.onEpoch = [&](const EpochReport& r) { return epochsSeen = r.epoch, true; };
    const TrainOutcome outcome = f.trainer->fit(f.split.train, f.split.validation, quick(8), callbacks);
    VERIFY(outcome.reason == StopReason::Completed);
    VERIFY_EQ(epochsSeen, 8);
    VERIFY_EQ(batchesSeen, int64_t(8 * ((f.split.train.size() + 15) / 16)));
    VERIFY(outcome.history.back().train.loss < outcome.history.front().train.loss);
    VERIFY(outcome.history.back().validation.accuracy > 0.95);
    VERIFY(outcome.history.back().validation.accuracy > before.accuracy);
}

TEST_CASE("the same seed gives the same numbers")
{
    Fixture a(9);
    Fixture b(9);
    const TrainOutcome ra = a.trainer->fit(a.split.train, a.split.validation, quick(2));
    const TrainOutcome rb = b.trainer->fit(b.split.train, b.split.validation, quick(2));
    VERIFY_EQ(ra.history.back().train.loss, rb.history.back().train.loss);
    VERIFY_EQ(ra.history.back().validation.accuracy, rb.history.back().validation.accuracy);
}

TEST_CASE("a callback returning false stops, and the cancel flag stops within one batch")
{
    Fixture f;
    TrainCallbacks stopper;
    stopper.onEpoch = [](const EpochReport& r) { return r.epoch < 2; };
    VERIFY(f.trainer->fit(f.split.train, f.split.validation, quick(10), stopper).reason ==
           StopReason::StoppedByCallback);

    std::atomic<bool> cancel{false};
    int64_t batchesAfterCancel = 0;
    TrainCallbacks canceller;
    canceller.cancel = &cancel;
    canceller.onBatch = [&](const BatchProgress& p) {
        if (cancel)
            ++batchesAfterCancel;
        if (p.batch == 3)
            cancel = true;
        return true;
    };
    const TrainOutcome outcome = f.trainer->fit(f.split.train, f.split.validation, quick(10), canceller);
    VERIFY(outcome.reason == StopReason::Cancelled);
    VERIFY_EQ(batchesAfterCancel, int64_t(0));
    VERIFY(outcome.history.empty());
}

TEST_CASE("masked weights stay exactly zero through fine-tuning with Adam and momentum SGD")
{
    for (const char* optimizer : {"adam", "sgd", "adamw"}) {
        Fixture f;
        f.trainer->fit(f.split.train, f.split.validation, quick(2));
        const MaskSet masks = GlobalMagnitudePruner().computeMasks(*f.mlp, {0.7}, nullptr);
        TrainOptions options = quick(3);
        options.optimizer = optimizer;
        options.weightDecay = 1e-3;
        f.trainer->fit(f.split.train, f.split.validation, options, {}, &masks);
        for (const auto& [name, mask] : masks.masks()) {
            const torch::Tensor w = f.mlp->named_parameters()[name];
            VERIFY_EQ(w.masked_select(mask == 0).abs().max().item<double>(), 0.0);
        }
    }
}

TEST_CASE("bad options and a diverging loss are refused with a message")
{
    Fixture f;
    TrainOptions bad = quick(1);
    bad.optimizer = "rmsprop";
    VERIFY_THROWS(f.trainer->fit(f.split.train, f.split.validation, bad));
    bad = quick(1);
    bad.learningRate = 0;
    VERIFY_THROWS(f.trainer->fit(f.split.train, f.split.validation, bad));
    TrainOptions diverge = quick(3);
    diverge.optimizer = "sgd";
    diverge.learningRate = 1e30;
    bool threw = false;
    try {
        f.trainer->fit(f.split.train, f.split.validation, diverge);
    } catch (const std::runtime_error& e) {
        threw = std::string(e.what()).find("loss became") != std::string::npos;
    }
    VERIFY(threw);
}

TEST_CASE("learning-rate schedules: constant, step, cosine, and what each epoch used")
{
    TrainOptions o;
    o.learningRate = 1.0;
    o.epochs = 10;
    VERIFY_EQ(scheduledLearningRate(o, 7), 1.0);
    o.lrSchedule = "step";
    o.stepEpochs = 2;
    o.stepGamma = 0.1;
    VERIFY_EQ(scheduledLearningRate(o, 2), 1.0);
    VERIFY_NEAR(scheduledLearningRate(o, 3), 0.1, 1e-12);
    VERIFY_NEAR(scheduledLearningRate(o, 5), 0.01, 1e-12);
    o.lrSchedule = "cosine";
    VERIFY_EQ(scheduledLearningRate(o, 1), 1.0);
    VERIFY_NEAR(scheduledLearningRate(o, 6), 0.5, 1e-12);
    VERIFY(scheduledLearningRate(o, 10) < 0.03);
    o.lrSchedule = "warmup";
    VERIFY_THROWS(scheduledLearningRate(o, 1));

    Fixture f;
    TrainOptions options = quick(3);
    options.lrSchedule = "step";
    options.stepEpochs = 1;
    options.stepGamma = 0.5;
    const TrainOutcome outcome = f.trainer->fit(f.split.train, f.split.validation, options);
    VERIFY_NEAR(outcome.history[2].learningRate, 3e-3 * 0.25, 1e-12);
}

TEST_CASE("early stopping ends a run that stopped improving")
{
    Fixture f;
    TrainOptions options = quick(20);
    options.learningRate = 1e-12; // nothing changes: accuracy never beats epoch 1
    options.earlyStoppingPatience = 2;
    const TrainOutcome outcome = f.trainer->fit(f.split.train, f.split.validation, options);
    VERIFY(outcome.reason == StopReason::EarlyStopped);
    VERIFY_EQ(outcome.history.size(), size_t(3));
    VERIFY_EQ(outcome.bestEpoch, 1);
}

TEST_CASE("the best epoch's weights are restored at the end (the MRI threshold sweep keeps the best model)")
{
    Fixture f;
    TrainOptions options = quick(4);
    options.lrSchedule = "step"; // epoch 1 learns, later epochs barely move
    options.stepEpochs = 1;
    options.stepGamma = 1e-9;
    options.restoreBest = true;
    TrainCallbacks callbacks;
    callbacks.onEpoch = [&](const EpochReport& r) {
        if (r.epoch == 1) { // ruin the model after its best epoch: flipped logits rank the right class last
            torch::NoGradGuard noGrad;
            f.mlp->named_parameters()["layers.1.weight"].neg_();
            f.mlp->named_parameters()["layers.1.bias"].neg_();
        }
        return true;
    };
    const TrainOutcome outcome = f.trainer->fit(f.split.train, f.split.validation, options, callbacks);
    VERIFY_EQ(outcome.bestEpoch, 1);
    VERIFY(outcome.history.back().validation.accuracy < 0.5);
    VERIFY(outcome.history.front().validation.accuracy > 0.9);
    VERIFY(outcome.restoredBest);
    VERIFY_EQ(f.trainer->evaluate(f.split.validation).accuracy, outcome.history.front().validation.accuracy);
}

TEST_CASE("class weights: one per class, and equal weights change nothing")
{
    Fixture a(3);
    Fixture b(3);
    TrainOptions weighted = quick(2);
    weighted.classWeights = {1, 1, 1, 1};
    const TrainOutcome ra = a.trainer->fit(a.split.train, a.split.validation, quick(2));
    const TrainOutcome rb = b.trainer->fit(b.split.train, b.split.validation, weighted);
    VERIFY_NEAR(ra.history.back().train.loss, rb.history.back().train.loss, 1e-6);
    weighted.classWeights = {1, 2};
    VERIFY_THROWS(a.trainer->fit(a.split.train, a.split.validation, weighted));
}

ENGINE_TEST_MAIN()

TEST_CASE("a split by row numbers (rowsOf) reads, normalises, trains and evaluates as the copied split (subset)")
{
    // The run's splits share the one loaded set (issue #23: peak memory); they must behave exactly as copies did.
    const TensorDataset data = makeBandDataset(30, 4, 3);
    const torch::Tensor indices = torch::randperm(data.size(), torch::kLong).narrow(0, 0, 70);
    const TensorDataset copied = subset(data, indices);
    const TensorDataset shared = rowsOf(data, indices);
    VERIFY_EQ(shared.size(), copied.size());
    VERIFY(shared.images.data_ptr() == data.images.data_ptr()); // no second copy of the pixels
    VERIFY(torch::equal(shared.labels, copied.labels));
    VERIFY(torch::equal(shared.imageRange(0, shared.size()), copied.images));
    VERIFY(torch::equal(shared.imageRange(10, 25), copied.images.narrow(0, 10, 25)));
    const torch::Tensor some = torch::tensor({5, 0, 69, 33}, torch::kLong);
    VERIFY(torch::equal(shared.imagesAt(some), copied.images.index_select(0, some)));
    // A part of a part: row numbers compose.
    const torch::Tensor inner = torch::tensor({3, 1, 4}, torch::kLong);
    VERIFY(torch::equal(rowsOf(shared, inner).imageRange(0, 3), subset(copied, inner).images));
    // Statistics over its own samples only, not over the whole set it shares.
    const Normalizer fromShared = Normalizer::fromData(shared), fromCopied = Normalizer::fromData(copied.images);
    VERIFY(torch::allclose(fromShared(copied.images), fromCopied(copied.images)));
    VERIFY(!torch::allclose(Normalizer::fromData(data.images)(copied.images), fromCopied(copied.images)));
    // The same training (the gather path and the evaluation's ranges) gives the same weights and accuracy.
    const auto train = [&](const TensorDataset& set) {
        torch::manual_seed(3);
        Mlp mlp(MlpOptions{64, {16}, 4});
        Trainer trainer(mlp.ptr(), Normalizer::fromData(set), torch::kCPU);
        trainer.fit(set, set, quick(2));
        return std::make_pair(mlp->parameters().front().clone(), trainer.evaluate(set).accuracy);
    };
    const auto [weightsCopied, accuracyCopied] = train(copied);
    const auto [weightsShared, accuracyShared] = train(shared);
    VERIFY(torch::equal(weightsCopied, weightsShared));
    VERIFY_EQ(accuracyCopied, accuracyShared);
}
