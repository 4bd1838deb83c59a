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
#include "core/engine/structured/Compaction.h"
#include "core/engine/structured/GraphChannels.h"
#include "core/engine/structured/NeuronNormPruner.h"
#include "core/engine/structured/NeuronTaylorPruner.h"
#include "core/engine/training/Trainer.h"

#include <ATen/CPUGeneratorImpl.h>
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

TEST_CASE("channel groups follow additions, batch norms and concatenations")
{
    // a: conv 1→4 ─ bn ─ relu ─┬─ b: conv 4→4 ─ bn ─┐
    //                          └──────────────────── add ─ relu ─┐
    // c: conv 1→3 ────────────────────────────────────────────── concat ─ pool ─ flatten ─ fc
    GraphBuilder g;
    const int a = g.relu(g.norm("bnA", g.conv("a", -1, 1, 4, 3, 1, 1), 4));
    const int b = g.norm("bnB", g.conv("b", a, 4, 4, 3, 1, 1), 4);
    const int sum = g.relu(g.add(b, a));
    const int c = g.conv("c", -1, 1, 3, 3, 1, 1);
    g.classifierHead("fc", g.concat(sum, c), 7, 2);
    const std::vector<ForwardStep>& steps = g.steps();
    const std::vector<ChannelGroup> groups = channelGroups(steps);
    VERIFY_EQ(groups.size(), size_t(2)); // {a, b} tied by the addition, and c; the logits are in none
    const auto modules = [&](const std::vector<ChannelUse>& uses) {
        std::vector<std::pair<std::string, int64_t>> names;
        for (const ChannelUse& u : uses)
            names.emplace_back(steps[u.step].module, u.offset);
        return names;
    };
    using Uses = std::vector<std::pair<std::string, int64_t>>;
    VERIFY_EQ(groups[0].size, int64_t(4));
    VERIFY(modules(groups[0].producers) == (Uses{{"a", 0}, {"b", 0}}));
    VERIFY(modules(groups[0].norms) == (Uses{{"bnA", 0}, {"bnB", 0}}));
    VERIFY(modules(groups[0].consumers) == (Uses{{"b", 0}, {"fc", 0}}));
    VERIFY_EQ(groups[1].size, int64_t(3));
    VERIFY(modules(groups[1].consumers) == (Uses{{"fc", 4}})); // after the 4 channels of {a, b} in the concatenation
}

TEST_CASE("ResNet and DenseNet channel groups: shortcuts tie stages, dense layers feed every later layer")
{
    // ResNet-20: each block's first conv alone (9); each stage's block outputs, tied by the shortcuts (3).
    VERIFY_EQ(channelGroups(resnet(20, 3, 32, 10)->forwardSteps()).size(), size_t(12));
    // DenseNet with blocks {2, 2}: the stem, 4 bottlenecks, 4 growth convs, 1 transition.
    const ClassifierPtr net = densenet(4, {2, 2}, 1, 32, 4);
    const std::vector<ForwardStep> steps = net->forwardSteps();
    const std::vector<ChannelGroup> groups = channelGroups(steps);
    VERIFY_EQ(groups.size(), size_t(10));
    std::vector<std::string> stemReaders;
    for (const ChannelUse& u : groups.front().consumers)
        stemReaders.push_back(steps[u.step].module + "@" + std::to_string(u.offset));
    VERIFY(stemReaders ==
           (std::vector<std::string>{"features.denseblock1.denselayer1.conv1@0",
                                     "features.denseblock1.denselayer2.conv1@0", "features.transition1.conv@0"}));
    // The first growth conv's 4 channels follow the stem's 8 wherever they are read.
    const ChannelGroup& growth = groups[2];
    VERIFY_EQ(steps[growth.producers.front().step].module, std::string("features.denseblock1.denselayer1.conv2"));
    for (const ChannelUse& u : growth.consumers)
        VERIFY_EQ(u.offset, int64_t(8));
}

