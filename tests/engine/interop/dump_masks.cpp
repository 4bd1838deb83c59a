// Writes an MLP's weights and PruneLab's masks for several methods to a file Python's torch.load reads
// (torch::pickle_save of a dict), so tests/engine/interop/compare_with_torch_prune.py can check them against
// torch.nn.utils.prune on the very same weights. Usage: dump_masks OUT.pt

#include "core/engine/models/Mlp.h"
#include "core/engine/pruning/MagnitudePruners.h"

#include <torch/torch.h>

#include <fstream>
#include <iostream>

using namespace prunelab::engine;

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: dump_masks OUT.pt\n";
        return 2;
    }
    torch::manual_seed(2024);
    MlpOptions options{784, {300, 100}, 10};
    options.init.kind = WeightInit::XavierNormal;
    Mlp mlp(options);

    c10::Dict<std::string, at::Tensor> out;
    for (const auto& p : mlp->named_parameters())
        out.insert("weight/" + p.key(), p.value().detach().clone());
    const auto save = [&](const std::string& prefix, const MaskSet& masks) {
        for (const auto& [name, mask] : masks.masks())
            out.insert(prefix + "/" + name, mask.clone());
    };
    // keepOnePerLayer off: torch's global_unstructured has no such guard (no layer empties at these rates anyway)
    save("global-0.9", GlobalMagnitudePruner(false).computeMasks(*mlp, {0.9}, nullptr));
    save("global-0.5", GlobalMagnitudePruner(false).computeMasks(*mlp, {0.5}, nullptr));
    save("layer-0.2-0.1", LayerMagnitudePruner().computeMasks(*mlp, {0.2, 0.1}, nullptr));

    const std::vector<char> bytes = torch::pickle_save(c10::IValue(out));
    std::ofstream file(argv[1], std::ios::binary);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!file) {
        std::cerr << "dump_masks: cannot write " << argv[1] << '\n';
        return 1;
    }
    return 0;
}
