#include "EngineTest.h"

#include "core/engine/models/LeNet5.h"
#include "core/engine/models/Mlp.h"
#include "core/engine/models/Vgg.h"
#include "core/engine/structured/Compaction.h"
#include "core/engine/structured/NeuronNormPruner.h"
#include "core/engine/structured/StructuredLayout.h"

#include <torch/torch.h>

using namespace prunelab::engine;

namespace {

/// Random batch-norm parameters and statistics, so that a removed channel's shift would show if it leaked.
void randomiseNorms(torch::nn::Module& model)
{
    torch::NoGradGuard noGrad;
    for (auto& item : model.named_parameters())
        if (item.value().dim() == 1)
            item.value().uniform_(-1.0, 1.0);
    for (auto& item : model.named_buffers()) {
        if (item.key().find("running_mean") != std::string::npos)
            item.value().uniform_(-0.5, 0.5);
        if (item.key().find("running_var") != std::string::npos)
            item.value().uniform_(0.5, 2.0);
    }
}

double compactAndCompare(ClassifierImpl& model, const torch::Tensor& input, double sparsity, CompactionReport* report)
{
    const MaskSet masks = NeuronNormPruner(1).computeMasks(model, {sparsity}, nullptr);
    masks.applyTo(model);
    model.eval();
    const ClassifierPtr compact = compactModel(model, masks);
    VERIFY(!compact->is_training());
    const std::vector<UnitGroup> before = unitGroups(model);
    const std::vector<int64_t> widths = hiddenWidths(*compact);
    VERIFY_EQ(widths.size(), before.size());
    for (size_t g = 0; g < widths.size(); ++g)
        VERIFY_EQ(widths[g], aliveUnits(before[g], &masks).sum().item<int64_t>());
    *report = compareCompaction(model, *compact, input, 3);
    return report->maxAbsDifference;
}

} // namespace

TEST_CASE("compact MLP: fewer neurons, same logits within 1e-5")
{
    torch::manual_seed(1);
    Mlp mlp(MlpOptions{64, {48, 24}, 5});
    CompactionReport report;
    const double error = compactAndCompare(*mlp, torch::randn({16, 1, 8, 8}), 0.5, &report);
    std::cout << "  MLP max |masked - compact| = " << error << '\n';
    VERIFY(error <= 1e-5);
    VERIFY_EQ(report.widthsAfter[0], int64_t(24));
    VERIFY_EQ(report.widthsAfter[1], int64_t(12));
    VERIFY_EQ(report.after.parameters, int64_t(64 * 24 + 24 + 24 * 12 + 12 + 12 * 5 + 5));
    VERIFY_EQ(report.after.denseMacs, int64_t(64 * 24 + 24 * 12 + 12 * 5));
    VERIFY_EQ(report.after.denseBytes, report.after.parameters * 4);
    VERIFY(report.before.parameters > report.after.parameters);
}

TEST_CASE("compact LeNet-5: filters removed with fc1's inputs from them, same logits within 1e-5")
{
    torch::manual_seed(2);
    LeNet5 lenet(LeNet5Options{1, 28, 28, 10});
    CompactionReport report;
    const double error = compactAndCompare(*lenet, torch::randn({8, 1, 28, 28}), 0.5, &report);
    std::cout << "  LeNet-5 max |masked - compact| = " << error << '\n';
    VERIFY(error <= 1e-5);
    VERIFY_EQ(report.widthsAfter, (std::vector<int64_t>{3, 8, 60, 42}));
    VERIFY(report.after.denseMacs < report.before.denseMacs / 2);
}

TEST_CASE("compact VGG with batch norm: channels and their statistics removed, same logits within 1e-5")
{
    torch::manual_seed(3);
    VggOptions vo;
    vo.width = 0.25;
    vo.channels = 3;
    vo.height = vo.width_px = 32;
    Vgg vgg(vo);
    randomiseNorms(*vgg);
    CompactionReport report;
    const double error = compactAndCompare(*vgg, torch::randn({4, 3, 32, 32}), 0.5, &report);
    std::cout << "  VGG-11/4 max |masked - compact| = " << error << "; params " << report.before.parameters << " -> "
              << report.after.parameters << ", MACs " << report.before.denseMacs << " -> " << report.after.denseMacs
              << ", latency " << report.latencyBeforeMs << " -> " << report.latencyAfterMs << " ms\n";
    VERIFY(error <= 1e-5);
    VERIFY_EQ(report.widthsAfter.front(), int64_t(8));
    VERIFY(report.after.denseMacs < report.before.denseMacs / 3);
}

TEST_CASE("a unit whose batch-norm shift is not masked is kept, so the compact model still matches")
{
    torch::manual_seed(4);
    VggOptions vo;
    vo.layout = "vgg11";
    vo.width = 0.125;
    vo.channels = 1;
    vo.height = vo.width_px = 16;
    Vgg vgg(vo);
    randomiseNorms(*vgg);
    const MaskSet full = NeuronNormPruner(1).computeMasks(*vgg, {0.5}, nullptr);
    MaskSet weightsOnly; // like an unstructured method that happens to empty whole rows
    for (const auto& [name, mask] : full.masks())
        if (mask.dim() >= 2)
            weightsOnly.set(name, mask);
    weightsOnly.applyTo(*vgg);
    vgg->eval();
    const ClassifierPtr compact = compactModel(*vgg, weightsOnly);
    VERIFY(hiddenWidths(*compact) == hiddenWidths(*vgg)); // nothing removable: the shifts still feed the next layer
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::randn({2, 1, 16, 16});
    VERIFY((vgg->forward(x) - compact->forward(x)).abs().max().item<double>() <= 1e-5);
}

TEST_CASE("compaction leaves the global random generator where it was, and the original model untouched")
{
    torch::manual_seed(6);
    Mlp mlp(MlpOptions{16, {8}, 3});
    const MaskSet masks = NeuronNormPruner(1).computeMasks(*mlp, {0.5}, nullptr);
    masks.applyTo(*mlp);
    const torch::Tensor before = mlp->named_parameters()["layers.0.weight"].clone();
    torch::manual_seed(7);
    const torch::Tensor expected = torch::rand({4});
    torch::manual_seed(7);
    compactModel(*mlp, masks);
    VERIFY(torch::equal(torch::rand({4}), expected));
    VERIFY(torch::equal(mlp->named_parameters()["layers.0.weight"], before));
}

ENGINE_TEST_MAIN()
