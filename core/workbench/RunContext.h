#pragma once

// Private to the workbench: what RunJob's worker thread works with. RunJob (the thread, pause, cancel and posting)
// hands a Worker to one operation — a schedule run (ScheduleRun.h) or an operation on a saved round
// (SavedRounds.h) — after prepare() has loaded the data and built the model. Includes LibTorch.

#include "core/engine/models/Classifier.h"
#include "core/engine/models/ModelFactory.h"
#include "core/engine/training/Trainer.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/RecipeData.h"
#include "core/workbench/RunTypes.h"
#include "core/workbench/Session.h"

#include <QElapsedTimer>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace prunelab::workbench::run {

/// How the worker talks to its job: each report is posted to the job's thread (RunJob), never a widget touched.
struct Worker {
    std::function<void(const QString&)> log;
    std::function<void(const EpochStats&)> epoch;
    std::function<void(const RoundStats&)> round;
    std::function<void(int percent, double etaSeconds)> progress;
    /// Called between two batches: returns at once, or after the job is resumed or cancelled; the milliseconds held.
    std::function<qint64()> holdWhilePaused;
    const std::atomic<bool>* cancel = nullptr;
    QElapsedTimer clock; ///< started when the worker starts
    double seconds() const { return double(clock.elapsed()) / 1000.0; }
};

/// What the operation does with the session folder.
enum class SessionUse {
    Record,   ///< a new run: the data is recorded (recipe.json with its fingerprint, dataset.json, split.json)
    Continue, ///< a resumed run: the data must be the recorded data (a session killed before its data loaded starts
              ///< afresh)
    Read,     ///< a saved round validated or exported: the data must be the recorded data
};

/// The data, split, model and trainer of a recipe, ready for an operation.
struct Context {
    Recipe recipe;
    Session session;
    torch::Device device{torch::kCPU};
    RecipeData data;
    engine::TensorDataset all, train, validation, test; ///< wrapped without a copy; rows gathered once
    QString fingerprint;                                ///< SHA-256 of the images (and given test images)
    engine::Normalizer normalizer;
    engine::ModelSpec spec;
    int64_t channels = 0, height = 0, width = 0, classes = 0;
    engine::ClassifierPtr model;
    std::unique_ptr<engine::Trainer> trainer;
    /// A fresh model of the recipe's architecture (the random-reinit control draws one per round).
    engine::ClassifierPtr buildModel() const;
};

/// Takes the window's images (`given`, `givenTest`) when they serve, else loads recipe.dataset.source; splits it,
/// checks or records it in the session as `use` says, chooses the normalisation and builds the model and trainer.
/// Throws std::exception subclasses naming the file and the problem.
Context prepare(const Recipe& recipe, const Session& session, torch::Device device,
                std::shared_ptr<const datasets::ImageSet> given, std::shared_ptr<const datasets::ImageSet> givenTest,
                SessionUse use, const Worker& worker);

} // namespace prunelab::workbench::run
