#include "core/bench/InferBench.h"

#include "core/engine/measure/Measurements.h"
#include "core/engine/models/ModelFactory.h"
#include "core/engine/pruning/MagnitudePruners.h"
#include "core/engine/runtime/Runtime.h"
#include "core/engine/runtime/SparseNetwork.h"
#include "core/engine/structured/Compaction.h"
#include "core/engine/structured/NeuronNormPruner.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <stdexcept>

namespace prunelab::bench {

using namespace prunelab::engine;

namespace {

struct Shape {
    int64_t channels, height, width, classes;
    std::vector<int64_t> hidden;
};

Shape shapeOf(const std::string& model)
{
    if (model == "lenet-300-100")
        return {1, 28, 28, 10, {300, 100}};
    if (model == "mlp-003")
        return {1, 28, 28, 10, {512, 256, 128}};
    if (model == "mlp-000")
        return {3, 128, 128, 4, {256, 256, 256}};
    throw std::invalid_argument("unknown model '" + model + "': expected lenet-300-100, mlp-003 or mlp-000");
}

double medianMs(const std::function<void()>& run, int repeats)
{
    run(); // warm-up: first-touch allocations and caches
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        run();
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::nth_element(times.begin(), times.begin() + long(times.size() / 2), times.end());
    return times[times.size() / 2];
}

} // namespace

std::vector<BenchReport> runInferBench(const InferBenchOptions& options)
{
    const Shape shape = shapeOf(options.model);
    prepareTrainingRuntime();
    torch::NoGradGuard noGrad;
    ModelSpec spec;
    spec.hidden = shape.hidden;
    std::vector<BenchReport> reports;
    for (const int64_t batch : {int64_t(1), int64_t(64)}) {
        const int repeats = batch == 1 ? options.repeats : std::max(5, options.repeats / 10);
        torch::manual_seed(3);
        const torch::Tensor input = torch::randn({batch, shape.channels, shape.height, shape.width});
        // Inference is what one request costs; one BLAS thread (waking a second costs more than it saves here).
        const ScopedThreads threads(ThreadPlan{at::get_num_threads(), 1});

        torch::manual_seed(1);
        ClassifierPtr dense = buildModel(spec, shape.channels, shape.height, shape.width, shape.classes);
        dense->eval();
        const double denseMs = medianMs([&] { dense->forward(input); }, repeats);

        // Structured: half of each hidden layer's neurons removed, the model rebuilt smaller.
        const MaskSet structural =
            NeuronNormPruner(1).computeMasks(*dense, PruneTarget{options.structuredSparsity}, nullptr);
        torch::manual_seed(1);
        ClassifierPtr masked = buildModel(spec, shape.channels, shape.height, shape.width, shape.classes);
        structural.applyTo(*masked);
        ClassifierPtr compact = compactModel(*masked, structural);
        compact->eval();
        const double compactMs = medianMs([&] { compact->forward(input); }, repeats);
        const ModelCost denseCost = measureCost(*dense, shape.channels, shape.height, shape.width);
        const ModelCost compactCost = measureCost(*compact, shape.channels, shape.height, shape.width);
        const double macReduction = double(denseCost.denseMacs) / double(compactCost.denseMacs);

        for (size_t i = 0; i < options.sparsities.size(); ++i) {
            const double sparsity = options.sparsities[i];
            torch::manual_seed(1);
            ClassifierPtr pruned = buildModel(spec, shape.channels, shape.height, shape.width, shape.classes);
            const MaskSet masks = GlobalMagnitudePruner().computeMasks(*pruned, PruneTarget{sparsity}, nullptr);
            masks.applyTo(*pruned);
            pruned->eval();
            const double maskedMs = medianMs([&] { pruned->forward(input); }, repeats);
            const SparseNetwork sparse = SparseNetwork::fromModel(*pruned);
            const double sparseMs = medianMs([&] { sparse.forward(input); }, repeats);
            const double difference = (sparse.forward(input) - pruned->forward(input)).abs().max().item<double>();

            BenchReport report;
            report.benchmark = "infer";
            report.label("model", options.model);
            report.number("batch_size", double(batch));
            report.number("sparsity", sparsity);
            report.number("dense_ms", denseMs);
            report.number("masked_ms", maskedMs);
            report.number("sparse_ms", sparseMs);
            report.number("speedup", denseMs / sparseMs);
            report.number("max_abs_difference", difference);
            report.number("compact_ms", compactMs);
            report.number("compact_speedup", denseMs / compactMs);
            report.number("compact_mac_reduction", macReduction);
            report.number("compact_efficiency", denseMs / compactMs / macReduction);
            report.lines.push_back(options.model + ", batch " + std::to_string(batch) + ", " +
                                   fixed(sparsity * 100, 0) + " % sparse: dense " + fixed(denseMs, 3) +
                                   " ms · masked " + fixed(maskedMs, 3) + " ms · sparse (CSR) " + fixed(sparseMs, 3) +
                                   " ms, ×" + fixed(denseMs / sparseMs, 2) + " (outputs within " +
                                   scientific(difference) + ")");
            if (i == 0)
                report.lines.push_back(
                    options.model + ", batch " + std::to_string(batch) + ", compact (" +
                    fixed(options.structuredSparsity * 100, 0) + " % of neurons removed): " + fixed(compactMs, 3) +
                    " ms, ×" + fixed(denseMs / compactMs, 2) + " for ×" + fixed(macReduction, 2) + " fewer MACs (" +
                    fixed(100.0 * denseMs / compactMs / macReduction, 0) + " % of it)");
            reports.push_back(std::move(report));
        }
    }
    return reports;
}

} // namespace prunelab::bench
