#include "EngineTest.h"

#include "core/engine/models/Mlp.h"
#include "core/engine/pruning/AnnealedPruner.h"
#include "core/engine/pruning/MagnitudePruners.h"
#include "core/engine/pruning/RandomPruner.h"
#include "core/engine/pruning/SnipPruner.h"

#include <torch/torch.h>

using namespace prunelab::engine;

namespace {

void fill(Mlp& mlp, const std::string& name, const torch::Tensor& values)
{
    torch::NoGradGuard noGrad;
    mlp->named_parameters()[name].copy_(values);
}

} // namespace

TEST_CASE("prunes exactly round(sparsity * total) weights across all layers")
{
    for (double sparsity : {0.0, 0.1, 0.5, 0.8, 0.95, 0.999}) {
        Mlp mlp(MlpOptions{100, {50, 20}, 4});
        const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, {sparsity}, nullptr);
        const int64_t total = 100 * 50 + 50 * 20 + 20 * 4;
        VERIFY_EQ(masks.totalCount(), total);
        VERIFY_EQ(total - masks.keptCount(), static_cast<int64_t>(std::llround(sparsity * total)));
        VERIFY_EQ(masks.masks().size(), size_t(3)); // weights only, biases stay dense
    }
}

TEST_CASE("ties at the threshold do not push sparsity off target")
{
    Mlp mlp(MlpOptions{10, {10}, 2});
    fill(mlp, "layers.0.weight", torch::full({10, 10}, 0.5)); // 100 equal magnitudes
    fill(mlp, "layers.1.weight", torch::full({2, 10}, 0.5));
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, {0.3}, nullptr);
    VERIFY_EQ(masks.totalCount() - masks.keptCount(), int64_t(36)); // round(0.3 * 120)
}

TEST_CASE("the smallest magnitudes are the ones pruned, globally")
{
    Mlp mlp(MlpOptions{4, {4}, 2});
    fill(mlp, "layers.0.weight", torch::arange(1, 17, torch::kFloat).view({4, 4}) * -1.0); // |w| = 1..16
    fill(mlp, "layers.1.weight", torch::arange(17, 25, torch::kFloat).view({2, 4}));       // 17..24
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, {0.5}, nullptr);      // prune 12 of 24
    VERIFY_EQ(masks.mask("layers.0.weight").sum().item<double>(), 4.0);                    // only 13..16 survive there
    VERIFY_EQ(masks.mask("layers.1.weight").sum().item<double>(), 8.0);
    masks.applyTo(*mlp);
    const torch::Tensor w0 = mlp->named_parameters()["layers.0.weight"];
    VERIFY_EQ(w0.count_nonzero().item<int64_t>(), int64_t(4));
    VERIFY_EQ(w0.abs().min().item<double>(), 0.0);
    VERIFY_EQ(w0.abs().max().item<double>(), 16.0);
}

TEST_CASE("per-layer report and invalid sparsity")
{
    Mlp mlp(MlpOptions{8, {8}, 2});
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, {0.25}, nullptr);
    int64_t kept = 0;
    for (const LayerSparsity& layer : masks.layers())
        kept += layer.kept;
    VERIFY_EQ(kept, masks.keptCount());
    VERIFY_NEAR(masks.sparsity(), 0.25, 1e-9);
    VERIFY_THROWS(GlobalMagnitudePruner().computeMasks(*mlp, {1.0}, nullptr));
    VERIFY_THROWS(GlobalMagnitudePruner().computeMasks(*mlp, {-0.1}, nullptr));
}

TEST_CASE("a mask for a parameter the model lacks is refused")
{
    Mlp small(MlpOptions{8, {8}, 2});
    Mlp other(MlpOptions{8, {8, 4}, 2});
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*other, {0.5}, nullptr);
    VERIFY_THROWS(masks.applyTo(*small));
}

TEST_CASE("global pruning never empties a layer, and still prunes exactly k")
{
    Mlp mlp(MlpOptions{4, {4}, 2});
    fill(mlp, "layers.0.weight", torch::full({4, 4}, 0.001)); // a whole layer of tiny weights
    fill(mlp, "layers.1.weight", torch::arange(1, 9, torch::kFloat).view({2, 4}));
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, {0.75}, nullptr); // 18 of 24
    VERIFY_EQ(masks.mask("layers.0.weight").sum().item<double>(), 1.0);
    VERIFY_EQ(masks.totalCount() - masks.keptCount(), int64_t(18));
    const MaskSet unguarded = GlobalMagnitudePruner(false).computeMasks(*mlp, {0.75}, nullptr);
    VERIFY_EQ(unguarded.mask("layers.0.weight").sum().item<double>(), 0.0); // what torch's global_unstructured does
}

