#include "core/workbench/RunJob.h"

#include "core/engine/AnnealedPruner.h"
#include "core/engine/DataSplit.h"
#include "core/engine/Device.h"
#include "core/engine/IntervalAdjointPruner.h"
#include "core/engine/MagnitudePruners.h"
#include "core/engine/ModelFactory.h"
#include "core/engine/NeuronNormPruner.h"
#include "core/engine/NeuronTaylorPruner.h"
#include "core/engine/PruningSchedule.h"
#include "core/engine/RandomPruner.h"
#include "core/engine/SnipPruner.h"
#include "core/workbench/RecipeData.h"

#include <ATen/CPUGeneratorImpl.h>
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

engine::ModelSpec modelSpec(const Recipe::Model& m)
{
    engine::ModelSpec spec;
    spec.arch = m.arch.toStdString();
    spec.hidden.assign(m.hidden.begin(), m.hidden.end());
    spec.layout = m.layout.toStdString();
    spec.width = m.width;
    spec.batchNorm = m.batchNorm;
    spec.init.kind = engine::weightInitFromName(m.init.toStdString());
    spec.init.uniformLow = m.initRange.value(0);
    spec.init.uniformHigh = m.initRange.value(1);
    return spec;
}

engine::TrainOptions trainOptions(const Recipe& r, const engine::TensorDataset& train)
{
    engine::TrainOptions o;
    o.epochs = r.train.epochs;
    o.batchSize = r.train.batchSize;
    o.optimizer = r.train.optimizer.toStdString();
    o.learningRate = r.train.lr;
    o.weightDecay = r.train.weightDecay;
    o.momentum = r.train.momentum;
    o.seed = r.seed;
    o.lrSchedule = r.train.lrSchedule.toStdString();
    o.stepEpochs = r.train.stepEpochs;
    o.stepGamma = r.train.stepGamma;
    o.earlyStoppingPatience = r.train.earlyStopping;
    o.restoreBest = r.train.restoreBest;
    if (r.train.classWeights) { // inverse frequency, normalised to mean 1
        const torch::Tensor counts = torch::bincount(train.labels, {}, train.classCount).to(torch::kDouble).clamp_min(1);
        const torch::Tensor w = counts.reciprocal() * (double(train.classCount) / counts.reciprocal().sum());
        o.classWeights.assign(w.data_ptr<double>(), w.data_ptr<double>() + w.numel());
    }
    return o;
}

engine::ScheduleOptions scheduleOptions(const Recipe& r)
{
    engine::ScheduleOptions o;
    o.schedule = r.prune.schedule.toStdString();
    o.sparsity = r.prune.sparsity;
    o.rounds = r.prune.rounds;
    o.rate = r.prune.rate;
    o.outputRate = r.prune.outputRate;
    const QList<double>& sweep = r.prune.method == QLatin1String("threshold") ? r.prune.thresholds : r.prune.sparsities;
    o.sweep.assign(sweep.begin(), sweep.end());
    o.rewind = r.prune.rewind.toStdString();
    o.control = r.prune.control.toStdString();
    o.fineTuneEpochs = r.prune.fineTuneEpochs;
    o.fineTuneLearningRate = r.prune.fineTuneLr;
    o.seed = r.seed;
    o.q = r.prune.q;
    return o;
}

/// Up to `count` training images drawn at random with the seed (the training split is ordered by class), and their
/// labels: the calibration set of the structured criteria.
std::pair<torch::Tensor, torch::Tensor> calibrationSet(const engine::TensorDataset& train, int64_t count, uint64_t seed)
{
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed ^ 0xca11b);
    const torch::Tensor order = torch::randperm(train.size(), generator, torch::kLong).narrow(0, 0, std::min(count, train.size()));
    return {train.images.index_select(0, order), train.labels.index_select(0, order)};
}

