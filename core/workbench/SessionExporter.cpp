#include "core/workbench/SessionExporter.h"

#include "core/workbench/SensitivityAnalysis.h"

#include "core/engine/pruning/MethodCatalogue.h"
#include "core/workbench/AccuracyKnee.h"
#include "core/workbench/SvgChart.h"

#include <quazip/quazip.h>
#include <quazip/quazipfile.h>
#include <quazip/quazipnewinfo.h>

#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointF>

#include <algorithm>
#include <cmath>

namespace prunelab::workbench {

namespace {

QString number(const QJsonValue& v, int decimals = 4)
{
    return v.isDouble() ? QString::number(v.toDouble(), 'f', decimals) : QString();
}

QString exact(const QJsonValue& v)
{
    return v.isDouble() ? QString::number(v.toDouble(), 'g', 17) : QString();
}

QString percent(double fraction)
{
    return QString::number(fraction * 100.0, 'f', 2) + QStringLiteral(" %");
}

QByteArray csvLine(const QStringList& cells)
{
    QStringList quoted;
    for (const QString& c : cells)
        quoted << (c.contains(QLatin1Char(',')) || c.contains(QLatin1Char('"'))
                       ? QLatin1Char('"') + QString(c).replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
                             QLatin1Char('"')
                       : c);
    return quoted.join(QLatin1Char(',')).toUtf8() + '\n';
}

} // namespace

SessionExporter::SessionExporter(Session session) : session_(std::move(session)) {}

QStringList SessionExporter::formats()
{
    return {QStringLiteral("state-dict"), QStringLiteral("masks"),  QStringLiteral("csv"),
            QStringLiteral("report"),     QStringLiteral("bundle"), QStringLiteral("plots")};
}

QStringList SessionExporter::unavailableFormats()
{
    return {}; // torchscript and compact-torchscript are written by RunJob::exportTorchScript (they need the data)
}

QList<QJsonObject> SessionExporter::roundRecords() const
{
    QList<QJsonObject> records;
    for (int k : session_.savedRounds())
        records.append(session_.readJson(Session::roundFolder(k) + QStringLiteral("/validation.json")));
    return records;
}

int SessionExporter::resolveRound(const QString& spec) const
{
    const QList<int> saved = session_.savedRounds();
    if (saved.isEmpty())
        throw SessionError(session_.path().toStdString() + " has no completed round to export");
    if (spec.isEmpty() || spec == QLatin1String("last"))
        return saved.last();
    if (spec == QLatin1String("best")) {
        const engine::ScheduleInfo* schedule = engine::findSchedule(session_.recipeJson()
                                                                        .value(QStringLiteral("prune"))
                                                                        .toObject()
                                                                        .value(QStringLiteral("schedule"))
                                                                        .toString()
                                                                        .toStdString());
        const bool sweep = schedule != nullptr && schedule->restartsEachRound; // sweep, at-init: the best round
        if (!sweep)
            return saved.last();
        int best = saved.last();
        double bestAccuracy = -1.0;
        for (const QJsonObject& r : roundRecords()) {
            const int k = r.value(QStringLiteral("round")).toInt();
            if (k > 0 && r.value(QStringLiteral("val_accuracy")).toDouble() > bestAccuracy) {
                bestAccuracy = r.value(QStringLiteral("val_accuracy")).toDouble();
                best = k;
            }
        }
        return best;
    }
    bool ok = false;
    const int k = spec.toInt(&ok);
    if (!ok || !saved.contains(k)) {
        QStringList have;
        for (int n : saved)
            have << QString::number(n);
        throw SessionError("--round must be best, last or one of the saved rounds (" +
                           have.join(QStringLiteral(", ")).toStdString() + "), got '" + spec.toStdString() + "'");
    }
    return k;
}

QStringList SessionExporter::copyModelFile(const QString& file, const QString& shaKey, const QString& out,
                                           int round) const
{
    const QString folder = Session::roundFolder(round);
    const QJsonObject record = session_.readJson(folder + QStringLiteral("/validation.json"));
    if (!record.contains(shaKey))
        throw SessionError("round " + std::to_string(round) + " of " + session_.path().toStdString() + " has no " +
                           file.toStdString() + (round == 0 ? " (round 0 is the dense model, nothing is pruned)" : ""));
    const QByteArray bytes = session_.readFile(folder + QLatin1Char('/') + file);
    const QString sha = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    if (sha != record.value(shaKey).toString())
        throw SessionError(session_.filePath(folder + QLatin1Char('/') + file).toStdString() +
                           " is not the file this session wrote (SHA-256 differs)");
    Session::writeFileAtomically(out, bytes);
    return {out};
}

namespace {

/// curves.csv: every epoch of every round.
QByteArray curvesCsv(const QList<QJsonObject>& metrics)
{
    QByteArray curves = csvLine({"global_epoch", "round", "phase", "epoch", "train_loss", "train_accuracy", "val_loss",
                                 "val_accuracy", "seconds"});
    for (const QJsonObject& e : metrics) {
        if (e.value(QStringLiteral("event")).toString() != QLatin1String("epoch"))
            continue;
        curves += csvLine(
            {QString::number(e.value(QStringLiteral("global_epoch")).toInt()),
             QString::number(e.value(QStringLiteral("round")).toInt()), e.value(QStringLiteral("phase")).toString(),
             QString::number(e.value(QStringLiteral("epoch")).toInt()), exact(e.value(QStringLiteral("train_loss"))),
             exact(e.value(QStringLiteral("train_accuracy"))), exact(e.value(QStringLiteral("val_loss"))),
             exact(e.value(QStringLiteral("val_accuracy"))), exact(e.value(QStringLiteral("seconds")))});
    }
    return curves;
}

/// One row of rounds.csv: the round's values, then the units kept of each of `unitLayers`.
QByteArray roundRow(const QJsonObject& r, const QStringList& unitLayers)
{
    const double total = r.value(QStringLiteral("weights_total")).toDouble();
    const QJsonObject compact = r.value(QStringLiteral("compact")).toObject();
    QStringList units;
    for (const QString& name : unitLayers) {
        QString kept;
        for (const QJsonValue& l : r.value(QStringLiteral("layers")).toArray())
            if (l.toObject().value(QStringLiteral("name")).toString() == name)
                kept = exact(l.toObject().value(QStringLiteral("units_kept")));
        units << kept;
    }
    return csvLine(
        QStringList{QString::number(r.value(QStringLiteral("round")).toInt()),
                    r.value(QStringLiteral("method")).toString(),
                    r.value(QStringLiteral("schedule")).toString(),
                    exact(r.value(QStringLiteral("target_sparsity"))),
                    exact(r.value(QStringLiteral("sweep_value"))),
                    exact(r.value(QStringLiteral("sparsity"))),
                    exact(r.value(QStringLiteral("weights_total"))),
                    exact(r.value(QStringLiteral("weights_kept"))),
                    total > 0 ? exact(r.value(QStringLiteral("weights_kept")).toDouble() / total) : QString(),
                    exact(r.value(QStringLiteral("val_accuracy_before_fine_tune"))),
                    exact(r.value(QStringLiteral("val_accuracy"))),
                    exact(r.value(QStringLiteral("val_loss"))),
                    exact(r.value(QStringLiteral("test_accuracy"))),
                    exact(r.value(QStringLiteral("test_loss"))),
                    exact(r.value(QStringLiteral("parameters"))),
                    exact(r.value(QStringLiteral("nonzero_parameters"))),
                    exact(r.value(QStringLiteral("dense_bytes"))),
                    exact(r.value(QStringLiteral("sparse_bytes"))),
                    exact(r.value(QStringLiteral("dense_macs"))),
                    exact(r.value(QStringLiteral("remaining_macs"))),
                    exact(r.value(QStringLiteral("train_loss"))),
                    exact(r.value(QStringLiteral("train_accuracy"))),
                    exact(compact.value(QStringLiteral("parameters"))),
                    exact(compact.value(QStringLiteral("bytes"))),
                    exact(compact.value(QStringLiteral("macs")))} +
        units);
}

/// The rows of layers.csv for one round.
QByteArray layerRows(const QJsonObject& r)
{
    QByteArray layers;
    for (const QJsonValue& l : r.value(QStringLiteral("layers")).toArray()) {
        const QJsonObject layer = l.toObject();
        layers += csvLine({QString::number(r.value(QStringLiteral("round")).toInt()),
                           layer.value(QStringLiteral("name")).toString(), exact(layer.value(QStringLiteral("total"))),
                           exact(layer.value(QStringLiteral("kept"))), exact(layer.value(QStringLiteral("sparsity"))),
                           exact(layer.value(QStringLiteral("cka"))), exact(layer.value(QStringLiteral("units"))),
                           exact(layer.value(QStringLiteral("units_kept")))});
    }
    return layers;
}

/// confusion.csv: the round's confusion matrix, true classes down, predicted across.
QByteArray confusionCsv(const QJsonObject& r)
{
    QByteArray confusion;
    const QJsonArray matrix = r.value(QStringLiteral("report")).toObject().value(QStringLiteral("confusion")).toArray();
    QStringList header{QStringLiteral("true\\predicted")};
    for (qsizetype c = 0; c < matrix.size(); ++c)
        header << QString::number(c);
    confusion += csvLine(header);
    for (qsizetype t = 0; t < matrix.size(); ++t) {
        QStringList row{QString::number(t)};
        for (const QJsonValue& n : matrix[t].toArray())
            row << exact(n);
        confusion += csvLine(row);
    }
    return confusion;
}

} // namespace

QList<std::pair<QString, QByteArray>> SessionExporter::csvFiles(int round) const
{
    // The units kept per layer, one column each, named after the layers of the first round.
    const QList<QJsonObject> records = roundRecords();
    QStringList unitLayers;
    if (!records.isEmpty())
        for (const QJsonValue& l : records.first().value(QStringLiteral("layers")).toArray())
            unitLayers << l.toObject().value(QStringLiteral("name")).toString();
    QStringList roundColumns{"round",
                             "method",
                             "schedule",
                             "target_sparsity",
                             "sweep_value",
                             "sparsity",
                             "weights_total",
                             "weights_kept",
                             "weights_remaining",
                             "val_accuracy_before_fine_tune",
                             "val_accuracy",
                             "val_loss",
                             "test_accuracy",
                             "test_loss",
                             "parameters",
                             "nonzero_parameters",
                             "dense_bytes",
                             "sparse_bytes",
                             "dense_macs",
                             "remaining_macs",
                             "train_loss",
                             "train_accuracy",
                             "compact_parameters",
                             "compact_bytes",
                             "compact_macs"};
    for (const QString& name : unitLayers)
        roundColumns << QStringLiteral("units_kept:") + name;
    QByteArray rounds = csvLine(roundColumns);
    QByteArray layers = csvLine({"round", "layer", "total", "kept", "sparsity", "cka", "units", "units_kept"});
    QByteArray confusion;
    for (const QJsonObject& r : records) {
        rounds += roundRow(r, unitLayers);
        layers += layerRows(r);
        if (r.value(QStringLiteral("round")).toInt() == round)
            confusion = confusionCsv(r);
    }
    QList<std::pair<QString, QByteArray>> files{{QStringLiteral("curves.csv"), curvesCsv(session_.metrics())},
                                                {QStringLiteral("rounds.csv"), rounds},
                                                {QStringLiteral("layers.csv"), layers},
                                                {QStringLiteral("confusion.csv"), confusion}};
    if (const SensitivityAnalysis sensitivity = sensitivityAnalysis(); !sensitivity.isEmpty())
        files.append({QStringLiteral("sensitivity.csv"), sensitivity.csv()}); // layer × sparsity → accuracy
    return files;
}

SensitivityAnalysis SessionExporter::sensitivityAnalysis() const
{
    QList<RoundStats> rounds;
    for (const QJsonObject& r : roundRecords())
        rounds.append(roundStatsFromJson(r));
    return SensitivityAnalysis::fromRounds(rounds);
}

QString SessionExporter::retentionFile()
{
    return QStringLiteral("results/retain.txt");
}

QList<SvgChart::Plot> SessionExporter::retentionPlots() const
{
    if (!session_.exists(retentionFile()))
        return {};
    const QString file = session_.filePath(retentionFile());
    const QStringList lines =
        QString::fromUtf8(session_.readFile(retentionFile())).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const QStringList header = lines.value(0).split(QLatin1Char('\t'));
    if (header.size() < 3 || header.first() != QLatin1String("t") || header.last() != QLatin1String("percent"))
        throw SessionError(file.toStdString() + ":1: expected the header t, one column per hidden layer, percent");
    const qsizetype layerCount = header.size() - 2;
    static const QStringList colors{QStringLiteral("#000000"), QStringLiteral("#ff7f0e"), QStringLiteral("#1f77b4"),
                                    QStringLiteral("#2ca02c"), QStringLiteral("#d62728"), QStringLiteral("#9467bd")};
    QList<SvgChart::Series> perIteration, distribution;
    for (qsizetype l = 0; l < layerCount; ++l) {
        perIteration << SvgChart::Series{QStringLiteral("hidden layer %1").arg(l + 1), colors[l % colors.size()], {}};
        if (l > 0)
            distribution << SvgChart::Series{
                QStringLiteral("hidden layer %1").arg(l + 1), colors[l % colors.size()], {}};
    }
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QStringList cells = lines[i].split(QLatin1Char('\t'));
        QList<double> values;
        bool ok = cells.size() == header.size();
        for (const QString& c : cells) {
            bool number = false;
            values << c.toDouble(&number);
            ok = ok && number;
        }
        if (!ok)
            throw SessionError(file.toStdString() + ":" + std::to_string(i + 1) + ": expected " +
                               std::to_string(header.size()) + " numbers separated by tabs, got '" +
                               lines[i].toStdString() + "'");
        for (qsizetype l = 0; l < layerCount; ++l) {
            perIteration[l].points << QPointF(values[0], values[l + 1]);
            if (l > 0)
                distribution[l - 1].points << QPointF(values[1], values[l + 1]);
        }
    }
    QList<SvgChart::Plot> plots{{QStringLiteral("neurons-per-iteration"),
                                 QStringLiteral("Neurons retained per hidden layer"), QStringLiteral("iteration t"),
                                 QStringLiteral("neurons N_t"), perIteration}};
    if (layerCount >= 2)
        plots << SvgChart::Plot{QStringLiteral("neuron-distribution"),
                                QStringLiteral("Neuron retention across hidden layers"),
                                QStringLiteral("hidden layer 1 neurons"), QStringLiteral("neurons"), distribution};
    return plots;
}

