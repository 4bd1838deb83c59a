#include "core/engine/training/Trainer.h"

#include "core/engine/measure/Measurements.h"
#include "core/engine/models/WeightCopy.h"
#include "core/engine/runtime/Runtime.h"
#include "core/engine/training/FusedAdam.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <thread>

namespace prunelab::engine {

namespace {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(torch::nn::Module& model, const TrainOptions& options)
{
    const auto params = model.parameters();
    if (options.optimizer == "adam")
        return std::make_unique<FusedAdam>(
            params, torch::optim::AdamOptions(options.learningRate).weight_decay(options.weightDecay));
    if (options.optimizer == "adamw")
        return std::make_unique<FusedAdamW>(
            params, torch::optim::AdamWOptions(options.learningRate).weight_decay(options.weightDecay));
    if (options.optimizer == "sgd")
        return std::make_unique<torch::optim::SGD>(params, torch::optim::SGDOptions(options.learningRate)
                                                               .momentum(options.momentum)
                                                               .weight_decay(options.weightDecay));
    throw std::invalid_argument("unknown optimizer '" + options.optimizer + "': expected sgd, adam or adamw");
}

bool cancelled(const std::atomic<bool>* flag)
{
    return flag != nullptr && flag->load(std::memory_order_relaxed);
}

TensorDataset onDevice(const TensorDataset& data, const torch::Device& device)
{
    TensorDataset out = data;
    out.images = data.images.to(device);
    out.labels = data.labels.to(device);
    if (data.rows.defined())
        out.rows = data.rows.to(device);
    return out;
}

} // namespace

double scheduledLearningRate(const TrainOptions& options, int epoch)
{
    if (options.lrSchedule == "constant")
        return options.learningRate;
    if (options.lrSchedule == "step") {
        const int steps = options.stepEpochs > 0 ? (epoch - 1) / options.stepEpochs : 0;
        return options.learningRate * std::pow(options.stepGamma, steps);
    }
    if (options.lrSchedule == "cosine") {
        const int epochs = options.totalEpochs > 0 ? options.totalEpochs : options.epochs;
        const double progress = epochs > 1 ? double(epoch - 1) / double(epochs) : 0.0;
        return options.learningRate * 0.5 * (1.0 + std::cos(M_PI * progress));
    }
    throw std::invalid_argument("unknown learning-rate schedule '" + options.lrSchedule +
                                "': expected constant, step or cosine");
}

ThreadPlan trainingThreadPlan(ClassifierImpl& model, int64_t batchSize, int64_t channels, int64_t height, int64_t width)
{
    const std::vector<ForwardStep> steps = model.forwardSteps();
    const bool convolution = std::any_of(steps.begin(), steps.end(),
                                         [](const ForwardStep& s) { return s.kind == ForwardStep::Kind::Conv2d; });
    const ModelCost cost = measureCost(model, channels, height, width);
    return planThreads(convolution, double(cost.denseMacs) * double(batchSize),
                       int(std::thread::hardware_concurrency()));
}

Trainer::Trainer(ClassifierPtr model, Normalizer normalizer, torch::Device device)
    : model_(std::move(model)), normalizer_(std::move(normalizer)), device_(device)
{
    if (!model_)
        throw std::invalid_argument("trainer needs a model");
    model_->to(device_);
}

TrainOutcome Trainer::fit(const TensorDataset& trainData, const TensorDataset& validation, const TrainOptions& options,
                          const TrainCallbacks& callbacks, const MaskSet* masks)
{
    if (options.epochs < 0)
        throw std::invalid_argument("epochs must be >= 0");
    if (options.batchSize <= 0)
        throw std::invalid_argument("batch size must be > 0");
    if (!(options.learningRate > 0.0))
        throw std::invalid_argument("learning rate must be > 0");
    if (trainData.size() == 0)
        throw std::invalid_argument("training set is empty");
    if (!options.classWeights.empty() && int64_t(options.classWeights.size()) != trainData.classCount)
        throw std::invalid_argument("class weights: expected one per class (" + std::to_string(trainData.classCount) +
                                    "), got " + std::to_string(options.classWeights.size()));
    scheduledLearningRate(options, 1); // refuses an unknown schedule before any work

    prepareTrainingRuntime();
    std::optional<ScopedThreads> threads;
    if (device_.is_cpu())
        threads.emplace(trainingThreadPlan(*model_, options.batchSize, trainData.images.size(1),
                                           trainData.images.size(2), trainData.images.size(3)));

    const TensorDataset train = onDevice(trainData, device_);
    auto optimizer = makeOptimizer(*model_, options);
    const std::vector<torch::Tensor> parameters = model_->parameters();
    if (masks != nullptr && !masks->empty())
        masks->applyTo(*model_);

    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    const int64_t n = train.size();
    const int64_t batches = (n + options.batchSize - 1) / options.batchSize;

    auto lossOptions = torch::nn::functional::CrossEntropyFuncOptions();
    if (!options.classWeights.empty())
        lossOptions.weight(torch::tensor(options.classWeights, torch::kFloat).to(device_));

    TrainOutcome outcome;
    WeightCopy best;
    double bestAccuracy = -1.0;
    // Leaves the model with the best epoch's weights when asked, whatever ends the loop.
    const auto finish = [&](StopReason reason) {
        outcome.reason = reason;
        releaseFreeMemory();
        if (options.restoreBest && !best.empty()) {
            loadWeights(*model_, best);
            outcome.restoredBest = true;
        }
        return outcome;
    };
    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        const auto started = std::chrono::steady_clock::now();
        const double lr = scheduledLearningRate(options, options.epochOffset + epoch);
        for (auto& group : optimizer->param_groups())
            group.options().set_lr(lr);
        model_->train();
        const torch::Tensor order = torch::randperm(n, generator, torch::kLong).to(device_);
        double lossSum = 0.0;
        torch::Tensor correct = torch::zeros({}, torch::TensorOptions(torch::kLong).device(device_));
        for (int64_t b = 0; b < batches; ++b) {
            if (cancelled(callbacks.cancel))
                return finish(StopReason::Cancelled);
            const int64_t begin = b * options.batchSize;
            const int64_t count = std::min(options.batchSize, n - begin);
            const torch::Tensor idx = order.narrow(0, begin, count);
            const torch::Tensor x = options.augment.enabled()
                                        ? normalizer_(augmentBatch(train.imagesAt(idx), options.augment, generator))
                                        : normalizer_.gather(train.images, train.imageRows(idx));
            const torch::Tensor y = train.labels.index_select(0, idx);

            clearGradients(parameters);
            const torch::Tensor logits = model_->forward(x);
            const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y, lossOptions);
            const double lossValue = loss.item<double>();
            if (!std::isfinite(lossValue))
                throw std::runtime_error("the loss became " + std::to_string(lossValue) + " at epoch " +
                                         std::to_string(epoch) + ", batch " + std::to_string(b + 1) +
                                         ": lower the learning rate or check the data");
            loss.backward();
            if (masks != nullptr && !masks->empty())
                masks->maskGradients(*model_);
            optimizer->step();
            if (masks != nullptr && !masks->empty())
                masks->applyTo(*model_);

            lossSum += lossValue * static_cast<double>(count);
            correct += logits.detach().argmax(1).eq(y).sum(); // read once per epoch, not a sync per batch
            if (callbacks.onBatch && !callbacks.onBatch({options.epochOffset + epoch, b + 1, batches, lossValue}))
                return finish(StopReason::StoppedByCallback);
        }

