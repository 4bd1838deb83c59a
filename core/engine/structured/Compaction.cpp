#include "core/engine/structured/Compaction.h"

#include "core/engine/models/GraphNet.h"
#include "core/engine/structured/GraphChannels.h"
#include "core/engine/structured/StructuredLayout.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>

namespace prunelab::engine {

namespace {

/// Builds a model without disturbing the global random generator (compaction must not change later shuffles).
template <class Build> ClassifierPtr buildQuietly(Build build)
{
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    torch::Tensor state;
    {
        std::lock_guard<std::mutex> lock(generator.mutex());
        state = generator.get_state();
    }
    ClassifierPtr result = build();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
    return result;
}

torch::Tensor indicesOf(const torch::Tensor& keep)
{
    return torch::nonzero(keep).flatten().to(torch::kLong);
}

} // namespace

std::vector<int64_t> hiddenWidths(torch::nn::Module& model)
{
    std::vector<int64_t> widths;
    if (auto* graph = dynamic_cast<GraphNetImpl*>(&model)) { // a graph's layers are its channel groups
        for (const ChannelGroup& group : channelGroups(graph->forwardSteps()))
            widths.push_back(group.size);
        return widths;
    }
    for (const UnitGroup& group : unitGroups(model))
        widths.push_back(group.units);
    return widths;
}

ClassifierPtr compactModel(ClassifierImpl& model, const MaskSet& masks)
{
    if (dynamic_cast<GraphNetImpl*>(&model) != nullptr) // channels grouped across additions and concatenations
        return buildQuietly([&] { return compactGraph(model, masks); });
    torch::NoGradGuard noGrad;
    const std::vector<UnitGroup> groups = unitGroups(model);
    std::vector<torch::Tensor> kept; // indices of the surviving units, per group
    std::vector<int64_t> widths;
    std::map<std::string, size_t> rowsOf;    // module prefix -> group whose units index its rows
    std::map<std::string, size_t> columnsOf; // next weight -> group whose units index its inputs
    const auto params = model.named_parameters(/*recurse=*/true);
    for (size_t g = 0; g < groups.size(); ++g) {
        // A unit can go only when its output is exactly zero: weight row masked, and bias and batch-norm scale and
        // shift zero (masked or not), else a shift would still feed the next layer.
        torch::Tensor alive = aliveUnits(groups[g], &masks);
        for (const std::string& companion : groups[g].companions) {
            torch::Tensor value = params[companion].detach().to(torch::kCPU, torch::kFloat);
            if (masks.contains(companion))
                value = value * masks.mask(companion).to(torch::kCPU, torch::kFloat);
            alive.masked_fill_(value != 0, 1.0);
        }
        kept.push_back(indicesOf(alive));
        if (kept.back().numel() == 0)
            throw std::invalid_argument("cannot compact: every unit of " + groups[g].weight + " is pruned");
        widths.push_back(kept.back().numel());
        for (const std::string& prefix : groups[g].prefixes)
            rowsOf[prefix] = g;
        columnsOf[groups[g].next] = g;
    }
    const ClassifierPtr compact = buildQuietly([&] { return model.withHiddenWidths(widths); });
    const torch::Device device =
        model.parameters().empty() ? torch::Device(torch::kCPU) : model.parameters().front().device();

    const auto buffers = model.named_buffers(/*recurse=*/true);
    const auto copyInto = [&](const std::string& name, torch::Tensor& target, bool isParameter) {
        const torch::Tensor* found = isParameter ? params.find(name) : buffers.find(name);
        if (found == nullptr)
            throw std::logic_error("compaction: the model has no '" + name + "'");
        torch::Tensor source = found->detach().to(torch::kCPU);
        if (masks.contains(name))
            source = source * masks.mask(name).to(torch::kCPU, source.scalar_type());
        const auto rows = rowsOf.find(modulePrefix(name));
        if (rows != rowsOf.end() && source.dim() >= 1)
            source = source.index_select(0, kept[rows->second]);
        const auto columns = columnsOf.find(name);
        if (columns != columnsOf.end()) {
            const UnitGroup& group = groups[columns->second];
            const torch::Tensor columnIndex =
                (kept[columns->second].unsqueeze(1) * group.inputsPerUnit + torch::arange(group.inputsPerUnit))
                    .flatten();
            source = source.index_select(1, columnIndex);
        }
        if (!source.sizes().equals(target.sizes()))
            throw std::logic_error("compaction: '" + name + "' does not fit the compact model");
        target.copy_(source);
    };
    for (auto& item : compact->named_parameters(/*recurse=*/true))
        copyInto(item.key(), item.value(), true);
    for (auto& item : compact->named_buffers(/*recurse=*/true))
        copyInto(item.key(), item.value(), false);
    compact->to(device);
    compact->train(model.is_training());
    return compact;
}

double medianLatencyMs(ClassifierImpl& model, const torch::Tensor& input, int repeats)
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = model.is_training();
    model.eval();
    model.forward(input); // warm-up: allocations, kernel selection
    std::vector<double> times;
    for (int i = 0; i < std::max(1, repeats); ++i) {
        const auto start = std::chrono::steady_clock::now();
        model.forward(input);
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    model.train(wasTraining);
    std::nth_element(times.begin(), times.begin() + long(times.size() / 2), times.end());
    return times[times.size() / 2];
}

CompactionReport compareCompaction(ClassifierImpl& masked, ClassifierImpl& compact, const torch::Tensor& sample,
                                   int repeats)
{
    CompactionReport report;
    report.widthsBefore = hiddenWidths(masked);
    report.widthsAfter = hiddenWidths(compact);
    report.before = measureCost(masked, sample.size(1), sample.size(2), sample.size(3));
    report.after = measureCost(compact, sample.size(1), sample.size(2), sample.size(3));
    {
        torch::NoGradGuard noGrad;
        const bool maskedTraining = masked.is_training();
        const bool compactTraining = compact.is_training();
        masked.eval();
        compact.eval();
        report.maxAbsDifference = (masked.forward(sample) - compact.forward(sample)).abs().max().item<double>();
        masked.train(maskedTraining);
        compact.train(compactTraining);
    }
    report.latencyBeforeMs = medianLatencyMs(masked, sample, repeats);
    report.latencyAfterMs = medianLatencyMs(compact, sample, repeats);
    return report;
}

} // namespace prunelab::engine
