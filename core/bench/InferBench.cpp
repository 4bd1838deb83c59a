#include "core/bench/InferBench.h"

#include "core/engine/measure/Measurements.h"
#include "core/engine/models/ModelFactory.h"
#include "core/engine/pruning/MagnitudePruners.h"
#include "core/engine/runtime/Runtime.h"
#include "core/engine/runtime/SparseConv2d.h"
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

/// `sparse.forward(input)` timed at every SIMD level the CPU runs, the dispatched level restored afterwards
/// (SparseNetwork and SparseConv2d alike).
template <typename Sparse>
std::vector<std::pair<kernels::SimdLevel, double>> timesPerLevel(Sparse& sparse, const torch::Tensor& input,
                                                                 int repeats)
{
    const kernels::SimdLevel selected = sparse.simdLevel();
    std::vector<std::pair<kernels::SimdLevel, double>> times;
    for (const kernels::SimdLevel level : kernels::supportedSimdLevels()) {
        sparse.setSimdLevel(level);
        times.emplace_back(level, medianMs([&] { sparse.forward(input); }, repeats));
    }
    sparse.setSimdLevel(selected);
    return times;
}

std::string levelTimes(const std::vector<std::pair<kernels::SimdLevel, double>>& times, double denseMs)
{
    std::string text;
    for (const auto& [level, ms] : times)
        text += std::string(text.empty() ? "" : ", ") + kernels::simdLevelName(level) + " " + fixed(ms, 3) + " ms ×" +
                fixed(denseMs / ms, 2);
    return text;
}

// The weight with its smallest-magnitude fraction set to zero (exactly that many: ties by position).
torch::Tensor prunedCopy(const torch::Tensor& weight, double sparsity)
{
    const torch::Tensor flat = weight.detach().flatten().clone();
    const int64_t drop = int64_t(double(flat.numel()) * sparsity);
    if (drop > 0)
        flat.index_fill_(0, flat.abs().argsort().slice(0, 0, drop), 0.0);
    return flat.reshape(weight.sizes());
}

struct ConvCase {
    std::string model, module;
    torch::Tensor weight, bias;
    int64_t padding, channels, height, width;
};

// The first two convolutions of a model with their input shapes (stride 1 throughout, as LeNet-5's and VGG's are).
std::vector<ConvCase> firstConvolutions(const std::string& name, ClassifierImpl& model, int64_t channels,
                                        int64_t height, int64_t width)
{
    const auto parameters = model.named_parameters(/*recurse=*/true);
    std::vector<ConvCase> cases;
    for (const ForwardStep& step : model.forwardSteps()) {
        if (step.kind == ForwardStep::Kind::MaxPool2d) {
            height /= step.kernel;
            width /= step.kernel;
        } else if (step.kind == ForwardStep::Kind::Conv2d) {
            if (step.stride != 1)
                break;
            const torch::Tensor weight = parameters[step.module + ".weight"].detach();
            ConvCase c{name, step.module, weight, {}, step.padding, channels, height, width};
            if (step.bias)
                c.bias = parameters[step.module + ".bias"].detach();
            cases.push_back(c);
            channels = weight.size(0);
            height = height + 2 * step.padding - weight.size(2) + 1;
            width = width + 2 * step.padding - weight.size(3) + 1;
            if (cases.size() == 2)
                break;
        }
    }
    return cases;
}

