#include "core/workbench/RunJob.h"

#include "core/engine/PruningSchedule.h"
#include "core/engine/export/TorchScriptExport.h"
#include "core/engine/models/ModelFactory.h"
#include "core/engine/pruning/GeometricRetention.h"
#include "core/engine/runtime/Device.h"
#include "core/engine/structured/Compaction.h"
#include "core/workbench/ModelFiles.h"
#include "core/workbench/RecipeData.h"
#include "core/workbench/RunSettings.h"
#include "core/workbench/Session.h"
#include "core/workbench/SessionExporter.h"
#include "datasets/DatasetSummary.h"

#include <torch/torch.h>

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QThread>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace prunelab::workbench {

namespace {

/// SHA-256 over an image set's shape, pixels and labels: the session records it, resume and validate check it.
void addToHash(QCryptographicHash& hash, const datasets::ImageSet& set)
{
    const qint64 shape[4] = {set.count(), set.channels, set.height, set.width};
    hash.addData(QByteArrayView(reinterpret_cast<const char*>(shape), sizeof shape));
    hash.addData(QByteArrayView(reinterpret_cast<const char*>(set.pixels.data()), qsizetype(set.pixels.size())));
    hash.addData(QByteArrayView(reinterpret_cast<const char*>(set.labels.data()),
                                qsizetype(set.labels.size() * sizeof(int64_t))));
    hash.addData(set.classNames.join(QLatin1Char('\n')).toUtf8());
}

QString splitFingerprint(std::initializer_list<const engine::TensorDataset*> parts)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const engine::TensorDataset* part : parts) {
        const torch::Tensor images =
            part->images.defined() ? part->images.contiguous().cpu() : torch::empty({0}, torch::kUInt8);
        const torch::Tensor labels =
            part->labels.defined() ? part->labels.contiguous().cpu() : torch::empty({0}, torch::kLong);
        hash.addData(QByteArrayView(static_cast<const char*>(images.data_ptr()), qsizetype(images.nbytes())));
        hash.addData(QByteArrayView(static_cast<const char*>(labels.data_ptr()), qsizetype(labels.nbytes())));
    }
    return QString::fromLatin1(hash.result().toHex());
}

QByteArray trainCsv(const std::vector<engine::EpochReport>& epochs)
{
    QByteArray csv = "epoch,epochs,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,seconds\n";
    for (const engine::EpochReport& e : epochs)
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8\n")
                   .arg(e.epoch)
                   .arg(e.epochs)
                   .arg(e.train.loss, 0, 'g', 17)
                   .arg(e.train.accuracy, 0, 'g', 17)
                   .arg(e.validation.loss, 0, 'g', 17)
                   .arg(e.validation.accuracy, 0, 'g', 17)
                   .arg(e.learningRate, 0, 'g', 17)
                   .arg(e.seconds, 0, 'f', 3)
                   .toUtf8();
    return csv;
}

/// The values of a round a resumed schedule needs (its outcome lists the completed rounds first).
engine::RoundReport reportFromJson(const QJsonObject& o)
{
    engine::RoundReport r;
    r.round = o.value(QStringLiteral("round")).toInt();
    r.sparsity = o.value(QStringLiteral("sparsity")).toDouble();
    r.validation.accuracy = o.value(QStringLiteral("val_accuracy")).toDouble();
    r.validation.loss = o.value(QStringLiteral("val_loss")).toDouble();
    if (o.contains(QStringLiteral("test_accuracy"))) {
        r.test.accuracy = o.value(QStringLiteral("test_accuracy")).toDouble();
        r.test.loss = o.value(QStringLiteral("test_loss")).toDouble();
        r.test.samples = 1;
    }
    return r;
}

/// Reads a model or mask file of the session after checking it is the one the session recorded.
QByteArray readChecked(const Session& session, const QString& file, const QString& expectedSha)
{
    const QByteArray bytes = session.readFile(file);
    if (ModelFiles::fingerprint(bytes) != expectedSha)
        throw SessionError(
            session.filePath(file).toStdString() +
            " is not the file this session wrote (its SHA-256 differs from the one recorded): refusing to load it");
    return bytes;
}

} // namespace

