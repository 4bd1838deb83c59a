#include "EngineTest.h"
#include "SyntheticData.h"

#include "core/engine/PruningSchedule.h"
#include "core/engine/models/LeNet5.h"
#include "core/engine/models/Mlp.h"
#include "core/engine/models/Vgg.h"
#include "core/engine/pruning/MagnitudePruners.h"
#include "core/engine/structured/IntervalAdjointPruner.h"
#include "core/engine/structured/NeuronNormPruner.h"
#include "core/engine/structured/NeuronTaylorPruner.h"
#include "core/engine/structured/StructuredLayout.h"

#include <torch/torch.h>

using namespace prunelab::engine;

namespace {

void fill(torch::nn::Module& model, const std::string& name, const torch::Tensor& values)
{
    torch::NoGradGuard noGrad;
    model.named_parameters()[name].copy_(values);
}

int64_t keptRows(const MaskSet& masks, const std::string& name)
{
    return (masks.mask(name).flatten(1).sum(1) != 0).sum().item<int64_t>();
}

} // namespace

TEST_CASE("unit groups: hidden layers only, with their biases, batch norms and the next layer's inputs")
{
    Mlp mlp(MlpOptions{16, {8, 4}, 3});
    const auto groups = unitGroups(*mlp);
    VERIFY_EQ(groups.size(), size_t(2)); // the output layer is never a group
    VERIFY_EQ(groups[0].weight, std::string("layers.0.weight"));
    VERIFY_EQ(groups[0].companions.size(), size_t(1));
    VERIFY_EQ(groups[0].next, std::string("layers.1.weight"));
    VERIFY_EQ(groups[1].units, int64_t(4));

    LeNet5 lenet(LeNet5Options{1, 28, 28, 10});
    const auto lg = unitGroups(*lenet);
    VERIFY_EQ(lg.size(), size_t(4));
    VERIFY_EQ(lg[1].next, std::string("classifier.0.weight"));
    VERIFY_EQ(lg[1].inputsPerUnit, int64_t(25)); // 16 filters of 5×5 flattened into fc1

    VggOptions vo;
    vo.width = 0.125;
    vo.channels = 1;
    vo.height = vo.width_px = 16;
    Vgg vgg(vo);
    const auto vg = unitGroups(*vgg);
    VERIFY_EQ(vg.size(), size_t(8));
    VERIFY_EQ(vg[0].companions.size(), size_t(2)); // batch-norm scale and shift (the conv has no bias)
    VERIFY_EQ(vg[0].prefixes.size(), size_t(2));   // the conv and its batch norm
    VERIFY_EQ(vg.back().next, std::string("classifier.weight"));
}

TEST_CASE("neuron-l1 removes the rows with the smallest L1 norms, with their bias and the next layer's inputs")
{
    Mlp mlp(MlpOptions{4, {6}, 2});
    // row j has L1 norm 4·|v_j|; keep the three largest: units 1, 3, 4
    fill(*mlp, "layers.0.weight",
         torch::tensor({0.1f, 0.9f, -0.2f, 0.8f, -0.7f, 0.3f}).unsqueeze(1).expand({6, 4}).contiguous());
    const MaskSet masks = NeuronNormPruner(1).computeMasks(*mlp, {0.5}, nullptr);
    const torch::Tensor rows = masks.mask("layers.0.weight").sum(1);
    VERIFY(torch::equal(rows, torch::tensor({0.f, 4.f, 0.f, 4.f, 4.f, 0.f})));
    VERIFY(torch::equal(masks.mask("layers.0.bias"), torch::tensor({0.f, 1.f, 0.f, 1.f, 1.f, 0.f})));
    VERIFY(torch::equal(masks.mask("layers.1.weight").sum(0), torch::tensor({0.f, 2.f, 0.f, 2.f, 2.f, 0.f})));
    VERIFY(!masks.contains("layers.1.bias")); // the output layer keeps all its units
    // counts are over the prunable weights only: 12 of 24 and 6 of 12 pruned
    VERIFY_EQ(masks.totalCount(), int64_t(36));
    VERIFY_EQ(masks.keptCount(), int64_t(18));
    VERIFY_EQ(masks.layers().size(), size_t(2));

    masks.applyTo(*mlp);
    torch::NoGradGuard noGrad;
    const torch::Tensor hidden = mlp->activations(torch::randn({5, 4}))[0];
    VERIFY_EQ(hidden.index_select(1, torch::tensor({0, 2, 5})).abs().max().item<double>(), 0.0);
}

