// Writes what tests/engine/interop/compare_torchscript.py checks in Python: a structurally pruned LeNet-5 and VGG
// (batch norm) exported as compact-torchscript and torchscript; a magnitude-pruned ResNet-18 and DenseNet (graph
// networks, 64 px: torchvision's stems) exported as torchscript with their state dicts (torchvision's names);
// and expected.pt, a dict of the input pixels in [0, 1] and PruneLab's logits for them. Usage: export_torchscript
// OUTDIR
#include "../SyntheticData.h"
#include "core/engine/export/TorchScriptExport.h"
#include "core/engine/models/LeNet5.h"
#include "core/engine/models/ModelFactory.h"
#include "core/engine/models/Vgg.h"
#include "core/engine/pruning/MagnitudePruners.h"
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

    // Graph networks: unstructured pruning, the masked export, and the weights by name for torchvision.
    const auto graph = [&](const std::string& name, const ModelSpec& spec) {
        const int64_t size = 64;
        const ClassifierPtr model = buildModel(spec, 3, size, size, 4);
        const torch::Tensor images = torch::randint(0, 256, {2, 3, size, size}, torch::kUInt8);
        const Normalizer normalizer = Normalizer::fromData(images);
        model->train();
        torch::NoGradGuard noGrad;
        model->forward(normalizer(images)); // running statistics that are not the defaults
        GlobalMagnitudePruner().computeMasks(*model, {0.7}, nullptr).applyTo(*model);
        model->eval();
        expected.insert(name + "/input", images.to(torch::kFloat) / 255.0);
        expected.insert(name + "/normalized", normalizer(images));
        expected.insert(name + "/logits", model->forward(normalizer(images)));
        exportTorchScript(*model, normalizer, classes, {3, size, size}, out + "/" + name + "-masked.pt", false);
        c10::Dict<std::string, at::Tensor> state;
        for (const auto& item : model->named_parameters(true))
            state.insert(item.key(), item.value().detach());
        for (const auto& item : model->named_buffers(true))
            state.insert(item.key(), item.value().detach());
        const std::vector<char> bytes = torch::pickle_save(state);
        std::ofstream(out + "/" + name + "-state.pt", std::ios::binary)
            .write(bytes.data(), std::streamsize(bytes.size()));
    };
    ModelSpec resnet18;
    resnet18.arch = "resnet";
    resnet18.depth = 18;
    graph("resnet", resnet18);
    ModelSpec densenet; // torchvision.models.DenseNet(growth_rate=8, block_config=(2, 2), num_init_features=16)
    densenet.arch = "densenet";
    densenet.growth = 8;
    densenet.blocks = {2, 2};
    graph("densenet", densenet);

    const std::vector<char> bytes = torch::pickle_save(expected);
    std::ofstream(out + "/expected.pt", std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    return 0;
}