// Dense (LibTorch's conv2d on the masked weight) against SparseConv2d, one thread each, batch 1 and 64.
void convolutionRows(const InferBenchOptions& options, std::vector<BenchReport>& reports)
{
    std::vector<ConvCase> cases;
    torch::manual_seed(1);
    ModelSpec lenet;
    lenet.arch = "lenet5";
    ClassifierPtr lenet5 = buildModel(lenet, 1, 28, 28, 10);
    for (const ConvCase& c : firstConvolutions("lenet5", *lenet5, 1, 28, 28))
        cases.push_back(c);
    ModelSpec vgg;
    vgg.arch = "vgg";
    vgg.width = 0.25;
    ClassifierPtr vgg11 = buildModel(vgg, 3, 32, 32, 10);
    for (const ConvCase& c : firstConvolutions("vgg11/4", *vgg11, 3, 32, 32))
        cases.push_back(c);
    const ScopedThreads threads(ThreadPlan{1, 1});
    for (const int64_t batch : {int64_t(1), int64_t(64)}) {
        const int repeats = batch == 1 ? options.repeats : std::max(5, options.repeats / 10);
        for (const ConvCase& c : cases) {
            torch::manual_seed(3);
            const torch::Tensor input = torch::randn({batch, c.channels, c.height, c.width});
            const std::string shape = std::to_string(c.weight.size(1)) + "→" + std::to_string(c.weight.size(0)) + ", " +
                                      std::to_string(c.weight.size(2)) + "×" + std::to_string(c.weight.size(3)) +
                                      " on " + std::to_string(c.height) + "×" + std::to_string(c.width);
            for (const double sparsity : options.sparsities) {
                const torch::Tensor weight = prunedCopy(c.weight, sparsity);
                const double denseMs = medianMs([&] { torch::conv2d(input, weight, c.bias, 1, c.padding); }, repeats);
                SparseConv2d sparse = SparseConv2d::fromWeights(weight, c.bias, c.padding, c.height, c.width);
                const std::vector<std::pair<kernels::SimdLevel, double>> times = timesPerLevel(sparse, input, repeats);
                const double sparseMs = medianMs([&] { sparse.forward(input); }, repeats);
                const torch::Tensor expected = torch::conv2d(input, weight, c.bias, 1, c.padding);
                const double difference = (sparse.forward(input) - expected).abs().max().item<double>();

                BenchReport report;
                report.benchmark = "infer";
                report.label("model", c.model);
                report.label("layer", c.module);
                report.label("simd", kernels::simdLevelName(sparse.simdLevel()));
                report.number("batch_size", double(batch));
                report.number("sparsity", sparsity);
                report.number("dense_ms", denseMs);
                report.number("sparse_ms", sparseMs);
                report.number("speedup", denseMs / sparseMs);
                report.number("max_abs_difference", difference);
                for (const auto& [level, ms] : times)
                    report.number(std::string("sparse_ms_") + kernels::simdLevelName(level), ms);
                report.lines.push_back(c.model + " " + c.module + " (" + shape + "), batch " + std::to_string(batch) +
                                       ", " + fixed(sparsity * 100, 0) + " % sparse: dense conv2d " +
                                       fixed(denseMs, 3) + " ms · sparse conv (" +
                                       kernels::simdLevelName(sparse.simdLevel()) + ") " + fixed(sparseMs, 3) +
                                       " ms, ×" + fixed(denseMs / sparseMs, 2) + " (outputs within " +
                                       scientific(difference) + "; " + levelTimes(times, denseMs) + ")");
                reports.push_back(std::move(report));
            }
        }
    }
}

} // namespace

