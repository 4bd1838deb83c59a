// The sensitivity table, its proposal and its files, from a run's rounds (SensitivityAnalysis.h).
#include "core/workbench/SensitivityAnalysis.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace prunelab::workbench;

namespace {

RoundStats round(int k, const QString& layer, double sparsity, double accuracy, qint64 weights)
{
    RoundStats r;
    r.round = k;
    r.sensitivityLayer = layer;
    r.sweepValue = sparsity;
    r.validationAccuracy = accuracy;
    LayerStats stats;
    stats.name = layer;
    stats.total = weights;
    r.layers.append(stats);
    return r;
}

/// Dense 0.90; layer a (1000 weights) keeps 0.90 to 50 %, 0.895 at 80 %, 0.70 at 90 %; layer b (100 weights) drops
/// at once; layer c dips at 50 % and comes back at 80 % (noise: the proposal stops at the first drop).
QList<RoundStats> rounds()
{
    RoundStats dense;
    dense.validationAccuracy = 0.90;
    return {dense,
            round(1, "a", 0.5, 0.90, 1000),
            round(2, "a", 0.8, 0.895, 1000),
            round(3, "a", 0.9, 0.70, 1000),
            round(4, "b", 0.5, 0.80, 100),
            round(5, "b", 0.8, 0.60, 100),
            round(6, "b", 0.9, 0.50, 100),
            round(7, "c", 0.9, 0.90, 100), // out of order on purpose
            round(8, "c", 0.5, 0.85, 100),
            round(9, "c", 0.8, 0.90, 100)};
}

} // namespace

class tst_SensitivityAnalysis : public QObject {
    Q_OBJECT
private slots:
    void tableFromRounds()
    {
        const SensitivityAnalysis a = SensitivityAnalysis::fromRounds(rounds());
        QCOMPARE(a.layers(), QStringList({"a", "b", "c"}));
        QCOMPARE(a.sparsities(), QList<double>({0.5, 0.8, 0.9}));
        QCOMPARE(a.denseAccuracy(), 0.90);
        QCOMPARE(a.accuracy(2, 2), 0.90);
        QCOMPARE(a.accuracy(2, 0), 0.85);
        QCOMPARE(a.layerWeights(0), qint64(1000));
        QVERIFY(SensitivityAnalysis::fromRounds({rounds().first()}).isEmpty());
    }

    void proposesTheLargestSparsityWithinTheDrop_data()
    {
        QTest::addColumn<double>("maxDrop");
        QTest::addColumn<QList<double>>("expected"); // a, b, c
        QTest::newRow("1 point") << 1.0 << QList<double>{0.8, 0.0, 0.0};
        QTest::newRow("0 points") << 0.0 << QList<double>{0.5, 0.0, 0.0};
        QTest::newRow("5 points") << 5.0 << QList<double>{0.8, 0.0, 0.9};
        QTest::newRow("20 points") << 20.0 << QList<double>{0.9, 0.5, 0.9};
    }
    void proposesTheLargestSparsityWithinTheDrop()
    {
        QFETCH(double, maxDrop);
        QFETCH(QList<double>, expected);
        const SensitivityAnalysis a = SensitivityAnalysis::fromRounds(rounds());
        const QList<SensitivityAnalysis::Proposal> p = a.propose(maxDrop);
        QCOMPARE(p.size(), 3);
        for (int l = 0; l < 3; ++l)
            QCOMPARE(p[l].sparsity, expected[l]);
        const double overall =
            (std::llround(expected[0] * 1000) + std::llround(expected[1] * 100) + std::llround(expected[2] * 100)) /
            1200.0;
        QCOMPARE(a.proposedOverallSparsity(maxDrop), overall);
        const QJsonObject json = QJsonDocument::fromJson(a.proposalJson(maxDrop)).object();
        QCOMPARE(json.value("layer_sparsities").toObject().value("a").toDouble(), expected[0]);
        QCOMPARE(json.value("max_drop").toDouble(), maxDrop);
        QVERIFY(a.proposalText(maxDrop).contains("layers interact"));
    }

    void csvAndPlot()
    {
        const SensitivityAnalysis a = SensitivityAnalysis::fromRounds(rounds());
        const QList<QByteArray> lines = a.csv().trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 1 + 9);
        QCOMPARE(lines[0], QByteArray("layer,sparsity,val_accuracy,drop_points"));
        QCOMPARE(lines[1], QByteArray("dense,0,0.9,0"));
        QCOMPARE(lines[4], QByteArray("a,0.9,0.7,20"));
        const SvgChart::Plot plot = a.plot();
        QCOMPARE(plot.series.size(), 3 + 1); // one line per layer, and the dense accuracy
        QCOMPARE(plot.series[0].name, QStringLiteral("a"));
        QCOMPARE(plot.series[2].points, (QList<QPointF>{{50, 85}, {80, 90}, {90, 90}}));
    }
};

QTEST_GUILESS_MAIN(tst_SensitivityAnalysis)
#include "tst_sensitivityanalysis.moc"