QList<SvgChart::Plot> SessionExporter::iterationPlots() const
{
    SvgChart::Series trainAcc{QStringLiteral("train"), QStringLiteral("#1f77b4"), {}},
        valAcc{QStringLiteral("validation"), QStringLiteral("#ff7f0e"), {}},
        testAcc{QStringLiteral("test"), QStringLiteral("#2ca02c"), {}};
    SvgChart::Series trainLoss = trainAcc, valLoss = valAcc, testLoss = testAcc;
    for (const QJsonObject& r : roundRecords()) {
        const double k = r.value(QStringLiteral("round")).toDouble();
        const auto add = [&](SvgChart::Series& acc, SvgChart::Series& loss, const char* accKey, const char* lossKey) {
            if (r.contains(QLatin1String(accKey)))
                acc.points << QPointF(k, r.value(QLatin1String(accKey)).toDouble() * 100.0);
            if (r.contains(QLatin1String(lossKey)))
                loss.points << QPointF(k, r.value(QLatin1String(lossKey)).toDouble());
        };
        add(trainAcc, trainLoss, "train_accuracy", "train_loss");
        add(valAcc, valLoss, "val_accuracy", "val_loss");
        add(testAcc, testLoss, "test_accuracy", "test_loss");
    }
    const auto present = [](const QList<SvgChart::Series>& all) {
        QList<SvgChart::Series> kept;
        for (const SvgChart::Series& s : all)
            if (!s.points.isEmpty())
                kept << s;
        return kept;
    };
    QList<SvgChart::Plot> plots{{QStringLiteral("accuracies"), QStringLiteral("Accuracy across iterations"),
                                 QStringLiteral("iteration (pruning round)"), QStringLiteral("accuracy (%)"),
                                 present({trainAcc, valAcc, testAcc})},
                                {QStringLiteral("losses"), QStringLiteral("Loss across iterations"),
                                 QStringLiteral("iteration (pruning round)"), QStringLiteral("loss"),
                                 present({trainLoss, valLoss, testLoss})}};
    if (const SensitivityAnalysis sensitivity = sensitivityAnalysis(); !sensitivity.isEmpty())
        plots.append(sensitivity.plot()); // one line per layer: accuracy against that layer's sparsity
    return plots;
}