namespace {

// A ResNet-20 (3×32×32) with half of every channel group removed by neuron-l1 and compacted, against the dense
// network: the speedup of the smaller network against its MAC reduction, batch 1 and 64, the same threads for both.
void channelPrunedResNetRows(const InferBenchOptions& options, std::vector<BenchReport>& reports)
{
    ModelSpec spec;
    spec.arch = "resnet";
    spec.depth = 20;
    torch::manual_seed(1);
    ClassifierPtr dense = buildModel(spec, 3, 32, 32, 10);
    dense->eval();
    const MaskSet masks = NeuronNormPruner(1).computeMasks(*dense, PruneTarget{0.5}, nullptr);
    torch::manual_seed(1);
    ClassifierPtr masked = buildModel(spec, 3, 32, 32, 10);
    masks.applyTo(*masked);
    masked->eval();
    ClassifierPtr compact = compactModel(*masked, masks);
    compact->eval();
    const double macReduction =
        double(measureCost(*dense, 3, 32, 32).denseMacs) / double(measureCost(*compact, 3, 32, 32).denseMacs);
    for (const int64_t batch : {int64_t(1), int64_t(64)}) {
        const int repeats = batch == 1 ? options.repeats : std::max(5, options.repeats / 10);
        torch::manual_seed(3);
        const torch::Tensor input = torch::randn({batch, 3, 32, 32});
        torch::NoGradGuard noGrad;
        const double denseMs = medianMs([&] { dense->forward(input); }, repeats);
        const double compactMs = medianMs([&] { compact->forward(input); }, repeats);
        const double difference = (compact->forward(input) - masked->forward(input)).abs().max().item<double>();
        BenchReport report;
        report.benchmark = "infer";
        report.label("model", "resnet20-channels-50");
        report.number("batch_size", double(batch));
        report.number("dense_ms", denseMs);
        report.number("compact_ms", compactMs);
        report.number("compact_speedup", denseMs / compactMs);
        report.number("compact_mac_reduction", macReduction);
        report.number("compact_efficiency", denseMs / compactMs / macReduction);
        report.number("max_abs_difference", difference);
        report.lines.push_back("ResNet-20, 3×32×32, batch " + std::to_string(batch) +
                               ", half of every channel group removed (neuron-l1) and compacted: dense " +
                               fixed(denseMs, 3) + " ms · compact " + fixed(compactMs, 3) + " ms, ×" +
                               fixed(denseMs / compactMs, 2) + " for ×" + fixed(macReduction, 2) + " fewer MACs (" +
                               fixed(100.0 * denseMs / compactMs / macReduction, 0) + " % of it; outputs within " +
                               scientific(difference) + " of the masked network's)");
        reports.push_back(std::move(report));
    }
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
            SparseNetwork sparse = SparseNetwork::fromModel(*pruned);
            const std::vector<std::pair<kernels::SimdLevel, double>> times = timesPerLevel(sparse, input, repeats);
            const double sparseMs = medianMs([&] { sparse.forward(input); }, repeats);
            // The kernels alone: no tensor made, no check (what a caller with its own buffers pays).
            std::vector<float> logits(size_t(batch * shape.classes));
            const float* pixels = input.data_ptr<float>();
            const double kernelMs = medianMs([&] { sparse.forward(pixels, batch, logits.data()); }, repeats);
            const double difference = (sparse.forward(input) - pruned->forward(input)).abs().max().item<double>();

            BenchReport report;
            report.benchmark = "infer";
            report.label("model", options.model);
            report.label("simd", kernels::simdLevelName(sparse.simdLevel()));
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
            report.number("kernel_ms", kernelMs);
            for (const auto& [level, ms] : times)
                report.number(std::string("sparse_ms_") + kernels::simdLevelName(level), ms);
            report.lines.push_back(
                options.model + ", batch " + std::to_string(batch) + ", " + fixed(sparsity * 100, 0) +
                " % sparse: dense " + fixed(denseMs, 3) + " ms · masked " + fixed(maskedMs, 3) + " ms · sparse (" +
                kernels::simdLevelName(sparse.simdLevel()) + ") " + fixed(sparseMs, 3) + " ms, ×" +
                fixed(denseMs / sparseMs, 2) + ", kernels alone " + fixed(kernelMs, 3) + " ms (outputs within " +
                scientific(difference) + "; " + levelTimes(times, denseMs) + ")");
            if (i == 0)
                report.lines.push_back(
                    options.model + ", batch " + std::to_string(batch) + ", compact (" +
                    fixed(options.structuredSparsity * 100, 0) + " % of neurons removed): " + fixed(compactMs, 3) +
                    " ms, ×" + fixed(denseMs / compactMs, 2) + " for ×" + fixed(macReduction, 2) + " fewer MACs (" +
                    fixed(100.0 * denseMs / compactMs / macReduction, 0) + " % of it)");
            reports.push_back(std::move(report));
        }
    }
    convolutionRows(options, reports);
    channelPrunedResNetRows(options, reports);
    return reports;
}

} // namespace prunelab::bench
