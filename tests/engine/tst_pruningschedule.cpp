#include "EngineTest.h"
#include "SyntheticData.h"

#include "core/engine/PruningSchedule.h"
#include "core/engine/models/Mlp.h"
#include "core/engine/pruning/MagnitudePruners.h"

#include <torch/torch.h>

using namespace prunelab::engine;

namespace {

struct Setup {
    DataSplit split;
    Mlp mlp{nullptr};
    std::unique_ptr<Trainer> trainer;
    TrainOptions training;

    Setup()
    {
        split = splitStratified(makeBandDataset(50, 4, 1), 0.25, 3);
        torch::manual_seed(8);
        mlp = Mlp(MlpOptions{64, {48, 24}, 4});
        trainer = std::make_unique<Trainer>(mlp.ptr(), Normalizer::fromData(split.train.images), torch::kCPU);
        training.epochs = 4;
        training.batchSize = 16;
        training.learningRate = 3e-3;
    }

    ScheduleOutcome run(std::shared_ptr<const Pruner> pruner, const ScheduleOptions& options,
                        const ScheduleCallbacks& callbacks = {})
    {
        PruningSchedule schedule(*trainer, std::move(pruner), {1, 8, 8}, [] {
            return Mlp(MlpOptions{64, {48, 24}, 4}).ptr();
        });
        return schedule.run(split.train, split.validation, split.validation, training, options, callbacks);
    }

    void verifyMasksHold(const MaskSet& masks)
    {
        for (const auto& [name, mask] : masks.masks())
            VERIFY_EQ(mlp->named_parameters()[name].masked_select(mask == 0).abs().max().item<double>(), 0.0);
    }
};

} // namespace

TEST_CASE("one-shot: dense round 0, one pruned round at the target, masks held through fine-tuning")
{
    Setup s;
    ScheduleOptions options;
    options.sparsity = 0.75;
    int reported = 0;
    ScheduleCallbacks callbacks;
    callbacks.onRound = [&](const RoundReport&) { return ++reported, true; };
    const ScheduleOutcome outcome = s.run(std::make_shared<GlobalMagnitudePruner>(), options, callbacks);
    VERIFY(outcome.reason == StopReason::Completed);
    VERIFY_EQ(outcome.rounds.size(), size_t(2));
    VERIFY_EQ(reported, 2);
    VERIFY_EQ(outcome.rounds[0].epochs.size(), size_t(4));
    VERIFY_EQ(outcome.rounds[0].sparsity, 0.0);
    VERIFY_NEAR(outcome.rounds[1].sparsity, 0.75, 1e-3);
    VERIFY_EQ(outcome.rounds[1].epochs.size(), size_t(2));
    VERIFY(outcome.rounds[1].cost.remainingMacs < outcome.rounds[0].cost.remainingMacs / 3);
    VERIFY(outcome.rounds[1].validation.accuracy > 0.9);
    s.verifyMasksHold(outcome.masks);

    // Every round measures per-class results, per-layer snapshots and CKA against the dense model.
    const RoundReport& dense = outcome.rounds[0];
    const RoundReport& pruned = outcome.rounds[1];
    VERIFY_NEAR(pruned.report.accuracy, pruned.test.accuracy, 1e-12);
    VERIFY_EQ(pruned.report.confusion.size(), size_t(4));
    VERIFY_EQ(pruned.snapshots.size(), size_t(3));
    VERIFY_NEAR(pruned.snapshots[0].sparsity, pruned.layers[0].sparsity(), 1e-9);
    VERIFY_EQ(dense.cka.size(), size_t(3));
    for (double c : dense.cka)
        VERIFY_NEAR(c, 1.0, 1e-9);
    for (double c : pruned.cka)
        VERIFY(c > 0.2 && c < 1.0 - 1e-6);
}

TEST_CASE("iterative: round k reaches 1-(1-p)^k exactly, each mask inside the last")
{
    Setup s;
    ScheduleOptions options;
    options.schedule = "iterative";
    options.rounds = 3;
    options.rate = 0.2;
    options.fineTuneEpochs = 1;
    const ScheduleOutcome outcome = s.run(std::make_shared<GlobalMagnitudePruner>(), options);
    VERIFY_EQ(outcome.rounds.size(), size_t(4));
    const int64_t total = 64 * 48 + 48 * 24 + 24 * 4;
    for (int k = 1; k <= 3; ++k) {
        const double target = PruningSchedule::cumulativeSparsity(0.2, k);
        VERIFY_NEAR(outcome.rounds[size_t(k)].sparsity, std::llround(target * total) / double(total), 1e-12);
    }
    VERIFY_NEAR(PruningSchedule::cumulativeSparsity(0.2, 3), 0.488, 1e-12);
    s.verifyMasksHold(outcome.masks);
}

