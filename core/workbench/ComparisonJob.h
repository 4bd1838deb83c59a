#pragma once

#include "core/workbench/Comparison.h"
#include "core/workbench/RunTypes.h"

#include <QObject>

#include <optional>

namespace prunelab::workbench {

class RunJob;

/// Runs a Comparison's variants one after the other on a RunJob, as `prunelab-cli run` does for a recipe with a
/// compare list: each variant not completed yet is started in (or continued from) its own session folder, and
/// the overlaid results are written when the last one ends. The GUI drives it; the RunJob's own signals still
/// carry each variant's epochs and rounds to the charts.
class ComparisonJob : public QObject {
    Q_OBJECT
public:
    /// `job` stays owned by the caller and must outlive this object.
    explicit ComparisonJob(RunJob* job, QObject* parent = nullptr);
    /// A comparison still running (the window closed mid-run) is written as cancelled, so that it reads as
    /// resumable rather than as running.
    ~ComparisonJob() override;

    /// Starts the first variant that has not completed; throws SessionError when its folder cannot be made or
    /// read. A comparison whose variants all completed before writes its results and finishes at once.
    void start(const Comparison& comparison);
    /// Cancels the variant that runs; its session keeps its completed rounds and the comparison can be resumed.
    void cancel();
    bool isRunning() const { return running_; }
    /// The variant that runs (or ran last), an index into comparison()->entries().
    int variant() const { return index_; }
    /// The comparison started last (none before the first start()).
    const std::optional<Comparison>& comparison() const { return comparison_; }

signals:
    void variantStarted(int index, const QString& label, const QString& sessionPath);
    void variantFinished(int index, const QString& label, const prunelab::workbench::RunSummary& summary);
    /// `status` is "completed", "failed" (a variant failed; the others ran) or "cancelled"; the results are
    /// written. `message` says what went wrong when a variant's folder or the results could not be written.
    void finished(const QString& status, const QString& message);

private:
    void startNext();
    void onJobFinished(const RunSummary& summary);
    void variantEnded(const RunSummary& summary);
    void finish(const QString& status, const QString& message = {});

    RunJob* job_;
    std::optional<Comparison> comparison_;
    int index_ = -1;
    bool running_ = false;
    bool cancelled_ = false;
    bool failed_ = false;
};

} // namespace prunelab::workbench