namespace {

/// The report's curves: the training chart's series (per epoch) and the accuracy-vs-weights chart (per round), as
/// inline SVG, or (`chartImages`) as the chart:… images the PDF renderer draws.
QString curvesHtml(const QList<QJsonObject>& metrics, const QList<QJsonObject>& records, bool chartImages)
{
    SvgChart::Series trainLoss{QStringLiteral("train loss"), QStringLiteral("#1f77b4"), {}},
        valLoss{QStringLiteral("val loss"), QStringLiteral("#ff7f0e"), {}};
    SvgChart::Series trainAcc{QStringLiteral("train acc"), QStringLiteral("#1f77b4"), {}},
        valAcc{QStringLiteral("val acc"), QStringLiteral("#ff7f0e"), {}};
    for (const QJsonObject& e : metrics) {
        if (e.value(QStringLiteral("event")).toString() != QLatin1String("epoch"))
            continue;
        const double x = e.value(QStringLiteral("global_epoch")).toDouble();
        trainLoss.points << QPointF(x, e.value(QStringLiteral("train_loss")).toDouble());
        valLoss.points << QPointF(x, e.value(QStringLiteral("val_loss")).toDouble());
        trainAcc.points << QPointF(x, e.value(QStringLiteral("train_accuracy")).toDouble() * 100);
        valAcc.points << QPointF(x, e.value(QStringLiteral("val_accuracy")).toDouble() * 100);
    }
    SvgChart::Series roundVal{QStringLiteral("val acc"), QStringLiteral("#ff7f0e"), {}},
        roundTest{QStringLiteral("test acc"), QStringLiteral("#2ca02c"), {}};
    for (const QJsonObject& r : records) {
        const double total = r.value(QStringLiteral("weights_total")).toDouble();
        const double remaining = total > 0 ? 100.0 * r.value(QStringLiteral("weights_kept")).toDouble() / total : 100.0;
        roundVal.points << QPointF(remaining, r.value(QStringLiteral("val_accuracy")).toDouble() * 100);
        if (r.contains(QStringLiteral("test_accuracy")))
            roundTest.points << QPointF(remaining, r.value(QStringLiteral("test_accuracy")).toDouble() * 100);
    }
    if (chartImages)
        return QStringLiteral("<h2>Curves</h2>\n<p><img src='chart:training' width='600'></p><p><img "
                              "src='chart:sparsity' width='600'></p>\n");
    return QStringLiteral("<h2>Curves</h2>\n") +
           SvgChart::lineChart(QStringLiteral("Loss"), QStringLiteral("epoch"), QStringLiteral("loss"),
                               {trainLoss, valLoss}) +
           QStringLiteral("<br>\n") +
           SvgChart::lineChart(QStringLiteral("Accuracy"), QStringLiteral("epoch"), QStringLiteral("accuracy (%)"),
                               {trainAcc, valAcc}) +
           QStringLiteral("<br>\n") +
           SvgChart::lineChart(QStringLiteral("Accuracy against weights remaining"),
                               QStringLiteral("weights remaining (%)"), QStringLiteral("accuracy (%)"),
                               roundTest.points.isEmpty() ? QList<SvgChart::Series>{roundVal}
                                                          : QList<SvgChart::Series>{roundVal, roundTest}) +
           QStringLiteral("\n");
}

/// The report's confusion matrix (a row-normalised heatmap) and classification report of round `round`.
QString roundReportHtml(const QJsonObject& r, int round, const QStringList& classes)
{
    QString html;
    const QJsonObject report = r.value(QStringLiteral("report")).toObject();
    const QJsonArray matrix = report.value(QStringLiteral("confusion")).toArray();
    html += QStringLiteral("<h2>Round %1: confusion matrix (%2 split)</h2><table><tr><th>true \\ predicted</th>")
                .arg(round)
                .arg(report.value(QStringLiteral("split")).toString());
    for (qsizetype c = 0; c < matrix.size(); ++c)
        html += QStringLiteral("<th>%1</th>").arg(classes.value(c, QString::number(c)).toHtmlEscaped());
    html += QStringLiteral("</tr>\n");
    for (qsizetype t = 0; t < matrix.size(); ++t) {
        const QJsonArray row = matrix[t].toArray();
        double rowSum = 0;
        for (const QJsonValue& n : row)
            rowSum += n.toDouble();
        html += QStringLiteral("<tr><th>%1</th>").arg(classes.value(t, QString::number(t)).toHtmlEscaped());
        for (const QJsonValue& n : row) {
            const double share = rowSum > 0 ? n.toDouble() / rowSum : 0.0; // heatmap: row-normalised
            const int shade = int(255 - 180 * share);
            html += QStringLiteral("<td style='background:rgb(%1,%2,255)'>%3</td>")
                        .arg(shade)
                        .arg(shade)
                        .arg(qint64(n.toDouble()));
        }
        html += QStringLiteral("</tr>\n");
    }
    html += QStringLiteral("</table><h2>Round %1: classification "
                           "report</h2><table><tr><th>class</th><th>precision</th><th>recall</th>"
                           "<th>F1</th><th>support</th></tr>\n")
                .arg(round);
    const QJsonArray perClass = report.value(QStringLiteral("per_class")).toArray();
    for (qsizetype c = 0; c < perClass.size(); ++c) {
        const QJsonObject m = perClass[c].toObject();
        html +=
            QStringLiteral("<tr><th>%1</th><td>%2</td><td>%3</td><td>%4</td><td>%5</td></tr>\n")
                .arg(classes.value(c, QString::number(c)).toHtmlEscaped(), number(m.value(QStringLiteral("precision"))),
                     number(m.value(QStringLiteral("recall"))), number(m.value(QStringLiteral("f1"))))
                .arg(qint64(m.value(QStringLiteral("support")).toDouble()));
    }
    html += QStringLiteral("<tr><th>macro F1</th><td></td><td></td><td>%1</td><td></td></tr></table>\n")
                .arg(number(report.value(QStringLiteral("macro_f1"))));
    return html;
}

} // namespace

