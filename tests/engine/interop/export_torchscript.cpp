// Writes what tests/engine/interop/compare_torchscript.py checks in Python: a structurally pruned LeNet-5 and VGG
// (batch norm) exported as compact-torchscript and torchscript, and expected.pt, a dict of the input pixels in [0, 1]
// and PruneLab's logits for them. Usage: export_torchscript OUTDIR
#include "../SyntheticData.h"
#include "core/engine/export/TorchScriptExport.h"
#include "core/engine/models/LeNet5.h"
#include "core/engine/models/Vgg.h"
#include "core/engine/structured/NeuronNormPruner.h"

#include <torch/torch.h>

#include <fstream>
#include <iostream>

using namespace prunelab::engine;

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: export_torchscript OUTDIR\n";
        return 2;
    }
    const std::string out = argv[1];
    torch::manual_seed(4);
    c10::Dict<std::string, at::Tensor> expected;
    const std::vector<std::string> classes{"T-shirt", "Trouser", "Pullover", "Dress"};

    const auto run = [&](const std::string& name, ClassifierImpl& model, int64_t channels, int64_t size) {
        const torch::Tensor images = torch::randint(0, 256, {6, channels, size, size}, torch::kUInt8);
        const Normalizer normalizer = Normalizer::fromData(images);
        const MaskSet masks = NeuronNormPruner(1).computeMasks(model, {0.6}, nullptr);
        masks.applyTo(model);
        model.eval();
        torch::NoGradGuard noGrad;
        expected.insert(name + "/input", images.to(torch::kFloat) / 255.0);
        expected.insert(name + "/logits", model.forward(normalizer(images)));
        exportTorchScript(model, normalizer, classes, {channels, size, size}, out + "/" + name + "-compact.pt", true,
                          &masks);
        exportTorchScript(model, normalizer, classes, {channels, size, size}, out + "/" + name + "-masked.pt", false);
    };
    LeNet5 lenet(LeNet5Options{1, 28, 28, 4});
    run("lenet5", *lenet, 1, 28);
    Vgg vgg = makeBatchNormVgg();
    run("vgg", *vgg, 3, 16);

    const std::vector<char> bytes = torch::pickle_save(expected);
    std::ofstream(out + "/expected.pt", std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    return 0;
}
