// The engine's hand-written fast paths give what LibTorch's general operators give: the fused Adam/AdamW update,
// the one-pass gather-and-normalise, and the thread plan that is restored afterwards.
#include "EngineTest.h"

#include "core/engine/models/Mlp.h"
#include "core/engine/runtime/Runtime.h"
#include "core/engine/training/FusedAdam.h"
#include "core/engine/training/Normalizer.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

using namespace prunelab::engine;

namespace {

// Trains two identical MLPs five steps on the same batches, one with LibTorch's optimiser and one with the fused
// one, and returns the largest difference between their weights.
template <typename Reference, typename Fused, typename Options>
double largestDifferenceAfterSteps(const Options& options)
{
    torch::manual_seed(3);
    Mlp a(MlpOptions{20, {16, 8}, 3});
    torch::manual_seed(3);
    Mlp b(MlpOptions{20, {16, 8}, 3});
    Reference reference(a->parameters(), options);
    Fused fused(b->parameters(), options);
    torch::manual_seed(4);
    for (int step = 0; step < 5; ++step) {
        const torch::Tensor x = torch::randn({12, 1, 4, 5});
        const torch::Tensor y = torch::randint(0, 3, {12}, torch::kLong);
        reference.zero_grad();
        torch::nn::functional::cross_entropy(a->forward(x), y).backward();
        reference.step();
        clearGradients(b->parameters());
        torch::nn::functional::cross_entropy(b->forward(x), y).backward();
        fused.step();
    }
    double largest = 0.0;
    const auto pa = a->parameters(), pb = b->parameters();
    for (size_t i = 0; i < pa.size(); ++i) {
        VERIFY(!torch::equal(pa[i], torch::zeros_like(pa[i])));
        largest = std::max(largest, (pa[i] - pb[i]).abs().max().item<double>());
    }
    return largest;
}

} // namespace

TEST_CASE("fused Adam follows torch::optim::Adam step for step, with and without L2 decay")
{
    const double plain = largestDifferenceAfterSteps<torch::optim::Adam, FusedAdam>(torch::optim::AdamOptions(1e-2));
    VERIFY(plain < 1e-6);
    const double decayed =
        largestDifferenceAfterSteps<torch::optim::Adam, FusedAdam>(torch::optim::AdamOptions(1e-2).weight_decay(0.05));
    VERIFY(decayed < 1e-6);
}

TEST_CASE("fused AdamW follows torch::optim::AdamW (decoupled decay)")
{
    const double difference = largestDifferenceAfterSteps<torch::optim::AdamW, FusedAdamW>(
        torch::optim::AdamWOptions(1e-2).weight_decay(0.1));
    VERIFY(difference < 1e-6);
}

TEST_CASE("a step that moves weights a lot is not the same as no step: the comparison can fail")
{
    // Guard against a vacuous test: LibTorch's Adam against the fused one with another learning rate differs.
    torch::manual_seed(3);
    Mlp a(MlpOptions{20, {16}, 3});
    torch::manual_seed(3);
    Mlp b(MlpOptions{20, {16}, 3});
    torch::optim::Adam reference(a->parameters(), torch::optim::AdamOptions(1e-2));
    FusedAdam fused(b->parameters(), torch::optim::AdamOptions(2e-2));
    const torch::Tensor x = torch::randn({8, 20});
    const torch::Tensor y = torch::randint(0, 3, {8}, torch::kLong);
    torch::nn::functional::cross_entropy(a->forward(x), y).backward();
    torch::nn::functional::cross_entropy(b->forward(x), y).backward();
    reference.step();
    fused.step();
    VERIFY((a->parameters()[0] - b->parameters()[0]).abs().max().item<double>() > 1e-4);
}

TEST_CASE("gather normalises exactly the selected images, as index_select then normalise does")
{
    torch::manual_seed(5);
    const torch::Tensor images = torch::randint(0, 256, {30, 3, 7, 6}, torch::kUInt8);
    const Normalizer normalize({0.2, 0.5, 0.7}, {0.1, 0.3, 0.25});
    const torch::Tensor idx = torch::tensor({29, 0, 7, 7, 13}, torch::kLong);
    const torch::Tensor fast = normalize.gather(images, idx);
    const torch::Tensor slow = normalize(images.index_select(0, idx));
    VERIFY(fast.sizes() == slow.sizes());
    VERIFY((fast - slow).abs().max().item<double>() < 1e-5);
    VERIFY_THROWS(normalize.gather(images, torch::tensor({3, 30}, torch::kLong)));
}

TEST_CASE("thread plans: MLPs keep one intra-op thread, conv nets use the cores; the old counts come back")
{
    VERIFY_EQ(planThreads(false, 1e7, 2).intraOp, 1);
    VERIFY_EQ(planThreads(false, 1e7, 2).blas, 1);
    VERIFY_EQ(planThreads(false, 1e9, 2).blas, 2);
    VERIFY_EQ(planThreads(true, 1e7, 4).intraOp, 4);
    VERIFY_EQ(planThreads(true, 1e9, 4).blas, 1);
    const int before = at::get_num_threads();
    {
        ScopedThreads threads(ThreadPlan{before + 1, 1});
        VERIFY_EQ(at::get_num_threads(), before + 1);
    }
    VERIFY_EQ(at::get_num_threads(), before);
}

ENGINE_TEST_MAIN()
