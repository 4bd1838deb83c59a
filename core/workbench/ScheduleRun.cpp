#include "core/workbench/ScheduleRun.h"

#include "core/engine/pruning/GeometricRetention.h"
#include "core/engine/structured/Compaction.h"
#include "core/workbench/MemoryPhases.h"
#include "core/workbench/RunSettings.h"
#include "core/workbench/SessionExporter.h"
#include "core/workbench/SessionRecorder.h"
#include "core/workbench/SvgChart.h"

#include <torch/torch.h>

namespace prunelab::workbench::run {

namespace {

/// Where the run stands, for the progress bar and the ETA: batches done of the whole run, pauses left out.
class Progress {
public:
    Progress(const Worker& worker, int64_t batchesPerEpoch, int64_t epochs)
        : worker_(worker), perEpoch_(batchesPerEpoch), total_(std::max<int64_t>(1, batchesPerEpoch * epochs))
    {}
    /// The clock of the ETA starts when training does.
    void start() { active_.start(); }
    /// A resumed run: `epochs` epochs were done before.
    void skipEpochs(int epochs) { done_ = atStart_ = std::min<int64_t>(total_, int64_t(epochs) * perEpoch_); }
    /// After each batch: one report per percent, not per batch.
    void batchDone()
    {
        pausedMs_ += worker_.holdWhilePaused();
        const int percent = int(std::min<int64_t>(99, 100 * ++done_ / total_));
        if (percent == lastPercent_)
            return;
        lastPercent_ = percent;
        const double perBatch =
            double(active_.elapsed() - pausedMs_) / 1000.0 / double(std::max<int64_t>(1, done_ - atStart_));
        worker_.progress(percent, perBatch * double(std::max<int64_t>(0, total_ - done_)));
    }

private:
    const Worker& worker_;
    int64_t perEpoch_, total_, done_ = 0, atStart_ = 0;
    int lastPercent_ = -1;
    qint64 pausedMs_ = 0;
    QElapsedTimer active_;
};

/// The geometric schedule's table (the interval-adjoint workflow's retain.txt) and its two plots, known before
/// anything trains (the same table the schedule prunes by), written again unchanged by a resumed run.
void writeRetention(const Context& c)
{
    const std::string table = engine::GeometricRetention::toText(
        engine::GeometricRetention::table(engine::hiddenWidths(*c.model), c.recipe.prune.q, c.recipe.prune.rounds));
    c.session.writeFile(SessionExporter::retentionFile(), QByteArray::fromStdString(table));
    SvgChart::writePlots(c.session.filePath(QStringLiteral("results/plots")),
                         SessionExporter(c.session).retentionPlots());
}

/// results/: every plotted series as CSV, the HTML report (as `export` writes them) and the rounds' plots (the
/// interval-adjoint workflow's concatenate.py: accuracy and loss across the rounds; the table is rounds.csv).
void writeResults(const Session& session, int lastCompleted, double maxDrop)
{
    const SessionExporter exporter(session);
    exporter.write(QStringLiteral("csv"), session.filePath(QStringLiteral("results")), lastCompleted);
    exporter.write(QStringLiteral("report"), session.filePath(QStringLiteral("results/report.html")), lastCompleted);
    SvgChart::writePlots(session.filePath(QStringLiteral("results/plots")), exporter.iterationPlots());
    // A sensitivity run: the per-layer sparsities that keep the accuracy within prune.max_drop, to copy.
    if (const SensitivityAnalysis sensitivity = exporter.sensitivityAnalysis(); !sensitivity.isEmpty())
        session.writeFile(SensitivityAnalysis::proposalFile(), sensitivity.proposalJson(maxDrop));
}

/// The summary of a finished schedule: its best round (a cancelled run: the last completed one, a sweep's best).
void summarise(RunSummary& summary, const engine::ScheduleOutcome& outcome, bool sweep)
{
    summary.outcome = outcome.reason == engine::StopReason::Cancelled ? RunSummary::Outcome::Cancelled
                                                                      : RunSummary::Outcome::Completed;
    if (outcome.rounds.empty())
        return;
    const bool lastCompletedRound = summary.outcome == RunSummary::Outcome::Cancelled && !sweep;
    const engine::RoundReport& best =
        lastCompletedRound ? outcome.rounds.back()
                           : outcome.rounds[size_t(std::min<int>(outcome.bestRound, int(outcome.rounds.size()) - 1))];
    summary.bestRound = best.round;
    summary.finalValidationAccuracy = best.validation.accuracy;
    summary.finalTestAccuracy = best.test.samples > 0 ? best.test.accuracy : -1.0;
    summary.finalSparsity = best.sparsity;
}

/// One schedule run: its counters, what it resumes from, and the callbacks that record and report each step.
class ScheduleRun {
public:
    ScheduleRun(Context& c, const Worker& worker)
        : c_(c), worker_(worker), recorder_(c.session),
          kind_(engine::schedule(c.recipe.prune.schedule.toStdString()).kind),
          restarts_(engine::schedule(c.recipe.prune.schedule.toStdString()).restartsEachRound),
          plan_(settings::planCount(c.recipe, int(engine::prunableParameters(*c.model).size()))),
          progress_(worker, (c.train.size() + c.recipe.train.batchSize - 1) / c.recipe.train.batchSize, plan_.epochs)
    {}