std::shared_ptr<const engine::Pruner> makePruner(const Recipe& r, const engine::TensorDataset& train,
                                                 const engine::Normalizer& normalize)
{
    const QString& m = r.prune.method;
    if (m == QLatin1String("global-magnitude"))
        return std::make_shared<engine::GlobalMagnitudePruner>();
    if (m == QLatin1String("layer-magnitude"))
        return std::make_shared<engine::LayerMagnitudePruner>();
    if (m == QLatin1String("threshold"))
        return std::make_shared<engine::ThresholdPruner>(r.prune.thresholds.value(0));
    if (m == QLatin1String("random"))
        return std::make_shared<engine::RandomPruner>(r.seed);
    if (m == QLatin1String("annealed"))
        return std::make_shared<engine::AnnealedPruner>(
            engine::AnnealOptions{r.prune.annealT0, r.prune.annealCoupling, r.prune.annealSweeps, r.seed});
    if (m == QLatin1String("snip")) { // connection sensitivity on one batch of training data
        const int64_t n = std::min<int64_t>(train.size(), std::max(r.train.batchSize, 256));
        return std::make_shared<engine::SnipPruner>(normalize(train.images.narrow(0, 0, n)), train.labels.narrow(0, 0, n));
    }
    if (m == QLatin1String("neuron-l1"))
        return std::make_shared<engine::NeuronNormPruner>(1);
    if (m == QLatin1String("neuron-taylor") || m == QLatin1String("interval-adjoint")) {
        const auto [images, labels] = calibrationSet(train, r.prune.calibrationImages, r.seed);
        if (m == QLatin1String("neuron-taylor"))
            return std::make_shared<engine::NeuronTaylorPruner>(normalize(images), labels);
        const engine::AdjointOutput y =
            r.prune.adjoint == QLatin1String("loss") ? engine::AdjointOutput::Loss : engine::AdjointOutput::Logits;
        return std::make_shared<engine::IntervalAdjointPruner>(normalize(images), labels, y);
    }
    throw std::invalid_argument("prune.method '" + m.toStdString() + "' is not available in this version");
}

/// Epochs the whole run trains, for the progress bar.
int plannedEpochs(const Recipe& r)
{
    const QString& s = r.prune.schedule;
    if (s == QLatin1String("none"))
        return r.train.epochs;
    if (s == QLatin1String("one-shot"))
        return r.train.epochs + r.prune.fineTuneEpochs;
    if (s == QLatin1String("iterative") || s == QLatin1String("geometric"))
        return r.train.epochs + r.prune.rounds * r.prune.fineTuneEpochs;
    if (s == QLatin1String("lottery"))
        return r.train.epochs * (r.prune.rounds + 1);
    const auto values = r.prune.method == QLatin1String("threshold") ? r.prune.thresholds.size() : r.prune.sparsities.size();
    return r.train.epochs + int(values) * r.prune.fineTuneEpochs;
}

int plannedRounds(const Recipe& r)
{
    const QString& s = r.prune.schedule;
    if (s == QLatin1String("none"))
        return 0;
    if (s == QLatin1String("one-shot"))
        return 1;
    if (s == QLatin1String("sweep"))
        return int(r.prune.method == QLatin1String("threshold") ? r.prune.thresholds.size() : r.prune.sparsities.size());
    return r.prune.rounds;
}

} // namespace

struct RunJob::Private {
    Recipe recipe;
    std::shared_ptr<const datasets::ImageSet> dataset;
    QThread* thread = nullptr;
    std::atomic<bool> cancel{false};
    int lastPercent = -1;
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

void RunJob::setDataset(std::shared_ptr<const datasets::ImageSet> dataset)
{
    d->dataset = std::move(dataset);
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
        RunSummary refused;
        refused.outcome = RunSummary::Outcome::Failed;
        refused.message = tr("a run is already in progress");
        emit finished(refused);
        return;
    }
    d->cancel = false;
    d->lastPercent = -1;