TEST_CASE("lottery: rewinding to θ0 before retraining, and the two controls")
{
    ScheduleOptions options;
    options.schedule = "lottery";
    options.rounds = 2;
    options.rate = 0.5;
    options.outputRate = 0.25;

    Setup winning;
    const ScheduleOutcome ticket = winning.run(std::make_shared<LayerMagnitudePruner>(), options);
    // After rewinding, the pruned network holds θ0's small untrained values: near-uniform logits, a loss near ln 4,
    // far above the trained model's, until it is retrained.
    std::cout << "  dense val loss " << ticket.rounds[0].validation.loss << ", rewound "
              << ticket.rounds[1].beforeFineTune.loss << '\n';
    VERIFY(ticket.rounds[0].validation.accuracy > 0.9);
    VERIFY(ticket.rounds[1].beforeFineTune.loss > 3 * ticket.rounds[0].validation.loss);
    VERIFY(ticket.rounds[2].validation.accuracy > 0.9);
    VERIFY_EQ(ticket.rounds[1].epochs.size(), size_t(4)); // lottery retrains for the full training epochs
    winning.verifyMasksHold(ticket.masks);

    options.control = "random-mask";
    Setup randomMask;
    const ScheduleOutcome controlMask = randomMask.run(std::make_shared<LayerMagnitudePruner>(), options);
    for (size_t l = 0; l < ticket.rounds[1].layers.size(); ++l)
        VERIFY_EQ(controlMask.rounds[1].layers[l].kept, ticket.rounds[1].layers[l].kept); // same counts per layer
    VERIFY(!torch::equal(controlMask.masks.mask("layers.0.weight"), ticket.masks.mask("layers.0.weight")));
    randomMask.verifyMasksHold(controlMask.masks);

    options.control = "random-reinit";
    Setup reinit;
    const ScheduleOutcome controlInit = reinit.run(std::make_shared<LayerMagnitudePruner>(), options);
    VERIFY(controlInit.rounds[1].beforeFineTune.loss != ticket.rounds[1].beforeFineTune.loss);
    reinit.verifyMasksHold(controlInit.masks);

    options.control = "none";
    options.rewind = "epoch:2";
    Setup late;
    const ScheduleOutcome lateTicket = late.run(std::make_shared<LayerMagnitudePruner>(), options);
    std::cout << "  rewound to epoch 2: " << lateTicket.rounds[1].beforeFineTune.loss << '\n';
    VERIFY(lateTicket.rounds[1].beforeFineTune.loss < ticket.rounds[1].beforeFineTune.loss);
}

TEST_CASE("sweep: every value from the same trained model, the best one kept (the MRI threshold sweep's thresholds)")
{
    Setup s;
    ScheduleOptions options;
    options.schedule = "sweep";
    options.sweep = {0.02, 0.08, 0.3};
    options.fineTuneEpochs = 1;
    const ScheduleOutcome outcome = s.run(std::make_shared<ThresholdPruner>(), options);
    VERIFY_EQ(outcome.rounds.size(), size_t(4));
    VERIFY(outcome.rounds[1].sparsity < outcome.rounds[2].sparsity);
    VERIFY(outcome.rounds[2].sparsity < outcome.rounds[3].sparsity);
    VERIFY_EQ(outcome.rounds[3].sweepValue, 0.3);
    double best = 0;
    for (size_t r = 1; r < outcome.rounds.size(); ++r)
        best = std::max(best, outcome.rounds[r].validation.accuracy);
    VERIFY_EQ(outcome.rounds[size_t(outcome.bestRound)].validation.accuracy, best);
    VERIFY_EQ(s.trainer->evaluate(s.split.validation).accuracy, best); // the model is left at the best value
    s.verifyMasksHold(outcome.masks);
}

TEST_CASE("bad schedules are refused with the option named")
{
    Setup s;
    const auto refuses = [&](ScheduleOptions o, const std::string& expected) {
        try {
            s.run(std::make_shared<GlobalMagnitudePruner>(), o);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what()).find(expected) != std::string::npos;
        }
        return false;
    };
    ScheduleOptions o;
    o.schedule = "cyclic";
    VERIFY(refuses(o, "prune.schedule"));
    o = {};
    o.schedule = "iterative";
    o.rate = 1.5;
    VERIFY(refuses(o, "prune.rate"));
    o = {};
    o.schedule = "lottery";
    o.rewind = "epoch:x";
    VERIFY(refuses(o, "prune.rewind"));
    o.rewind = "epoch:9";
    VERIFY(refuses(o, "after the last training epoch"));
    o = {};
    o.schedule = "sweep";
    VERIFY(refuses(o, "sweep"));
}

ENGINE_TEST_MAIN()