    RunSummary run(bool continuing)
    {
        const Recipe& recipe = c_.recipe;
        engine::PruningSchedule schedule(*c_.trainer, settings::makePruner(recipe, c_.train, c_.normalizer),
                                         {c_.channels, c_.height, c_.width}, [this] {
                                             torch::manual_seed(c_.recipe.seed + 1000 + ++reinitCount_);
                                             return c_.buildModel();
                                         });
        engine::ScheduleState resumeState;
        const bool resuming = continuing && resume(resumeState);
        if (c_.session.isValid())
            recorder_.writeState(QStringLiteral("running"), lastCompleted_, plan_.rounds);
        if (c_.session.isValid() && kind_ == engine::ScheduleKind::Geometric)
            writeRetention(c_);
        progress_.start();
        const engine::ScheduleOutcome outcome =
            schedule.run(c_.train, c_.validation, c_.test, settings::trainOptions(recipe, c_.train),
                         settings::scheduleOptions(recipe), callbacks(), resuming ? &resumeState : nullptr);
        return finish(outcome);
    }

private:
    /// A continued session: the model, masks and saved weights of the last completed round, so the next rounds run
    /// exactly as they would have; the events after that round are dropped from metrics.jsonl. False when the
    /// session has no completed round and starts again from nothing.
    bool resume(engine::ScheduleState& state)
    {
        const Session& session = c_.session;
        const int k = session.completedRound();
        if (k >= 0) {
            state = recorder_.loadResumeState(k, *c_.model, c_.device, restarts_);
            reinitCount_ = uint64_t(k); // the random-reinit control draws one fresh model per round
            session.truncateMetricsAfterRound(k);
            for (const QJsonObject& event : session.metrics())
                if (event.value(QStringLiteral("event")).toString() == QLatin1String("epoch"))
                    ++globalEpoch_;
            round_ = k + 1;
            lastCompleted_ = k;
            progress_.skipEpochs(globalEpoch_);
        } else {
            session.writeFile(QStringLiteral("metrics.jsonl"), {});
        }
        session.appendMetric({{"event", "resumed"}, {"after_round", k}});
        worker_.log(k >= 0 ? QObject::tr("resuming %1 after round %2").arg(session.path()).arg(k)
                           : QObject::tr("restarting %1: no round was completed").arg(session.path()));
        return k >= 0;
    }

