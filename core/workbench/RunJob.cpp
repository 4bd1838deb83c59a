#include "core/workbench/RunJob.h"

#include "core/engine/DataSplit.h"
#include "core/engine/Device.h"
#include "core/engine/MagnitudePruners.h"
#include "core/engine/Mlp.h"
#include "core/engine/Trainer.h"

#include <torch/torch.h>

#include <QElapsedTimer>
#include <QThread>

#include <atomic>

namespace prunelab::workbench {

namespace {

/// Wraps the ImageSet's buffers for LibTorch without copying; the ImageSet must outlive the tensors.
engine::TensorDataset wrap(const datasets::ImageSet& set)
{
    engine::TensorDataset data;
    data.images = torch::from_blob(const_cast<uint8_t*>(set.pixels.data()),
                                   {set.count(), set.channels, set.height, set.width}, torch::kUInt8);
    data.labels = torch::from_blob(const_cast<int64_t*>(set.labels.data()), {set.count()}, torch::kLong);
    data.classCount = set.classNames.size();
    return data;
}

EpochStats toStats(const engine::EpochReport& r, EpochStats::Phase phase, int globalEpoch)
{
    EpochStats s;
    s.phase = phase;
    s.epoch = r.epoch;
    s.epochs = r.epochs;
    s.globalEpoch = globalEpoch;
    s.trainLoss = r.train.loss;
    s.trainAccuracy = r.train.accuracy;
    s.validationLoss = r.validation.loss;
    s.validationAccuracy = r.validation.accuracy;
    s.seconds = r.seconds;
    return s;
}

} // namespace

struct RunJob::Private {
    RunConfig config;
    std::shared_ptr<const datasets::ImageSet> dataset;
    QThread* thread = nullptr;
    std::atomic<bool> cancel{false};
    int lastPercent = -1;
};

RunJob::RunJob(QObject* parent) : QObject(parent), d(std::make_unique<Private>())
{
    qRegisterMetaType<EpochStats>();
    qRegisterMetaType<PruneStats>();
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

void RunJob::setDataset(std::shared_ptr<const datasets::ImageSet> dataset)
{
    d->dataset = std::move(dataset);
}

void RunJob::setConfig(const RunConfig& config)
{
    d->config = config;
}

const RunConfig& RunJob::config() const
{
    return d->config;
}

bool RunJob::isRunning() const
{
    return d->thread != nullptr;
}

void RunJob::cancel()
{
    d->cancel = true;
}

void RunJob::start()
{
    if (isRunning()) {
        emit finished({RunSummary::Outcome::Failed, tr("a run is already in progress"), {}, 0, 0, 0});
        return;
    }
    if (!d->dataset || d->dataset->isEmpty()) {
        emit finished({RunSummary::Outcome::Failed, tr("no dataset loaded"), {}, 0, 0, 0});
        return;
    }
    d->cancel = false;
    d->lastPercent = -1;

    // Everything the worker needs is copied in; results come back only through queued invocations on `this`,
    // which Qt drops if the job is gone.
    const RunConfig config = d->config;
    const std::shared_ptr<const datasets::ImageSet> dataset = d->dataset;
    std::atomic<bool>* cancel = &d->cancel;
    auto post = [this](auto fn) { QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection); };

    d->thread = QThread::create([=]() {
        QElapsedTimer clock;
        clock.start();
        RunSummary summary;
        try {
            const torch::Device device = engine::resolveDevice(config.device.toStdString());
            summary.device = QString::fromStdString(engine::describeDevice(device));
            const engine::TensorDataset all = wrap(*dataset);
            const engine::DataSplit split = engine::splitStratified(all, config.validationFraction, config.seed);
            post([this, n = split.train.size(), v = split.validation.size(), dev = summary.device] {
                emit logMessage(tr("training on %1 images, validating on %2, device %3").arg(n).arg(v).arg(dev));
            });

            torch::manual_seed(config.seed);
            engine::MlpOptions mlpOptions;
            mlpOptions.inputSize = all.featureCount();
            for (int width : config.hidden)
                mlpOptions.hidden.push_back(width);
            mlpOptions.classCount = all.classCount;
            mlpOptions.init.kind = engine::weightInitFromName(config.init.toStdString());
            engine::Mlp mlp(mlpOptions);
            engine::Trainer trainer(mlp.ptr(), engine::Normalizer::fromData(split.train.images), device);

            engine::TrainOptions options;
            options.epochs = config.epochs;
            options.batchSize = config.batchSize;
            options.optimizer = config.optimizer.toStdString();
            options.learningRate = config.learningRate;
            options.weightDecay = config.weightDecay;
            options.seed = config.seed;

            const bool prunes = config.pruneSparsity > 0.0;
            const int fineTune = prunes ? config.fineTuneEpochs : 0;
            const int64_t batchesPerEpoch = (split.train.size() + config.batchSize - 1) / config.batchSize;
            const int64_t totalBatches = std::max<int64_t>(1, batchesPerEpoch * (config.epochs + fineTune));
            int64_t batchesDone = 0;
            int lastPostedPercent = -1;
            int globalEpoch = 0;
            EpochStats::Phase phase = EpochStats::Phase::Train;

            engine::TrainCallbacks callbacks;
            callbacks.cancel = cancel;
            callbacks.onBatch = [&](const engine::BatchProgress&) {
                const int percent = int(100 * ++batchesDone / totalBatches);
                if (percent != lastPostedPercent) { // one event per percent, not per batch
                    lastPostedPercent = percent;
                    post([this, percent] { emit progressChanged(d->lastPercent = percent); });
                }
                return true;
            };
            callbacks.onEpoch = [&](const engine::EpochReport& report) {
                const EpochStats stats = toStats(report, phase, ++globalEpoch);
                post([this, stats] { emit epochFinished(stats); });
                return true;
            };

            engine::TrainOutcome outcome = trainer.fit(split.train, split.validation, options, callbacks);
            double finalAccuracy = outcome.history.empty() ? 0.0 : outcome.history.back().validation.accuracy;
            if (outcome.reason == engine::StopReason::Completed && prunes) {
                const engine::Evaluation before = trainer.evaluate(split.validation);
                const engine::MaskSet masks = engine::GlobalMagnitudePruner().computeMasks(*mlp, {config.pruneSparsity}, nullptr);
                masks.applyTo(*mlp);
                const engine::Evaluation after = trainer.evaluate(split.validation);
                PruneStats stats;
                stats.method = QStringLiteral("global-magnitude");
                stats.targetSparsity = config.pruneSparsity;
                stats.sparsity = masks.sparsity();
                stats.weightsTotal = masks.totalCount();
                stats.weightsKept = masks.keptCount();
                stats.accuracyBefore = before.accuracy;
                stats.accuracyAfter = after.accuracy;
                post([this, stats] { emit pruned(stats); });
                summary.finalSparsity = stats.sparsity;
                finalAccuracy = after.accuracy;

                if (fineTune > 0) {
                    phase = EpochStats::Phase::FineTune;
                    options.epochs = fineTune;
                    options.seed = config.seed + 1;
                    outcome = trainer.fit(split.train, split.validation, options, callbacks, &masks);
                    if (!outcome.history.empty())
                        finalAccuracy = outcome.history.back().validation.accuracy;
                }
            }
            summary.outcome = outcome.reason == engine::StopReason::Cancelled ? RunSummary::Outcome::Cancelled
                                                                               : RunSummary::Outcome::Completed;
            summary.finalValidationAccuracy = finalAccuracy;
        } catch (const std::exception& e) {
            summary.outcome = RunSummary::Outcome::Failed;
            summary.message = QString::fromLocal8Bit(e.what()).section(QLatin1Char('\n'), 0, 0);
        }
        summary.seconds = double(clock.elapsed()) / 1000.0;
        post([this, summary] {
            if (d->thread != nullptr) {
                d->thread->wait();
                delete d->thread;
                d->thread = nullptr;
            }
            if (summary.outcome == RunSummary::Outcome::Completed && d->lastPercent != 100)
                emit progressChanged(d->lastPercent = 100);
            emit finished(summary);
        });
    });
    d->thread->setObjectName(QStringLiteral("RunJob worker"));
    d->thread->start();
    emit started();
}

} // namespace prunelab::workbench
