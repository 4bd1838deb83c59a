// Pruning at initialisation: SynFlow (data-free, iterative synaptic flow) and GraSP (−θ·Hg), each against values
// computed independently, and what each promises.
#include "EngineTest.h"
#include "SyntheticData.h"

#include "core/engine/PruningSchedule.h"
#include "core/engine/models/LeNet5.h"
#include "core/engine/models/Mlp.h"
#include "core/engine/models/Vgg.h"
#include "core/engine/models/WeightCopy.h"
#include "core/engine/pruning/GraspPruner.h"
#include "core/engine/pruning/MagnitudePruners.h"
#include "core/engine/pruning/SnipPruner.h"
#include "core/engine/pruning/SynflowPruner.h"

#include <torch/torch.h>

#include <limits>

using namespace prunelab::engine;

namespace {

void fill(torch::nn::Module& model, const std::string& name, const torch::Tensor& values)
{
    torch::NoGradGuard noGrad;
    model.named_parameters()[name].copy_(values.to(model.named_parameters()[name].scalar_type()));
}

torch::Tensor score(const ScoreList& scores, const std::string& name)
{
    for (const auto& [n, s] : scores)
        if (n == name)
            return s;
    throw std::logic_error("no score for " + name);
}

bool sameWeights(const WeightCopy& a, const WeightCopy& b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].scalar_type() != b[i].scalar_type() || !torch::equal(a[i], b[i]))
            return false;
    return true;
}

bool sameMasks(const MaskSet& a, const MaskSet& b)
{
    if (a.masks().size() != b.masks().size())
        return false;
    for (const auto& [name, mask] : a.masks())
        if (!b.contains(name) || !torch::equal(mask, b.mask(name)))
            return false;
    return true;
}

int64_t pruned(const MaskSet& masks)
{
    return masks.totalCount() - masks.keptCount();
}

/// A 2-2-2 MLP with every weight and bias set by hand, signs mixed.
Mlp handSetMlp()
{
    Mlp mlp(MlpOptions{2, {2}, 2});
    fill(*mlp, "layers.0.weight", torch::tensor({{1.0, -2.0}, {-3.0, 4.0}}));
    fill(*mlp, "layers.0.bias", torch::tensor({0.5, -0.5}));
    fill(*mlp, "layers.1.weight", torch::tensor({{-1.0, 2.0}, {3.0, -4.0}}));
    fill(*mlp, "layers.1.bias", torch::tensor({1.0, -1.0}));
    return mlp;
}

/// The schedule suites' small learnable problem: an MLP 64-48-24-4 on 8×8 bands, θ0 from seed 8.
struct Setup {
    DataSplit split;
    Mlp mlp{nullptr};
    WeightCopy initial;
    std::unique_ptr<Trainer> trainer;
    TrainOptions training;

    Setup()
    {
        split = splitStratified(makeBandDataset(50, 4, 1), 0.25, 3);
        torch::manual_seed(8);
        mlp = Mlp(MlpOptions{64, {48, 24}, 4});
        initial = copyWeights(*mlp);
        trainer = std::make_unique<Trainer>(mlp.ptr(), Normalizer::fromData(split.train.images), torch::kCPU);
        training.epochs = 3;
        training.batchSize = 16;
        training.learningRate = 3e-3;
    }

    ScheduleOutcome run(std::shared_ptr<const Pruner> pruner, const ScheduleOptions& options,
                        const ScheduleCallbacks& callbacks = {}, const ScheduleState* resume = nullptr)
    {
        // The random-reinit control's fresh models are seeded by the round, as the workbench seeds them.
        uint64_t fresh = 100 + uint64_t(resume != nullptr ? resume->completedRound : 0);
        PruningSchedule schedule(*trainer, std::move(pruner), {1, 8, 8}, [&fresh] {
            torch::manual_seed(++fresh);
            return Mlp(MlpOptions{64, {48, 24}, 4}).ptr();
        });
        return schedule.run(split.train, split.validation, split.validation, training, options, callbacks, resume);
    }

    /// Every pruned weight of the model is exactly 0.
    bool masksHold(const MaskSet& masks)
    {
        for (const auto& [name, mask] : masks.masks())
            if (mlp->named_parameters()[name].masked_select(mask == 0).abs().sum().item<double>() != 0.0)
                return false;
        return true;
    }
};

ScheduleOptions atInit(std::vector<double> sparsities, const std::string& control = "none")
{
    ScheduleOptions o;
    o.schedule = "at-init";
    o.sweep = std::move(sparsities);
    o.control = control;
    o.fineTuneEpochs = 1; // not used: at-init trains each sparse network for the training's epochs
    return o;
}

