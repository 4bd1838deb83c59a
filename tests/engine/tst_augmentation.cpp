#include "EngineTest.h"

#include "core/engine/training/Augmentation.h"

using namespace prunelab::engine;

namespace {

torch::Tensor ramp(int64_t n)
{
    // Each image's columns run 0, 10, 20, …: a left-right mirror is easy to recognise.
    return (torch::arange(8, torch::kFloat) * 10)
        .view({1, 1, 1, 8})
        .expand({n, 1, 8, 8})
        .contiguous()
        .to(torch::kUInt8);
}

} // namespace

TEST_CASE("no augmentation returns the pixels unchanged, as float")
{
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
    const torch::Tensor x = ramp(4);
    const torch::Tensor y = augmentBatch(x, AugmentOptions{}, g);
    VERIFY_EQ(y.scalar_type(), torch::kFloat);
    VERIFY(torch::equal(y, x.to(torch::kFloat)));
}

TEST_CASE("flips mirror about half of the images exactly, the same ones for the same seed")
{
    AugmentOptions o;
    o.flip = true;
    at::Generator g1 = at::make_generator<at::CPUGeneratorImpl>(7), g2 = at::make_generator<at::CPUGeneratorImpl>(7);
    const torch::Tensor x = ramp(200).to(torch::kFloat);
    const torch::Tensor a = augmentBatch(x, o, g1), b = augmentBatch(x, o, g2);
    VERIFY(torch::equal(a, b));
    int64_t flipped = 0;
    for (int64_t i = 0; i < 200; ++i) {
        const bool same = torch::equal(a[i], x[i]);
        const bool mirrored = torch::equal(a[i], x[i].flip({2}));
        VERIFY(same || mirrored);
        flipped += mirrored;
    }
    VERIFY(flipped > 70 && flipped < 130);
}

TEST_CASE("rotation keeps the centre, moves the corners; brightness stays in the pixel range")
{
    AugmentOptions o;
    o.rotateDegrees = 30;
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(3);
    torch::Tensor x = torch::full({16, 1, 9, 9}, 200.0f);
    const torch::Tensor r = augmentBatch(x, o, g);
    VERIFY(std::abs(r.index({torch::indexing::Slice(), 0, 4, 4}).mean().item<double>() - 200.0) < 1e-3);
    VERIFY(r.index({torch::indexing::Slice(), 0, 0, 0}).mean().item<double>() <
           150.0); // corners rotate out of the image
    AugmentOptions b;
    b.brightness = 0.5;
    const torch::Tensor bright = augmentBatch(x, b, g);
    VERIFY(bright.max().item<double>() <= 255.0);
    VERIFY(bright.min().item<double>() >= 100.0 - 1e-3);
    VERIFY(bright.std().item<double>() > 1.0); // per-image factors differ
}

ENGINE_TEST_MAIN()
