#include "core/bench/TrainBench.h"

#include "core/bench/PythonReference.h"
#include "core/engine/models/ModelFactory.h"
#include "core/engine/runtime/Device.h"
#include "core/engine/runtime/Runtime.h"
#include "core/engine/training/Normalizer.h"
#include "core/engine/training/Trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

namespace prunelab::bench {

using namespace prunelab::engine;

namespace {

struct Recipe {
    ModelSpec model;
    std::vector<int64_t> plan; ///< vgg: the channel plan the Python side builds (0 = max pool)
    std::string optimizer;
    double lr, weightDecay;
};

Recipe recipeFor(const std::string& name)
{
    Recipe r;
    r.optimizer = "adam";
    r.lr = 1e-3;
    r.weightDecay = 0.0;
    if (name == "lenet-300-100") {
        r.model.hidden = {300, 100};
        r.lr = 1.2e-3;
    } else if (name == "mlp-003") {
        r.model.hidden = {512, 256, 128};
    } else if (name == "mlp-000") {
        r.model.hidden = {256, 256, 256};
        r.optimizer = "adamw";
        r.lr = 3e-4;
        r.weightDecay = 1e-3;
    } else if (name == "lenet5") {
        r.model.arch = "lenet5";
    } else if (name == "resnet20") {
        r.model.arch = "resnet";
        r.model.depth = 20;
    } else if (name == "densenet-small") {
        r.model.arch = "densenet";
        r.model.growth = 12;
        r.model.blocks = {6, 6, 6};
    } else {
        r.model.arch = "vgg";
        r.model.layout = "vgg11";
        r.model.width = 0.25;
        r.plan = {16, 0, 32, 0, 64, 64, 0, 128, 128, 0, 128, 128, 0};
    }
    return r;
}

std::string specJson(const TrainBenchModel& m, const Recipe& r, int64_t batch, int64_t steps)
{
    std::string arch = r.model.arch, list, blocks;
    const std::vector<int64_t>& values = arch == "vgg" ? r.plan : r.model.hidden;
    for (size_t i = 0; i < values.size(); ++i)
        list += (i ? "," : "") + std::to_string(values[i]);
    for (size_t i = 0; i < r.model.blocks.size(); ++i)
        blocks += (i ? "," : "") + std::to_string(r.model.blocks[i]);
    return "{\"arch\":\"" + arch + "\",\"" + (arch == "vgg" ? "plan" : "hidden") + "\":[" + list +
           "],\"depth\":" + std::to_string(r.model.depth) + ",\"growth\":" + std::to_string(r.model.growth) +
           ",\"blocks\":[" + blocks + "],\"optimizer\":\"" + r.optimizer + "\",\"lr\":" + std::to_string(r.lr) +
           ",\"weight_decay\":" + std::to_string(r.weightDecay) + ",\"batch\":" + std::to_string(batch) +
           ",\"steps\":" + std::to_string(steps) + ",\"warmup\":" + std::to_string(std::max<int64_t>(3, steps / 10)) +
           ",\"channels\":" + std::to_string(m.channels) + ",\"height\":" + std::to_string(m.height) +
           ",\"width\":" + std::to_string(m.width) + "}";
}

void writeRaw(const std::string& path, const torch::Tensor& tensor)
{
    const torch::Tensor data = tensor.contiguous().cpu();
    std::ofstream out(path, std::ios::binary);
    out.write(static_cast<const char*>(data.data_ptr()), std::streamsize(data.nbytes()));
    if (!out)
        throw std::runtime_error("cannot write benchmark data to " + path);
}

TrainOptions trainOptions(const Recipe& r, int64_t batch)
{
    TrainOptions o;
    o.epochs = 1;
    o.batchSize = batch;
    o.optimizer = r.optimizer;
    o.learningRate = r.lr;
    o.weightDecay = r.weightDecay;
    return o;
}

double engineSamplesPerSecond(const TrainBenchModel& m, const Recipe& r, const TensorDataset& data, int64_t batch,
                              int64_t steps, const torch::Device& device)
{
    torch::manual_seed(1);
    const ClassifierPtr model = buildModel(r.model, m.channels, m.height, m.width, m.classes);
    Trainer trainer(model, Normalizer::fromData(data.images), device);
    TensorDataset none;
    none.classCount = m.classes;
    const auto slice = [&](int64_t count) {
        return TensorDataset{data.images.narrow(0, 0, count * batch), data.labels.narrow(0, 0, count * batch),
                             m.classes};
    };
    trainer.fit(slice(std::max<int64_t>(3, steps / 10)), none, trainOptions(r, batch)); // warm-up, as the reference's
    if (device.is_cuda())
        torch::cuda::synchronize();
    const auto start = std::chrono::steady_clock::now();
    trainer.fit(slice(steps), none, trainOptions(r, batch));
    if (device.is_cuda())
        torch::cuda::synchronize();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return double(steps * batch) / seconds;
}

} // namespace

const std::vector<TrainBenchModel>& trainBenchModels()
{
    static const std::vector<TrainBenchModel> models{
        {"lenet-300-100", "LeNet-300-100 (interval-adjoint and lottery-ticket workflows), 28×28", 60, 400, 1, 28, 28,
         10},
        {"mlp-003", "the pruning lecture's MLP 512-256-128, 28×28", 128, 200, 1, 28, 28, 10},
        {"mlp-000", "the MRI threshold sweep's MLP 256-256-256 on 3×128×128 (12.6 M weights)", 64, 20, 3, 128, 128, 4},
        {"lenet5", "LeNet-5 (the pruning strategy study), 32×32 gray", 64, 150, 1, 32, 32, 4},
        {"vgg-small", "VGG-11 at width 1/4 with batch norm, 3×32×32", 64, 30, 3, 32, 32, 10},
        {"resnet20", "ResNet-20 (CIFAR-style, option B shortcuts), 3×32×32", 64, 20, 3, 32, 32, 10},
        {"densenet-small", "DenseNet-BC-40 (growth 12, blocks 6-6-6), 3×32×32", 64, 10, 3, 32, 32, 10},
    };
    return models;
}

std::vector<BenchReport> runTrainBench(const TrainBenchOptions& options)
{
    std::vector<TrainBenchModel> chosen;
    std::string known;
    for (const TrainBenchModel& m : trainBenchModels()) {
        known += (known.empty() ? "" : ", ") + m.name;
        if (options.model == "all" || options.model == m.name)
            chosen.push_back(m);
    }
    if (chosen.empty())
        throw std::invalid_argument("unknown model '" + options.model + "': expected all, " + known);
    const torch::Device device = resolveDevice(options.device);

    std::vector<BenchReport> reports;
    for (const TrainBenchModel& m : chosen) {
        const Recipe r = recipeFor(m.name);
        const int64_t batch = options.batchSize > 0 ? options.batchSize : m.batchSize;
        const int64_t steps = options.steps > 0 ? options.steps : m.steps;
        torch::manual_seed(7);
        TensorDataset data;
        data.images = torch::randint(0, 256, {steps * batch, m.channels, m.height, m.width}, torch::kUInt8);
        data.labels = torch::randint(0, m.classes, {steps * batch}, torch::kLong);
        data.classCount = m.classes;

        BenchReport report;
        report.benchmark = "train";
        report.label("model", m.name);
        report.label("device", describeDevice(device));
        report.number("batch_size", double(batch));
        report.number("steps", double(steps));
        const double ours = engineSamplesPerSecond(m, r, data, batch, steps, device);
        report.number("samples_per_second", ours);
        std::string line =
            m.description + ", batch " + std::to_string(batch) + ": PruneLab " + grouped(ours) + " samples/s";
        if (options.reference) {
            TemporaryDirectory folder;
            writeRaw(folder.file("images.u8"), data.images);
            writeRaw(folder.file("labels.i64"), data.labels);
            const std::vector<std::string> arguments{"--spec",
                                                     specJson(m, r, batch, steps),
                                                     "--images",
                                                     folder.file("images.u8"),
                                                     "--labels",
                                                     folder.file("labels.i64"),
                                                     "--classes",
                                                     std::to_string(m.classes),
                                                     "--device",
                                                     device.is_cuda() ? "cuda" : "cpu",
                                                     "--shape",
                                                     std::to_string(steps * batch) + "," + std::to_string(m.channels) +
                                                         "," + std::to_string(m.height) + "," +
                                                         std::to_string(m.width)};
            const PythonResult python = runPython(trainReferenceScript(), arguments);
            // The same loop with PruneLab's allocator settings and thread plan: what is left is the engine's own.
            torch::manual_seed(1);
            const ClassifierPtr model = buildModel(r.model, m.channels, m.height, m.width, m.classes);
            const ThreadPlan plan = trainingThreadPlan(*model, batch, m.channels, m.height, m.width);
            const PythonResult tuned =
                runPython(trainReferenceScript(), arguments,
                          {"MALLOC_MMAP_THRESHOLD_=1073741824", "MALLOC_TRIM_THRESHOLD_=2147483647",
                           "MALLOC_TOP_PAD_=67108864", "OMP_NUM_THREADS=" + std::to_string(plan.intraOp),
                           "OPENBLAS_NUM_THREADS=" + std::to_string(plan.blas)});
            if (tuned.ran && tuned.values.count("samples_per_second")) {
                const double reference = tuned.values.at("samples_per_second");
                report.number("tuned_reference_samples_per_second", reference);
                report.number("tuned_ratio", ours / reference);
            }
            if (python.ran && python.values.count("samples_per_second")) {
                const double reference = python.values.at("samples_per_second");
                report.label("reference", "python torch loop");
                report.number("reference_samples_per_second", reference);
                report.number("ratio", ours / reference);
                line += " · PyTorch loop " + grouped(reference) + " samples/s · ×" + fixed(ours / reference, 2);
                if (report.has("tuned_ratio"))
                    line += " (×" + fixed(report.value("tuned_ratio"), 2) +
                            " against the loop run with PruneLab's allocator and thread settings)";
            } else {
                report.label("reference_skipped", python.error);
                line += " (Python reference skipped: " + python.error + ")";
            }
        }
        report.lines.push_back(line);
        reports.push_back(std::move(report));
    }
    return reports;
}

} // namespace prunelab::bench
