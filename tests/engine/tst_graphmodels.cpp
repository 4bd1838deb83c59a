// Networks with branches: the graph description (GraphNet), and the ResNet and DenseNet built from it.
#include "EngineTest.h"
#include "SyntheticData.h"

#include "core/engine/export/TorchScriptExport.h"
#include "core/engine/models/DenseNet.h"
#include "core/engine/models/GraphBuilder.h"
#include "core/engine/models/GraphNet.h"
#include "core/engine/models/ModelFactory.h"
#include "core/engine/models/ResNet.h"
#include "core/engine/pruning/MagnitudePruners.h"
#include "core/engine/training/Trainer.h"

#include <torch/script.h>
#include <torch/torch.h>

using namespace prunelab::engine;

namespace {

ClassifierPtr resnet(int depth, int64_t channels, int64_t size, int64_t classes, double width = 1.0)
{
    ModelSpec spec;
    spec.arch = "resnet";
    spec.depth = depth;
    spec.width = width;
    return buildModel(spec, channels, size, size, classes);
}

ClassifierPtr densenet(int64_t growth, std::vector<int64_t> blocks, int64_t channels, int64_t size, int64_t classes)
{
    ModelSpec spec;
    spec.arch = "densenet";
    spec.growth = growth;
    spec.blocks = std::move(blocks);
    return buildModel(spec, channels, size, size, classes);
}

} // namespace

TEST_CASE("a hand-built graph adds and concatenates what its steps name")
{
    // x → conv a (2 ch) ─┬→ relu r ─┐
    //                    └──────────┴→ add → concat with conv a → 4 channels
    GraphBuilder g;
    const int a = g.conv("a", -1, 1, 2, 1, 1, 0, true);
    const int r = g.relu(a);
    const int sum = g.add(r, a);
    g.concat(sum, a);
    GraphNet net(g.steps(), InitOptions{});
    const torch::Tensor x = torch::randn({3, 1, 4, 4});
    const auto params = net->named_parameters();
    const torch::Tensor conv = torch::conv2d(x, params["a.weight"], params["a.bias"]);
    const torch::Tensor expected = torch::cat({torch::relu(conv) + conv, conv}, 1);
    VERIFY(torch::allclose(net->forward(x), expected, 1e-6, 1e-6));
}

TEST_CASE("a graph that reads a later step, or adds one input, is refused")
{
    ForwardStep conv;
    conv.kind = ForwardStep::Kind::Conv2d;
    conv.module = "c";
    conv.inChannels = 1;
    conv.outChannels = 1;
    ForwardStep later = conv;
    later.inputs = {1};
    VERIFY_THROWS(GraphNet(std::vector<ForwardStep>{later}, InitOptions{}));
    ForwardStep add;
    add.kind = ForwardStep::Kind::Add;
    add.inputs = {0};
    VERIFY_THROWS(GraphNet(std::vector<ForwardStep>{conv, add}, InitOptions{}));
    ForwardStep unnamed = conv;
    unnamed.module.clear();
    VERIFY_THROWS(GraphNet(std::vector<ForwardStep>{unnamed}, InitOptions{}));
    VERIFY_THROWS(GraphNet(std::vector<ForwardStep>{conv, conv}, InitOptions{})); // one name, two layers
}

TEST_CASE("ResNet-20 (option B) and torchvision's ResNet-18 and DenseNet-121 have their published sizes")
{
    // ResNet-20 with option A shortcuts has 269,722 parameters (He et al.); option B's two 1×1 projections and their
    // batch norms add 16·32 + 64 + 32·64 + 128 = 2,752.
    VERIFY_EQ(parameterCount(*resnet(20, 3, 32, 10)), int64_t(272474));
    // From 64 px the stem is ImageNet's, so the networks are torchvision's resnet18 and densenet121 (1000 classes).
    VERIFY_EQ(parameterCount(*resnet(18, 3, 64, 1000)), int64_t(11689512));
    VERIFY_EQ(parameterCount(*densenet(32, {6, 12, 24, 16}, 3, 64, 1000)), int64_t(7978856));
    const ClassifierPtr r18 = resnet(18, 3, 64, 1000);
    for (const char* name :
         {"conv1.weight", "bn1.running_var", "layer2.0.downsample.0.weight", "layer4.1.bn2.bias", "fc.weight"})
        VERIFY(r18->named_parameters().find(name) != nullptr || r18->named_buffers().find(name) != nullptr);
}