/// Each round's masks and whether its pruned weights were 0 when it was saved.
struct Rounds {
    std::vector<MaskSet> masks;
    std::vector<WeightCopy> weights;
    bool held = true;
};

ScheduleCallbacks recording(Setup& s, Rounds& rounds)
{
    ScheduleCallbacks callbacks;
    callbacks.onCheckpoint = [&s, &rounds](const RoundReport&, const ScheduleState& state) {
        rounds.masks.push_back(state.masks);
        rounds.weights.push_back(copyWeights(*s.mlp));
        rounds.held = rounds.held && s.masksHold(state.masks);
        return true;
    };
    return callbacks;
}

} // namespace

TEST_CASE("synflow: scores are |θ·∂R/∂θ| of the linearised net, by hand on a 2-2-2 MLP, masks applied")
{
    Mlp mlp = handSetMlp();
    const WeightCopy before = copyWeights(*mlp);
    const SynflowPruner synflow({1, 1, 2}, 1);
    // |W1| = [[1, 2], [3, 4]], |b1| = 0.5: hidden h = |W1|·1 + |b1| = [3.5, 7.5]; R = Σ (|W2| h + |b2|).
    // ∂R/∂W1[j][i] = Σ_o |W2[o][j]| = [4, 6] (input 1); ∂R/∂W2[o][j] = h_j.
    const ScoreList s = synflow.scores(*mlp, nullptr);
    VERIFY(torch::allclose(score(s, "layers.0.weight"), torch::tensor({{4.0, 8.0}, {18.0, 24.0}}, torch::kDouble)));
    VERIFY(torch::allclose(score(s, "layers.1.weight"), torch::tensor({{3.5, 15.0}, {10.5, 30.0}}, torch::kDouble)));
    VERIFY(sameWeights(copyWeights(*mlp), before)); // signs, values and dtype are back
    // With W1[1][1] masked, h_1 = 3 + 0.5: the second column of W2 scores |W2|·3.5, the masked weight 0.
    MaskSet masks;
    masks.set("layers.0.weight", torch::tensor({{1.0f, 1.0f}, {1.0f, 0.0f}}));
    masks.set("layers.1.weight", torch::ones({2, 2}));
    const ScoreList m = synflow.scores(*mlp, &masks);
    VERIFY(torch::allclose(score(m, "layers.0.weight"), torch::tensor({{4.0, 8.0}, {18.0, 0.0}}, torch::kDouble)));
    VERIFY(torch::allclose(score(m, "layers.1.weight"), torch::tensor({{3.5, 7.0}, {10.5, 14.0}}, torch::kDouble)));
    VERIFY(sameWeights(copyWeights(*mlp), before)); // the masks were applied to the scoring copy only
}

TEST_CASE("synflow: positive and data-free: the same model gives the same masks, another seed other masks")
{
    const auto build = [](uint64_t seed) {
        torch::manual_seed(seed);
        return LeNet5(LeNet5Options{1, 28, 28, 10});
    };
    const SynflowPruner synflow({1, 28, 28}, 10); // built from the input shape alone: it has no data to look at
    LeNet5 a = build(1);
    a->train();
    const WeightCopy before = copyWeights(*a);
    for (const auto& [name, s] : synflow.scores(*a, nullptr)) {
        VERIFY(s.scalar_type() == torch::kDouble);
        VERIFY(s.min().item<double>() > 0.0); // every weight of a dense net lies on a path from input to output
    }
    const MaskSet first = synflow.computeMasks(*a, {0.9}, nullptr);
    VERIFY(sameWeights(copyWeights(*a), before));
    VERIFY(a->is_training()); // scored in eval mode, handed back in training mode
    VERIFY(sameMasks(first, synflow.computeMasks(*a, {0.9}, nullptr)));
    LeNet5 again = build(1);
    VERIFY(sameMasks(first, synflow.computeMasks(*again, {0.9}, nullptr)));
    LeNet5 other = build(2);
    VERIFY(!sameMasks(first, synflow.computeMasks(*other, {0.9}, nullptr)));
}