QString SessionExporter::reportHtml(int round, bool chartImages) const
{
    const QJsonObject recipe = session_.recipeJson();
    const QJsonObject dataset = session_.exists(QStringLiteral("dataset.json"))
                                    ? session_.readJson(QStringLiteral("dataset.json"))
                                    : QJsonObject{};
    const QJsonObject state = session_.state();
    const QList<QJsonObject> records = roundRecords();
    const QStringList classes = [&] {
        QStringList names;
        for (const QJsonValue& v : dataset.value(QStringLiteral("classes")).toArray())
            names << v.toString();
        return names;
    }();

    QString html =
        QStringLiteral(
            "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>PruneLab report: %1</title><style>"
            "body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
            "th{background:#eee}pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head><body>\n")
            .arg(session_.name().toHtmlEscaped());
    html += QStringLiteral("<h1>%1</h1><p>Session <code>%2</code>: %3, %4 of %5 rounds completed.</p>\n")
                .arg(recipe.value(QStringLiteral("name")).toString().toHtmlEscaped(), session_.path().toHtmlEscaped(),
                     state.value(QStringLiteral("status")).toString(QStringLiteral("unknown")))
                .arg(std::max(0, state.value(QStringLiteral("completed_round")).toInt(-1)))
                .arg(state.value(QStringLiteral("rounds")).toInt());

    html += QStringLiteral("<h2>Dataset</h2><table>");
    for (const char* key :
         {"description", "source", "images", "train", "validation", "test", "channels", "fingerprint"})
        if (dataset.contains(QLatin1String(key))) {
            const QJsonValue v = dataset.value(QLatin1String(key));
            html += QStringLiteral("<tr><th>%1</th><td style='text-align:left'>%2</td></tr>")
                        .arg(QLatin1String(key),
                             (v.isDouble() ? QString::number(v.toDouble()) : v.toString()).toHtmlEscaped());
        }
    html += QStringLiteral("<tr><th>classes</th><td style='text-align:left'>%1</td></tr></table>\n")
                .arg(classes.join(QStringLiteral(", ")).toHtmlEscaped());

    html += curvesHtml(session_.metrics(), records, chartImages);

    html +=
        QStringLiteral("<h2>Rounds</h2><table><tr><th>round</th><th>sparsity</th><th>weights kept</th><th>val acc "
                       "before fine-tune</th>"
                       "<th>val acc</th><th>test acc</th><th>non-zero parameters</th><th>remaining MMAC</th></tr>\n");
    for (const QJsonObject& r : records)
        html +=
            QStringLiteral(
                "<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td><td>%8</td></tr>\n")
                .arg(r.value(QStringLiteral("round")).toInt())
                .arg(percent(r.value(QStringLiteral("sparsity")).toDouble()))
                .arg(qint64(r.value(QStringLiteral("weights_kept")).toDouble()))
                .arg(percent(r.value(QStringLiteral("val_accuracy_before_fine_tune")).toDouble()))
                .arg(percent(r.value(QStringLiteral("val_accuracy")).toDouble()))
                .arg(r.contains(QStringLiteral("test_accuracy"))
                         ? percent(r.value(QStringLiteral("test_accuracy")).toDouble())
                         : QStringLiteral("–"))
                .arg(qint64(r.value(QStringLiteral("nonzero_parameters")).toDouble()))
                .arg(r.value(QStringLiteral("remaining_macs")).toDouble() / 1e6, 0, 'f', 3);
    html += QStringLiteral("</table>\n");
    QList<RoundStats> curve; // the knee, as the accuracy-vs-weights chart marks it
    for (const QJsonObject& r : records) {
        RoundStats point;
        point.round = r.value(QStringLiteral("round")).toInt();
        point.sparsity = r.value(QStringLiteral("sparsity")).toDouble();
        point.validationAccuracy = r.value(QStringLiteral("val_accuracy")).toDouble();
        curve << point;
    }
    if (const QString knee = accuracyKnee(curve).describe(); !knee.isEmpty())
        html += QStringLiteral("<p><b>%1</b> (the sparsest round whose validation accuracy is within 1 point of the "
                               "dense model's)</p>\n")
                    .arg(knee.toHtmlEscaped());

    for (const QJsonObject& r : records)
        if (r.value(QStringLiteral("round")).toInt() == round)
            html += roundReportHtml(r, round, classes);
    html += QStringLiteral("<h2>Recipe</h2><pre>%1</pre>\n")
                .arg(QString::fromUtf8(QJsonDocument(recipe).toJson(QJsonDocument::Indented)).toHtmlEscaped());
    return html + QStringLiteral("</body></html>\n");
}