struct RunJob::Private {
    enum class Mode { Run, Continue, Validate, ExportScript };
    Recipe recipe;
    std::shared_ptr<const datasets::ImageSet> dataset;
    std::shared_ptr<const datasets::ImageSet> testDataset;
    QThread* thread = nullptr;
    std::atomic<bool> cancel{false};
    int lastPercent = -1;
    QString sessionPath;
    Mode mode = Mode::Run;
    int validateRound = -1;
    QString exportPath; ///< ExportScript: where the TorchScript file goes
    bool exportCompact = false;
    // Pause: the worker waits on `wake` between batches while `paused` is set.
    std::atomic<bool> paused{false};
    std::mutex pauseMutex;
    std::condition_variable wake;
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
    d->mode = Private::Mode::Run;
    // The recipe goes in at once (without the data's fingerprint, which needs the data): a run killed while its
    // data loads leaves a session that resume can start again, not a folder that is not a session.
    if (!sessionPath.isEmpty() && !QFileInfo::exists(QDir(sessionPath).filePath(QStringLiteral("recipe.json"))))
        Session::open(sessionPath, false).writeJson(QStringLiteral("recipe.json"), d->recipe.toJson());
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
    d->mode = Private::Mode::Continue;
}

void RunJob::startFrom(const QString& sessionPath, const QString& sourcePath, int round)
{
    const Session source = Session::open(sourcePath);
    const Session target = Session::open(sessionPath, false);
    const int completed = source.completedRound();
    const int k = round >= 0 ? round : completed;
    const QList<int> saved = source.savedRounds();
    bool complete = k >= 0 && k <= completed;
    for (int n = 0; complete && n <= k; ++n)
        complete = saved.contains(n);
    if (!complete)
        throw SessionError("round " + std::to_string(k) + " is not a completed round of " +
                           source.path().toStdString() +
                           (completed >= 0 ? " (completed rounds: 0 to " + std::to_string(completed) + ")"
                                           : " (it has no completed round)"));
    if (target.exists(QStringLiteral("recipe.json")) || !target.savedRounds().isEmpty())
        throw SessionError(target.path().toStdString() + " is not a new session: refusing to write rounds into it");
    // The copies first, recipe.json last: until it exists the folder is not a session anything would resume.
    for (const QString& file : {QStringLiteral("dataset.json"), QStringLiteral("split.json")})
        if (source.exists(file))
            target.writeFile(file, source.readFile(file));
    for (int n = 0; n <= k; ++n) {
        const QString folder = Session::roundFolder(n) + QLatin1Char('/');
        for (const QString& file : QDir(source.filePath(folder)).entryList(QDir::Files, QDir::Name))
            target.writeFile(folder + file, source.readFile(folder + file));
    }
    target.writeFile(QStringLiteral("metrics.jsonl"), source.exists(QStringLiteral("metrics.jsonl"))
                                                          ? source.readFile(QStringLiteral("metrics.jsonl"))
                                                          : QByteArray());
    target.truncateMetricsAfterRound(k);
    const QJsonObject origin{{"session", source.path()}, {"round", k}, {"recipe", source.recipeJson()}};
    target.writeJson(QStringLiteral("origin.json"), origin);
    target.appendMetric({{"event", "started_from"}, {"session", source.path()}, {"round", k}});
    target.writeState({{"status", "running"}, {"completed_round", k}});
    QJsonObject stored = d->recipe.toJson();
    stored.insert(QStringLiteral("dataset_fingerprint"), source.datasetFingerprint());
    target.writeJson(QStringLiteral("recipe.json"), stored);
    d->sessionPath = target.path();
    d->mode = Private::Mode::Continue;
}

void RunJob::validateSession(const QString& sessionPath, int round)
{
    continueSession(sessionPath);
    d->mode = Private::Mode::Validate;
    d->validateRound = round;
}

