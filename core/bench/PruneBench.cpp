#include "core/bench/PruneBench.h"

#include "core/bench/PythonReference.h"
#include "core/engine/models/ModelFactory.h"
#include "core/engine/pruning/MagnitudePruners.h"
#include "core/engine/runtime/Runtime.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>

namespace prunelab::bench {

using namespace prunelab::engine;

BenchReport runPruneBench(const PruneBenchOptions& options)
{
    prepareTrainingRuntime();
    ModelSpec spec;
    spec.hidden = {256, 256, 256};
    std::vector<double> times;
    int64_t weights = 0;
    for (int r = 0; r < std::max(1, options.repeats); ++r) {
        torch::manual_seed(uint64_t(r));
        ClassifierPtr model = buildModel(spec, 3, 128, 128, 4); // the MRI threshold sweep's MLP
        const auto start = std::chrono::steady_clock::now();
        const MaskSet masks = GlobalMagnitudePruner().computeMasks(*model, PruneTarget{options.sparsity}, nullptr);
        masks.applyTo(*model);
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        weights = masks.totalCount();
    }
    std::nth_element(times.begin(), times.begin() + long(times.size() / 2), times.end());
    const double ours = times[times.size() / 2];

    BenchReport report;
    report.benchmark = "prune";
    report.label("model", "mlp-000");
    report.number("weights", double(weights));
    report.number("sparsity", options.sparsity);
    report.number("seconds", ours);
    std::string line = "global magnitude mask over " + grouped(double(weights)) + " weights at " +
                       fixed(options.sparsity * 100, 0) + " %: PruneLab " + fixed(ours * 1000, 1) + " ms";
    if (options.reference) {
        const PythonResult python = runPython(pruneReferenceScript(), {"--layers", "49152x256,256x256,256x256,256x4",
                                                                       "--sparsity", std::to_string(options.sparsity),
                                                                       "--repeats", std::to_string(options.repeats)});
        if (python.ran && python.values.count("seconds")) {
            const double reference = python.values.at("seconds");
            report.label("reference", "torch.nn.utils.prune.global_unstructured");
            report.number("reference_seconds", reference);
            report.number("ratio", reference / ours);
            line += " · PyTorch global_unstructured " + fixed(reference * 1000, 1) + " ms · ×" +
                    fixed(reference / ours, 2) + " faster";
        } else {
            report.label("reference_skipped", python.error);
            line += " (Python reference skipped: " + python.error + ")";
        }
    }
    report.lines.push_back(line);
    return report;
}

} // namespace prunelab::bench
