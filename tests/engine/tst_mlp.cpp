#include "EngineTest.h"

#include "core/engine/models/Mlp.h"
#include "core/engine/training/Normalizer.h"

#include <torch/torch.h>

using namespace prunelab::engine;

TEST_CASE("forward gives logits per class and PyTorch-style parameter names")
{
    Mlp mlp(MlpOptions{3 * 4 * 4, {16, 8}, 5});
    const torch::Tensor out = mlp->forward(torch::randn({7, 3, 4, 4}));
    VERIFY_EQ(out.size(0), 7);
    VERIFY_EQ(out.size(1), 5);
    std::vector<std::string> names;
    for (const auto& p : mlp->named_parameters())
        names.push_back(p.key());
    VERIFY_EQ(names.size(), size_t(6));
    VERIFY_EQ(names[0], std::string("layers.0.weight"));
    VERIFY_EQ(names[5], std::string("layers.2.bias"));
}

TEST_CASE("uniform init draws weights inside the range and zeroes biases (the MRI threshold sweep's uniform(-7, 7))")
{
    MlpOptions options{10, {32}, 4};
    options.init.kind = WeightInit::Uniform;
    options.init.uniformLow = -7;
    options.init.uniformHigh = 7;
    Mlp mlp(options);
    const torch::Tensor w = mlp->named_parameters()["layers.0.weight"];
    VERIFY(w.min().item<double>() >= -7.0);
    VERIFY(w.max().item<double>() <= 7.0);
    VERIFY(w.abs().max().item<double>() > 5.0); // really spread over the range, not PyTorch's default scale
    VERIFY_EQ(mlp->named_parameters()["layers.0.bias"].abs().sum().item<double>(), 0.0);
}

TEST_CASE("same seed builds the same weights")
{
    torch::manual_seed(3);
    Mlp a(MlpOptions{20, {8}, 2});
    torch::manual_seed(3);
    Mlp b(MlpOptions{20, {8}, 2});
    VERIFY(torch::equal(a->named_parameters()["layers.0.weight"], b->named_parameters()["layers.0.weight"]));
}

TEST_CASE("bad options are refused with a message")
{
    VERIFY_THROWS(Mlp(MlpOptions{0, {8}, 2}));
    VERIFY_THROWS(Mlp(MlpOptions{4, {0}, 2}));
    VERIFY_THROWS(Mlp(MlpOptions{4, {8}, 1}));
    VERIFY_THROWS(weightInitFromName("gaussian"));
    VERIFY(weightInitFromName("xavier-normal") == WeightInit::XavierNormal);
}

TEST_CASE("normaliser maps the data to zero mean and unit std per channel")
{
    const torch::Tensor images = torch::randint(20, 200, {64, 2, 5, 5}, torch::kFloat).to(torch::kUInt8);
    const Normalizer normalizer = Normalizer::fromData(images);
    const torch::Tensor x = normalizer(images);
    VERIFY_EQ(x.scalar_type(), torch::kFloat);
    for (int64_t c = 0; c < 2; ++c) {
        VERIFY_NEAR(x.select(1, c).mean().item<double>(), 0.0, 1e-4);
        VERIFY_NEAR(x.select(1, c).std().item<double>(), 1.0, 1e-3);
    }
    const Normalizer imagenet({0.485, 0.456, 0.406}, {0.229, 0.224, 0.225});
    const torch::Tensor white = imagenet(torch::full({1, 3, 1, 1}, 255, torch::kUInt8));
    VERIFY_NEAR(white[0][0][0][0].item<double>(), (1.0 - 0.485) / 0.229, 1e-5);
}

TEST_CASE("normaliser statistics summed over chunks equal torch's over the whole set")
{
    // 600 images: three chunks of the 256 that fromData converts to double at a time.
    torch::manual_seed(8);
    const torch::Tensor images = torch::randint(0, 256, {600, 3, 6, 7}, torch::kUInt8);
    const Normalizer normalizer = Normalizer::fromData(images);
    for (int64_t c = 0; c < 3; ++c) {
        const torch::Tensor plane = images.select(1, c).to(torch::kDouble).div(255.0);
        VERIFY_NEAR(normalizer.mean()[size_t(c)], plane.mean().item<double>(), 1e-12);
        VERIFY_NEAR(normalizer.std()[size_t(c)], plane.std().item<double>(), 1e-12);
    }
}

ENGINE_TEST_MAIN()