void RunJob::exportTorchScript(const QString& sessionPath, int round, const QString& out, bool compact)
{
    continueSession(sessionPath);
    d->mode = Private::Mode::ExportScript;
    d->validateRound = round;
    d->exportPath = out;
    d->exportCompact = compact;
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
    const engine::ScheduleKind scheduleKind = engine::schedule(recipe.prune.schedule.toStdString()).kind;
    const std::shared_ptr<const datasets::ImageSet> given = d->dataset;
    const std::shared_ptr<const datasets::ImageSet> givenTest = d->testDataset;
    std::atomic<bool>* cancel = &d->cancel;
    const Session session = d->sessionPath.isEmpty() ? Session() : Session::open(d->sessionPath, false);
    const Private::Mode mode = d->mode;
    const int validateRound = d->validateRound;
    const QString exportPath = d->exportPath;
    const bool exportCompact = d->exportCompact;
    Private* const p = d.get();
    auto post = [this](auto fn) { QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection); };
    auto log = [post, this](const QString& line) { post([this, line] { emit logMessage(line); }); };
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
        QElapsedTimer clock;
        clock.start();
        RunSummary summary;
        try {
            const torch::Device device = engine::resolveDevice(recipe.device.toStdString());
            summary.device = QString::fromStdString(engine::describeDevice(device));

            RecipeData data;
            std::shared_ptr<const datasets::ImageSet> open = given;
            if (open && session.isValid() && mode != Private::Mode::Run) {
                // Continuing a session: the window's dataset serves only if it is the very data recorded.
                QCryptographicHash openHash(QCryptographicHash::Sha256);
                addToHash(openHash, *open);
                if (givenTest && recipe.dataset.testGiven) // as the fingerprint below
                    addToHash(openHash, *givenTest);
                if (QString::fromLatin1(openHash.result().toHex()) != session.datasetFingerprint()) {
                    log(tr("the dataset open in the window is not the one %1 was recorded with: loading %2")
                            .arg(session.path(), recipe.dataset.source));
                    open.reset();
                }
            }
            if (open) {
                data = recipeDataFrom(recipe, open, givenTest);
            } else {
                log(tr("loading %1…").arg(recipe.dataset.source));
                data = loadRecipeData(recipe, {}, cancel);
                for (const datasets::SkippedFile& skipped : data.summary.skipped)
                    log(tr("skipped %1: %2").arg(skipped.file, skipped.reason));
            }
            // Wrapped without a copy; the training, validation and test rows are gathered once.
            const engine::TensorDataset all = settings::wrap(*data.train);
            const auto rows = [&](const std::vector<qsizetype>& indices) {
                return engine::subset(
                    all, torch::tensor(std::vector<int64_t>(indices.begin(), indices.end()), torch::kLong));
            };
            struct {
                engine::TensorDataset train, validation;
            } split{rows(data.trainIndices), rows(data.split.validation)};
            const engine::TensorDataset test = data.test ? settings::wrap(*data.test) : rows(data.split.test);
            log(tr("%1: training on %2 images, validating on %3, testing on %4; device %5")
                    .arg(data.train->sourceDescription)
                    .arg(split.train.size())
                    .arg(split.validation.size())
                    .arg(test.size())
                    .arg(summary.device));
            if (split.train.size() == 0)
                throw std::runtime_error(recipe.dataset.source.toStdString() + ": no training images after the split");

            // The session records what the data was; a resumed or validated run must see the very same images.
            QCryptographicHash dataHash(QCryptographicHash::Sha256);
            addToHash(dataHash, *data.train);
            if (data.test && recipe.dataset.testGiven)
                addToHash(dataHash, *data.test);
            const QString fingerprint = QString::fromLatin1(dataHash.result().toHex());
            // A session killed before its data was loaded has a recipe but no fingerprint and no round: it starts
            // afresh, as a new run would.
            const bool fresh =
                mode == Private::Mode::Run || (mode == Private::Mode::Continue && session.isValid() &&
                                               session.datasetFingerprint().isEmpty() && session.completedRound() < 0);
            if (session.isValid() && fresh) {
                QJsonObject stored = recipe.toJson();
                stored.insert(QStringLiteral("dataset_fingerprint"), fingerprint);
                session.writeJson(QStringLiteral("recipe.json"), stored);
                session.writeJson(
                    QStringLiteral("dataset.json"),
                    QJsonObject{{"source", recipe.dataset.source},
                                {"description", data.train->sourceDescription},
                                {"classes", QJsonArray::fromStringList(data.train->classNames)},
                                {"image_size", QJsonArray{data.train->width, data.train->height}},
                                {"channels", data.train->channels},
                                {"images", data.train->count()},
                                {"test_images_given", data.test && recipe.dataset.testGiven ? data.test->count() : 0},
                                {"train", qint64(split.train.size())},
                                {"validation", qint64(split.validation.size())},
                                {"test", qint64(test.size())},
                                {"fingerprint", fingerprint},
                                {"split_fingerprint", splitFingerprint({&split.train, &split.validation, &test})}});
                // The exact split, reusable by another run with dataset.split.file.
                session.writeJson(QStringLiteral("split.json"), data.split.toJson());
                session.writeFile(QStringLiteral("metrics.jsonl"), {});
                session.writeState({{"status", "running"}, {"completed_round", -1}});
            } else if (session.isValid() && session.datasetFingerprint() != fingerprint) {
                throw SessionError("the data of " + recipe.dataset.source.toStdString() +
                                   " differs from the data this session was recorded with (dataset fingerprint "
                                   "changed): the rounds cannot be continued or reproduced on it");
            }

            // ImageNet statistics for RGB (the MRI threshold sweep), the training images' own for grey, unless the
            // recipe says.
            const bool imagenet = recipe.train.normalize == QLatin1String("imagenet") ||
                                  (recipe.train.normalize == QLatin1String("auto") && data.train->channels == 3);
            if (imagenet && data.train->channels != 3)
                throw std::invalid_argument("train.normalize imagenet needs RGB images");
            const engine::Normalizer normalizer = imagenet
                                                      ? engine::Normalizer({0.485, 0.456, 0.406}, {0.229, 0.224, 0.225})
                                                      : engine::Normalizer::fromData(split.train.images);

            const engine::ModelSpec spec = settings::modelSpec(recipe.model);
            const int64_t c = data.train->channels, h = data.train->height, w = data.train->width;
            const int64_t classes = all.classCount;
            torch::manual_seed(recipe.seed);
            const engine::ClassifierPtr model = engine::buildModel(spec, c, h, w, classes);
            engine::Trainer trainer(model, normalizer, device);
            const engine::TrainOptions training = settings::trainOptions(recipe, split.train);
            uint64_t reinitCount = 0;
            engine::PruningSchedule schedule(trainer, settings::makePruner(recipe, split.train, normalizer), {c, h, w},
                                             [&] {
                                                 torch::manual_seed(recipe.seed + 1000 + ++reinitCount);
                                                 return engine::buildModel(spec, c, h, w, classes);
                                             });

            const int64_t batchesPerEpoch = (split.train.size() + recipe.train.batchSize - 1) / recipe.train.batchSize;
            const int prunableLayers = int(engine::prunableParameters(*model).size());
            const int64_t totalBatches =
                std::max<int64_t>(1, batchesPerEpoch * settings::planCount(recipe, prunableLayers).epochs);
            const int rounds = settings::planCount(recipe, prunableLayers).rounds;
            int64_t batchesDone = 0;
            int lastPostedPercent = -1;
            int globalEpoch = 0;
            int round = 0;
            int lastCompleted = -1;

            // Reads a saved model of the session into `model` after checking its recorded fingerprint.
            const auto loadSaved = [&](const QString& file, const QJsonObject& record, const QString& shaKey) {
                const QByteArray bytes = readChecked(session, file, record.value(shaKey).toString());
                ModelFiles::loadStateDict(*model, bytes, session.filePath(file));
            };

            if (mode == Private::Mode::Validate || mode == Private::Mode::ExportScript) {
                const int k = validateRound >= 0 ? validateRound : session.completedRound();
                const QList<int> saved = session.savedRounds();
                if (k < 0 || !saved.contains(k)) {
                    QStringList have;
                    for (int n : saved)
                        have << QString::number(n);
                    throw SessionError(
                        "round " + std::to_string(k) + " has no saved model in " + session.path().toStdString() +
                        " (saved rounds: " +
                        (have.isEmpty() ? std::string("none") : have.join(QStringLiteral(", ")).toStdString()) + ")");
                }
                const QString folder = Session::roundFolder(k);
                const QJsonObject recorded = session.readJson(folder + QStringLiteral("/validation.json"));
                loadSaved(folder + QStringLiteral("/model.pt"), recorded, QStringLiteral("model_sha256"));
                if (mode == Private::Mode::ExportScript) {
                    // The saved weights hold the masks as zeros: the compact form finds the removed units from them.
                    std::vector<std::string> names;
                    for (const QString& n : data.train->classNames)
                        names.push_back(n.toStdString());
                    engine::exportTorchScript(*model, normalizer, names, {c, h, w}, exportPath.toStdString(),
                                              exportCompact);
                    summary.outcome = RunSummary::Outcome::Completed;
                    summary.bestRound = k;
                    summary.session = session.path();
                    summary.message = QStringLiteral("wrote %1 (%2, round %3)")
                                          .arg(exportPath, exportCompact ? QStringLiteral("compact-torchscript")
                                                                         : QStringLiteral("torchscript"))
                                          .arg(k);
                    summary.seconds = double(clock.elapsed()) / 1000.0;
                    finishWith(summary);
                    return;
                }
                const engine::Evaluation validation = trainer.evaluate(split.validation);
                const bool onTest = test.size() > 0;
                const double reproduced = onTest ? trainer.evaluate(test).accuracy : validation.accuracy;
                const double wanted =
                    recorded.value(onTest ? QStringLiteral("test_accuracy") : QStringLiteral("val_accuracy"))
                        .toDouble(-1.0);
                summary.bestRound = k;
                summary.finalValidationAccuracy = validation.accuracy;
                summary.finalTestAccuracy = onTest ? reproduced : -1.0;
                summary.finalSparsity = recorded.value(QStringLiteral("sparsity")).toDouble();
                summary.session = session.path();
                const bool same = reproduced == wanted &&
                                  validation.accuracy == recorded.value(QStringLiteral("val_accuracy")).toDouble(-1.0);
                summary.outcome = same ? RunSummary::Outcome::Completed : RunSummary::Outcome::Failed;
                summary.message = QStringLiteral("round %1: %2 accuracy recorded %3, reproduced %4 (%5)")
                                      .arg(k)
                                      .arg(onTest ? QStringLiteral("test") : QStringLiteral("validation"))
                                      .arg(wanted, 0, 'g', 17)
                                      .arg(reproduced, 0, 'g', 17)
                                      .arg(same ? QStringLiteral("identical") : QStringLiteral("DIFFERENT"));
                summary.seconds = double(clock.elapsed()) / 1000.0;
                finishWith(summary);
                return;
            }

            // A continued session: the model, masks and saved weights of the last completed round, so the next
            // rounds run exactly as they would have; the events after that round are dropped from metrics.jsonl.
            engine::ScheduleState resumeState;
            const bool resuming = mode == Private::Mode::Continue && session.completedRound() >= 0;
            if (mode == Private::Mode::Continue) {
                const int k = session.completedRound();
                if (k >= 0) {
                    const QString zero = Session::roundFolder(0) + QLatin1Char('/');
                    const QJsonObject dense = session.readJson(zero + QStringLiteral("validation.json"));
                    loadSaved(zero + QStringLiteral("initial.pt"), dense, QStringLiteral("initial_sha256"));
                    resumeState.initial = engine::copyWeights(*model);
                    if (dense.contains(QStringLiteral("rewind_sha256"))) {
                        loadSaved(zero + QStringLiteral("rewind.pt"), dense, QStringLiteral("rewind_sha256"));
                        resumeState.rewind = engine::copyWeights(*model);
                    }
                    loadSaved(zero + QStringLiteral("model.pt"), dense, QStringLiteral("model_sha256"));
                    resumeState.dense = engine::copyWeights(*model);
                    for (int n = 0; n <= k; ++n) {
                        const QJsonObject record =
                            session.readJson(Session::roundFolder(n) + QStringLiteral("/validation.json"));
                        resumeState.rounds.push_back(reportFromJson(record));
                        if (n > 0 && resumeState.rounds.back().validation.accuracy > resumeState.bestAccuracy) {
                            resumeState.bestAccuracy = resumeState.rounds.back().validation.accuracy;
                            resumeState.bestRound = n;
                        }
                    }
                    const auto loadMasks = [&](int n) {
                        const QString folder = Session::roundFolder(n);
                        const QJsonObject record = session.readJson(folder + QStringLiteral("/validation.json"));
                        return ModelFiles::loadMasks(
                            readChecked(session, folder + QStringLiteral("/masks.pt"),
                                        record.value(QStringLiteral("masks_sha256")).toString()),
                            session.filePath(folder + QStringLiteral("/masks.pt")), *model, device);
                    };
                    if (scheduleKind == engine::ScheduleKind::Sweep && resumeState.bestRound > 0) {
                        const QString folder = Session::roundFolder(resumeState.bestRound);
                        loadSaved(folder + QStringLiteral("/model.pt"),
                                  session.readJson(folder + QStringLiteral("/validation.json")),
                                  QStringLiteral("model_sha256"));
                        resumeState.best = engine::copyWeights(*model);
                        resumeState.bestMasks = loadMasks(resumeState.bestRound);
                    }
                    if (k > 0)
                        resumeState.masks = loadMasks(k);
                    const QString last = Session::roundFolder(k);
                    loadSaved(last + QStringLiteral("/model.pt"),
                              session.readJson(last + QStringLiteral("/validation.json")),
                              QStringLiteral("model_sha256"));
                    resumeState.completedRound = k;
                    reinitCount = uint64_t(k); // the random-reinit control draws one fresh model per round
                    session.truncateMetricsAfterRound(k);
                    for (const QJsonObject& event : session.metrics())
                        if (event.value(QStringLiteral("event")).toString() == QLatin1String("epoch"))
                            ++globalEpoch;
                    round = k + 1;
                    lastCompleted = k;
                    batchesDone = std::min<int64_t>(totalBatches, int64_t(globalEpoch) * batchesPerEpoch);
                } else {
                    session.writeFile(QStringLiteral("metrics.jsonl"), {});
                }
                session.appendMetric({{"event", "resumed"}, {"after_round", k}});
                log(k >= 0 ? tr("resuming %1 after round %2").arg(session.path()).arg(k)
                           : tr("restarting %1: no round was completed").arg(session.path()));
            }
            const auto writeState = [&](const QString& status, const QString& message) {
                QJsonObject state{{"status", status}, {"completed_round", lastCompleted}, {"rounds", rounds}};
                if (!message.isEmpty())
                    state.insert(QStringLiteral("message"), message);
                if (lastCompleted >= 0) {
                    const QJsonObject last =
                        session.readJson(Session::roundFolder(lastCompleted) + QStringLiteral("/validation.json"));
                    for (const char* key : {"val_accuracy", "test_accuracy", "sparsity"})
                        if (last.contains(QLatin1String(key)))
                            state.insert(QLatin1String(key), last.value(QLatin1String(key)));
                }
                session.writeState(state);
            };
            if (session.isValid())
                writeState(QStringLiteral("running"), {});
            // The interval-adjoint workflow's retain.txt and its two plots: the geometric schedule's table, known
            // before anything trains (the same table the schedule prunes by), written again unchanged by a resumed run.
            if (session.isValid() && scheduleKind == engine::ScheduleKind::Geometric) {
                const std::string table = engine::GeometricRetention::toText(engine::GeometricRetention::table(
                    engine::hiddenWidths(*model), recipe.prune.q, recipe.prune.rounds));
                session.writeFile(SessionExporter::retentionFile(), QByteArray::fromStdString(table));
                SvgChart::writePlots(session.filePath(QStringLiteral("results/plots")),
                                     SessionExporter(session).retentionPlots());
            }

            const int64_t batchesAtStart = batchesDone;
            qint64 pausedMs = 0;
            QElapsedTimer active;
            active.start();

            engine::ScheduleCallbacks callbacks;
            callbacks.training.cancel = cancel;
            callbacks.training.onBatch = [&](const engine::BatchProgress&) {
                if (p->paused) { // hold here, between two batches, until resume() or cancel()
                    QElapsedTimer held;
                    held.start();
                    std::unique_lock<std::mutex> lock(p->pauseMutex);
                    p->wake.wait(lock, [&] { return !p->paused || cancel->load(); });
                    pausedMs += held.elapsed();
                }
                const int percent = int(std::min<int64_t>(99, 100 * ++batchesDone / totalBatches));
                if (percent != lastPostedPercent) { // one event per percent, not per batch
                    lastPostedPercent = percent;
                    const double perBatch = double(active.elapsed() - pausedMs) / 1000.0 /
                                            double(std::max<int64_t>(1, batchesDone - batchesAtStart));
                    const double eta = perBatch * double(std::max<int64_t>(0, totalBatches - batchesDone));
                    post([this, percent, eta] {
                        emit progressChanged(d->lastPercent = percent);
                        emit etaChanged(eta);
                    });
                }
                return true;
            };
            callbacks.training.onEpoch = [&](const engine::EpochReport& r) {
                EpochStats s;
                s.phase = round == 0 ? EpochStats::Phase::Train : EpochStats::Phase::FineTune;
                s.epoch = r.epoch;
                s.epochs = r.epochs;
                s.globalEpoch = ++globalEpoch;
                s.round = round;
                s.trainLoss = r.train.loss;
                s.trainAccuracy = r.train.accuracy;
                s.validationLoss = r.validation.loss;
                s.validationAccuracy = r.validation.accuracy;
                s.seconds = r.seconds;
                if (session.isValid())
                    session.appendMetric(toJson(s));
                post([this, s] { emit epochFinished(s); });
                return true;
            };
            const auto roundStats = [&](const engine::RoundReport& r) {
                return settings::roundStats(r, recipe, rounds, *model);
            };
            // Every file of the round, model first and validation.json (with the files' fingerprints) last.
            callbacks.onCheckpoint = [&](const engine::RoundReport& r, const engine::ScheduleState& state) {
                if (!session.isValid())
                    return true;
                const QString folder = Session::roundFolder(r.round) + QLatin1Char('/');
                QJsonObject record = toJson(roundStats(r));
                record.remove(QStringLiteral("event"));
                // Wall-clock latency differs between two runs of the same recipe: the round's event keeps it, its
                // validation.json keeps what a resumed or repeated run reproduces exactly.
                for (const char* key : {"latency_ms", "pruned_latency_ms", "pruned_latency_path"})
                    record.remove(QLatin1String(key));
                const auto saveWeights = [&](const QString& file, const engine::WeightCopy* weights) {
                    QByteArray bytes;
                    if (weights != nullptr) { // weights other than the model's own: lend them the model's names
                        const engine::WeightCopy now = engine::copyWeights(*model);
                        engine::loadWeights(*model, *weights);
                        bytes = ModelFiles::stateDict(*model);
                        engine::loadWeights(*model, now);
                    } else {
                        bytes = ModelFiles::stateDict(*model);
                    }
                    session.writeFile(folder + file, bytes);
                    return ModelFiles::fingerprint(bytes);
                };
                if (r.round == 0) {
                    record.insert(QStringLiteral("initial_sha256"),
                                  saveWeights(QStringLiteral("initial.pt"), &state.initial));
                    if (!state.rewind.empty())
                        record.insert(QStringLiteral("rewind_sha256"),
                                      saveWeights(QStringLiteral("rewind.pt"), &state.rewind));
                }
                record.insert(QStringLiteral("model_sha256"), saveWeights(QStringLiteral("model.pt"), nullptr));
                if (r.round > 0) {
                    const QByteArray masks = ModelFiles::masks(state.masks);
                    session.writeFile(folder + QStringLiteral("masks.pt"), masks);
                    record.insert(QStringLiteral("masks_sha256"), ModelFiles::fingerprint(masks));
                }
                session.writeFile(folder + QStringLiteral("train.csv"), trainCsv(r.epochs));
                session.writeJson(folder + QStringLiteral("validation.json"), record);
                return true;
            };
            // The round's event goes to metrics.jsonl, then state.json marks it completed, then it is shown.
            callbacks.onRound = [&](const engine::RoundReport& r) {
                const RoundStats s = roundStats(r);
                lastCompleted = r.round;
                if (session.isValid()) {
                    session.appendMetric(toJson(s));
                    writeState(QStringLiteral("running"), {});
                }
                post([this, s] { emit roundFinished(s); });
                ++round;
                return true;
            };

            const engine::ScheduleOutcome outcome =
                schedule.run(split.train, split.validation, test, training, settings::scheduleOptions(recipe),
                             callbacks, resuming ? &resumeState : nullptr);
            summary.outcome = outcome.reason == engine::StopReason::Cancelled ? RunSummary::Outcome::Cancelled
                                                                              : RunSummary::Outcome::Completed;
            if (!outcome.rounds.empty()) {
                // A cancelled run reports its last completed round (a sweep: the best one so far).
                const bool lastCompletedRound =
                    summary.outcome == RunSummary::Outcome::Cancelled && scheduleKind != engine::ScheduleKind::Sweep;
                const engine::RoundReport& best =
                    lastCompletedRound
                        ? outcome.rounds.back()
                        : outcome.rounds[size_t(std::min<int>(outcome.bestRound, int(outcome.rounds.size()) - 1))];
                summary.bestRound = best.round;
                summary.finalValidationAccuracy = best.validation.accuracy;
                summary.finalTestAccuracy = best.test.samples > 0 ? best.test.accuracy : -1.0;
                summary.finalSparsity = best.sparsity;
            }
            if (session.isValid()) {
                summary.session = session.path();
                summary.seconds = double(clock.elapsed()) / 1000.0;
                writeState(summary.outcome == RunSummary::Outcome::Completed ? QStringLiteral("completed")
                                                                             : QStringLiteral("cancelled"),
                           {});
                session.appendMetric(toJson(summary));
                if (summary.outcome == RunSummary::Outcome::Completed && lastCompleted >= 0) {
                    // results/: every plotted series as CSV and the HTML report, as `export` writes them
                    const SessionExporter exporter(session);
                    exporter.write(QStringLiteral("csv"), session.filePath(QStringLiteral("results")), lastCompleted);
                    exporter.write(QStringLiteral("report"), session.filePath(QStringLiteral("results/report.html")),
                                   lastCompleted);
                    // the interval-adjoint workflow's concatenate.py: accuracy and loss across the rounds (the table is
                    // rounds.csv)
                    SvgChart::writePlots(session.filePath(QStringLiteral("results/plots")), exporter.iterationPlots());
                }
            }
        } catch (const std::exception& e) {
            summary.outcome = RunSummary::Outcome::Failed;
            summary.message = QString::fromLocal8Bit(e.what()).section(QLatin1Char('\n'), 0, 0);
            if (session.isValid() && session.exists(QStringLiteral("recipe.json")) && mode != Private::Mode::Validate) {
                summary.session = session.path();
                const int last = session.completedRound();
                if (last >= 0)
                    summary.message +=
                        tr("; the last good model is round %1 (%2)")
                            .arg(last)
                            .arg(session.filePath(Session::roundFolder(last) + QStringLiteral("/model.pt")));
                try { // record the failure too, if the disk lets us
                    QJsonObject state = session.state();
                    state.insert(QStringLiteral("status"), QStringLiteral("failed"));
                    state.insert(QStringLiteral("message"), summary.message);
                    session.writeState(state);
                    summary.seconds = double(clock.elapsed()) / 1000.0;
                    session.appendMetric(toJson(summary));
                } catch (const std::exception&) {
                }
            }
        }
        summary.seconds = double(clock.elapsed()) / 1000.0;
        finishWith(summary);
    });
    d->thread->setObjectName(QStringLiteral("RunJob worker"));
    d->thread->start();
    emit started();
}

} // namespace prunelab::workbench