TEST_CASE("synflow and grasp prune exactly the target count, and keep what was pruned pruned")
{
    torch::manual_seed(4);
    Mlp mlp(MlpOptions{64, {48, 24}, 4});
    const int64_t total = 64 * 48 + 48 * 24 + 24 * 4;
    const GraspPruner grasp(torch::randn({32, 1, 8, 8}), torch::randint(0, 4, {32}, torch::kLong));
    const SynflowPruner synflow({1, 8, 8}, 20);
    for (const Pruner* pruner : std::vector<const Pruner*>{&synflow, &grasp}) {
        for (double sparsity : {0.0, 0.3, 0.8, 0.97}) {
            const MaskSet masks = pruner->computeMasks(*mlp, {sparsity}, nullptr);
            VERIFY_EQ(masks.totalCount(), total);
            VERIFY_EQ(pruned(masks), int64_t(std::llround(sparsity * double(total))));
        }
        // From 50 % pruned by magnitude to 80 %: every weight pruned before stays pruned.
        const MaskSet half = GlobalMagnitudePruner().computeMasks(*mlp, {0.5}, nullptr);
        const MaskSet more = pruner->computeMasks(*mlp, {0.8}, &half);
        VERIFY_EQ(pruned(more), int64_t(std::llround(0.8 * double(total))));
        for (const auto& [name, mask] : half.masks())
            VERIFY_EQ(more.mask(name).masked_select(mask == 0).sum().item<double>(), 0.0);
    }
    VERIFY_THROWS(SynflowPruner({1, 8, 8}, 0));
    VERIFY_THROWS(SynflowPruner({8, 8}, 10));
}

TEST_CASE("grasp: scores equal −θ⊙Hg with Hg from central differences of the gradient, in double")
{
    torch::manual_seed(11);
    Mlp mlp(MlpOptions{6, {5}, 3});
    mlp->to(torch::kDouble);
    const torch::Tensor inputs = torch::randn({16, 1, 1, 6}, torch::kDouble);
    const torch::Tensor labels = torch::randint(0, 3, {16}, torch::kLong);
    const double temperature = 200.0;
    const GraspPruner grasp(inputs, labels, temperature);
    const ScoreList s = grasp.scores(*mlp);

    // Independently: g at θ, then Hg ≈ (∇L(θ + εg) − ∇L(θ − εg)) / 2ε over the prunable weights.
    const auto params = prunableParameters(*mlp);
    const auto gradient = [&] {
        std::vector<torch::Tensor> weights;
        for (const auto& entry : params)
            weights.push_back(entry.second);
        const torch::Tensor loss = torch::nn::functional::cross_entropy(mlp->forward(inputs) / temperature, labels);
        return torch::autograd::grad({loss}, weights);
    };
    const std::vector<torch::Tensor> g = gradient();
    double gNorm = 0.0;
    for (const torch::Tensor& t : g)
        gNorm += t.pow(2).sum().item<double>();
    const double eps = 1e-4 / std::sqrt(gNorm);
    const auto shift = [&](double by) {
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < params.size(); ++i)
            params[i].second.add_(g[i], by);
    };
    shift(eps);
    const std::vector<torch::Tensor> plus = gradient();
    shift(-2.0 * eps);
    const std::vector<torch::Tensor> minus = gradient();
    shift(eps);
    double largest = 0.0;
    for (const auto& [name, t] : s)
        largest = std::max(largest, t.abs().max().item<double>());
    VERIFY(largest > 0.0);
    for (size_t i = 0; i < params.size(); ++i) {
        const torch::Tensor hg = (plus[i] - minus[i]) / (2.0 * eps);
        const torch::Tensor expected = -(params[i].second.detach() * hg);
        const double error = (score(s, params[i].first) - expected).abs().max().item<double>();
        VERIFY(error < 1e-5 * largest);
    }
}

TEST_CASE("grasp: removes the highest −θ⊙Hg, keeps the lowest, and leaves the model as it was")
{
    torch::manual_seed(5);
    LeNet5 net(LeNet5Options{1, 16, 16, 4, {}, {4, 8, 32, 16}});
    const GraspPruner grasp(torch::randn({24, 1, 16, 16}), torch::randint(0, 4, {24}, torch::kLong));
    const WeightCopy before = copyWeights(*net);
    const ScoreList s = grasp.scores(*net);
    const MaskSet masks = grasp.computeMasks(*net, {0.6}, nullptr);
    VERIFY(sameWeights(copyWeights(*net), before));
    double lowestRemoved = std::numeric_limits<double>::infinity();
    double highestKept = -std::numeric_limits<double>::infinity();
    for (const auto& [name, t] : s) {
        const torch::Tensor mask = masks.mask(name);
        lowestRemoved = std::min(lowestRemoved, t.masked_select(mask == 0).min().item<double>());
        // Each layer keeps its lowest-scoring weight whatever the rest says (no layer is emptied): leave it out.
        const torch::Tensor kept = std::get<0>(t.masked_select(mask == 1).sort());
        if (kept.numel() > 1)
            highestKept = std::max(highestKept, kept.narrow(0, 1, kept.numel() - 1).max().item<double>());
    }
    VERIFY(highestKept <= lowestRemoved);
}

