#include "EngineTest.h"

#include "core/engine/measure/Latency.h"
#include "core/engine/measure/Measurements.h"
#include "core/engine/models/LeNet5.h"
#include "core/engine/models/Mlp.h"
#include "core/engine/models/Vgg.h"
#include "core/engine/pruning/MagnitudePruners.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace prunelab::engine;

TEST_CASE("classification report matches a hand count (sklearn semantics)")
{
    const torch::Tensor truth = torch::tensor({0, 0, 0, 1, 1, 2}, torch::kLong);
    const torch::Tensor pred = torch::tensor({0, 0, 1, 1, 0, 1}, torch::kLong);
    const ClassificationReport r = classificationReport(truth, pred, 3);
    VERIFY_EQ(r.confusion[0][0], int64_t(2));
    VERIFY_EQ(r.confusion[0][1], int64_t(1));
    VERIFY_EQ(r.confusion[1][0], int64_t(1));
    VERIFY_EQ(r.confusion[2][1], int64_t(1));
    VERIFY_NEAR(r.accuracy, 3.0 / 6.0, 1e-12);
    VERIFY_NEAR(r.perClass[0].precision, 2.0 / 3.0, 1e-12);
    VERIFY_NEAR(r.perClass[0].recall, 2.0 / 3.0, 1e-12);
    VERIFY_NEAR(r.perClass[1].precision, 1.0 / 3.0, 1e-12);
    VERIFY_NEAR(r.perClass[1].recall, 0.5, 1e-12);
    VERIFY_NEAR(r.perClass[1].f1, 0.4, 1e-12);
    VERIFY_EQ(r.perClass[2].support, int64_t(1));
    VERIFY_EQ(r.perClass[2].precision, 0.0); // never predicted
    VERIFY_NEAR(r.macroF1, (2.0 / 3.0 + 0.4 + 0.0) / 3.0, 1e-12);
    VERIFY_THROWS(classificationReport(truth, pred.narrow(0, 0, 3), 3));
}

TEST_CASE("layer snapshots: counts, histogram of surviving weights, downsampled mask")
{
    Mlp mlp(MlpOptions{200, {100}, 10});
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, {0.75}, nullptr);
    masks.applyTo(*mlp);
    const std::vector<LayerSnapshot> layers = snapshotLayers(*mlp, &masks, 20, 64);
    VERIFY_EQ(layers.size(), size_t(2));
    const LayerSnapshot& first = layers[0];
    VERIFY_EQ(first.name, std::string("layers.0.weight"));
    VERIFY_EQ(first.total, int64_t(20000));
    VERIFY_EQ(first.histogram.size(), size_t(20));
    int64_t histogramTotal = 0;
    for (int64_t n : first.histogram)
        histogramTotal += n;
    VERIFY_EQ(histogramTotal, first.nonzero); // pruned zeros are not counted
    VERIFY_EQ(first.maskRows, int64_t(64));
    VERIFY_EQ(first.maskCols, int64_t(64));
    double meanCell = 0;
    for (float v : first.maskImage)
        meanCell += v / double(first.maskImage.size());
    VERIFY_NEAR(meanCell, 1.0 - first.sparsity, 0.05);
    VERIFY_EQ(layers[1].maskRows, int64_t(10)); // small layers are shown cell for cell
    VERIFY_EQ(layers[1].maskCols, int64_t(64));
}

TEST_CASE("layer snapshots: small convolutions keep every kernel weight, large ones are averaged")
{
    LeNet5 lenet(LeNet5Options{});
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*lenet, {0.5}, nullptr);
    masks.applyTo(*lenet);
    const std::vector<LayerSnapshot> layers = snapshotLayers(*lenet, &masks, 20, 64);
    VERIFY_EQ(layers[0].shape, (std::vector<int64_t>{6, 1, 5, 5}));
    VERIFY_EQ(layers[0].maskRows, int64_t(6)); // filters × (channels · 5 · 5), cell for cell: a grid of kernels
    VERIFY_EQ(layers[0].maskCols, int64_t(25));
    VERIFY_EQ(layers[1].maskRows, int64_t(16));
    VERIFY_EQ(layers[1].maskCols, int64_t(150));
    // each cell is one weight: 0 or 1, and they count the kept weights exactly
    double kept = 0;
    for (float v : layers[1].maskImage) {
        VERIFY(v == 0.0f || v == 1.0f);
        kept += v;
    }
    VERIFY_NEAR(kept, (1.0 - layers[1].sparsity) * 2400.0, 1e-6);
    // a wider convolution than 4 · 64² weights is averaged down like a linear layer
    Vgg vgg(VggOptions{});
    const std::vector<LayerSnapshot> wide = snapshotLayers(*vgg, nullptr, 20, 64);
    const LayerSnapshot* lastConv = nullptr;
    for (const LayerSnapshot& layer : wide)
        if (layer.shape.size() == 4)
            lastConv = &layer; // 512 filters of 512 · 3 · 3
    VERIFY(lastConv != nullptr);
    const LayerSnapshot& last = *lastConv;
    VERIFY_EQ(last.shape[0], int64_t(512));
    VERIFY_EQ(last.maskRows, int64_t(64));
    VERIFY_EQ(last.maskCols, int64_t(64));
}

