#include "core/workbench/RunSettings.h"

#include "core/engine/pruning/PrunerFactory.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>

namespace prunelab::workbench::settings {

const QList<double>& sweepValues(const Recipe& r)
{
    if (engine::schedule(r.prune.schedule.toStdString()).kind == engine::ScheduleKind::Sensitivity)
        return r.prune.sparsities; // each layer is pruned by |w| to these sparsities, whatever the method
    return engine::method(r.prune.method.toStdString()).sweepsThresholds ? r.prune.thresholds : r.prune.sparsities;
}

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
    spec.depth = m.depth;
    spec.growth = m.growth;
    spec.blocks.assign(m.blocks.begin(), m.blocks.end());
    spec.compression = m.compression;
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
    o.augment.flip = r.dataset.augmentFlip;
    o.augment.rotateDegrees = r.dataset.augmentRotate;
    o.augment.brightness = r.dataset.augmentBrightness;
    if (r.train.classWeights || r.dataset.balance == QLatin1String("class-weights")) { // inverse frequency, mean 1
        const torch::Tensor counts =
            torch::bincount(train.labels, {}, train.classCount).to(torch::kDouble).clamp_min(1);
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
    const QList<double>& sweep = sweepValues(r);
    o.sweep.assign(sweep.begin(), sweep.end());
    o.rewind = r.prune.rewind.toStdString();
    o.control = r.prune.control.toStdString();
    o.fineTuneEpochs = r.prune.fineTuneEpochs;
    o.fineTuneLearningRate = r.prune.fineTuneLr;
    o.seed = r.seed;
    o.q = r.prune.q;
    o.roundTo = r.prune.roundTo;
    o.startEpoch = r.prune.startEpoch;
    o.endEpoch = r.prune.endEpoch;
    o.frequency = r.prune.frequency;
    o.initialSparsity = r.prune.initialSparsity;
    return o;
}

/// Up to `count` training images drawn at random with the seed (the training split is ordered by class), and their
/// labels: the calibration set of the structured criteria.
std::pair<torch::Tensor, torch::Tensor> calibrationSet(const engine::TensorDataset& train, int64_t count, uint64_t seed)
{
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed ^ 0xca11b);
    const torch::Tensor order =
        torch::randperm(train.size(), generator, torch::kLong).narrow(0, 0, std::min(count, train.size()));
    return {train.imagesAt(order), train.labels.index_select(0, order)};
}

std::shared_ptr<const engine::Pruner> makePruner(const Recipe& r, const engine::TensorDataset& train,
                                                 const engine::Normalizer& normalize)
{
    engine::PrunerSettings s;
    s.seed = r.seed;
    s.threshold = r.prune.thresholds.value(0);
    s.anneal = engine::AnnealOptions{r.prune.annealT0, r.prune.annealCoupling, r.prune.annealSweeps, r.seed};
    s.adjoint = r.prune.adjoint == QLatin1String("loss") ? engine::AdjointOutput::Loss : engine::AdjointOutput::Logits;
    s.parameters = r.prune.parameters;
    s.snipImages = std::max<int>(int(r.train.batchSize), 256);
    s.calibrationImages = r.prune.calibrationImages;
    s.inputShape = {train.images.size(1), train.images.size(2), train.images.size(3)};
    // The training rows are ordered by class: the first rows would be one class only.
    s.calibration = [&train, &normalize, seed = r.seed](int64_t count) {
        const auto [images, labels] = calibrationSet(train, count, seed);
        return std::pair{normalize(images), labels};
    };
    return engine::makePruner(engine::method(r.prune.method.toStdString()), s);
}

engine::SchedulePlanCount planCount(const Recipe& r, int layers)
{
    return engine::countPlan(engine::schedule(r.prune.schedule.toStdString()), r.train.epochs, r.prune.fineTuneEpochs,
                             r.prune.rounds, int(sweepValues(r).size()), layers, r.prune.startEpoch);
}

namespace {

/// Layer `l` of a round: its sparsity, CKA, histogram, mask image and (structured) units.
LayerStats layerStats(const engine::RoundReport& r, size_t l)
{
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
    layer.shape = QList<qint64>(snap.shape.begin(), snap.shape.end());
    layer.orderedMaskImage = QList<float>(snap.orderedMaskImage.begin(), snap.orderedMaskImage.end());
    layer.orderedRows = QList<qint32>(snap.orderedRows.begin(), snap.orderedRows.end());
    layer.orderedColumns = QList<qint32>(snap.orderedColumns.begin(), snap.orderedColumns.end());
    layer.inputChannels = int(snap.inputChannels);
    layer.inputHeight = int(snap.inputHeight);
    layer.inputWidth = int(snap.inputWidth);
    layer.inputKept = QList<float>(snap.inputKept.begin(), snap.inputKept.end());
    layer.neuronHeight = int(snap.neuronHeight);
    layer.neuronWidth = int(snap.neuronWidth);
    layer.neuronWeights = QList<qint8>(snap.neuronWeights.begin(), snap.neuronWeights.end());
    layer.neuronScales = QList<float>(snap.neuronScales.begin(), snap.neuronScales.end());
    if (l < r.units.total.size()) {
        layer.units = r.units.total[l];
        layer.unitsKept = r.units.alive[l];
    }
    return layer;
}

} // namespace

RoundStats roundStats(const engine::RoundReport& r, const Recipe& recipe, int rounds, engine::ClassifierImpl& model)
{

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
        for (const auto& [name, weight] : engine::prunableParameters(model))
            s.weightsTotal += weight.numel();
        s.weightsKept = s.weightsTotal;
    }
    s.accuracyBefore = r.round == 0 ? r.validation.accuracy : r.beforeFineTune.accuracy;
    s.validationAccuracy = r.validation.accuracy;
    s.validationLoss = r.validation.loss;
    if (!r.epochs.empty()) { // the epoch the model comes from: the last, or the first best one
        size_t e = r.epochs.size() - 1;
        if (recipe.train.restoreBest)
            for (size_t i = 0; i < r.epochs.size(); ++i)
                if (r.epochs[i].validation.accuracy > r.epochs[e].validation.accuracy ||
                    (r.epochs[i].validation.accuracy == r.epochs[e].validation.accuracy && i < e))
                    e = i;
        s.hasTrain = true;
        s.trainLoss = r.epochs[e].train.loss;
        s.trainAccuracy = r.epochs[e].train.accuracy;
    }
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
    s.latencyMs = r.latency.denseMs;
    s.prunedLatencyMs = r.latency.prunedMs;
    s.prunedLatencyPath = QString::fromStdString(r.latency.prunedPath);
    for (size_t l = 0; l < r.snapshots.size(); ++l)
        s.layers.append(layerStats(r, l));
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
    for (const engine::GradualStep& g : r.gradualSteps)
        s.gradualSteps.append({g.step, g.epoch, g.target, g.sparsity});
    s.sensitivityLayer = QString::fromStdString(r.layerName);
    return s;
}

} // namespace prunelab::workbench::settings
