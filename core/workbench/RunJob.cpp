#include "core/workbench/RunJob.h"

#include "core/engine/runtime/Device.h"
#include "core/workbench/RunContext.h"
#include "core/workbench/SavedRounds.h"
#include "core/workbench/ScheduleRun.h"
#include "core/workbench/SessionRecorder.h"
#include "core/workbench/SessionStore.h"

#include <torch/torch.h>

#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace prunelab::workbench {

namespace {

/// What start() runs on the worker thread, once the data and model are prepared.
struct Operation {
    run::SessionUse use = run::SessionUse::Record;
    std::function<RunSummary(run::Context&, const run::Worker&)> body;
    bool recordsFailure = true; ///< a failure is written into the session's state.json and metrics.jsonl
};

Operation newRun()
{
    return {run::SessionUse::Record,
            [](run::Context& c, const run::Worker& w) { return run::runSchedule(c, w, false); }};
}

/// Goes on after the session's last completed round: resume, and a run started from an earlier session's round.
Operation continuedRun()
{
    return {run::SessionUse::Continue,
            [](run::Context& c, const run::Worker& w) { return run::runSchedule(c, w, true); }};
}

} // namespace

struct RunJob::Private {
    Recipe recipe;
    std::shared_ptr<const datasets::ImageSet> dataset;
    std::shared_ptr<const datasets::ImageSet> testDataset;
    QThread* thread = nullptr;
    std::atomic<bool> cancel{false};
    int lastPercent = -1;
    QString sessionPath;
    Operation operation = newRun();
    // Pause: the worker waits on `wake` between batches while `paused` is set.
    std::atomic<bool> paused{false};
    std::mutex pauseMutex;
    std::condition_variable wake;

    /// Called by the worker between two batches: holds while paused; the milliseconds held.
    qint64 holdWhilePaused()
    {
        if (!paused)
            return 0;
        QElapsedTimer held;
        held.start();
        std::unique_lock<std::mutex> lock(pauseMutex);
        wake.wait(lock, [&] { return !paused || cancel.load(); });
        return held.elapsed();
    }
};

RunJob::RunJob(QObject* parent) : QObject(parent), d(std::make_unique<Private>())
{
    qRegisterMetaType<EpochStats>();
    qRegisterMetaType<RoundStats>();
    qRegisterMetaType<RunSummary>();
}

RunJob::~RunJob()
{
    if (d->thread != nullptr) {
        d->cancel = true;
        d->wake.notify_all();
        d->thread->wait();
        delete d->thread;
    }
}

void RunJob::setRecipe(const Recipe& recipe)
{
    d->recipe = recipe;
}

const Recipe& RunJob::recipe() const
{
    return d->recipe;
}

void RunJob::setDataset(std::shared_ptr<const datasets::ImageSet> dataset,
                        std::shared_ptr<const datasets::ImageSet> test)
{
    d->dataset = std::move(dataset);
    d->testDataset = std::move(test);
}

bool RunJob::isRunning() const
{
    return d->thread != nullptr;
}

void RunJob::cancel()
{
    d->cancel = true;
    d->wake.notify_all();
}

void RunJob::pause()
{
    if (d->paused.exchange(true))
        return;
    emit pausedChanged(true);
}

void RunJob::resume()
{
    {
        std::lock_guard<std::mutex> lock(d->pauseMutex);
        if (!d->paused.exchange(false))
            return;
    }
    d->wake.notify_all();
    emit pausedChanged(false);
}

bool RunJob::isPaused() const
{
    return d->paused;
}

void RunJob::setSession(const QString& sessionPath)
{
    d->sessionPath = sessionPath;
    d->operation = newRun();
    // The recipe goes in at once (without the data's fingerprint, which needs the data): a run killed while its
    // data loads leaves a session that resume can start again, not a folder that is not a session.
    if (!sessionPath.isEmpty() && !QFileInfo::exists(QDir(sessionPath).filePath(QStringLiteral("recipe.json"))))
        Session::open(sessionPath, false).writeJson(QStringLiteral("recipe.json"), d->recipe.toJson());
}

QString RunJob::setNewSession(const QString& sessionsRoot, const QString& name)
{
    const Session session = SessionStore(sessionsRoot).create(name.isEmpty() ? d->recipe.name : name);
    setSession(session.path());
    return session.path();
}

void RunJob::continueSession(const QString& sessionPath)
{
    const Session session = Session::open(sessionPath);
    try {
        d->recipe = Recipe::fromJson(session.recipeJson());
    } catch (const RecipeError& e) {
        throw SessionError(session.filePath(QStringLiteral("recipe.json")).toStdString() + ": " + e.what());
    }
    d->sessionPath = session.path();
    d->operation = continuedRun();
}