TEST_CASE("structured pruning keeps exactly the units asked for, and removed units stay removed")
{
    torch::manual_seed(3);
    Mlp mlp(MlpOptions{10, {20, 10}, 3});
    PruneTarget target;
    target.keepUnits = {12, 7};
    const MaskSet first = NeuronNormPruner(2).computeMasks(*mlp, target, nullptr);
    VERIFY_EQ(keptRows(first, "layers.0.weight"), int64_t(12));
    VERIFY_EQ(keptRows(first, "layers.1.weight"), int64_t(7));
    VERIFY_EQ(keptRows(first, "layers.2.weight"), int64_t(3));
    first.applyTo(*mlp);
    // make the removed units look best by norm: they must stay removed
    {
        torch::NoGradGuard noGrad;
        auto w = mlp->named_parameters()["layers.0.weight"];
        w.add_((1 - first.mask("layers.0.weight")) * 100);
    }
    target.keepUnits = {5, 1};
    const MaskSet second = NeuronNormPruner(2).computeMasks(*mlp, target, &first);
    VERIFY_EQ(keptRows(second, "layers.0.weight"), int64_t(5));
    VERIFY_EQ(keptRows(second, "layers.1.weight"), int64_t(1));
    VERIFY_EQ((second.mask("layers.0.weight") * (1 - first.mask("layers.0.weight"))).sum().item<double>(), 0.0);
    // fraction form: max(1, round(0.75 · units)) removed... kept = round(0.25 · 20) = 5 and round(0.25 · 10) = 3
    const MaskSet byFraction = NeuronNormPruner(1).computeMasks(*mlp, {0.75}, nullptr);
    VERIFY_EQ(keptRows(byFraction, "layers.0.weight"), int64_t(5));
    VERIFY_EQ(keptRows(byFraction, "layers.1.weight"), int64_t(3));
    VERIFY_THROWS(NeuronNormPruner(1).computeMasks(*mlp, {1.0}, nullptr));
    VERIFY_THROWS(NeuronNormPruner(3));
}

TEST_CASE("interval significance is the largest |product| of the interval endpoints")
{
    const auto s = IntervalAdjointPruner::significance(torch::tensor({1.0, 0.0, -2.0}), torch::tensor({2.0, 3.0, 1.0}),
                                                       torch::tensor({-3.0, 0.1, 0.5}), torch::tensor({0.5, 0.2, 4.0}));
    // [1,2]·[−3,0.5] = [−6,1] → 6;  [0,3]·[0.1,0.2] = [0,0.6] → 0.6;  [−2,1]·[0.5,4] = [−8,4] → 8
    VERIFY(torch::allclose(s, torch::tensor({6.0, 0.6, 8.0})));
}

TEST_CASE("interval-adjoint on an MLP: A_j from the activations, G_j from the adjoints of the sum of the logits")
{
    torch::manual_seed(11);
    Mlp mlp(MlpOptions{5, {7}, 3});
    const torch::Tensor x = torch::randn({40, 5});
    // With one hidden layer, ∂(Σ logits)/∂a_j = Σ_i W2[i][j] for every input: G_j is a point interval.
    torch::Tensor a;
    {
        torch::NoGradGuard noGrad;
        a = mlp->activations(x)[0];
    }
    const torch::Tensor g = mlp->named_parameters()["layers.1.weight"].detach().sum(0);
    const torch::Tensor expected = torch::maximum((a.amin(0) * g).abs(), (a.amax(0) * g).abs());
    const IntervalAdjointPruner pruner(x, torch::Tensor());
    const std::vector<torch::Tensor> scores = pruner.unitScores(*mlp, unitGroups(*mlp));
    VERIFY_EQ(scores.size(), size_t(1));
    VERIFY(torch::allclose(scores[0], expected, 1e-5, 1e-6));
    VERIFY(mlp->is_training()); // the calibration pass restores the mode
    // the lowest three significances are the units removed
    const MaskSet masks = pruner.computeMasks(*mlp, {3.0 / 7.0}, nullptr);
    const torch::Tensor lowest = std::get<1>(expected.topk(3, 0, /*largest=*/false));
    VERIFY_EQ(masks.mask("layers.0.bias").index_select(0, lowest).sum().item<double>(), 0.0);
    VERIFY_EQ(masks.mask("layers.0.bias").sum().item<double>(), 4.0);
}