    EpochStats epochStats(const engine::EpochReport& r)
    {
        EpochStats s;
        s.phase = round_ == 0 ? EpochStats::Phase::Train : EpochStats::Phase::FineTune;
        s.epoch = r.epoch;
        s.epochs = r.epochs;
        s.globalEpoch = ++globalEpoch_;
        s.round = round_;
        s.trainLoss = r.train.loss;
        s.trainAccuracy = r.train.accuracy;
        s.validationLoss = r.validation.loss;
        s.validationAccuracy = r.validation.accuracy;
        s.seconds = r.seconds;
        return s;
    }

    /// Each epoch and round goes to the session first, then to the worker's reports.
    engine::ScheduleCallbacks callbacks()
    {
        const Session& session = c_.session;
        engine::ScheduleCallbacks callbacks;
        callbacks.training.cancel = worker_.cancel;
        callbacks.training.onBatch = [this](const engine::BatchProgress&) {
            progress_.batchDone();
            return true;
        };
        callbacks.training.onEpoch = [this, &session](const engine::EpochReport& r) {
            const EpochStats s = epochStats(r);
            if (session.isValid())
                session.appendMetric(toJson(s));
            worker_.epoch(s);
            return true;
        };
        // Every file of the round, model first and validation.json (with the files' fingerprints) last.
        callbacks.onCheckpoint = [this, &session](const engine::RoundReport& r, const engine::ScheduleState& state) {
            enterMemoryPhase(MemoryPhase::Save);
            if (session.isValid())
                recorder_.saveRound(r, state, settings::roundStats(r, c_.recipe, plan_.rounds, *c_.model), *c_.model);
            return true;
        };
        // The round's event goes to metrics.jsonl, then state.json marks it completed, then it is shown.
        callbacks.onRound = [this, &session](const engine::RoundReport& r) {
            const RoundStats s = settings::roundStats(r, c_.recipe, plan_.rounds, *c_.model);
            lastCompleted_ = r.round;
            if (session.isValid()) {
                session.appendMetric(toJson(s));
                recorder_.writeState(QStringLiteral("running"), lastCompleted_, plan_.rounds);
            }
            worker_.round(s);
            ++round_;
            enterMemoryPhase(MemoryPhase::Prune); // what comes after a round: the next one's pruning and fine-tuning
            return true;
        };
        return callbacks;
    }

    RunSummary finish(const engine::ScheduleOutcome& outcome)
    {
        enterMemoryPhase(MemoryPhase::Save);
        const Session& session = c_.session;
        RunSummary summary;
        summarise(summary, outcome, restarts_ || kind_ == engine::ScheduleKind::Sensitivity);
        if (session.isValid()) {
            summary.session = session.path();
            summary.seconds = worker_.seconds();
            const bool completed = summary.outcome == RunSummary::Outcome::Completed;
            recorder_.writeState(completed ? QStringLiteral("completed") : QStringLiteral("cancelled"), lastCompleted_,
                                 plan_.rounds);
            session.appendMetric(toJson(summary));
            if (completed && lastCompleted_ >= 0)
                writeResults(session, lastCompleted_, c_.recipe.prune.maxDrop);
            if (completed && kind_ == engine::ScheduleKind::Sensitivity)
                worker_.log(SessionExporter(session).sensitivityAnalysis().proposalText(c_.recipe.prune.maxDrop));
        }
        endMemoryPhases();
        return summary;
    }

    Context& c_;
    const Worker& worker_;
    const SessionRecorder recorder_;
    const engine::ScheduleKind kind_;
    const bool restarts_; ///< sweep, at-init: every round from the same weights, the best one kept
    const engine::SchedulePlanCount plan_;
    Progress progress_;
    uint64_t reinitCount_ = 0;
    int globalEpoch_ = 0;
    int round_ = 0;
    int lastCompleted_ = -1;
};

} // namespace

RunSummary runSchedule(Context& c, const Worker& worker, bool continuing)
{
    return ScheduleRun(c, worker).run(continuing);
}

} // namespace prunelab::workbench::run