TEST_CASE("synflow keeps every layer of a deep narrow MLP at 99 % where global magnitude at init empties the first")
{
    // 784-100×8-10: the input layer has half the weights and the smallest ones (Kaiming: 1/√fan_in), so global
    // magnitude at initialisation removes all of it but the one weight each layer keeps by rule; the network's
    // synaptic flow falls by two orders of magnitude. SynFlow spreads what it keeps over the layers.
    for (uint64_t seed : {1, 2}) {
        torch::manual_seed(seed);
        Mlp mlp(MlpOptions{784, {100, 100, 100, 100, 100, 100, 100, 100}, 10});
        const MaskSet magnitude = GlobalMagnitudePruner().computeMasks(*mlp, {0.99}, nullptr);
        const MaskSet synflow = SynflowPruner({1, 28, 28}, 100).computeMasks(*mlp, {0.99}, nullptr);
        VERIFY_EQ(magnitude.layers().front().kept, int64_t(1));
        for (const LayerSparsity& layer : synflow.layers())
            VERIFY(layer.kept >= 20);
        const auto flow = [&](const MaskSet& masks) {
            double sum = 0.0;
            for (const auto& [name, s] : SynflowPruner({1, 28, 28}, 1).scores(*mlp, &masks))
                sum += s.sum().item<double>();
            return sum;
        };
        VERIFY(flow(synflow) > 50.0 * flow(magnitude));
    }
}

TEST_CASE("synflow and grasp on a VGG with batch norm: exact count, and weights, statistics and mode left as they were")
{
    torch::manual_seed(6);
    Vgg vgg = makeBatchNormVgg(); // running statistics and affine values that are not the identity's
    const SynflowPruner synflow({3, 16, 16}, 10);
    const GraspPruner grasp(torch::randn({8, 3, 16, 16}), torch::randint(0, 4, {8}, torch::kLong));
    int64_t total = 0;
    for (const auto& [name, weight] : prunableParameters(*vgg))
        total += weight.numel();
    for (bool training : {true, false}) {
        vgg->train(training);
        const WeightCopy before = copyWeights(*vgg); // batch-norm running statistics included
        for (const Pruner* pruner : std::vector<const Pruner*>{&synflow, &grasp}) {
            const MaskSet masks = pruner->computeMasks(*vgg, {0.8}, nullptr);
            VERIFY_EQ(pruned(masks), int64_t(std::llround(0.8 * double(total))));
            VERIFY(sameWeights(copyWeights(*vgg), before));
            VERIFY_EQ(vgg->is_training(), training);
        }
        for (const auto& [name, s] : synflow.scores(*vgg, nullptr))
            VERIFY(std::isfinite(s.max().item<double>()) && s.min().item<double>() >= 0.0);
    }
}

TEST_CASE("at-init: masks from the untrained network, each sparse network trained from θ0, pruned weights stay 0")
{
    Setup s;
    const auto synflow = std::make_shared<SynflowPruner>(std::vector<int64_t>{1, 8, 8}, 20);
    Rounds rounds;
    const ScheduleOutcome outcome = s.run(synflow, atInit({0.5, 0.9}), recording(s, rounds));
    VERIFY(outcome.reason == StopReason::Completed);
    VERIFY_EQ(outcome.rounds.size(), size_t(3)); // the trained dense baseline, then one round per sparsity
    VERIFY(rounds.held);
    const int64_t total = 64 * 48 + 48 * 24 + 24 * 4;
    Mlp untrained(MlpOptions{64, {48, 24}, 4});
    loadWeights(*untrained, s.initial);
    for (size_t k = 1; k <= 2; ++k) {
        const double sparsity = k == 1 ? 0.5 : 0.9;
        VERIFY_EQ(outcome.rounds[k].sweepValue, sparsity);
        VERIFY_EQ(rounds.masks[k].totalCount() - rounds.masks[k].keptCount(), std::llround(sparsity * double(total)));
        // The masks are SynFlow's on θ0 (not on the trained model), and training started from θ0: every round
        // trains for the full epochs, and before it the pruned untrained net is near chance.
        VERIFY(sameMasks(rounds.masks[k], synflow->computeMasks(*untrained, {sparsity}, nullptr)));
        VERIFY_EQ(outcome.rounds[k].epochs.size(), size_t(3));
        VERIFY(outcome.rounds[k].beforeFineTune.accuracy < 0.6);
        VERIFY(outcome.rounds[k].validation.accuracy > 0.85);
    }
    // The model is left at the best round, its masks holding.
    VERIFY(outcome.bestRound >= 1);
    VERIFY(sameMasks(outcome.masks, rounds.masks[size_t(outcome.bestRound)]));
    VERIFY(s.masksHold(outcome.masks));
    VERIFY_EQ(s.trainer->evaluate(s.split.validation).accuracy,
              outcome.rounds[size_t(outcome.bestRound)].validation.accuracy);
}