QStringList SessionExporter::bundle(const QString& out) const
{
    // Zipped in memory, then written atomically like every other file (QuaZip closes the device it writes to,
    // which a QSaveFile cannot commit after).
    QBuffer buffer;
    const QString root = QFileInfo(session_.path()).fileName();
    const QString outAbsolute = QFileInfo(out).absoluteFilePath();
    {
        QuaZip zip(&buffer);
        if (!zip.open(QuaZip::mdCreate))
            throw SessionError("cannot write " + out.toStdString() + ": zip error " +
                               std::to_string(zip.getZipError()));
        QDirIterator it(session_.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        QStringList files;
        while (it.hasNext())
            files << it.next();
        std::sort(files.begin(), files.end());
        const QDir base(session_.path());
        for (const QString& path : files) {
            if (QFileInfo(path).absoluteFilePath() == outAbsolute)
                continue; // a bundle written into the session itself does not contain itself
            QFile in(path);
            if (!in.open(QIODevice::ReadOnly))
                throw SessionError("cannot read " + path.toStdString() + ": " + in.errorString().toStdString());
            QuaZipFile entry(&zip);
            if (!entry.open(QIODevice::WriteOnly,
                            QuaZipNewInfo(root + QLatin1Char('/') + base.relativeFilePath(path), path)))
                throw SessionError("cannot write " + out.toStdString() + ": zip error " +
                                   std::to_string(entry.getZipError()));
            const QByteArray bytes = in.readAll();
            if (entry.write(bytes) != bytes.size())
                throw SessionError("cannot write " + out.toStdString() + ": " + entry.errorString().toStdString());
            entry.close();
            if (entry.getZipError() != 0)
                throw SessionError("cannot write " + out.toStdString() + ": zip error " +
                                   std::to_string(entry.getZipError()));
        }
        zip.close();
        if (zip.getZipError() != 0)
            throw SessionError("cannot write " + out.toStdString() + ": zip error " +
                               std::to_string(zip.getZipError()));
    }
    Session::writeFileAtomically(out, buffer.data());
    return {out};
}

QStringList SessionExporter::write(const QString& format, const QString& out, int round) const
{
    if (format == QLatin1String("state-dict"))
        return copyModelFile(QStringLiteral("model.pt"), QStringLiteral("model_sha256"), out, round);
    if (format == QLatin1String("masks"))
        return copyModelFile(QStringLiteral("masks.pt"), QStringLiteral("masks_sha256"), out, round);
    if (format == QLatin1String("csv")) {
        QStringList written;
        for (const auto& [name, bytes] : csvFiles(round)) {
            Session::writeFileAtomically(out + QLatin1Char('/') + name, bytes);
            written << out + QLatin1Char('/') + name;
        }
        return written;
    }
    if (format == QLatin1String("report")) {
        Session::writeFileAtomically(out, reportHtml(round).toUtf8());
        return {out};
    }
    if (format == QLatin1String("bundle"))
        return bundle(out);
    if (format == QLatin1String("plots"))
        throw SessionError("--format plots is drawn by the GUI's charts: ui/ChartExport writes it");
    if (unavailableFormats().contains(format))
        throw SessionError("--format " + format.toStdString() + " is not available in this version yet");
    throw SessionError("--format must be one of " +
                       (formats() + unavailableFormats()).join(QStringLiteral(", ")).toStdString() + ", got '" +
                       format.toStdString() + "'");
}

namespace {

SessionExporter::ChartRenderer& chartRenderer()
{
    static SessionExporter::ChartRenderer renderer;
    return renderer;
}

} // namespace

void SessionExporter::setChartRenderer(ChartRenderer renderer)
{
    chartRenderer() = std::move(renderer);
}

QStringList SessionExporter::exportTo(const QString& format, const QString& out, int round) const
{
    const ChartRenderer& renderer = chartRenderer();
    if ((format == QLatin1String("plots") || format == QLatin1String("report")) &&
        (!renderer.plots || !renderer.reportPdf))
        throw SessionError("--format " + format.toStdString() +
                           " draws the GUI's charts, and no chart renderer is installed in this program");
    if (format == QLatin1String("plots")) // the GUI's own charts, rendered offscreen
        return renderer.plots(session_.path(), out);
    if (format != QLatin1String("report"))
        return write(format, out, round);
    const QString stem = out.endsWith(QLatin1String(".html")) || out.endsWith(QLatin1String(".pdf"))
                             ? out.section(QLatin1Char('.'), 0, -2)
                             : out;
    QStringList written = write(format, stem + QStringLiteral(".html"), round);
    renderer.reportPdf(session_.path(), round, stem + QStringLiteral(".pdf"));
    return written << stem + QStringLiteral(".pdf");
}

} // namespace prunelab::workbench
