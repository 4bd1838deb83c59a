// What structured pruning buys at inference: a masked model (zeros still multiplied) against the physically smaller
// model compactModel() builds from the same masks, measured in the same run on the same inputs. Prints, per model,
// the parameters, MACs, bytes and median latency before and after, the speed-up ratio and the largest output
// difference. Usage: bench_compaction [--batch B] [--repeats N]

#include "core/engine/models/Mlp.h"
#include "core/engine/models/Vgg.h"
#include "core/engine/pruning/GeometricRetention.h"
#include "core/engine/structured/Compaction.h"
#include "core/engine/structured/NeuronNormPruner.h"

#include <torch/torch.h>

#include <cstring>
#include <iostream>
#include <string>

using namespace prunelab::engine;

namespace {

void report(const std::string& name, ClassifierImpl& model, const PruneTarget& target, const torch::Tensor& input,
            int repeats)
{
    const MaskSet masks = NeuronNormPruner(1).computeMasks(model, target, nullptr);
    masks.applyTo(model);
    const ClassifierPtr compact = compactModel(model, masks);
    const CompactionReport r = compareCompaction(model, *compact, input, repeats);
    std::cout << name << "\n  parameters " << r.before.parameters << " -> " << r.after.parameters << "\n  MACs/sample "
              << r.before.denseMacs << " -> " << r.after.denseMacs << "\n  bytes " << r.before.denseBytes << " -> "
              << r.after.denseBytes << "\n  latency (batch " << input.size(0) << ") " << r.latencyBeforeMs << " ms -> "
              << r.latencyAfterMs << " ms, speed-up x" << r.latencyBeforeMs / r.latencyAfterMs
              << "\n  max |masked - compact| " << r.maxAbsDifference << '\n';
}

} // namespace

int main(int argc, char** argv)
{
    int64_t batch = 256;
    int repeats = 30;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--batch") == 0)
            batch = std::stoll(argv[i + 1]);
        else if (std::strcmp(argv[i], "--repeats") == 0)
            repeats = std::stoi(argv[i + 1]);
    }
    torch::manual_seed(1);
    Mlp mlp(MlpOptions{784, {256, 64}, 10});
    PruneTarget seed001; // the interval-adjoint workflow after 10 rounds of q = 0.9
    seed001.keepUnits = GeometricRetention::table({256, 64}, 0.9, 10)[10].units;
    report("MLP 784-256-64-10, geometric q=0.9 t=10 (" + std::to_string(seed001.keepUnits[0]) + "-" +
               std::to_string(seed001.keepUnits[1]) + " neurons)",
           *mlp, seed001, torch::randn({batch, 1, 28, 28}), repeats);
    VggOptions vo;
    vo.width = 0.5;
    vo.channels = 3;
    vo.height = vo.width_px = 32;
    Vgg vgg(vo);
    report("VGG-11 width 1/2 with batch norm, 32x32, half of every layer's filters", *vgg, PruneTarget{0.5},
           torch::randn({std::min<int64_t>(batch, 32), 3, 32, 32}), std::max(3, repeats / 5));
    return 0;
}