TEST_CASE("iterative rounds keep earlier prunes and a lower target revives nothing")
{
    Mlp mlp(MlpOptions{30, {20}, 3});
    const MaskSet first = GlobalMagnitudePruner().computeMasks(*mlp, {0.5}, nullptr);
    first.applyTo(*mlp);
    {
        torch::NoGradGuard noGrad; // perturb survivors so ranks change between rounds
        mlp->named_parameters()["layers.0.weight"].mul_(torch::rand({20, 30}) + 0.5);
    }
    const MaskSet second = GlobalMagnitudePruner().computeMasks(*mlp, {0.8}, &first);
    VERIFY_EQ(second.totalCount() - second.keptCount(), std::llround(0.8 * 660));
    for (const auto& [name, mask] : first.masks())
        VERIFY_EQ(second.mask(name).masked_select(mask == 0).sum().item<double>(), 0.0);
    const MaskSet lower = GlobalMagnitudePruner().computeMasks(*mlp, {0.2}, &second);
    VERIFY_EQ(lower.keptCount(), second.keptCount());
}

TEST_CASE("layer magnitude prunes each layer at its rate and the output layer at its own")
{
    Mlp mlp(MlpOptions{50, {40, 30}, 10});
    const MaskSet masks = LayerMagnitudePruner().computeMasks(*mlp, {0.2, 0.1}, nullptr);
    VERIFY_EQ(masks.mask("layers.0.weight").numel() - masks.mask("layers.0.weight").sum().item<int64_t>(),
              int64_t(400));
    VERIFY_EQ(masks.mask("layers.1.weight").numel() - masks.mask("layers.1.weight").sum().item<int64_t>(),
              int64_t(240));
    VERIFY_EQ(masks.mask("layers.2.weight").numel() - masks.mask("layers.2.weight").sum().item<int64_t>(), int64_t(30));
    // within a layer, every pruned |w| <= every kept |w|
    const torch::Tensor w = mlp->named_parameters()["layers.1.weight"].abs();
    const torch::Tensor m = masks.mask("layers.1.weight");
    VERIFY(w.masked_select(m == 0).max().item<double>() <= w.masked_select(m == 1).min().item<double>());
    // second round (the lottery-ticket workflow): 20 % of what remains -> cumulative 1 - 0.8^2
    const MaskSet round2 = LayerMagnitudePruner().computeMasks(*mlp, {1 - 0.8 * 0.8, 1 - 0.9 * 0.9}, &masks);
    VERIFY_EQ(round2.mask("layers.0.weight").sum().item<int64_t>(), int64_t(std::llround(2000 * 0.64)));
}

TEST_CASE("threshold keeps exactly |w| > t")
{
    Mlp mlp(MlpOptions{4, {4}, 2});
    fill(mlp, "layers.0.weight", torch::linspace(-2, 2, 16).view({4, 4}));
    const MaskSet masks = ThresholdPruner(1.0).computeMasks(*mlp, {}, nullptr);
    const torch::Tensor w = mlp->named_parameters()["layers.0.weight"];
    VERIFY(torch::equal(masks.mask("layers.0.weight"), (w.abs() > 1.0).to(torch::kFloat)));
    VERIFY_THROWS(ThresholdPruner(-1.0));
}

TEST_CASE("random pruning: exact count, same seed same mask, other seed other mask, earlier prunes kept")
{
    Mlp mlp(MlpOptions{30, {20}, 3});
    const MaskSet a = RandomPruner(1).computeMasks(*mlp, {0.6}, nullptr);
    const MaskSet b = RandomPruner(1).computeMasks(*mlp, {0.6}, nullptr);
    const MaskSet c = RandomPruner(2).computeMasks(*mlp, {0.6}, nullptr);
    VERIFY_EQ(a.totalCount() - a.keptCount(), std::llround(0.6 * 660));
    VERIFY(torch::equal(a.mask("layers.0.weight"), b.mask("layers.0.weight")));
    VERIFY(!torch::equal(a.mask("layers.0.weight"), c.mask("layers.0.weight")));
    // not magnitude in disguise: some pruned weights are larger than some kept ones
    const torch::Tensor w = mlp->named_parameters()["layers.0.weight"].abs();
    const torch::Tensor m = a.mask("layers.0.weight");
    VERIFY(w.masked_select(m == 0).max().item<double>() > w.masked_select(m == 1).min().item<double>());
    const MaskSet next = RandomPruner(1).computeMasks(*mlp, {0.8}, &a);
    VERIFY_EQ(next.mask("layers.0.weight").masked_select(m == 0).sum().item<double>(), 0.0);
}