    // Everything the worker needs is copied in; results come back only through queued invocations on `this`,
    // which Qt drops if the job is gone.
    const Recipe recipe = d->recipe;
    const std::shared_ptr<const datasets::ImageSet> given = d->dataset;
    std::atomic<bool>* cancel = &d->cancel;
    auto post = [this](auto fn) { QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection); };
    auto log = [post, this](const QString& line) { post([this, line] { emit logMessage(line); }); };

    d->thread = QThread::create([=]() {
        QElapsedTimer clock;
        clock.start();
        RunSummary summary;
        try {
            const torch::Device device = engine::resolveDevice(recipe.device.toStdString());
            summary.device = QString::fromStdString(engine::describeDevice(device));

            RecipeData data;
            if (given) {
                data.train = given;
            } else {
                log(tr("loading %1…").arg(recipe.dataset.source));
                data = loadRecipeData(recipe);
            }
            const engine::TensorDataset all = wrap(*data.train);
            // Test images: the source's own when it has them, else a stratified share of the images.
            engine::TensorDataset test;
            engine::TensorDataset pool = all;
            if (data.test && recipe.dataset.testGiven) {
                test = wrap(*data.test);
            } else if (!recipe.dataset.testGiven && recipe.dataset.testFraction > 0.0) {
                engine::DataSplit carved = engine::splitStratified(all, recipe.dataset.testFraction, recipe.seed ^ 0x7e57);
                pool = carved.train;
                test = carved.validation;
            }
            const double valShare = recipe.dataset.validationFraction / (1.0 - (recipe.dataset.testGiven ? 0.0 : recipe.dataset.testFraction));
            const engine::DataSplit split = engine::splitStratified(pool, valShare, recipe.seed);
            log(tr("%1: training on %2 images, validating on %3, testing on %4; device %5")
                    .arg(data.train->sourceDescription)
                    .arg(split.train.size())
                    .arg(split.validation.size())
                    .arg(test.size())
                    .arg(summary.device));

            // ImageNet statistics for RGB (seed 000), the training images' own for grey, unless the recipe says.
            const bool imagenet = recipe.train.normalize == QLatin1String("imagenet") ||
                                  (recipe.train.normalize == QLatin1String("auto") && data.train->channels == 3);
            if (imagenet && data.train->channels != 3)
                throw std::invalid_argument("train.normalize imagenet needs RGB images");
            const engine::Normalizer normalizer = imagenet
                                                      ? engine::Normalizer({0.485, 0.456, 0.406}, {0.229, 0.224, 0.225})
                                                      : engine::Normalizer::fromData(split.train.images);

            const engine::ModelSpec spec = modelSpec(recipe.model);
            const int64_t c = data.train->channels, h = data.train->height, w = data.train->width;
            const int64_t classes = all.classCount;
            torch::manual_seed(recipe.seed);
            const engine::ClassifierPtr model = engine::buildModel(spec, c, h, w, classes);
            engine::Trainer trainer(model, normalizer, device);
            const engine::TrainOptions training = trainOptions(recipe, split.train);
            uint64_t reinitCount = 0;
            engine::PruningSchedule schedule(trainer, makePruner(recipe, split.train, normalizer), {c, h, w}, [&] {
                torch::manual_seed(recipe.seed + 1000 + ++reinitCount);
                return engine::buildModel(spec, c, h, w, classes);
            });

            const int64_t batchesPerEpoch = (split.train.size() + recipe.train.batchSize - 1) / recipe.train.batchSize;
            const int64_t totalBatches = std::max<int64_t>(1, batchesPerEpoch * plannedEpochs(recipe));
            const int rounds = plannedRounds(recipe);
            int64_t batchesDone = 0;
            int lastPostedPercent = -1;
            int globalEpoch = 0;
            int round = 0;

            engine::ScheduleCallbacks callbacks;
            callbacks.training.cancel = cancel;
            callbacks.training.onBatch = [&](const engine::BatchProgress&) {
                const int percent = int(std::min<int64_t>(99, 100 * ++batchesDone / totalBatches));
                if (percent != lastPostedPercent) { // one event per percent, not per batch
                    lastPostedPercent = percent;
                    post([this, percent] { emit progressChanged(d->lastPercent = percent); });
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
                post([this, s] { emit epochFinished(s); });
                return true;
            };
            callbacks.onRound = [&](const engine::RoundReport& r) {
                RoundStats s;
                s.round = r.round;
                s.rounds = rounds;
                s.method = recipe.prune.method;
                s.schedule = recipe.prune.schedule;
                s.targetSparsity = r.targetSparsity;
                s.sweepValue = r.sweepValue;
                s.sparsity = r.sparsity;
                for (const engine::LayerSparsity& layer : r.layers) {
                    s.weightsTotal += layer.total;
                    s.weightsKept += layer.kept;
                }
                if (r.layers.empty()) {
                    for (const auto& [name, weight] : engine::prunableParameters(*model))
                        s.weightsTotal += weight.numel();
                    s.weightsKept = s.weightsTotal;
                }
                s.accuracyBefore = r.round == 0 ? r.validation.accuracy : r.beforeFineTune.accuracy;
                s.validationAccuracy = r.validation.accuracy;
                s.validationLoss = r.validation.loss;
                s.hasTest = r.test.samples > 0;
                s.testAccuracy = r.test.accuracy;
                s.testLoss = r.test.loss;
                s.parameters = r.cost.parameters;
                s.nonzeroParameters = r.cost.nonzeroParameters;
                s.denseBytes = r.cost.denseBytes;
                s.sparseBytes = r.cost.sparseBytes;
                s.denseMacs = r.cost.denseMacs;
                s.remainingMacs = r.cost.remainingMacs;
                s.structured = r.compacted;
                s.compactParameters = r.compactCost.parameters;
                s.compactBytes = r.compactCost.denseBytes;
                s.compactMacs = r.compactCost.denseMacs;
                for (size_t l = 0; l < r.snapshots.size(); ++l) {
                    const engine::LayerSnapshot& snap = r.snapshots[l];
                    LayerStats layer;
                    layer.name = QString::fromStdString(snap.name);
                    layer.total = snap.total;
                    layer.kept = snap.total - std::llround(snap.sparsity * double(snap.total));
                    layer.sparsity = snap.sparsity;
                    layer.cka = l < r.cka.size() ? r.cka[l] : -1.0;
                    layer.histogram = QList<qint64>(snap.histogram.begin(), snap.histogram.end());
                    layer.histogramMin = snap.histogramMin;
                    layer.histogramMax = snap.histogramMax;
                    layer.maskImage = QList<float>(snap.maskImage.begin(), snap.maskImage.end());
                    layer.maskRows = int(snap.maskRows);
                    layer.maskCols = int(snap.maskCols);
                    if (l < r.units.total.size()) {
                        layer.units = r.units.total[l];
                        layer.unitsKept = r.units.alive[l];
                    }
                    s.layers.append(layer);
                }
                s.reportOnTest = r.test.samples > 0;
                for (const auto& row : r.report.confusion)
                    s.confusion.append(QList<qint64>(row.begin(), row.end()));
                for (const engine::ClassMetrics& m : r.report.perClass) {
                    s.precision.append(m.precision);
                    s.recall.append(m.recall);
                    s.f1.append(m.f1);
                    s.support.append(m.support);
                }
                s.macroF1 = r.report.macroF1;
                post([this, s] { emit roundFinished(s); });
                ++round;
                return true;
            };

            const engine::ScheduleOutcome outcome =
                schedule.run(split.train, split.validation, test, training, scheduleOptions(recipe), callbacks);
            summary.outcome = outcome.reason == engine::StopReason::Cancelled ? RunSummary::Outcome::Cancelled
                                                                               : RunSummary::Outcome::Completed;
            if (!outcome.rounds.empty()) {
                const engine::RoundReport& best = outcome.rounds[size_t(std::min<int>(outcome.bestRound, int(outcome.rounds.size()) - 1))];
                summary.bestRound = best.round;
                summary.finalValidationAccuracy = best.validation.accuracy;
                summary.finalTestAccuracy = best.test.samples > 0 ? best.test.accuracy : -1.0;
                summary.finalSparsity = best.sparsity;
            }
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