TEST_CASE("input map: a first Linear on images gets each pixel's kept share, the mask's column means")
{
    // 2 channels of 3 × 4 pixels into 5 units, a hand-made mask: pixel p of channel c is column c·12 + p.
    Mlp mlp(MlpOptions{24, {5}, 3});
    torch::manual_seed(7);
    const torch::Tensor first = torch::bernoulli(torch::full({5, 24}, 0.4));
    const torch::Tensor last = torch::ones({3, 5});
    MaskSet masks;
    masks.set("layers.0.weight", first);
    masks.set("layers.1.weight", last);
    masks.applyTo(*mlp);
    const std::vector<LayerSnapshot> layers = snapshotLayers(*mlp, &masks, 10, 64, {2, 3, 4});
    VERIFY_EQ(layers.size(), size_t(2));
    const LayerSnapshot& s = layers[0];
    VERIFY_EQ(s.inputChannels, int64_t(2));
    VERIFY_EQ(s.inputHeight, int64_t(3));
    VERIFY_EQ(s.inputWidth, int64_t(4));
    VERIFY_EQ(s.inputKept.size(), size_t(12));
    const auto m = first.accessor<float, 2>();
    for (int p = 0; p < 12; ++p) {
        double kept = 0;
        for (int u = 0; u < 5; ++u)
            kept += m[u][p] + m[u][12 + p];
        VERIFY_NEAR(double(s.inputKept[size_t(p)]), kept / 10.0, 1e-6);
    }
    // Each unit's kept weights as a 3 × 4 picture (channels averaged), int8 against the unit's largest magnitude.
    VERIFY_EQ(s.neuronHeight, int64_t(3));
    VERIFY_EQ(s.neuronWidth, int64_t(4));
    VERIFY_EQ(s.neuronWeights.size(), size_t(5 * 12));
    VERIFY_EQ(s.neuronScales.size(), size_t(5));
    const torch::Tensor w = mlp->named_parameters()["layers.0.weight"].detach();
    const auto wa = w.accessor<float, 2>();
    for (int u = 0; u < 5; ++u)
        for (int p = 0; p < 12; ++p) {
            const double expected = (wa[u][p] * m[u][p] + wa[u][12 + p] * m[u][12 + p]) / 2.0;
            const double got = s.neuronWeights[size_t(u * 12 + p)] / 127.0 * s.neuronScales[size_t(u)];
            VERIFY_NEAR(got, expected, s.neuronScales[size_t(u)] / 127.0 + 1e-7);
        }
    // Only the first layer, only when it reads the image, only for a Linear.
    VERIFY_EQ(layers[1].inputHeight, int64_t(0));
    VERIFY(layers[1].inputKept.empty());
    VERIFY(snapshotLayers(*mlp, &masks, 10, 64, {1, 3, 4})[0].inputKept.empty());
    VERIFY(snapshotLayers(*mlp, &masks, 10, 64)[0].inputKept.empty());
    LeNet5 lenet(LeNet5Options{});
    for (const LayerSnapshot& layer : snapshotLayers(*lenet, nullptr, 10, 64, {1, 32, 32}))
        VERIFY(layer.inputKept.empty() && layer.neuronWeights.empty());
    // A larger image: the neurons' pictures are averaged down to at most maxNeuronSide a side, keeping the shape.
    Mlp wide(MlpOptions{48, {2}, 2});
    const LayerSnapshot small = snapshotLayers(*wide, nullptr, 10, 64, {1, 8, 6}, 4)[0];
    VERIFY_EQ(small.inputKept.size(), size_t(48));
    VERIFY_EQ(small.neuronHeight, int64_t(4));
    VERIFY_EQ(small.neuronWidth, int64_t(3));
    VERIFY_EQ(small.neuronWeights.size(), size_t(2 * 12));
}