TEST_CASE("snip prunes connections the loss does not depend on first")
{
    torch::manual_seed(4);
    Mlp mlp(MlpOptions{6, {8}, 2});
    torch::Tensor x = torch::randn({32, 1, 1, 6});
    x.select(3, 0).zero_(); // feature 0 is always zero: its weights have zero gradient
    x.select(3, 1).zero_();
    const torch::Tensor y = (x.select(3, 2).flatten() > 0).to(torch::kLong);
    const MaskSet masks = SnipPruner(x, y).computeMasks(*mlp, {16.0 / 64.0}, nullptr); // 16 = 2 dead columns × 8
    const torch::Tensor m = masks.mask("layers.0.weight");
    VERIFY_EQ(m.narrow(1, 0, 2).sum().item<double>(), 0.0);
    VERIFY_EQ(masks.totalCount() - masks.keptCount(), int64_t(16));
    VERIFY(!mlp->named_parameters()["layers.0.weight"].grad().defined()); // the model's grads untouched
}

namespace {

/// Kept neighbours along the rows of every layer: how clustered a mask is.
int64_t keptNeighbourPairs(const MaskSet& masks)
{
    int64_t pairs = 0;
    for (const auto& [name, mask] : masks.masks()) {
        const torch::Tensor m = mask.view({mask.size(0), -1});
        pairs += (m.slice(1, 0, m.size(1) - 1) * m.slice(1, 1, m.size(1))).sum().item<int64_t>();
    }
    return pairs;
}

} // namespace

TEST_CASE("annealed with no coupling at zero temperature is global magnitude pruning")
{
    Mlp mlp(MlpOptions{60, {40}, 5});
    AnnealOptions cold;
    cold.initialTemperature = 0.0;
    cold.coupling = 0.0;
    const MaskSet annealed = AnnealedPruner(cold).computeMasks(*mlp, {0.7}, nullptr);
    const MaskSet magnitude = GlobalMagnitudePruner().computeMasks(*mlp, {0.7}, nullptr);
    for (const auto& [name, mask] : magnitude.masks())
        VERIFY(torch::equal(annealed.mask(name), mask));
}

TEST_CASE("annealed: exact count, coupling clusters kept weights, same seed same mask, temperature anneals to 0")
{
    Mlp mlp(MlpOptions{60, {40}, 5});
    AnnealOptions hot;
    hot.initialTemperature = 1.0;
    hot.coupling = 1.0;
    hot.seed = 3;
    PruneTarget first{0.6};
    first.round = 1;
    first.rounds = 3;
    const MaskSet a = AnnealedPruner(hot).computeMasks(*mlp, first, nullptr);
    const MaskSet b = AnnealedPruner(hot).computeMasks(*mlp, first, nullptr);
    const int64_t total = 60 * 40 + 40 * 5;
    VERIFY_EQ(a.totalCount() - a.keptCount(), std::llround(0.6 * total));
    VERIFY(torch::equal(a.mask("layers.0.weight"), b.mask("layers.0.weight")));
    const MaskSet magnitude = GlobalMagnitudePruner().computeMasks(*mlp, {0.6}, nullptr);
    VERIFY(keptNeighbourPairs(a) > keptNeighbourPairs(magnitude) * 11 / 10);
    // a later round keeps what earlier rounds pruned
    PruneTarget second{0.8};
    second.round = 2;
    second.rounds = 3;
    const MaskSet next = AnnealedPruner(hot).computeMasks(*mlp, second, &a);
    VERIFY_EQ(next.mask("layers.0.weight").masked_select(a.mask("layers.0.weight") == 0).sum().item<double>(), 0.0);
    VERIFY_NEAR(AnnealedPruner(hot).temperature(1, 4), 0.75, 1e-12);
    VERIFY_EQ(AnnealedPruner(hot).temperature(4, 4), 0.0);
    hot.sweeps = 0;
    VERIFY_THROWS(AnnealedPruner{hot});
}

ENGINE_TEST_MAIN()