TEST_CASE("neuron-taylor is the mean |a · dL/da|, interval-adjoint of the loss its interval bound")
{
    torch::manual_seed(12);
    Mlp mlp(MlpOptions{5, {6, 4}, 3});
    const torch::Tensor x = torch::randn({30, 5});
    const torch::Tensor labels = torch::randint(0, 3, {30}, torch::kLong);
    mlp->eval();
    std::vector<torch::Tensor> hidden;
    torch::Tensor h = x;
    auto params = mlp->named_parameters();
    h = torch::relu(torch::linear(h, params["layers.0.weight"], params["layers.0.bias"]));
    h.retain_grad();
    hidden.push_back(h);
    torch::Tensor h2 = torch::relu(torch::linear(h, params["layers.1.weight"], params["layers.1.bias"]));
    h2.retain_grad();
    hidden.push_back(h2);
    const torch::Tensor logits = torch::linear(h2, params["layers.2.weight"], params["layers.2.bias"]);
    torch::nn::functional::cross_entropy(logits, labels,
                                         torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
        .backward();
    mlp->zero_grad();
    mlp->train();
    const auto scores = NeuronTaylorPruner(x, labels).unitScores(*mlp, unitGroups(*mlp));
    VERIFY_EQ(scores.size(), size_t(2));
    for (size_t l = 0; l < 2; ++l) {
        const torch::Tensor expected = (hidden[l].detach() * hidden[l].grad()).abs().mean(0);
        VERIFY(torch::allclose(scores[l], expected, 1e-5, 1e-7));
    }
    // interval-adjoint of the loss: the same activations and adjoints, as intervals over the inputs
    const auto intervals = IntervalAdjointPruner(x, labels, AdjointOutput::Loss).unitScores(*mlp, unitGroups(*mlp));
    for (size_t l = 0; l < 2; ++l) {
        const torch::Tensor a = hidden[l].detach();
        const torch::Tensor g = hidden[l].grad();
        const torch::Tensor expected = IntervalAdjointPruner::significance(a.amin(0), a.amax(0), g.amin(0), g.amax(0));
        VERIFY(torch::allclose(intervals[l], expected, 1e-5, 1e-7));
    }
    VERIFY_THROWS(IntervalAdjointPruner(x, torch::Tensor(), AdjointOutput::Loss));
    // the model's own gradients are untouched by the calibration
    for (const auto& p : mlp->parameters())
        VERIFY(!p.grad().defined() || p.grad().abs().sum().item<double>() == 0.0);
}

TEST_CASE("a removed filter of a VGG with batch norm outputs exactly zero, in train and eval mode")
{
    torch::manual_seed(5);
    VggOptions vo;
    vo.width = 0.125;
    vo.channels = 1;
    vo.height = vo.width_px = 16;
    Vgg vgg(vo);
    {
        torch::NoGradGuard noGrad;
        for (auto& item : vgg->named_parameters())
            if (item.value().dim() == 1)
                item.value().uniform_(0.5, 1.5); // batch-norm shifts that would leak if left unmasked
    }
    const MaskSet masks = NeuronNormPruner(1).computeMasks(*vgg, {0.5}, nullptr);
    masks.applyTo(*vgg);
    const auto groups = unitGroups(*vgg);
    for (bool training : {true, false}) {
        vgg->train(training);
        torch::NoGradGuard noGrad;
        const std::vector<torch::Tensor> acts = vgg->activations(torch::randn({4, 1, 16, 16}));
        for (size_t g = 0; g < groups.size(); ++g) {
            const torch::Tensor removed = torch::nonzero(aliveUnits(groups[g], &masks) == 0).flatten();
            VERIFY(removed.numel() > 0);
            VERIFY_EQ(acts[g].index_select(1, removed).abs().max().item<double>(), 0.0);
        }
    }
}

TEST_CASE("geometric schedule: neurons per layer follow max(1, round(h q^t)), masks hold, the compact model is smaller")
{
    const DataSplit split = splitStratified(makeBandDataset(40, 4, 2), 0.25, 3);
    torch::manual_seed(9);
    Mlp mlp(MlpOptions{64, {32, 16}, 4});
    Trainer trainer(mlp.ptr(), Normalizer::fromData(split.train.images), torch::kCPU);
    TrainOptions training;
    training.epochs = 2;
    training.batchSize = 16;
    const torch::Tensor calibration = Normalizer::fromData(split.train.images)(split.train.images);
    auto pruner = std::make_shared<IntervalAdjointPruner>(calibration, split.train.labels);
    PruningSchedule schedule(trainer, pruner, {1, 8, 8});
    ScheduleOptions options;
    options.schedule = "geometric";
    options.q = 0.5;
    options.rounds = 6;
    options.fineTuneEpochs = 1;
    const ScheduleOutcome outcome = schedule.run(split.train, split.validation, split.validation, training, options);
    VERIFY_EQ(outcome.rounds.size(), size_t(7));
    for (const RoundReport& r : outcome.rounds) {
        const int t = r.round;
        VERIFY_EQ(r.units.alive[0], std::max<int64_t>(1, std::llround(32 * std::pow(0.5, t))));
        VERIFY_EQ(r.units.alive[1], std::max<int64_t>(1, std::llround(16 * std::pow(0.5, t))));
        VERIFY_EQ(r.units.alive[2], int64_t(4));
        VERIFY(r.compacted);
    }
    const RoundReport& last = outcome.rounds.back(); // 1 and 1 neurons left
    VERIFY_EQ(last.compactCost.parameters, int64_t(64 * 1 + 1 + 1 * 1 + 1 + 1 * 4 + 4));
    VERIFY(last.compactCost.parameters < outcome.rounds.front().cost.parameters / 10);
    for (const auto& [name, mask] : outcome.masks.masks())
        VERIFY_EQ(mlp->named_parameters()[name].masked_select(mask == 0).abs().max().item<double>(), 0.0);

    // an unstructured method cannot follow a neuron schedule
    PruningSchedule wrong(trainer, std::make_shared<GlobalMagnitudePruner>(), {1, 8, 8});
    VERIFY_THROWS(wrong.run(split.train, split.validation, split.validation, training, options));
    options.q = 1.5;
    VERIFY_THROWS(schedule.run(split.train, split.validation, split.validation, training, options));
}

ENGINE_TEST_MAIN()