TEST_CASE("input map: one round of the demo MLP (256 × 16,384 first layer) stays small")
{
    Mlp mlp(MlpOptions{128 * 128, {256, 128}, 4});
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, {0.8}, nullptr);
    masks.applyTo(*mlp);
    const auto start = std::chrono::steady_clock::now();
    const std::vector<LayerSnapshot> layers = snapshotLayers(*mlp, &masks, 50, 64, {1, 128, 128});
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    size_t bytes = 0;
    for (const LayerSnapshot& s : layers)
        bytes += (s.orderedMaskImage.size() + s.inputKept.size() + s.neuronScales.size()) * sizeof(float) +
                 (s.orderedRows.size() + s.orderedColumns.size()) * sizeof(int32_t) + s.neuronWeights.size();
    std::printf("input map and ordering of the demo MLP: %zu bytes a round, snapshot %.0f ms\n", bytes, ms);
    VERIFY_EQ(layers[0].inputKept.size(), size_t(128 * 128));
    VERIFY_EQ(layers[0].neuronHeight, int64_t(64));
    VERIFY_EQ(layers[0].neuronWeights.size(), size_t(256 * 64 * 64));
    VERIFY(bytes < size_t(2) * 1024 * 1024); // the round's event stays well under 4 MB
}

TEST_CASE("ordered mask: rows and columns sorted by kept share, the permutation names the original ones")
{
    Mlp mlp(MlpOptions{24, {5}, 3});
    torch::manual_seed(11);
    const torch::Tensor first = torch::bernoulli(torch::full({5, 24}, 0.5));
    MaskSet masks;
    masks.set("layers.0.weight", first);
    masks.set("layers.1.weight", torch::ones({3, 5}));
    const LayerSnapshot s = snapshotLayers(*mlp, &masks, 10, 64)[0];
    VERIFY_EQ(s.orderedRows.size(), size_t(5));
    VERIFY_EQ(s.orderedColumns.size(), size_t(24));
    VERIFY_EQ(s.orderedMaskImage.size(), size_t(5 * 24)); // small: cell for cell
    const auto m = first.accessor<float, 2>();
    std::vector<int> seen(24, 0);
    for (int32_t c : s.orderedColumns)
        ++seen[size_t(c)];
    VERIFY(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
    double previousRow = 2.0;
    for (size_t i = 0; i < 5; ++i) {
        double share = 0;
        for (size_t j = 0; j < 24; ++j) {
            VERIFY_EQ(s.orderedMaskImage[i * 24 + j], m[s.orderedRows[i]][s.orderedColumns[j]]);
            share += s.orderedMaskImage[i * 24 + j] / 24.0;
        }
        VERIFY(share <= previousRow + 1e-9); // most kept first
        previousRow = share;
    }
    double previousColumn = 2.0;
    for (size_t j = 0; j < 24; ++j) {
        double share = 0;
        for (size_t i = 0; i < 5; ++i)
            share += s.orderedMaskImage[i * 24 + j] / 5.0;
        VERIFY(share <= previousColumn + 1e-9);
        previousColumn = share;
    }
    // A small convolution keeps its kernel grid and has no ordering.
    LeNet5 lenet(LeNet5Options{});
    VERIFY(snapshotLayers(*lenet, nullptr, 10, 64)[0].orderedMaskImage.empty());
}

TEST_CASE("latency: dense, then the CSR kernel for a pruned MLP or the compact model given; modes kept")
{
    Mlp mlp(MlpOptions{784, {64}, 10});
    const MaskSet masks = GlobalMagnitudePruner().computeMasks(*mlp, {0.9}, nullptr);
    masks.applyTo(*mlp);
    mlp->train();
    const Latency csr = measureLatency(*mlp, &masks, nullptr, 1, 28, 28, 5.0);
    VERIFY(csr.denseMs > 0.0);
    VERIFY(csr.prunedMs > 0.0);
    VERIFY_EQ(csr.prunedPath, std::string("csr"));
    VERIFY(mlp->is_training()); // timed in eval mode, handed back as it came
    const Latency dense = measureLatency(*mlp, nullptr, nullptr, 1, 28, 28, 5.0);
    VERIFY(dense.denseMs > 0.0);
    VERIFY(dense.prunedMs < 0.0);
    VERIFY(dense.prunedPath.empty());

    LeNet5 lenet(LeNet5Options{});
    const MaskSet convMasks = GlobalMagnitudePruner().computeMasks(*lenet, {0.5}, nullptr);
    const Latency conv = measureLatency(*lenet, &convMasks, nullptr, 1, 28, 28, 5.0);
    VERIFY(conv.denseMs > 0.0);
    VERIFY(conv.prunedMs < 0.0); // zeros in a convolution: no faster path without compaction
    Mlp smaller(MlpOptions{784, {32}, 10});
    const Latency compact = measureLatency(*mlp, &masks, smaller.ptr().get(), 1, 28, 28, 5.0);
    VERIFY_EQ(compact.prunedPath, std::string("compact"));
    VERIFY(compact.prunedMs > 0.0);
}

TEST_CASE("cost: dense and remaining MACs, CSR bytes, for MLP and conv nets")
{
    Mlp mlp(MlpOptions{784, {300, 100}, 10});
    ModelCost dense = measureCost(*mlp, 1, 28, 28);
    VERIFY_EQ(dense.parameters, int64_t(266610));
    VERIFY_EQ(dense.denseMacs, int64_t(784 * 300 + 300 * 100 + 100 * 10));
    // Remaining MACs count the non-zero weights; a random init can draw an exact 0.0 now and then (about one run in
    // sixty for 266,200 weights), so the expectation counts them rather than assuming none.
    int64_t nonzero = 0;
    for (const auto& [name, weight] : prunableParameters(*mlp))
        nonzero += weight.count_nonzero().item<int64_t>();
    VERIFY_EQ(dense.remainingMacs, nonzero);
    VERIFY(dense.denseMacs - dense.remainingMacs <= 2);
    GlobalMagnitudePruner().computeMasks(*mlp, {0.9}, nullptr).applyTo(*mlp);
    const ModelCost pruned = measureCost(*mlp, 1, 28, 28);
    VERIFY_EQ(pruned.remainingMacs, std::llround(0.1 * dense.denseMacs));
    VERIFY(pruned.sparseBytes < dense.denseBytes / 4);

    LeNet5 lenet(LeNet5Options{});
    const ModelCost c = measureCost(*lenet, 1, 28, 28);
    // conv1: 6·1·25 weights at 28·28 positions; conv2: 16·6·25 at 10·10; then 400·120 + 120·84 + 84·10
    VERIFY_EQ(c.denseMacs, int64_t(150 * 784 + 2400 * 100 + 48000 + 10080 + 840));

    VggOptions vo;
    vo.width = 0.125;
    Vgg vgg(vo);
    vgg->train();
    const ModelCost v = measureCost(*vgg, 3, 32, 32);
    VERIFY(v.denseMacs > v.parameters); // convolutions reuse weights across positions
    VERIFY(vgg->is_training());         // measuring did not leave the model in eval mode
}

TEST_CASE("linear CKA: 1 for the same representation up to rotation and scale, low for unrelated ones")
{
    torch::manual_seed(1);
    const torch::Tensor x = torch::randn({200, 30});
    const torch::Tensor rotation = std::get<0>(torch::linalg_qr(torch::randn({30, 30})));
    VERIFY_NEAR(linearCka(x, x), 1.0, 1e-9);
    VERIFY_NEAR(linearCka(x, 3.0 * x.mm(rotation) + 5.0), 1.0, 1e-9);
    VERIFY(linearCka(x, torch::randn({200, 30})) < 0.3);
    VERIFY_THROWS(linearCka(x, x.narrow(0, 0, 10)));
}

TEST_CASE("every model reports one activation per prunable layer, the last being the logits")
{
    Mlp mlp(MlpOptions{48, {20, 10}, 3});
    LeNet5 lenet(LeNet5Options{3, 16, 16, 3});
    VggOptions vo;
    vo.width = 0.125;
    vo.height = vo.width_px = 16;
    vo.classCount = 3;
    Vgg vgg(vo);
    const torch::Tensor x = torch::randn({4, 3, 4, 4});
    const torch::Tensor image = torch::randn({4, 3, 16, 16});
    for (auto [model, input] :
         {std::pair<ClassifierImpl*, torch::Tensor>{mlp.get(), x}, {lenet.get(), image}, {vgg.get(), image}}) {
        model->eval();
        const auto acts = model->activations(input);
        VERIFY_EQ(acts.size(), prunableParameters(*model).size());
        VERIFY(torch::allclose(acts.back(), model->forward(input)));
    }
}

ENGINE_TEST_MAIN()