TEST_CASE("at-init: the random-mask control keeps each layer's count at random places, random-reinit the mask")
{
    const auto snipOn = [](Setup& s) {
        return std::make_shared<SnipPruner>(Normalizer::fromData(s.split.train.images)(s.split.train.images),
                                            s.split.train.labels);
    };
    Setup plain;
    Rounds ticket;
    const ScheduleOutcome none = plain.run(snipOn(plain), atInit({0.8}), recording(plain, ticket));

    Setup shuffled;
    Rounds randomMask;
    shuffled.run(snipOn(shuffled), atInit({0.8}, "random-mask"), recording(shuffled, randomMask));
    VERIFY(randomMask.held);
    for (const auto& [name, mask] : ticket.masks[1].masks()) {
        VERIFY_EQ(randomMask.masks[1].mask(name).sum().item<double>(), mask.sum().item<double>());
        VERIFY(!torch::equal(randomMask.masks[1].mask(name), mask));
    }

    Setup fresh;
    Rounds reinit;
    const ScheduleOutcome reinitialised =
        fresh.run(snipOn(fresh), atInit({0.8}, "random-reinit"), recording(fresh, reinit));
    VERIFY(reinit.held);
    VERIFY(sameMasks(reinit.masks[1], ticket.masks[1]));
    VERIFY(reinitialised.rounds[1].beforeFineTune.loss != none.rounds[1].beforeFineTune.loss); // other weights
}

TEST_CASE("at-init: a run stopped after its first sparsity resumes and ends exactly as an unbroken one")
{
    const auto options = atInit({0.6, 0.95}, "random-reinit");
    const auto pruner = std::make_shared<SynflowPruner>(std::vector<int64_t>{1, 8, 8}, 10);
    Setup whole;
    const ScheduleOutcome unbroken = whole.run(pruner, options);
    const WeightCopy expected = copyWeights(*whole.mlp);

    // Killed after round 1 was saved; what a session keeps: the state, each round's weights, masks and report.
    Setup broken;
    ScheduleState saved;
    std::vector<RoundReport> reports;
    std::vector<WeightCopy> weights;
    std::vector<MaskSet> masks;
    ScheduleCallbacks callbacks;
    callbacks.onCheckpoint = [&](const RoundReport& r, const ScheduleState& state) {
        saved = state;
        reports.push_back(r);
        weights.push_back(copyWeights(*broken.mlp));
        masks.push_back(state.masks);
        return r.round < 1;
    };
    VERIFY(broken.run(pruner, options, callbacks).reason == StopReason::StoppedByCallback);
    VERIFY_EQ(saved.completedRound, 1);
    saved.rounds = reports; // as SessionRecorder::loadResumeState reads them back, the best round too
    saved.bestRound = 1;
    saved.bestAccuracy = reports[1].validation.accuracy;
    saved.best = weights[1];
    saved.bestMasks = masks[1];

    Setup resumed; // a new process: a fresh model given the checkpoint's weights
    loadWeights(*resumed.mlp, weights[1]);
    const ScheduleOutcome outcome = resumed.run(pruner, options, {}, &saved);
    VERIFY(outcome.reason == StopReason::Completed);
    VERIFY_EQ(outcome.rounds.size(), size_t(3));
    VERIFY_EQ(outcome.rounds[2].validation.accuracy, unbroken.rounds[2].validation.accuracy);
    VERIFY_EQ(outcome.bestRound, unbroken.bestRound);
    VERIFY(sameMasks(outcome.masks, unbroken.masks));
    VERIFY(sameWeights(copyWeights(*resumed.mlp), expected));
}

ENGINE_TEST_MAIN()
