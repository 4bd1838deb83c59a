#include "EngineTest.h"
#include "SyntheticData.h"

#include "core/engine/models/LeNet5.h"
#include "core/engine/models/ModelFactory.h"
#include "core/engine/models/Vgg.h"
#include "core/engine/pruning/MagnitudePruners.h"
#include "core/engine/training/Trainer.h"

#include <torch/torch.h>

using namespace prunelab::engine;

TEST_CASE("every arch gives logits for its input size")
{
    struct Case {
        ModelSpec spec;
        int64_t c, h, w;
    };
    ModelSpec mlp;
    ModelSpec lenet;
    lenet.arch = "lenet5";
    ModelSpec vgg11;
    vgg11.arch = "vgg";
    vgg11.width = 0.125;
    ModelSpec vgg16 = vgg11;
    vgg16.layout = "vgg16";
    for (const Case& c : {Case{mlp, 1, 28, 28}, Case{lenet, 1, 28, 28}, Case{lenet, 3, 64, 64}, Case{vgg11, 1, 28, 28},
                          Case{vgg11, 3, 32, 32}, Case{vgg16, 3, 32, 32}, Case{vgg16, 1, 20, 20}}) {
        const ClassifierPtr model = buildModel(c.spec, c.c, c.h, c.w, 7);
        const torch::Tensor out = model->forward(torch::randn({2, c.c, c.h, c.w}));
        VERIFY_EQ(out.size(0), int64_t(2));
        VERIFY_EQ(out.size(1), int64_t(7));
    }
}

TEST_CASE("LeNet-5 has the classic parameter count on 28×28")
{
    LeNet5 net(LeNet5Options{});
    // conv1 156 + conv2 2416 + fc 400·120+120 + 120·84+84 + 84·10+10 = 61706
    VERIFY_EQ(parameterCount(*net), int64_t(61706));
    VERIFY_EQ(prunableParameters(*net).size(), size_t(5)); // 2 convs + 3 linears
}

TEST_CASE("VGG plans, width multiplier and batch norm")
{
    VERIFY_EQ(vggPlan("vgg16").size(), size_t(18));
    VERIFY_THROWS(vggPlan("vgg12"));
    VggOptions options;
    options.width = 0.25;
    Vgg vgg(options);
    const auto prunable = prunableParameters(*vgg);
    VERIFY_EQ(prunable.size(), size_t(9)); // 8 convs + classifier; batch-norm weights are 1-D and stay dense
    VERIFY_EQ(prunable.front().second.size(0), int64_t(16));              // 64 × 0.25
    VERIFY_EQ(prunable.back().second.size(1), int64_t(128));              // 512 × 0.25 into the classifier
    VERIFY(vgg->named_parameters().find("features.1.weight") != nullptr); // BatchNorm2d after the first conv
    options.width = 0;
    VERIFY_THROWS(Vgg(options));
}

TEST_CASE("unknown arch and too-small images are refused with a message")
{
    ModelSpec spec;
    spec.arch = "transformer";
    VERIFY_THROWS(buildModel(spec, 1, 28, 28, 10));
    spec.arch = "lenet5";
    VERIFY_THROWS(buildModel(spec, 1, 8, 8, 10));
}

TEST_CASE("init applies to conv and linear weights alike")
{
    ModelSpec spec;
    spec.arch = "lenet5";
    spec.init = {WeightInit::Uniform, -7.0, 7.0};
    const ClassifierPtr model = buildModel(spec, 1, 28, 28, 10);
    for (const auto& [name, weight] : prunableParameters(*model)) {
        VERIFY(weight.abs().max().item<double>() <= 7.0);
        VERIFY(weight.abs().max().item<double>() > 3.0);
    }
}

TEST_CASE("convolutional nets learn, and their pruned filters' weights stay zero through fine-tuning")
{
    const DataSplit split = splitStratified(makeBandDataset(40, 4, 3, 16, 3), 0.25, 1);
    // LeNet-5, VGG and the graph networks: ResNet-8 at half width, a two-block DenseNet-BC.
    for (const char* arch : {"lenet5", "vgg", "resnet", "densenet"}) {
        torch::manual_seed(5);
        ModelSpec spec;
        spec.arch = arch;
        spec.width = spec.arch == "resnet" ? 0.5 : 0.125;
        spec.depth = 8;
        spec.growth = 4;
        spec.blocks = {2, 2};
        const ClassifierPtr model = buildModel(spec, 3, 16, 16, 4);
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

ENGINE_TEST_MAIN()
