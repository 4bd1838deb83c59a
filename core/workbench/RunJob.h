#pragma once

#include "core/workbench/Recipe.h"
#include "core/workbench/RunTypes.h"
#include "datasets/ImageSet.h"

#include <QObject>

#include <memory>

namespace prunelab::workbench {

/// One experiment (a Recipe) on a worker QThread, in the manner of KDE's KJob: start(), cancel(), a percent, and
/// one finished() with the result. The worker loads the data, trains, prunes round after round and measures; its
/// events arrive as queued signals carrying plain values, so receivers run on the thread that owns the job (the
/// GUI thread) and the worker never touches a widget.
class RunJob : public QObject {
    Q_OBJECT
public:
    explicit RunJob(QObject* parent = nullptr);
    /// Cancels a running job and waits for its thread (at most one batch).
    ~RunJob() override;

    void setRecipe(const Recipe& recipe);
    const Recipe& recipe() const;
    /// Images to use instead of loading recipe.dataset.source (the GUI's already loaded dataset). No test set.
    void setDataset(std::shared_ptr<const datasets::ImageSet> dataset);
    bool isRunning() const;

public slots:
    /// Starts the worker thread. Emits finished(Failed) at once if the job already runs.
    void start();
    /// Asks the worker to stop; it does between two batches and then emits finished(Cancelled).
    void cancel();

signals:
    void started();
    void progressChanged(int percent);
    void epochFinished(const prunelab::workbench::EpochStats& stats);
    void roundFinished(const prunelab::workbench::RoundStats& stats);
    void logMessage(const QString& line);
    void finished(const prunelab::workbench::RunSummary& summary);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace prunelab::workbench
