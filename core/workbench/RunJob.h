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
    /// Images to use instead of loading recipe.dataset.source (the GUI's already loaded dataset), with the source's
    /// own test images when it has them (used when the recipe's split.test is "given", as a loaded source's are).
    void setDataset(std::shared_ptr<const datasets::ImageSet> dataset,
                    std::shared_ptr<const datasets::ImageSet> test = nullptr);
    bool isRunning() const;

    /// Writes the run into this session folder (made by Session::create) as it goes: recipe.json (at once, with the
    /// recipe set before; again with the data's fingerprint once loaded), dataset.json, metrics.jsonl (each event
    /// appended and flushed before its signal), rounds/<k>/ and state.json.
    void setSession(const QString& sessionPath);
    /// Starting a recipe in a new session, as the Run page and `prunelab-cli run` do: a new session folder for the
    /// recipe set before (named `name`, default the recipe's) under `sessionsRoot` (empty: the default folder),
    /// then setSession(). Returns its path; throws SessionError when it cannot be made.
    QString setNewSession(const QString& sessionsRoot, const QString& name = {});
    /// Continues the run recorded in `sessionPath` from its last completed round: the recipe is the session's,
    /// completed rounds are kept as they are, the interrupted one is run again from its start. Throws
    /// SessionError when the folder is not a session.
    void continueSession(const QString& sessionPath);
    /// A new run in `sessionPath` (made by Session::create, still empty) that starts after round `round` (-1: the
    /// last completed one) of the earlier session `sourcePath`, the interval-adjoint workflow's begin_itr: rounds
    /// 0…round are copied byte for byte (models, masks, train.csv, validation.json with their SHA-256, and their events
    /// in metrics.jsonl), origin.json records where they came from, and start() continues the schedule of the recipe
    /// given by setRecipe() at round + 1, exactly as `resume` would. The recipe may differ from the earlier one (more
    /// rounds, other fine-tuning); its data must be the same (checked by fingerprint when it starts). Throws
    /// SessionError when the source is not a session or `round` is not one of its completed rounds.
    void startFrom(const QString& sessionPath, const QString& sourcePath, int round = -1);
    /// Instead of training: reloads round `round`'s saved model (-1: the last completed round) on the same data
    /// and checks that it reproduces the recorded test accuracy (validation accuracy without a test split).
    /// finished() reports Completed when it does, Failed with both numbers when it does not.
    void validateSession(const QString& sessionPath, int round = -1);
    /// Prepares start() to write round `round` (-1: the last) of a session as a `torchscript` (compact = false) or
    /// `compact-torchscript` module at `out`; finished() says where, or why not.
    void exportTorchScript(const QString& sessionPath, int round, const QString& out, bool compact);
    QString sessionPath() const;
    bool isPaused() const;

public slots:
    /// Starts the worker thread. Emits finished(Failed) at once if the job already runs.
    void start();
    /// Asks the worker to stop; it does between two batches and then emits finished(Cancelled).
    void cancel();
    /// Holds the worker between two batches until resume() (or cancel()); the ETA leaves the pause out.
    void pause();
    void resume();

signals:
    void started();
    void progressChanged(int percent);
    /// Estimated seconds left, from the time per batch so far (pauses excluded); sent with each percent.
    void etaChanged(double seconds);
    void pausedChanged(bool paused);
    void epochFinished(const prunelab::workbench::EpochStats& stats);
    void roundFinished(const prunelab::workbench::RoundStats& stats);
    void logMessage(const QString& line);
    void finished(const prunelab::workbench::RunSummary& summary);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace prunelab::workbench
