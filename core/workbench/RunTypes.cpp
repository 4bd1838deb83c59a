#include "core/workbench/RunTypes.h"

#include <QJsonArray>
#include <QJsonValue>

namespace prunelab::workbench {

namespace {
QString percent(double fraction)
{
    return QString::number(fraction * 100.0, 'f', 1) + QLatin1Char('%');
}
} // namespace

QString describe(const EpochStats& s)
{
    const QString phase =
        s.phase == EpochStats::Phase::Train ? QStringLiteral("epoch") : QStringLiteral("round %1 epoch").arg(s.round);
    return QStringLiteral("%1 %2/%3  train loss %4  train acc %5  val loss %6  val acc %7  (%8 s)")
        .arg(phase)
        .arg(s.epoch)
        .arg(s.epochs)
        .arg(s.trainLoss, 0, 'f', 4)
        .arg(percent(s.trainAccuracy))
        .arg(s.validationLoss, 0, 'f', 4)
        .arg(percent(s.validationAccuracy))
        .arg(s.seconds, 0, 'f', 2);
}

QString describe(const RoundStats& s)
{
    const QString test = s.hasTest ? QStringLiteral("  test acc %1").arg(percent(s.testAccuracy)) : QString();
    if (s.round == 0)
        return QStringLiteral("dense model: val acc %1%2  %3 parameters, %4 MMAC")
            .arg(percent(s.validationAccuracy), test)
            .arg(s.parameters)
            .arg(double(s.denseMacs) / 1e6, 0, 'f', 2);
    if (!s.sensitivityLayer.isEmpty())
        return QStringLiteral("round %1/%2 (sensitivity): %3 alone at sparsity %4  val acc %5%6")
            .arg(s.round)
            .arg(s.rounds)
            .arg(s.sensitivityLayer, percent(s.sweepValue), percent(s.validationAccuracy), test);
    QString neurons;
    if (s.structured) { // neurons per hidden layer, and what the compact model costs
        QStringList kept;
        for (qsizetype l = 0; l + 1 < s.layers.size(); ++l)
            kept.append(QString::number(s.layers[l].unitsKept));
        neurons = QStringLiteral("  neurons %1, compact %2 parameters")
                      .arg(kept.join(QLatin1Char('-')))
                      .arg(s.compactParameters);
    }
    return QStringLiteral("round %1/%2 (%3): sparsity %4 (%5 of %6 weights kept)  val acc %7 -> %8%9  %10 MMAC%11")
        .arg(s.round)
        .arg(s.rounds)
        .arg(s.method, percent(s.sparsity))
        .arg(s.weightsKept)
        .arg(s.weightsTotal)
        .arg(percent(s.accuracyBefore), percent(s.validationAccuracy), test)
        .arg(double(s.remainingMacs) / 1e6, 0, 'f', 2)
        .arg(neurons);
}

QString describe(const RunSummary& s)
{
    switch (s.outcome) {
    case RunSummary::Outcome::Completed:
        return QStringLiteral("done: val acc %1%2 at sparsity %3 (round %4) in %5 s on %6")
            .arg(percent(s.finalValidationAccuracy),
                 s.finalTestAccuracy >= 0 ? QStringLiteral(", test acc ") + percent(s.finalTestAccuracy) : QString(),
                 percent(s.finalSparsity))
            .arg(s.bestRound)
            .arg(s.seconds, 0, 'f', 1)
            .arg(s.device);
    case RunSummary::Outcome::Cancelled:
        return QStringLiteral("cancelled after %1 s").arg(s.seconds, 0, 'f', 1);
    case RunSummary::Outcome::Failed:
        return QStringLiteral("failed: %1").arg(s.message);
    }
    return {};
}

QJsonObject toJson(const EpochStats& s)
{
    return {{"event", "epoch"},
            {"phase", s.phase == EpochStats::Phase::Train ? "train" : "fine-tune"},
            {"epoch", s.epoch},
            {"epochs", s.epochs},
            {"global_epoch", s.globalEpoch},
            {"round", s.round},
            {"train_loss", s.trainLoss},
            {"train_accuracy", s.trainAccuracy},
            {"val_loss", s.validationLoss},
            {"val_accuracy", s.validationAccuracy},
            {"seconds", s.seconds}};
}

QJsonObject toJson(const RoundStats& s)
{
    QJsonObject o{{"event", "round"},
                  {"round", s.round},
                  {"rounds", s.rounds},
                  {"method", s.method},
                  {"schedule", s.schedule},
                  {"target_sparsity", s.targetSparsity},
                  {"sweep_value", s.sweepValue},
                  {"sparsity", s.sparsity},
                  {"weights_total", s.weightsTotal},
                  {"weights_kept", s.weightsKept},
                  {"val_accuracy_before_fine_tune", s.accuracyBefore},
                  {"val_accuracy", s.validationAccuracy},
                  {"val_loss", s.validationLoss},
                  {"parameters", s.parameters},
                  {"nonzero_parameters", s.nonzeroParameters},
                  {"dense_bytes", s.denseBytes},
                  {"sparse_bytes", s.sparseBytes},
                  {"dense_macs", s.denseMacs},
                  {"remaining_macs", s.remainingMacs}};
    if (s.hasTrain) {
        o.insert(QStringLiteral("train_loss"), s.trainLoss);
        o.insert(QStringLiteral("train_accuracy"), s.trainAccuracy);
    }
    if (s.hasTest) {
        o.insert(QStringLiteral("test_accuracy"), s.testAccuracy);
        o.insert(QStringLiteral("test_loss"), s.testLoss);
    }
    if (!s.gradualSteps.isEmpty()) {
        QJsonArray steps;
        for (const GradualStepStats& g : s.gradualSteps)
            steps.append(
                QJsonObject{{"step", g.step}, {"epoch", g.epoch}, {"target", g.target}, {"sparsity", g.sparsity}});
        o.insert(QStringLiteral("gradual_steps"), steps);
    }
    if (!s.sensitivityLayer.isEmpty())
        o.insert(QStringLiteral("sensitivity_layer"), s.sensitivityLayer);
    if (s.latencyMs >= 0.0)
        o.insert(QStringLiteral("latency_ms"), s.latencyMs);
    if (s.prunedLatencyMs >= 0.0) {
        o.insert(QStringLiteral("pruned_latency_ms"), s.prunedLatencyMs);
        o.insert(QStringLiteral("pruned_latency_path"), s.prunedLatencyPath);
    }
    QJsonArray layers;
    for (const LayerStats& l : s.layers) {
        QJsonArray counts;
        for (qint64 n : l.histogram)
            counts.append(n);
        QJsonObject layer{
            {"name", l.name},
            {"total", l.total},
            {"kept", l.kept},
            {"sparsity", l.sparsity},
            {"units", l.units},
            {"units_kept", l.unitsKept},
            {"histogram", QJsonObject{{"min", l.histogramMin}, {"max", l.histogramMax}, {"counts", counts}}}};
        if (l.cka >= 0.0)
            layer.insert(QStringLiteral("cka"), l.cka);
        layers.append(layer);
    }
    o.insert(QStringLiteral("layers"), layers);
    if (s.structured)
        o.insert(QStringLiteral("compact"),
                 QJsonObject{{"parameters", s.compactParameters}, {"bytes", s.compactBytes}, {"macs", s.compactMacs}});
    QJsonArray confusion;
    for (const QList<qint64>& row : s.confusion) {
        QJsonArray r;
        for (qint64 n : row)
            r.append(n);
        confusion.append(r);
    }
    QJsonArray perClass;
    for (qsizetype c = 0; c < s.support.size(); ++c)
        perClass.append(QJsonObject{{"precision", s.precision.value(c)},
                                    {"recall", s.recall.value(c)},
                                    {"f1", s.f1.value(c)},
                                    {"support", s.support.value(c)}});
    o.insert(QStringLiteral("report"), QJsonObject{{"split", s.reportOnTest ? "test" : "validation"},
                                                   {"confusion", confusion},
                                                   {"per_class", perClass},
                                                   {"macro_f1", s.macroF1}});
    return o;
}

QJsonObject toJson(const RunSummary& s)
{
    const char* outcome = s.outcome == RunSummary::Outcome::Completed   ? "completed"
                          : s.outcome == RunSummary::Outcome::Cancelled ? "cancelled"
                                                                        : "failed";
    QJsonObject o{{"event", "done"},
                  {"outcome", outcome},
                  {"message", s.message},
                  {"device", s.device},
                  {"val_accuracy", s.finalValidationAccuracy},
                  {"test_accuracy", s.finalTestAccuracy},
                  {"sparsity", s.finalSparsity},
                  {"best_round", s.bestRound},
                  {"seconds", s.seconds}};
    if (!s.session.isEmpty())
        o.insert(QStringLiteral("session"), s.session);
    return o;
}

EpochStats epochStatsFromJson(const QJsonObject& o)
{
    EpochStats s;
    s.phase = o.value(QStringLiteral("phase")).toString() == QLatin1String("train") ? EpochStats::Phase::Train
                                                                                    : EpochStats::Phase::FineTune;
    s.epoch = o.value(QStringLiteral("epoch")).toInt();
    s.epochs = o.value(QStringLiteral("epochs")).toInt();
    s.globalEpoch = o.value(QStringLiteral("global_epoch")).toInt();
    s.round = o.value(QStringLiteral("round")).toInt();
    s.trainLoss = o.value(QStringLiteral("train_loss")).toDouble();
    s.trainAccuracy = o.value(QStringLiteral("train_accuracy")).toDouble();
    s.validationLoss = o.value(QStringLiteral("val_loss")).toDouble();
    s.validationAccuracy = o.value(QStringLiteral("val_accuracy")).toDouble();
    s.seconds = o.value(QStringLiteral("seconds")).toDouble();
    return s;
}

RoundStats roundStatsFromJson(const QJsonObject& o)
{
    const auto integer = [&](const char* key) { return qint64(o.value(QLatin1String(key)).toDouble()); };
    RoundStats s;
    s.round = o.value(QStringLiteral("round")).toInt();
    s.rounds = o.value(QStringLiteral("rounds")).toInt();
    s.method = o.value(QStringLiteral("method")).toString();
    s.schedule = o.value(QStringLiteral("schedule")).toString();
    s.targetSparsity = o.value(QStringLiteral("target_sparsity")).toDouble();
    s.sweepValue = o.value(QStringLiteral("sweep_value")).toDouble();
    s.sparsity = o.value(QStringLiteral("sparsity")).toDouble();
    s.weightsTotal = integer("weights_total");
    s.weightsKept = integer("weights_kept");
    s.accuracyBefore = o.value(QStringLiteral("val_accuracy_before_fine_tune")).toDouble();
    s.validationAccuracy = o.value(QStringLiteral("val_accuracy")).toDouble();
    s.validationLoss = o.value(QStringLiteral("val_loss")).toDouble();
    s.hasTrain = o.contains(QStringLiteral("train_accuracy"));
    s.trainLoss = o.value(QStringLiteral("train_loss")).toDouble();
    s.trainAccuracy = o.value(QStringLiteral("train_accuracy")).toDouble();
    s.hasTest = o.contains(QStringLiteral("test_accuracy"));
    s.testAccuracy = o.value(QStringLiteral("test_accuracy")).toDouble();
    s.testLoss = o.value(QStringLiteral("test_loss")).toDouble();
    s.parameters = integer("parameters");
    s.nonzeroParameters = integer("nonzero_parameters");
    s.denseBytes = integer("dense_bytes");
    s.sparseBytes = integer("sparse_bytes");
    s.denseMacs = integer("dense_macs");
    s.remainingMacs = integer("remaining_macs");
    s.latencyMs = o.value(QStringLiteral("latency_ms")).toDouble(-1.0);
    s.prunedLatencyMs = o.value(QStringLiteral("pruned_latency_ms")).toDouble(-1.0);
    s.prunedLatencyPath = o.value(QStringLiteral("pruned_latency_path")).toString();
    for (const QJsonValue& v : o.value(QStringLiteral("layers")).toArray()) {
        const QJsonObject l = v.toObject();
        LayerStats layer;
        layer.name = l.value(QStringLiteral("name")).toString();
        layer.total = qint64(l.value(QStringLiteral("total")).toDouble());
        layer.kept = qint64(l.value(QStringLiteral("kept")).toDouble());
        layer.sparsity = l.value(QStringLiteral("sparsity")).toDouble();
        layer.cka = l.value(QStringLiteral("cka")).toDouble(-1.0);
        layer.units = qint64(l.value(QStringLiteral("units")).toDouble());
        layer.unitsKept = qint64(l.value(QStringLiteral("units_kept")).toDouble());
        const QJsonObject h = l.value(QStringLiteral("histogram")).toObject();
        layer.histogramMin = h.value(QStringLiteral("min")).toDouble();
        layer.histogramMax = h.value(QStringLiteral("max")).toDouble();
        for (const QJsonValue& n : h.value(QStringLiteral("counts")).toArray())
            layer.histogram.append(qint64(n.toDouble()));
        s.layers.append(layer);
    }
    s.structured = o.contains(QStringLiteral("compact"));
    const QJsonObject compact = o.value(QStringLiteral("compact")).toObject();
    s.compactParameters = qint64(compact.value(QStringLiteral("parameters")).toDouble());
    s.compactBytes = qint64(compact.value(QStringLiteral("bytes")).toDouble());
    s.compactMacs = qint64(compact.value(QStringLiteral("macs")).toDouble());
    const QJsonObject report = o.value(QStringLiteral("report")).toObject();
    s.reportOnTest = report.value(QStringLiteral("split")).toString() == QLatin1String("test");
    for (const QJsonValue& row : report.value(QStringLiteral("confusion")).toArray()) {
        QList<qint64> counts;
        for (const QJsonValue& n : row.toArray())
            counts.append(qint64(n.toDouble()));
        s.confusion.append(counts);
    }
    for (const QJsonValue& v : report.value(QStringLiteral("per_class")).toArray()) {
        const QJsonObject m = v.toObject();
        s.precision.append(m.value(QStringLiteral("precision")).toDouble());
        s.recall.append(m.value(QStringLiteral("recall")).toDouble());
        s.f1.append(m.value(QStringLiteral("f1")).toDouble());
        s.support.append(qint64(m.value(QStringLiteral("support")).toDouble()));
    }
    s.macroF1 = report.value(QStringLiteral("macro_f1")).toDouble();
    for (const QJsonValue& v : o.value(QStringLiteral("gradual_steps")).toArray()) {
        const QJsonObject g = v.toObject();
        s.gradualSteps.append(
            {qint64(g.value(QStringLiteral("step")).toDouble()), g.value(QStringLiteral("epoch")).toDouble(),
             g.value(QStringLiteral("target")).toDouble(), g.value(QStringLiteral("sparsity")).toDouble()});
    }
    s.sensitivityLayer = o.value(QStringLiteral("sensitivity_layer")).toString();
    return s;
}

} // namespace prunelab::workbench
