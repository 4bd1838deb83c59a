#pragma once

#include "core/engine/models/Classifier.h"
#include "core/engine/pruning/MaskSet.h"
#include "core/engine/runtime/Runtime.h"
#include "core/engine/training/Augmentation.h"
#include "core/engine/training/Normalizer.h"
#include "core/engine/training/TensorDataset.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace prunelab::engine {

struct TrainOptions {
    int epochs = 5;
    int64_t batchSize = 64;
    std::string optimizer = "adam"; ///< sgd | adam | adamw
    double learningRate = 1e-3;
    double weightDecay = 0.0;
    double momentum = 0.9; ///< sgd only
    uint64_t seed = 42;    ///< shuffling order

    std::string lrSchedule = "constant"; ///< constant | step (× stepGamma every stepEpochs) | cosine (to 0 at the end)
    int stepEpochs = 10;
    double stepGamma = 0.1;
    /// One weight per class for the loss (imbalanced data); empty = unweighted.
    std::vector<double> classWeights;
    /// Stop when validation accuracy has not improved for this many epochs; 0 = never.
    int earlyStoppingPatience = 0;
    /// At the end, put back the weights of the epoch with the best validation accuracy (the MRI threshold sweep keeps
    /// the best).
    bool restoreBest = false;
    /// On-the-fly augmentation of training batches (flips, small rotations, brightness).
    AugmentOptions augment;
    /// A run trained in pieces (gradual pruning fits one epoch at a time): the epochs trained before this fit, and
    /// the epochs of the whole run. Epoch numbers in the reports and the learning-rate schedule continue from
    /// `epochOffset` over `totalEpochs` (0: `epochs`) as if it were one fit.
    int epochOffset = 0;
    int totalEpochs = 0;
};

/// Learning rate of epoch `epoch` (1-based) under the options' schedule.
double scheduledLearningRate(const TrainOptions& options, int epoch);

/// The thread plan (Runtime.h) the Trainer uses for `model` on images of channels×height×width at `batchSize`.
ThreadPlan trainingThreadPlan(ClassifierImpl& model, int64_t batchSize, int64_t channels, int64_t height,
                              int64_t width);

struct BatchProgress {
    int epoch = 0;     ///< 1-based
    int64_t batch = 0; ///< 1-based within the epoch
    int64_t batchesPerEpoch = 0;
    double loss = 0.0;
};

struct Evaluation {
    double loss = 0.0;
    double accuracy = 0.0; ///< fraction in [0, 1]
    int64_t samples = 0;
};

struct EpochReport {
    int epoch = 0;         ///< 1-based (from TrainOptions::epochOffset + 1)
    int epochs = 0;        ///< TrainOptions::totalEpochs, or epochs
    Evaluation train;      ///< running mean over the epoch's batches
    Evaluation validation; ///< after the epoch, in eval mode
    double learningRate = 0.0;
    double seconds = 0.0;
};

/// Hooks into the loop, in the manner of ensmallen callbacks: each returns false to stop training.
/// `cancel` is polled between batches; setting it from any thread stops the run within one batch.
/// onBatch runs after the optimiser step and the masks; the trainer reads the MaskSet it was given again at every
/// step, so onBatch may change that MaskSet (and apply it) to prune during training (the gradual schedule).
struct TrainCallbacks {
    std::function<bool(const BatchProgress&)> onBatch;
    std::function<bool(const EpochReport&)> onEpoch;
    const std::atomic<bool>* cancel = nullptr;
};

enum class StopReason { Completed, Cancelled, StoppedByCallback, EarlyStopped };

struct TrainOutcome {
    StopReason reason = StopReason::Completed;
    std::vector<EpochReport> history;
    int bestEpoch = 0;         ///< 1-based epoch with the best validation accuracy (0: no epoch completed)
    bool restoredBest = false; ///< the model now holds that epoch's weights
};

/// Trains and evaluates one classifier on one device. Masks, when given, hold through training:
/// masked gradients are zeroed before each step and masked weights are re-zeroed after it.
class Trainer {
public:
    Trainer(ClassifierPtr model, Normalizer normalizer, torch::Device device);

    /// Throws std::invalid_argument for bad options and std::runtime_error when the loss becomes NaN or infinite
    /// (the model then holds the weights of the last finite step's batch).
    TrainOutcome fit(const TensorDataset& train, const TensorDataset& validation, const TrainOptions& options,
                     const TrainCallbacks& callbacks = {}, const MaskSet* masks = nullptr);

    Evaluation evaluate(const TensorDataset& data, int64_t batchSize = 512,
                        const std::atomic<bool>* cancel = nullptr) const;
    /// Predicted class of every sample (int64, on the CPU), in eval mode.
    torch::Tensor predict(const TensorDataset& data, int64_t batchSize = 512) const;
    /// The model's per-layer activations for the first `count` samples, in eval mode (for CKA).
    std::vector<torch::Tensor> activations(const TensorDataset& data, int64_t count) const;

    const ClassifierPtr& model() const { return model_; }
    const torch::Device& device() const { return device_; }

private:
    ClassifierPtr model_;
    Normalizer normalizer_;
    torch::Device device_;
};

} // namespace prunelab::engine
