#include "core/workbench/ComparisonJob.h"

#include "core/workbench/RunJob.h"

#include <QTimer>

namespace prunelab::workbench {

ComparisonJob::ComparisonJob(RunJob* job, QObject* parent) : QObject(parent), job_(job)
{
    connect(job_, &RunJob::finished, this, &ComparisonJob::onJobFinished);
}

ComparisonJob::~ComparisonJob()
{
    if (!running_)
        return;
    try {
        comparison_->writeResults(QStringLiteral("cancelled"));
    } catch (const SessionError&) {
        // nothing to tell anyone any more: the folder keeps "running", which resume reads the same way
    }
}

void ComparisonJob::start(const Comparison& comparison)
{
    if (running_ || job_->isRunning())
        throw SessionError("a run is already in progress");
    comparison_ = comparison;
    index_ = -1;
    cancelled_ = false;
    failed_ = false;
    running_ = true;
    try {
        startNext();
    } catch (...) {
        running_ = false;
        throw;
    }
}

void ComparisonJob::cancel()
{
    if (!running_)
        return;
    cancelled_ = true;
    if (job_->isRunning())
        job_->cancel();
    else
        finish(QStringLiteral("cancelled")); // between two variants
}

void ComparisonJob::startNext()
{
    const QList<Comparison::Entry>& entries = comparison_->entries();
    do
        ++index_;
    while (index_ < entries.size() && Comparison::isCompleted(entries[index_].path));
    if (index_ >= entries.size()) {
        finish(failed_ ? QStringLiteral("failed") : QStringLiteral("completed"));
        return;
    }
    const Comparison::Entry& e = entries[index_];
    Comparison::prepare(e, *job_);
    emit variantStarted(index_, e.label, e.path);
    // After every other receiver of the previous variant's finished() has run (they still see the job idle).
    QTimer::singleShot(0, this, [this] {
        if (running_ && !cancelled_)
            job_->start();
    });
}

void ComparisonJob::onJobFinished(const RunSummary& summary)
{
    if (!running_)
        return;
    // After every other receiver of the variant's finished() (the window's charts and status line), so that what
    // this says about the comparison comes last.
    QTimer::singleShot(0, this, [this, summary] { variantEnded(summary); });
}

void ComparisonJob::variantEnded(const RunSummary& summary)
{
    if (!running_ || index_ < 0 || index_ >= comparison_->entries().size())
        return; // cancelled between the variant's end and now: finish() has run
    emit variantFinished(index_, comparison_->entries()[index_].label, summary);
    if (cancelled_ || summary.outcome == RunSummary::Outcome::Cancelled) {
        finish(QStringLiteral("cancelled"));
        return;
    }
    failed_ = failed_ || summary.outcome == RunSummary::Outcome::Failed;
    try {
        startNext();
    } catch (const SessionError& e) {
        finish(QStringLiteral("failed"), QString::fromLocal8Bit(e.what()));
    }
}

void ComparisonJob::finish(const QString& status, const QString& message)
{
    running_ = false;
    try {
        comparison_->writeResults(status);
    } catch (const SessionError& e) {
        emit finished(QStringLiteral("failed"), QString::fromLocal8Bit(e.what()));
        return;
    }
    emit finished(status, message);
}

} // namespace prunelab::workbench