TEST_CASE("every ResNet and DenseNet gives logits, one activation per prunable layer, and its MAC positions")
{
    struct Case {
        ClassifierPtr model;
        int64_t channels, size;
    };
    for (const Case& c : {Case{resnet(20, 3, 32, 4, 0.5), 3, 32}, Case{resnet(18, 1, 28, 4, 0.125), 1, 28},
                          Case{resnet(34, 1, 64, 4, 0.125), 1, 64}, Case{densenet(4, {2, 2, 2}, 1, 32, 4), 1, 32},
                          Case{densenet(4, {1, 2}, 3, 128, 4), 3, 128}}) {
        c.model->eval();
        const torch::Tensor x = torch::randn({2, c.channels, c.size, c.size});
        const torch::Tensor logits = c.model->forward(x);
        VERIFY_EQ(logits.size(1), int64_t(4));
        const auto prunable = prunableParameters(*c.model);
        const std::vector<torch::Tensor> acts = c.model->activations(x);
        VERIFY_EQ(acts.size(), prunable.size());
        for (size_t i = 0; i < acts.size(); ++i) // each activation has its layer's channels
            VERIFY_EQ(acts[i].size(1), prunable[i].second.size(0));
        VERIFY(torch::equal(acts.back(), logits));
        const std::vector<int64_t> positions = c.model->positionsPerWeight(c.channels, c.size, c.size);
        VERIFY_EQ(positions.size(), prunable.size());
        VERIFY_EQ(positions.back(), int64_t(1)); // the linear layer
        for (size_t i = 0; i + 1 < acts.size(); ++i)
            VERIFY_EQ(positions[i], acts[i].size(2) * acts[i].size(3));
    }
    // ResNet-20 on 32×32: 32×32 maps in the stem and stage 1, 8×8 in stage 3.
    const std::vector<int64_t> positions = resnet(20, 3, 32, 10)->positionsPerWeight(3, 32, 32);
    VERIFY_EQ(positions.front(), int64_t(1024));
    VERIFY_EQ(positions[positions.size() - 2], int64_t(64));
}

TEST_CASE("shapes that cannot be built are refused with what is wrong")
{
    VERIFY_THROWS(resnet(19, 3, 32, 10)); // neither 18/34 nor 6n+2
    VERIFY_THROWS(resnet(20, 3, 32, 10, 0.0));
    VERIFY_THROWS(resnet(34, 1, 4, 10)); // three halvings of a 4-pixel map reach a 1-pixel one
    VERIFY_THROWS(densenet(0, {2, 2}, 1, 32, 4));
    VERIFY_THROWS(densenet(4, {}, 1, 32, 4));
    VERIFY_THROWS(densenet(4, {2, 0}, 1, 32, 4));
    VERIFY_THROWS(densenet(4, {1, 1, 1, 1}, 1, 4, 4)); // three transitions on a 4-pixel map
    try {
        resnet(34, 1, 4, 10);
    } catch (const std::invalid_argument& e) {
        VERIFY(std::string(e.what()).find("too small for ResNet-34") != std::string::npos);
    }
}

TEST_CASE("ResNet and DenseNet learn, and their pruned weights stay zero through fine-tuning")
{
    const DataSplit split = splitStratified(makeBandDataset(40, 4, 3, 16, 3), 0.25, 1);
    for (int which = 0; which < 2; ++which) {
        torch::manual_seed(5);
        const ClassifierPtr model = which == 0 ? resnet(8, 3, 16, 4, 0.5) : densenet(4, {2, 2}, 3, 16, 4);
        Trainer trainer(model, Normalizer::fromData(split.train.images), torch::kCPU);
        TrainOptions options;
        options.epochs = 6;
        options.batchSize = 16;
        options.learningRate = 3e-3;
        const TrainOutcome outcome = trainer.fit(split.train, split.validation, options);
        VERIFY(outcome.history.back().validation.accuracy > 0.9);
        const MaskSet masks = GlobalMagnitudePruner().computeMasks(*model, {0.7}, nullptr);
        options.epochs = 2;
        trainer.fit(split.train, split.validation, options, {}, &masks);
        const auto params = model->named_parameters();
        for (const auto& [name, mask] : masks.masks())
            VERIFY_EQ(params[name].masked_select(mask == 0).abs().max().item<double>(), 0.0);
    }
}

TEST_CASE("the TorchScript export of a graph gives the model's logits in C++")
{
    const torch::Tensor images = torch::randint(0, 256, {3, 1, 32, 32}, torch::kUInt8);
    const Normalizer normalizer = Normalizer::fromData(images);
    for (const ClassifierPtr& model : {resnet(20, 1, 32, 3, 0.25), densenet(4, {2, 2}, 1, 32, 3)}) {
        const MaskSet masks = GlobalMagnitudePruner().computeMasks(*model, {0.5}, nullptr);
        masks.applyTo(*model);
        model->eval();
        torch::NoGradGuard noGrad;
        const torch::Tensor expected = model->forward(normalizer(images));
        torch::jit::Module script = toTorchScript(*model, normalizer, {"a", "b", "c"}, {1, 32, 32});
        const torch::Tensor logits = script.forward({images.to(torch::kFloat) / 255.0}).toTensor();
        VERIFY(torch::allclose(logits, expected, 1e-5, 1e-5));
    }
}

ENGINE_TEST_MAIN()
