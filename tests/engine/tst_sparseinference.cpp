// Sparse inference equals the masked dense model: SparseNetwork (pruned MLPs) and SparseConv2d (pruned
// convolutions) against LibTorch's dense forward, for every instruction set this processor runs (portable, AVX2,
// AVX-512), at batch 1 (the gather kernel) and batch 64 (the feature-major kernel), over several sparsities.
#include "EngineTest.h"

#include "core/engine/models/LeNet5.h"
#include "core/engine/models/Mlp.h"
#include "core/engine/pruning/MagnitudePruners.h"
#include "core/engine/runtime/SparseConv2d.h"
#include "core/engine/runtime/SparseNetwork.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>

using namespace prunelab::engine;
using kernels::SimdLevel;

namespace {

constexpr double kTolerance = 1e-6;

double largestDifference(const torch::Tensor& a, const torch::Tensor& b)
{
    VERIFY(a.sizes() == b.sizes());
    return (a - b).abs().max().item<double>();
}

// The largest difference relative to the reference's scale (its largest magnitude, at least 1): both sides sum in
// float, in different orders, so an output of magnitude 10 may differ in its 7th digit.
double relativeDifference(const torch::Tensor& got, const torch::Tensor& expected)
{
    const double scale = std::max(1.0, expected.abs().max().item<double>());
    const double relative = largestDifference(got, expected) / scale;
    if (const char* verbose = std::getenv("PRUNELAB_TEST_VERBOSE"); verbose != nullptr && *verbose == '1')
        std::cout << "       difference " << relative << " of scale " << scale << '\n';
    return relative;
}

// The weight with its smallest-magnitude fraction set to zero (ties broken by position, so exactly that many).
torch::Tensor prunedCopy(const torch::Tensor& weight, double sparsity)
{
    const torch::Tensor flat = weight.detach().flatten().clone();
    const int64_t drop = int64_t(double(flat.numel()) * sparsity);
    if (drop > 0)
        flat.index_fill_(0, flat.abs().argsort().slice(0, 0, drop), 0.0);
    return flat.reshape(weight.sizes());
}

// Restores PRUNELAB_SIMD when the test ends, whichever way.
struct SimdEnvironment {
    std::string saved;
    bool had = false;
    SimdEnvironment()
    {
        if (const char* value = std::getenv("PRUNELAB_SIMD")) {
            saved = value;
            had = true;
        }
    }
    ~SimdEnvironment()
    {
        if (had)
            setenv("PRUNELAB_SIMD", saved.c_str(), 1);
        else
            unsetenv("PRUNELAB_SIMD");
    }
};

} // namespace

TEST_CASE("sparse network equals the masked MLP to 1e-6 for every SIMD level, batch 1 to 70, 50 to 98 % sparse")
{
    VERIFY(!kernels::supportedSimdLevels().empty());
    VERIFY(kernels::supportedSimdLevels().front() == SimdLevel::Portable);
    std::cout << "       SIMD levels this processor runs:";
    for (const SimdLevel level : kernels::supportedSimdLevels())
        std::cout << ' ' << kernels::simdLevelName(level);
    std::cout << '\n';
    torch::NoGradGuard noGrad;
    for (const double sparsity : {0.5, 0.9, 0.95, 0.98}) {
        torch::manual_seed(6);
        Mlp mlp(MlpOptions{300, {120, 40}, 10});
        const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, PruneTarget{sparsity}, nullptr);
        masks.applyTo(*mlp);
        mlp->eval();
        SparseNetwork sparse = SparseNetwork::fromModel(*mlp);
        VERIFY_EQ(sparse.denseWeights(), int64_t(300 * 120 + 120 * 40 + 40 * 10));
        VERIFY(sparse.nonzeroWeights() <= int64_t((1.0 - sparsity) * double(sparse.denseWeights())) + 1);
        for (const int64_t batch : {int64_t(1), int64_t(3), int64_t(5), int64_t(64), int64_t(70)}) {
            const torch::Tensor x = torch::randn({batch, 3, 10, 10});
            const torch::Tensor expected = mlp->forward(x);
            for (const SimdLevel level : kernels::supportedSimdLevels()) {
                sparse.setSimdLevel(level);
                const double difference = relativeDifference(sparse.forward(x), expected);
                if (!(difference < kTolerance))
                    throw enginetest::Failure(std::string(kernels::simdLevelName(level)) + ", batch " +
                                              std::to_string(batch) + ", sparsity " + std::to_string(sparsity) +
                                              ": differs by " + std::to_string(difference));
            }
        }
    }
}

TEST_CASE("sparse network refuses a wrong input width, a convolutional model and a SIMD level the CPU lacks")
{
    torch::manual_seed(6);
    Mlp mlp(MlpOptions{48, {32, 16}, 4});
    SparseNetwork sparse = SparseNetwork::fromModel(*mlp);
    VERIFY_THROWS(sparse.forward(torch::randn({2, 47})));
    VERIFY_THROWS(sparse.forward(torch::randn({64, 49})));
    for (const SimdLevel level : {SimdLevel::Avx2, SimdLevel::Avx512})
        if (!kernels::simdLevelSupported(level))
            VERIFY_THROWS(sparse.setSimdLevel(level));

    LeNet5 lenet(LeNet5Options{});
    std::string message;
    try {
        SparseNetwork::fromModel(*lenet);
    } catch (const std::invalid_argument& e) {
        message = e.what();
    }
    VERIFY(message.find("convolution") != std::string::npos);
    VERIFY(message.find("features") != std::string::npos);
}