void RunJob::startFrom(const QString& sessionPath, const QString& sourcePath, int round)
{
    const Session source = Session::open(sourcePath);
    const Session target = Session::open(sessionPath, false);
    SessionRecorder(target).startFrom(source, round, d->recipe.toJson());
    d->sessionPath = target.path();
    d->operation = continuedRun();
}

void RunJob::validateSession(const QString& sessionPath, int round)
{
    continueSession(sessionPath);
    d->operation = {run::SessionUse::Read,
                    [round](run::Context& c, const run::Worker& w) { return run::validateRound(c, w, round); }, false};
}

void RunJob::exportTorchScript(const QString& sessionPath, int round, const QString& out, bool compact)
{
    continueSession(sessionPath);
    // An export that fails (a folder it cannot write) says so; the session it reads stays as it was.
    d->operation = {run::SessionUse::Read,
                    [round, out, compact](run::Context& c, const run::Worker& w) {
                        return run::exportRound(c, w, round, out, compact);
                    },
                    false};
}

QString RunJob::sessionPath() const
{
    return d->sessionPath;
}

void RunJob::start()
{
    if (isRunning()) {
        RunSummary refused;
        refused.outcome = RunSummary::Outcome::Failed;
        refused.message = tr("a run is already in progress");
        emit finished(refused);
        return;
    }
    d->cancel = false; // a pause() before start() holds the worker before its first batch
    d->lastPercent = -1;

    // Everything the worker needs is copied in; results come back only through queued invocations on `this`,
    // which Qt drops if the job is gone.
    const Recipe recipe = d->recipe;
    const std::shared_ptr<const datasets::ImageSet> given = d->dataset;
    const std::shared_ptr<const datasets::ImageSet> givenTest = d->testDataset;
    const Session session = d->sessionPath.isEmpty() ? Session() : Session::open(d->sessionPath, false);
    const Operation operation = d->operation;
    auto post = [this](auto fn) { QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection); };
    auto worker = std::make_shared<run::Worker>();
    worker->log = [post, this](const QString& line) { post([this, line] { emit logMessage(line); }); };
    worker->epoch = [post, this](const EpochStats& s) { post([this, s] { emit epochFinished(s); }); };
    worker->round = [post, this](const RoundStats& s) { post([this, s] { emit roundFinished(s); }); };
    worker->progress = [post, this](int percent, double eta) {
        post([this, percent, eta] {
            emit progressChanged(d->lastPercent = percent);
            emit etaChanged(eta);
        });
    };
    worker->holdWhilePaused = [p = d.get()] { return p->holdWhilePaused(); };
    worker->cancel = &d->cancel;
    // The worker's last word: the thread is reaped on the job's thread, then finished() is emitted.
    auto finishWith = [post, this](const RunSummary& summary) {
        post([this, summary] {
            if (d->thread != nullptr) {
                d->thread->wait();
                delete d->thread;
                d->thread = nullptr;
            }
            if (d->paused.exchange(false))
                emit pausedChanged(false);
            if (summary.outcome == RunSummary::Outcome::Completed && d->lastPercent != 100)
                emit progressChanged(d->lastPercent = 100);
            emit finished(summary);
        });
    };

    d->thread = QThread::create([=]() {
        worker->clock.start();
        RunSummary summary;
        QString device;
        try {
            const torch::Device chosen = engine::resolveDevice(recipe.device.toStdString());
            device = QString::fromStdString(engine::describeDevice(chosen));
            run::Context context = run::prepare(recipe, session, chosen, given, givenTest, operation.use, *worker);
            summary = operation.body(context, *worker);
        } catch (const std::exception& e) {
            summary.outcome = RunSummary::Outcome::Failed;
            summary.message = QString::fromLocal8Bit(e.what()).section(QLatin1Char('\n'), 0, 0);
            if (session.isValid() && session.exists(QStringLiteral("recipe.json")) && operation.recordsFailure) {
                summary.session = session.path();
                const int last = session.completedRound();
                if (last >= 0)
                    summary.message +=
                        tr("; the last good model is round %1 (%2)")
                            .arg(last)
                            .arg(session.filePath(Session::roundFolder(last) + QStringLiteral("/model.pt")));
                summary.device = device;
                summary.seconds = worker->seconds();
                SessionRecorder(session).recordFailure(summary);
            }
        }
        summary.device = device;
        summary.seconds = worker->seconds();
        finishWith(summary);
    });
    d->thread->setObjectName(QStringLiteral("RunJob worker"));
    d->thread->start();
    emit started();
}

} // namespace prunelab::workbench
