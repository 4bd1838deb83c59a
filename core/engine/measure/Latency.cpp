#include "core/engine/measure/Latency.h"

#include "core/engine/pruning/MaskSet.h"
#include "core/engine/runtime/Runtime.h"
#include "core/engine/runtime/SparseNetwork.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <vector>

namespace prunelab::engine {

namespace {

double medianMs(const std::function<void()>& pass, double budgetMs)
{
    using Clock = std::chrono::steady_clock;
    pass(); // warm-up: first-touch allocations, lazy initialisation
    std::vector<double> times;
    const auto start = Clock::now();
    while (times.size() < 3 ||
           (times.size() < 200 && std::chrono::duration<double, std::milli>(Clock::now() - start).count() < budgetMs)) {
        const auto t0 = Clock::now();
        pass();
        times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::nth_element(times.begin(), times.begin() + std::ptrdiff_t(times.size() / 2), times.end());
    return times[times.size() / 2];
}

} // namespace

Latency measureLatency(ClassifierImpl& model, const MaskSet* masks, ClassifierImpl* compact, int64_t channels,
                       int64_t height, int64_t width, double budgetMs)
{
    Latency latency;
    const std::vector<torch::Tensor> parameters = model.parameters();
    if (parameters.empty() || !parameters.front().device().is_cpu())
        return latency;
    torch::NoGradGuard noGrad;
    // One thread for every case, as a deployed single-image predictor runs and as the CSR kernel does: the figures
    // compare the models, not the thread pools (which on a busy machine can stall a batch-1 pass a hundredfold).
    const ScopedThreads threads(ThreadPlan{1, 1});
    const bool training = model.is_training();
    model.eval(); // batch norm must not learn from the zeros
    const torch::Tensor input = torch::zeros({1, channels, height, width});
    try {
        latency.denseMs = medianMs([&] { model.forward(input); }, budgetMs);
        if (compact != nullptr) {
            const bool compactTraining = compact->is_training();
            compact->eval();
            latency.prunedMs = medianMs([&] { compact->forward(input); }, budgetMs);
            latency.prunedPath = "compact";
            compact->train(compactTraining);
        } else if (masks != nullptr) {
            try {
                const SparseNetwork sparse = SparseNetwork::fromModel(model);
                const torch::Tensor flat = input.reshape({1, -1});
                latency.prunedMs = medianMs([&] { sparse.forward(flat); }, budgetMs);
                latency.prunedPath = "csr";
            } catch (const std::invalid_argument&) {
                // a convolution: unstructured zeros in it save nothing here; compaction needs a structured method
            }
        }
    } catch (...) {
        model.train(training);
        throw;
    }
    model.train(training);
    return latency;
}

} // namespace prunelab::engine