TEST_CASE("PRUNELAB_SIMD forces a level; an unknown name is refused")
{
    const SimdEnvironment restore;
    torch::manual_seed(6);
    Mlp mlp(MlpOptions{48, {32}, 4});
    setenv("PRUNELAB_SIMD", "portable", 1);
    VERIFY(SparseNetwork::fromModel(*mlp).simdLevel() == SimdLevel::Portable);
    unsetenv("PRUNELAB_SIMD");
    VERIFY(SparseNetwork::fromModel(*mlp).simdLevel() == kernels::supportedSimdLevels().back());
    setenv("PRUNELAB_SIMD", "avx1024", 1);
    VERIFY_THROWS(SparseNetwork::fromModel(*mlp));
    VERIFY_EQ(kernels::parseSimdLevel("avx2") == SimdLevel::Avx2, true);
}

TEST_CASE("the one-sample kernel takes 32-bit column numbers past 65,536 inputs")
{
    // 3 rows × 70,000 columns, one weight in ten kept, against a double-precision sum.
    torch::manual_seed(8);
    const torch::Tensor weight = prunedCopy(torch::randn({3, 70000}), 0.9).contiguous();
    const torch::Tensor bias = torch::randn({3});
    const kernels::SparseMatrix m =
        kernels::SparseMatrix::fromDense(weight.data_ptr<float>(), 3, 70000, bias.data_ptr<float>());
    VERIFY(m.sliceIndex16.empty() && !m.sliceIndex32.empty());
    const torch::Tensor x = torch::randn({70000});
    const torch::Tensor w64 = weight.to(torch::kDouble), x64 = x.to(torch::kDouble);
    const torch::Tensor expected = w64.matmul(x64) + bias;
    // A float sum of 7,000 terms: its error is measured against the sum of the terms' magnitudes.
    const torch::Tensor magnitude = w64.abs().matmul(x64.abs()) + bias.abs();
    for (const SimdLevel level : kernels::supportedSimdLevels()) {
        torch::Tensor y = torch::empty({3});
        kernels::sparseMatVec(level, m, x.data_ptr<float>(), false, y.data_ptr<float>());
        VERIFY(((y - expected).abs() / magnitude).max().item<double>() < kTolerance);
    }
}

TEST_CASE("sparse convolution equals torch::conv2d for LeNet-5's and VGG's layers, every SIMD level, 50 to 98 %")
{
    struct Layer {
        int64_t in, out, kernel, padding, size;
    };
    // LeNet-5's conv1 (28×28, padded 2) and conv2, a VGG 3×3 layer, and an odd width.
    const Layer layers[] = {{1, 6, 5, 2, 28}, {6, 16, 5, 0, 14}, {16, 32, 3, 1, 16}, {3, 5, 3, 1, 9}};
    torch::NoGradGuard noGrad;
    torch::manual_seed(9);
    for (const Layer& layer : layers)
        for (const double sparsity : {0.5, 0.9, 0.95, 0.98}) {
            const torch::Tensor weight =
                prunedCopy(torch::randn({layer.out, layer.in, layer.kernel, layer.kernel}) * 0.2, sparsity);
            const torch::Tensor bias = torch::randn({layer.out});
            SparseConv2d conv = SparseConv2d::fromWeights(weight, bias, layer.padding, layer.size, layer.size);
            for (const int64_t batch : {int64_t(1), int64_t(64)}) {
                const torch::Tensor x = torch::randn({batch, layer.in, layer.size, layer.size});
                const torch::Tensor expected = torch::conv2d(x, weight, bias, 1, layer.padding);
                VERIFY_EQ(conv.outHeight(), expected.size(2));
                for (const SimdLevel level : kernels::supportedSimdLevels()) {
                    conv.setSimdLevel(level);
                    const double difference = relativeDifference(conv.forward(x), expected);
                    const double relu = relativeDifference(conv.forward(x, true), expected.relu());
                    if (!(difference < kTolerance && relu < kTolerance))
                        throw enginetest::Failure(std::string(kernels::simdLevelName(level)) + ", " +
                                                  std::to_string(layer.in) + "→" + std::to_string(layer.out) +
                                                  ", sparsity " + std::to_string(sparsity) + ": differs by " +
                                                  std::to_string(std::max(difference, relu)));
                }
            }
        }
}

TEST_CASE("sparse convolution refuses stride 2, a kernel larger than the input and a wrong input shape")
{
    const torch::Tensor weight = torch::randn({4, 2, 3, 3});
    VERIFY_THROWS(SparseConv2d::fromWeights(weight, {}, 1, 8, 8, 2));
    VERIFY_THROWS(SparseConv2d::fromWeights(weight, {}, 0, 2, 2));
    VERIFY_THROWS(SparseConv2d::fromWeights(weight, torch::randn({3}), 1, 8, 8));
    const SparseConv2d conv = SparseConv2d::fromWeights(weight, {}, 1, 8, 8);
    VERIFY_THROWS(conv.forward(torch::randn({1, 2, 8, 9})));
    VERIFY_THROWS(conv.forward(torch::randn({1, 3, 8, 8})));
    VERIFY_EQ(conv.forward(torch::randn({2, 2, 8, 8})).size(1), int64_t(4));
}

ENGINE_TEST_MAIN()
