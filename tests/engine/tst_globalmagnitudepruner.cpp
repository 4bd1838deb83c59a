#include "EngineTest.h"

#include "core/engine/GlobalMagnitudePruner.h"
#include "core/engine/Mlp.h"

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
        const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, sparsity);
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
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, 0.3);
    VERIFY_EQ(masks.totalCount() - masks.keptCount(), int64_t(36)); // round(0.3 * 120)
}

TEST_CASE("the smallest magnitudes are the ones pruned, globally")
{
    Mlp mlp(MlpOptions{4, {4}, 2});
    fill(mlp, "layers.0.weight", torch::arange(1, 17, torch::kFloat).view({4, 4}) * -1.0); // |w| = 1..16
    fill(mlp, "layers.1.weight", torch::arange(17, 25, torch::kFloat).view({2, 4}));      // 17..24
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, 0.5); // prune 12 of 24
    VERIFY_EQ(masks.mask("layers.0.weight").sum().item<double>(), 4.0);      // only 13..16 survive there
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
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, 0.25);
    int64_t kept = 0;
    for (const LayerSparsity& layer : masks.layers())
        kept += layer.kept;
    VERIFY_EQ(kept, masks.keptCount());
    VERIFY_NEAR(masks.sparsity(), 0.25, 1e-9);
    VERIFY_THROWS(GlobalMagnitudePruner().computeMasks(*mlp, 1.0));
    VERIFY_THROWS(GlobalMagnitudePruner().computeMasks(*mlp, -0.1));
}

TEST_CASE("a mask for a parameter the model lacks is refused")
{
    Mlp small(MlpOptions{8, {8}, 2});
    Mlp other(MlpOptions{8, {8, 4}, 2});
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*other, 0.5);
    VERIFY_THROWS(masks.applyTo(*small));
}

ENGINE_TEST_MAIN()
