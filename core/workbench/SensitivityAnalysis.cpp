#include "core/workbench/SensitivityAnalysis.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace prunelab::workbench {

namespace {

const QStringList kColors = {QStringLiteral("#1f77b4"), QStringLiteral("#ff7f0e"), QStringLiteral("#2ca02c"),
                             QStringLiteral("#d62728"), QStringLiteral("#9467bd"), QStringLiteral("#8c564b"),
                             QStringLiteral("#e377c2"), QStringLiteral("#7f7f7f"), QStringLiteral("#bcbd22"),
                             QStringLiteral("#17becf")};

} // namespace

SensitivityAnalysis SensitivityAnalysis::fromRounds(const QList<RoundStats>& rounds)
{
    SensitivityAnalysis a;
    for (const RoundStats& r : rounds) {
        if (r.round == 0)
            a.denseAccuracy_ = r.validationAccuracy;
        if (r.sensitivityLayer.isEmpty())
            continue;
        if (!a.layers_.contains(r.sensitivityLayer))
            a.layers_.append(r.sensitivityLayer);
        if (!a.sparsities_.contains(r.sweepValue))
            a.sparsities_.append(r.sweepValue);
    }
    std::sort(a.sparsities_.begin(), a.sparsities_.end());
    a.accuracy_ = QList<QList<double>>(a.layers_.size(), QList<double>(a.sparsities_.size(), -1.0));
    a.weights_ = QList<qint64>(a.layers_.size(), 0);
    for (const RoundStats& r : rounds) {
        if (r.sensitivityLayer.isEmpty())
            continue;
        const qsizetype l = a.layers_.indexOf(r.sensitivityLayer);
        a.accuracy_[l][a.sparsities_.indexOf(r.sweepValue)] = r.validationAccuracy;
        for (const LayerStats& layer : r.layers)
            if (layer.name == r.sensitivityLayer)
                a.weights_[l] = layer.total;
    }
    return a;
}

QList<SensitivityAnalysis::Proposal> SensitivityAnalysis::propose(double maxDropPoints) const
{
    const double floor = denseAccuracy_ - maxDropPoints / 100.0;
    QList<Proposal> out;
    for (qsizetype l = 0; l < layers_.size(); ++l) {
        Proposal p{layers_[l], 0.0, denseAccuracy_};
        for (qsizetype s = 0; s < sparsities_.size(); ++s) {
            const double a = accuracy_[l][s];
            if (a < 0.0 || a < floor - 1e-12)
                break; // the first sparsity that drops too far (or is not measured) ends the layer's proposal
            p.sparsity = sparsities_[s];
            p.accuracy = a;
        }
        out.append(p);
    }
    return out;
}

double SensitivityAnalysis::proposedOverallSparsity(double maxDropPoints) const
{
    const QList<Proposal> proposals = propose(maxDropPoints);
    double pruned = 0.0, total = 0.0;
    for (qsizetype l = 0; l < proposals.size(); ++l) {
        pruned += double(std::llround(proposals[l].sparsity * double(weights_[l])));
        total += double(weights_[l]);
    }
    return total > 0.0 ? pruned / total : 0.0;
}

QByteArray SensitivityAnalysis::csv() const
{
    QByteArray out = "layer,sparsity,val_accuracy,drop_points\n";
    out += QStringLiteral("dense,0,%1,0\n").arg(denseAccuracy_, 0, 'g', 10).toUtf8();
    for (qsizetype l = 0; l < layers_.size(); ++l)
        for (qsizetype s = 0; s < sparsities_.size(); ++s)
            if (accuracy_[l][s] >= 0.0)
                out += QStringLiteral("%1,%2,%3,%4\n")
                           .arg(layers_[l])
                           .arg(sparsities_[s], 0, 'g', 10)
                           .arg(accuracy_[l][s], 0, 'g', 10)
                           .arg(100.0 * (denseAccuracy_ - accuracy_[l][s]), 0, 'g', 10)
                           .toUtf8();
    return out;
}

SvgChart::Plot SensitivityAnalysis::plot() const
{
    SvgChart::Plot plot{QStringLiteral("sensitivity"),
                        QStringLiteral("Sensitivity: one layer pruned alone, no fine-tuning"),
                        QStringLiteral("sparsity of the layer (%)"),
                        QStringLiteral("validation accuracy (%)"),
                        {}};
    for (qsizetype l = 0; l < layers_.size(); ++l) {
        SvgChart::Series series{layers_[l], kColors[l % kColors.size()], {}};
        for (qsizetype s = 0; s < sparsities_.size(); ++s)
            if (accuracy_[l][s] >= 0.0)
                series.points.append({100.0 * sparsities_[s], 100.0 * accuracy_[l][s]});
        plot.series.append(series);
    }
    if (!sparsities_.isEmpty())
        plot.series.append({QStringLiteral("dense"),
                            QStringLiteral("#000000"),
                            {{100.0 * sparsities_.first(), 100.0 * denseAccuracy_},
                             {100.0 * sparsities_.last(), 100.0 * denseAccuracy_}}});
    return plot;
}

QByteArray SensitivityAnalysis::proposalJson(double maxDropPoints) const
{
    QJsonObject layers;
    for (const Proposal& p : propose(maxDropPoints))
        layers.insert(p.layer, p.sparsity);
    const QJsonObject json{{"max_drop", maxDropPoints},
                           {"dense_accuracy", denseAccuracy_},
                           {"overall_sparsity", proposedOverallSparsity(maxDropPoints)},
                           {"layer_sparsities", layers}};
    return QJsonDocument(json).toJson(QJsonDocument::Indented);
}

QString SensitivityAnalysis::proposalText(double maxDropPoints) const
{
    QStringList lines;
    lines << QStringLiteral("Largest sparsity per layer within %1 pt of the dense %2 %:")
                 .arg(maxDropPoints)
                 .arg(100.0 * denseAccuracy_, 0, 'f', 1);
    for (const Proposal& p : propose(maxDropPoints))
        lines << QStringLiteral("  %1: %2 % (val acc %3 %)")
                     .arg(p.layer)
                     .arg(100.0 * p.sparsity, 0, 'f', 1)
                     .arg(100.0 * p.accuracy, 0, 'f', 1);
    lines << QStringLiteral("Together: %1 % of the prunable weights; each was measured alone, so together the drop can "
                            "be larger (layers interact): check it with a run.")
                 .arg(100.0 * proposedOverallSparsity(maxDropPoints), 0, 'f', 1);
    return lines.join(QLatin1Char('\n'));
}

QString SensitivityAnalysis::csvFile()
{
    return QStringLiteral("results/sensitivity.csv");
}

QString SensitivityAnalysis::proposalFile()
{
    return QStringLiteral("results/sensitivity-proposal.json");
}

} // namespace prunelab::workbench
