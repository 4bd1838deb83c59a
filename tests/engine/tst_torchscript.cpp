#include "EngineTest.h"
#include "SyntheticData.h"

#include "core/engine/export/TorchScriptExport.h"
#include "core/engine/models/LeNet5.h"
#include "core/engine/models/Mlp.h"
#include "core/engine/models/Vgg.h"
#include "core/engine/structured/Compaction.h"
#include "core/engine/structured/NeuronNormPruner.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>

#include <unistd.h>

using namespace prunelab::engine;

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir()
    {
        path = std::filesystem::temp_directory_path() / ("prunelab-tst-torchscript-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

/// Exports `model` both ways and checks that torch::jit::load gives PruneLab's logits on the same pixels.
void roundTrip(ClassifierImpl& model, int64_t channels, int64_t size)
{
    TempDir dir;
    const TensorDataset data = makeBandDataset(3, 4, 5, size, channels);
    const Normalizer normalizer = Normalizer::fromData(data.images);
    const MaskSet masks = NeuronNormPruner(1).computeMasks(model, {0.5}, nullptr);
    masks.applyTo(model);
    model.eval();
    torch::Tensor expected;
    {
        torch::NoGradGuard noGrad;
        expected = model.forward(normalizer(data.images));
    }
    const std::vector<std::string> classes{"a", "b", "c", "d"};
    const torch::Tensor pixels = data.images.to(torch::kFloat) / 255.0;
    for (bool compact : {false, true}) {
        const std::string file = (dir.path / (compact ? "compact.pt" : "masked.pt")).string();
        exportTorchScript(model, normalizer, classes, {channels, size, size}, file, compact,
                          compact ? &masks : nullptr);
        torch::jit::Module loaded = torch::jit::load(file);
        torch::NoGradGuard noGrad;
        const torch::Tensor logits = loaded.forward({pixels}).toTensor();
        const double error = (logits - expected).abs().max().item<double>();
        std::cout << "  " << (compact ? "compact" : "masked") << ": max |PruneLab - torch::jit::load| = " << error
                  << ", " << std::filesystem::file_size(file) << " bytes\n";
        VERIFY(error <= 1e-5);
        const auto names = loaded.attr("class_names").toList();
        VERIFY_EQ(names.size(), size_t(4));
        VERIFY_EQ(names.get(2).toStringRef(), std::string("c"));
        VERIFY_EQ(loaded.attr("input_shape").toList().get(1).toInt(), size);
        if (compact) // the compact file holds fewer parameters than the masked one
            VERIFY(loaded.parameters().size() > 0);
    }
    // the compact form derived from the zeros alone (no masks) gives the same model
    const std::string derived = (dir.path / "derived.pt").string();
    exportTorchScript(model, normalizer, classes, {channels, size, size}, derived, true);
    torch::jit::Module loaded = torch::jit::load(derived);
    torch::NoGradGuard noGrad;
    VERIFY((loaded.forward({pixels}).toTensor() - expected).abs().max().item<double>() <= 1e-5);
    VERIFY(std::filesystem::file_size(derived) < std::filesystem::file_size(dir.path / "masked.pt"));
}

} // namespace

TEST_CASE("MLP: torchscript and compact-torchscript load with torch::jit::load and give PruneLab's logits")
{
    torch::manual_seed(1);
    Mlp mlp(MlpOptions{144, {64, 32}, 4});
    roundTrip(*mlp, 1, 12);
}

TEST_CASE("LeNet-5: same logits after export")
{
    torch::manual_seed(2);
    LeNet5 lenet(LeNet5Options{1, 28, 28, 4});
    roundTrip(*lenet, 1, 28);
}

TEST_CASE("VGG with batch norm on RGB: same logits after export")
{
    torch::manual_seed(3);
    Vgg vgg = makeBatchNormVgg();
    roundTrip(*vgg, 3, 16);
}

TEST_CASE("bad export input is refused with a message")
{
    Mlp mlp(MlpOptions{16, {8}, 2});
    const Normalizer gray({0.5}, {0.25});
    VERIFY_THROWS(toTorchScript(*mlp, gray, {"a", "b"}, {3, 4, 4})); // normaliser for 1 channel, input of 3
    VERIFY_THROWS(toTorchScript(*mlp, gray, {"a", "b"}, {1, 4}));
    VERIFY_THROWS(exportTorchScript(*mlp, gray, {"a", "b"}, {1, 4, 4}, "/nonexistent-dir/x/model.pt", false));
}

ENGINE_TEST_MAIN()