        EpochReport report;
        report.epoch = options.epochOffset + epoch;
        report.epochs = options.totalEpochs > 0 ? options.totalEpochs : options.epochs;
        report.train = {lossSum / static_cast<double>(n),
                        static_cast<double>(correct.item<int64_t>()) / static_cast<double>(n), n};
        report.validation = evaluate(validation, 512, callbacks.cancel);
        if (cancelled(callbacks.cancel))
            return finish(StopReason::Cancelled);
        report.learningRate = lr;
        report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        outcome.history.push_back(report);
        if (report.validation.accuracy > bestAccuracy) {
            bestAccuracy = report.validation.accuracy;
            outcome.bestEpoch = epoch;
            if (options.restoreBest)
                best = copyWeights(*model_);
        }
        if (callbacks.onEpoch && !callbacks.onEpoch(report))
            return finish(StopReason::StoppedByCallback);
        if (options.earlyStoppingPatience > 0 && epoch - outcome.bestEpoch >= options.earlyStoppingPatience)
            return finish(StopReason::EarlyStopped);
    }
    return finish(StopReason::Completed);
}

Evaluation Trainer::evaluate(const TensorDataset& data, int64_t batchSize, const std::atomic<bool>* cancel) const
{
    Evaluation result;
    if (data.size() == 0)
        return result;
    torch::NoGradGuard noGrad;
    const bool wasTraining = model_->is_training();
    model_->eval();
    double lossSum = 0.0;
    int64_t correct = 0;
    const int64_t n = data.size();
    for (int64_t begin = 0; begin < n; begin += batchSize) {
        if (cancelled(cancel))
            break;
        const int64_t count = std::min(batchSize, n - begin);
        const torch::Tensor x = normalizer_(data.imageRange(begin, count).to(device_));
        const torch::Tensor y = data.labels.narrow(0, begin, count).to(device_);
        const torch::Tensor logits = model_->forward(x);
        lossSum += torch::nn::functional::cross_entropy(
                       logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        correct += logits.argmax(1).eq(y).sum().item<int64_t>();
        result.samples += count;
    }
    if (result.samples > 0) {
        result.loss = lossSum / static_cast<double>(result.samples);
        result.accuracy = static_cast<double>(correct) / static_cast<double>(result.samples);
    }
    model_->train(wasTraining);
    return result;
}

torch::Tensor Trainer::predict(const TensorDataset& data, int64_t batchSize) const
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = model_->is_training();
    model_->eval();
    std::vector<torch::Tensor> parts;
    for (int64_t begin = 0; begin < data.size(); begin += batchSize) {
        const int64_t count = std::min(batchSize, data.size() - begin);
        parts.push_back(model_->forward(normalizer_(data.imageRange(begin, count).to(device_))).argmax(1).cpu());
    }
    model_->train(wasTraining);
    return parts.empty() ? torch::empty({0}, torch::kLong) : torch::cat(parts);
}

std::vector<torch::Tensor> Trainer::activations(const TensorDataset& data, int64_t count) const
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = model_->is_training();
    model_->eval();
    const int64_t n = std::min(count, data.size());
    std::vector<torch::Tensor> result = model_->activations(normalizer_(data.imageRange(0, n).to(device_)));
    model_->train(wasTraining);
    return result;
}

} // namespace prunelab::engine