TEST_CASE("a channel-pruned ResNet and DenseNet compact to smaller networks with the masked outputs")
{
    const DataSplit split = splitStratified(makeBandDataset(24, 4, 3, 16, 3), 0.25, 1);
    for (int which = 0; which < 2; ++which) {
        torch::manual_seed(7);
        const ClassifierPtr model = which == 0 ? resnet(8, 3, 16, 4, 0.5) : densenet(4, {2, 2}, 3, 16, 4);
        Trainer trainer(model, Normalizer::fromData(split.train.images), torch::kCPU);
        TrainOptions options;
        options.epochs = 2; // batch norm statistics and weights that are not their initial values
        options.batchSize = 16;
        trainer.fit(split.train, split.validation, options);
        const MaskSet masks = NeuronNormPruner(1).computeMasks(*model, PruneTarget{0.5}, nullptr);
        masks.applyTo(*model);
        model->eval();
        const torch::Tensor x = Normalizer::fromData(split.train.images)(split.validation.images);
        torch::NoGradGuard noGrad;
        const torch::Tensor masked = model->forward(x);
        const torch::Tensor state = at::detail::getDefaultCPUGenerator().get_state();
        const ClassifierPtr compact = compactModel(*model, masks);
        VERIFY(torch::equal(at::detail::getDefaultCPUGenerator().get_state(), state)); // later shuffles unchanged
        VERIFY(!compact->is_training());
        VERIFY(parameterCount(*compact) < parameterCount(*model) * 6 / 10);
        const double difference = (compact->forward(x) - masked).abs().max().item<double>();
        VERIFY(difference < 1e-5);
        // Every group kept half its channels (at least one).
        const std::vector<ChannelGroup> groups = channelGroups(model->forwardSteps());
        const auto kept = keptChannels(*model, groups, &masks);
        for (size_t g = 0; g < groups.size(); ++g)
            VERIFY_EQ(int64_t(kept[g].size()), std::max<int64_t>(1, std::llround(groups[g].size * 0.5)));
        // Another round prunes what is left: the channels removed before stay removed.
        PruneTarget more{0.75};
        const MaskSet next = NeuronNormPruner(1).computeMasks(*model, more, &masks);
        const auto keptNext = keptChannels(*model, groups, &next);
        for (size_t g = 0; g < groups.size(); ++g)
            for (int64_t c : keptNext[g])
                VERIFY(std::find(kept[g].begin(), kept[g].end(), c) != kept[g].end());
    }
}

TEST_CASE("channel pruning rounds kept counts to round_to and never removes a group's last channel")
{
    const ClassifierPtr model = resnet(20, 3, 32, 10, 2.0); // groups of 32, 64 and 128 channels
    const std::vector<ChannelGroup> groups = channelGroups(model->forwardSteps());
    const NeuronNormPruner l1(1);
    PruneTarget target{0.7};
    target.roundTo = 8;
    const MaskSet rounded = l1.computeMasks(*model, target, nullptr);
    const auto kept = keptChannels(*model, groups, &rounded);
    for (size_t g = 0; g < groups.size(); ++g) {
        VERIFY_EQ(int64_t(kept[g].size()) % 8, int64_t(0));
        VERIFY(int64_t(kept[g].size()) >= groups[g].size * 3 / 10);
    }
    const MaskSet almostAll = l1.computeMasks(*model, PruneTarget{0.999}, nullptr);
    for (const auto& channels : keptChannels(*model, groups, &almostAll))
        VERIFY_EQ(channels.size(), size_t(1));
    target.roundTo = 64; // wider than the first stage's 32 channels
    VERIFY_THROWS(l1.computeMasks(*model, target, nullptr));
    VERIFY_THROWS(l1.computeMasks(*model, PruneTarget{1.0}, nullptr));
}

TEST_CASE("Taylor scores a group's channel over all its producers: a channel dead everywhere goes first")
{
    const DataSplit split = splitStratified(makeBandDataset(24, 4, 3, 16, 3), 0.25, 1);
    torch::manual_seed(9);
    const ClassifierPtr model = resnet(8, 3, 16, 4, 0.5);
    Trainer trainer(model, Normalizer::fromData(split.train.images), torch::kCPU);
    TrainOptions options;
    options.epochs = 2;
    options.batchSize = 16;
    trainer.fit(split.train, split.validation, options);
    const std::vector<ForwardStep> steps = model->forwardSteps();
    const std::vector<ChannelGroup> groups = channelGroups(steps);
    // Channel 3 of the stem's group (the stem and the first stage's block outputs, tied by the shortcuts): every batch
    // norm that carries it outputs 0, so it is dead in every tensor, though its filters' norms are not small.
    {
        torch::NoGradGuard noGrad;
        const auto params = model->named_parameters();
        for (const ChannelUse& n : groups.front().norms)
            for (const char* what : {".weight", ".bias"})
                params[steps[n.step].module + what][n.offset + 3].zero_();
    }
    const torch::Tensor x = Normalizer::fromData(split.train.images)(split.train.images);
    const NeuronTaylorPruner taylor(x, split.train.labels);
    const std::vector<torch::Tensor> scores = taylor.channelScores(*model, groups);
    VERIFY_EQ(scores.front()[3].item<float>(), 0.0f);
    VERIFY(scores.front().sum().item<float>() > 0.0f);
    const MaskSet masks = taylor.computeMasks(*model, PruneTarget{0.25}, nullptr);
    const auto kept = keptChannels(*model, groups, &masks);
    VERIFY(std::find(kept.front().begin(), kept.front().end(), int64_t(3)) == kept.front().end());
    VERIFY_EQ(kept.front().size(), size_t(6)); // 8 channels, a quarter removed
    masks.applyTo(*model);
    model->eval();
    const ClassifierPtr compact = compactModel(*model, masks);
    torch::NoGradGuard noGrad;
    VERIFY((compact->forward(x) - model->forward(x)).abs().max().item<double>() < 1e-5);
}

ENGINE_TEST_MAIN()
